"""gradjudge's check against `torch.autograd.gradcheck` and against the physical limit, side by side in one run.

    python benchmarks/vs_gradcheck.py

For a few derivation ids of hw1 at two sizes it times, per checked case,
(a) the physical limit: one forward evaluation of the case, one VJP (autograd)
and one call of the closed form; (b) this project under grading's defaults,
`check_cases(..., witness=SAMPLED)` over 20 seeded cases, for a first
submission (nothing cached) and a later one of the same class (truths and
witnesses cached); (c) this project's `verify` mode, `check_case` with every
case witnessed; (d) gradcheck in slow and (e) fast mode, each on the closed form
wrapped in a `torch.autograd.Function` (see `gradcheck_wrapping.py`), on the
same cases (same seeds). It counts the forward evaluations each method spends,
measures the peak memory at the large size, runs every wrong variant of the
assignment's catalog through this project and gradcheck, and where a target is
missed, profiles the worst case with cProfile. Every measurement runs in a
subprocess (`bench_worker.py`); gradcheck's with an address-space cap and a
timeout, and one that does not finish is reported as such.

It writes the results between the `vs_gradcheck` markers of docs/benchmarks.md
(nothing outside them) and the plot docs/benchmarks.png.

About 5 to 6 minutes on a 2-core machine, most of it slow-mode gradcheck at the
large size (one case per id, up to 150 s each).
"""
from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
for _path in (str(HERE), str(ROOT)):
    if _path not in sys.path:
        sys.path.insert(0, _path)

import matplotlib  # noqa: E402

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import torch  # noqa: E402

from checks.engine import witnessing  # noqa: E402
from checks.engine.check import check_case, check_cases  # noqa: E402
from checks.engine.properties import case_stream  # noqa: E402
from checks.engine.submission import Overlay, reference  # noqa: E402
from checks.sandbox.isolation import ENVIRONMENT as SANDBOX_ENVIRONMENT  # noqa: E402
from common import (fmt_mb, fmt_ratio, fmt_seconds, load_average, machine, markdown_table,  # noqa: E402
                    python_path_environment, require_keywords, text_table, write_section)
from common import commit as git_commit  # noqa: E402
from common import now  # noqa: E402
from gradcheck_wrapping import assignment, make_case, wrt_numel  # noqa: E402

require_keywords(check_cases, "entry", "cases", "submission", "witness")
require_keywords(witnessing.policy, "name")
require_keywords(case_stream, "context", "profile")
_ = (witnessing.SAMPLED, witnessing.EVERY, check_case)

IDS = ("bn_dL_dx", "softmax_dL_dx", "eq05_dL_dz1B", "eq06_dL_dtheta1B", "eq13_dL_dtheta1A")
SIZES = ("small", "large")
VERIFY_SEEDS = {"small": (0, 1, 2, 3, 4), "large": (0, 1, 2)}
GRADING_CASES = 20
"""Seeded cases of one size per grading-defaults run (2 of them witnessed under SAMPLED)."""
GRADING_REPEATS = 3
"""Disjoint sets of GRADING_CASES seeds (0-19, 20-39, 40-59), each a fresh first submission: medians over them."""
GRADCHECK_SEEDS = {("small", "slow"): (0, 1, 2, 3, 4), ("small", "fast"): (0, 1, 2, 3, 4),
                   ("large", "fast"): (0, 1, 2), ("large", "slow"): (0,)}
WARMUP_SEED = 99
"""Every method first checks one untimed small case of the id (first-call overheads)."""
DETECTION_CASES = tuple((size, seed) for size in ("small", "m4") for seed in (0, 1, 2))
MEM_GB = 8
THREADS = 1
"""torch intra-op threads, for every method alike. On a shared machine, with 2 threads an op that enters a
parallel region waits for a thread whose core is busy elsewhere: a small slow-mode gradcheck went from 0.05 s
to 4 s per case in a trial run. One thread is also what grading uses (`use_one_thread`)."""
DEFAULT_THREADS = 1
"""torch's own default (read in main); this project's memory is also measured with it."""
TIMEOUT = {"large slow": 150, "default": 300}
PHYSICAL_FACTOR = 2
"""Target: grading defaults (first submission) per case within this factor of the physical limit."""
FAST_FACTOR = 1
"""Target: gradcheck fast mode / grading defaults (first submission) at least this, at both sizes."""
SLOW_FACTOR = 10
"""Target: gradcheck slow mode / verify mode at least this at the small size, for every id."""
OUR_MEMORY_LIMIT_MB = 2048
MAX_PROFILES = 3
PLOT = ROOT / "docs" / "benchmarks.png"
SECTION = "vs_gradcheck"
METHODS = ("physical", "first", "later", "verify", "slow", "fast")
METHOD_TITLES = {"physical": "physical limit (forward + VJP + closed form)",
                 "first": "gradjudge, grading defaults, first submission",
                 "later": "gradjudge, grading defaults, later submission (cached)",
                 "verify": "gradjudge verify (every case witnessed)",
                 "slow": "gradcheck slow mode", "fast": "gradcheck fast mode"}
SIZE_LABELS = {"small": "small (m=8, widths 16)", "large": "large (m=256, widths 128)"}


GRADING_FIRST_SEED = 1000
"""Grading's seeds start here: cases that verify mode (seeds 0-4, in the same process) has not cached."""


def grading_seeds(repeat: int) -> list[int]:
    start = GRADING_FIRST_SEED + repeat * GRADING_CASES
    return list(range(start, start + GRADING_CASES))


WORKER_THREADS = {name: value for name, value in SANDBOX_ENVIRONMENT.items() if name.endswith("_NUM_THREADS")}
"""numpy's BLAS (and OpenMP) threads in every measuring process: one, as in grading's sandbox worker."""


# --------------------------------------------------------------------------- subprocess runs


@dataclass
class WorkerRun:
    events: list[dict]
    returncode: int | None
    timed_out: bool
    ended: float
    """time.monotonic() when the process ended or was killed."""
    peak_rss_mb: float
    """Largest VmHWM seen while polling /proc (the worker reports its own in its events, until it is killed)."""
    stderr: str

    def failure(self) -> str | None:
        if self.timed_out:
            return "timed out"
        if self.returncode:
            return f"exit {self.returncode}: {self.stderr.strip()[-300:]}"
        return None


def run_worker(job: dict, *, mem_gb: float | None, timeout: float) -> WorkerRun:
    command = [sys.executable, str(HERE / "bench_worker.py")]
    if mem_gb is not None:
        command += ["--mem-gb", str(mem_gb)]
    command.append(json.dumps(job))
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=ROOT,
                               env={**python_path_environment(), **WORKER_THREADS})
    lines: list[str] = []
    errors: list[str] = []
    readers = [threading.Thread(target=lambda: lines.extend(process.stdout), daemon=True),
               threading.Thread(target=lambda: errors.extend(process.stderr), daemon=True)]
    for reader in readers:
        reader.start()
    deadline = time.monotonic() + timeout
    peak, timed_out = 0.0, False
    while process.poll() is None:
        if lines:  # only once the worker has spoken: before its exec, /proc shows the parent's memory
            peak = max(peak, _vm_hwm_mb(process.pid))
        if time.monotonic() > deadline:
            timed_out = True
            process.kill()  # our own child, by its id
            break
        time.sleep(0.2)
    process.wait()
    ended = time.monotonic()
    for reader in readers:
        reader.join(timeout=5)
    events = [json.loads(line[6:]) for line in lines if line.startswith("EVENT ")]
    return WorkerRun(events, process.returncode, timed_out, ended, peak, "".join(errors))


def _vm_hwm_mb(pid: int) -> float:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


# --------------------------------------------------------------------------- measurements


@dataclass
class Timing:
    """One method on one id and size, case by case (verify mode, gradcheck)."""

    seconds: list[float] = field(default_factory=list)
    passed: list[bool] = field(default_factory=list)
    forward: list[int] = field(default_factory=list)
    probes: list[tuple[int, int]] = field(default_factory=list)
    """verify only: (discarded, probes) of the numeric witness per case."""
    unfinished: str | None = None
    """Why a case did not finish, e.g. `out of memory after 80 s`."""
    unfinished_seconds: float | None = None
    unfinished_forward: int | None = None
    peak_rss_mb: float | None = None
    skipped: str | None = None

    @property
    def median(self) -> float | None:
        return statistics.median(self.seconds) if self.seconds else None


@dataclass
class Grading:
    """This project under grading's defaults on one id and size (or the rubric's stream), with the physical limit
    on the same cases; one entry per repeat (a fresh set of seeds)."""

    physical: list[list[dict]] = field(default_factory=list)
    first: list[dict] = field(default_factory=list)
    later: list[dict] = field(default_factory=list)
    no_witness: list[dict] = field(default_factory=list)
    error: str | None = None

    @staticmethod
    def _per_case(runs: list[dict]) -> float | None:
        return statistics.median(run["seconds"] / run["n"] for run in runs) if runs else None

    @property
    def physical_per_case(self) -> float | None:
        """Median over repeats of the mean per case (the grading runs are one call per set, so means as well)."""
        if not self.physical:
            return None
        return statistics.median(statistics.fmean(p["total"] for p in phases) for phases in self.physical)

    def phase(self, name: str) -> float | None:
        if not self.physical:
            return None
        return statistics.median(statistics.fmean(p[name] for p in phases) for phases in self.physical)

    @property
    def first_per_case(self) -> float | None:
        return self._per_case(self.first)

    @property
    def later_per_case(self) -> float | None:
        return self._per_case(self.later)

    @property
    def no_witness_per_case(self) -> float | None:
        return self._per_case(self.no_witness)

    @property
    def cases(self) -> int:
        return self.first[0]["n"] if self.first else 0

    @property
    def witnessed(self) -> int:
        return self.first[0]["witnessed"] if self.first else 0

    @property
    def all_passed(self) -> bool:
        return bool(self.first) and all(run["passed"] == run["n"] for run in self.first + self.later)

    @property
    def forward_per_case(self) -> float | None:
        """Model evaluations per case: the witness's points, plus the case's forward pass and autograd's."""
        if not self.first:
            return None
        run = self.first[0]
        return run["evaluations"] / run["n"] + 2

    def ratio(self, numerator: str) -> float | None:
        top = {"first": self.first_per_case, "later": self.later_per_case}[numerator]
        bottom = self.physical_per_case
        return top / bottom if top is not None and bottom else None


def time_ours(id: str) -> tuple[dict[str, Grading], dict[str, Timing]]:
    """Verify mode, then the physical limit and grading's defaults at both sizes and on the rubric's stream, for one
    id in one fresh process (nothing cached at its start: each repeat's seeds are new to it, a first submission)."""
    job = {"task": "ours", "id": id, "threads": THREADS, "stream": True,
           "verify": {size: list(VERIFY_SEEDS[size]) for size in SIZES},
           "grading": {size: [grading_seeds(repeat) for repeat in range(GRADING_REPEATS)] for size in SIZES}}
    run = run_worker(job, mem_gb=None, timeout=TIMEOUT["default"])
    grading = {size: Grading() for size in (*SIZES, "stream")}
    verify = {size: Timing() for size in SIZES}
    for event in run.events:
        if event["event"] == "verify":
            timing = verify[event["size"]]
            timing.seconds.append(event["seconds"])
            timing.passed.append(event["passed"])
            timing.forward.append(event["forward"])
            timing.probes.append((event["discarded"], event["probes"]))
        elif event["event"] == "physical":
            grading[event["size"]].physical.append(event["phases"])
        elif event["event"] in ("first", "later", "no_witness"):
            getattr(grading[event["size"]], event["event"]).append(event)
    if run.failure():
        for result in grading.values():
            result.error = run.failure()
        for timing in verify.values():
            timing.unfinished = timing.unfinished or f"worker failed ({run.failure()})"
    return grading, verify


def time_gradcheck(id: str, size: str, mode: str) -> Timing:
    seeds = GRADCHECK_SEEDS[(size, mode)]
    timeout = TIMEOUT["large slow"] if (size, mode) == ("large", "slow") else TIMEOUT["default"]
    job = {"task": "gradcheck", "id": id, "size": size, "seeds": list(seeds), "fast_mode": mode == "fast",
           "warmup": True, "threads": THREADS}
    run = run_worker(job, mem_gb=MEM_GB, timeout=timeout)
    timing = Timing(peak_rss_mb=run.peak_rss_mb)
    started: dict | None = None
    progress: dict | None = None
    for event in run.events:
        kind = event["event"]
        if kind == "start":
            started, progress = event, None
        elif kind == "progress":
            progress = event
        elif kind == "done":
            timing.seconds.append(event["seconds"])
            timing.passed.append(event["passed"])
            timing.forward.append(event["forward"])
            timing.peak_rss_mb = max(timing.peak_rss_mb, event["maxrss_mb"])
            started = None
        elif kind == "oom":
            timing.unfinished = f"out of memory after {event['seconds']:.0f} s"
            timing.unfinished_seconds, timing.unfinished_forward = event["seconds"], event["forward"]
            started = None
        elif kind == "raised":
            timing.unfinished = f"raised {event['error'][:120]}"
            started = None
    if started is not None:  # killed at the timeout, or died without a word
        elapsed = run.ended - started["t"]
        timing.unfinished_seconds = elapsed
        timing.unfinished_forward = progress["forward"] if progress else None
        if run.timed_out:
            timing.unfinished = f"timed out after {elapsed:.0f} s"
        elif _looks_out_of_memory(run):
            timing.unfinished = f"out of memory after {elapsed:.0f} s"
        else:
            timing.unfinished = f"crashed after {elapsed:.0f} s (exit {run.returncode}: {run.stderr.strip()[-160:]})"
    finished = bool(run.events) and run.events[-1]["event"] == "finished"
    if not finished and timing.unfinished is None:
        timing.unfinished = f"worker failed (exit {run.returncode}): {run.stderr.strip()[-300:]}"
    return timing


def _looks_out_of_memory(run: WorkerRun) -> bool:
    text = run.stderr.lower()
    return (run.returncode in (-9, 137) or "bad_alloc" in text or "memoryerror" in text
            or "cannot allocate" in text or "can't allocate" in text)


def ours_memory(id: str, threads: int) -> dict:
    run = run_worker({"task": "ours_memory", "id": id, "size": "large", "seed": 0, "threads": threads}, mem_gb=None,
                     timeout=TIMEOUT["default"])
    memory = [e for e in run.events if e["event"] == "memory"]
    if not memory:
        return {"error": f"exit {run.returncode}: {run.stderr.strip()[-200:]}"}
    return memory[0]


def profile(id: str, size: str, mode: str) -> dict | None:
    seeds = grading_seeds(0) if mode == "first" else list(VERIFY_SEEDS[size])
    run = run_worker({"task": "profile", "id": id, "size": size, "mode": mode, "seeds": seeds, "threads": THREADS},
                     mem_gb=None, timeout=TIMEOUT["default"])
    found = [e for e in run.events if e["event"] == "profile"]
    return found[0] if found else {"error": run.failure() or "no profile reported"}


def detect_ours(submission) -> tuple[dict[str, list[bool]], dict[str, float]]:
    """Per variant (and per catalog id's reference, as a control): for each detection case, did the check fail?
    Also each variant's relative error on the first case."""
    found = assignment()
    caught: dict[str, list[bool]] = {}
    relative: dict[str, float] = {}
    for variant in found.catalog:
        entry = found.by_id[variant.id]
        wrong = Overlay(submission, {variant.id: variant.function}, variant.name)
        results = [check_case(entry, make_case(entry.context, size, seed), wrong) for size, seed in DETECTION_CASES]
        caught[variant.name] = [not r.passed for r in results]
        first = results[0]  # small, seed 0
        if first.comparisons:  # closed form vs autograd: the largest gap over the checker's scale
            relative[variant.name] = first.comparisons[0].error
    for id in sorted({variant.id for variant in found.catalog}):
        entry = found.by_id[id]
        caught[f"reference:{id}"] = [not check_case(entry, make_case(entry.context, size, seed), submission).passed
                                     for size, seed in DETECTION_CASES]
    return caught, relative


def detect_gradcheck() -> dict[tuple[str, str], list[dict]]:
    """Every catalog variant, and as a control the reference of every catalog id, in both modes, in one subprocess."""
    catalog = assignment().catalog
    items = [{"variant": v.name, "size": size, "seed": seed} for v in catalog for size, seed in DETECTION_CASES]
    items += [{"id": id, "size": size, "seed": seed} for id in sorted({v.id for v in catalog})
              for size, seed in DETECTION_CASES]
    run = run_worker({"task": "gradcheck_detect", "items": items, "threads": THREADS}, mem_gb=MEM_GB,
                     timeout=TIMEOUT["default"])
    verdicts: dict[tuple[str, str], list[dict]] = {}
    for event in run.events:
        if event["event"] == "verdict":
            verdicts.setdefault((event["name"], event["mode"]), []).append(event)
    if run.failure():
        print(f"  gradcheck detection worker ended early ({run.failure()})")
    return verdicts


# --------------------------------------------------------------------------- formatting


def timing_cell(timing: Timing) -> str:
    if timing.skipped:
        return "not run (see note)"
    if timing.median is None:
        return f"did not finish ({timing.unfinished})"
    cell = f"{fmt_seconds(timing.median)} (n={len(timing.seconds)})"
    if timing.unfinished:
        cell += f"; one case did not finish ({timing.unfinished})"
    return cell


def grading_cell(grading: Grading, which: str) -> str:
    value = {"physical": grading.physical_per_case, "first": grading.first_per_case,
             "later": grading.later_per_case}[which]
    if value is None:
        return f"failed ({grading.error})" if grading.error else "—"
    if which == "first":
        return f"{fmt_seconds(value)} ({grading.witnessed} of {grading.cases} witnessed)"
    return fmt_seconds(value)


def ratio_cell(other: Timing, ours_seconds: float | None) -> tuple[str, float | None, bool]:
    """Text, value, and whether the value is only a lower bound."""
    if other.skipped or not ours_seconds:
        return "—", None, False
    if other.median is not None:
        ratio = other.median / ours_seconds
        return fmt_ratio(ratio), ratio, False
    if other.unfinished_seconds is not None:
        ratio = other.unfinished_seconds / ours_seconds
        return f"> {fmt_ratio(ratio)} (did not finish)", ratio, True
    return "—", None, False


def forward_cell(timing: Timing, expected: int | None = None) -> str:
    if timing.skipped:
        return "—"
    if timing.forward:
        values = sorted(set(timing.forward))
        return "/".join(f"{v:,}" for v in values)
    if timing.unfinished_forward is not None:
        return f"≥ {timing.unfinished_forward:,}" + (f" of {expected:,}" if expected else "")
    return f"({expected:,} needed)" if expected else "—"


def passed_cell(timing: Timing) -> str:
    if not timing.passed:
        return "—"
    return f"{sum(timing.passed)}/{len(timing.passed)}"


def verdict(ratio: float | None, met: bool) -> str:
    if ratio is None:
        return "—"
    return f"{fmt_ratio(ratio)} ({'met' if met else '**missed**'})"


def slow_mode_forward_calls(entry, size: str) -> int:
    """What slow mode needs: two forward calls per wrt element for the numerical Jacobian, plus two."""
    return 2 * wrt_numel(entry, size) + 2


def span(values: list[float]) -> str:
    low, high = fmt_ratio(min(values)), fmt_ratio(max(values))
    return low if low == high else f"{low} to {high}"


# --------------------------------------------------------------------------- detection summary


def detection_cell(flags: list[bool]) -> str:
    n, k = len(flags), sum(flags)
    return f"caught ({k}/{n} cases)" if k else f"**missed** (0/{n} cases)"


def gradcheck_detection_cell(verdicts: list[dict] | None) -> tuple[str, bool | None]:
    if not verdicts:
        return "not run", None
    if all(v["status"] == "n/a" for v in verdicts):
        return "n/a (gradcheck checks no forward values)", None
    n = len(verdicts)
    failed = sum(v["status"] == "failed" for v in verdicts)
    raised = sum(v["status"] == "raised" for v in verdicts)
    if failed + raised == 0:
        return f"**missed** (0/{n} cases)", False
    text = f"caught ({failed + raised}/{n} cases"
    if raised:
        reason = "backward returned a gradient of the wrong shape" if any(
            "invalid gradient" in v.get("detail", "") for v in verdicts) else verdicts[0].get("detail", "")[:80]
        text += f"; on {raised} it raised instead: {reason}"
    return text + ")", True


def _short(cell: str) -> str:
    """A detection cell for the console: `caught (6/6 cases; on 3 it raised ...)` -> `caught (6/6; 3 raised)`."""
    cell = cell.replace("**", "")
    if "; on " in cell:
        head, tail = cell.split("; on ", 1)
        return f"{head.replace(' cases', '')}; {tail.split(' ', 1)[0]} raised)"
    return cell.replace(" cases)", ")")


# --------------------------------------------------------------------------- main


def software_notes() -> str:
    return (f"{machine()['python']}, torch {torch.__version__} ({THREADS} intra-op thread{'s' if THREADS > 1 else ''} "
            f"for every method, see THREADS in the script), numpy {np.__version__}, {machine()['system']}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--skip-large-slow", action="store_true",
                        help="skip slow-mode gradcheck at the large size (development only)")
    parser.add_argument("--no-write", action="store_true", help="do not write docs/benchmarks.md or the plot")
    parser.add_argument("--no-profile", action="store_true", help="do not profile the measurements that miss a target")
    args = parser.parse_args()

    wall_start = time.monotonic()
    global DEFAULT_THREADS
    DEFAULT_THREADS = torch.get_num_threads()
    torch.set_num_threads(THREADS)
    host = machine()
    notes = {"date": now(), "commit": git_commit(), "software": software_notes(), **host}
    load_start = load_average()
    print(f"gradjudge vs torch.autograd.gradcheck — {notes['date']}, commit {notes['commit']}")
    print(f"  {notes['cpu']}; {notes['ram']} RAM; {notes['software']}")
    print(f"  load average at start: {load_start:.2f} (the machine is shared: timings are noisy, medians only)\n")
    found = assignment()
    submission = reference(found)

    timings: dict[tuple[str, str, str], Timing] = {}
    grading: dict[tuple[str, str], Grading] = {}
    print(f"[1/6] this project, one fresh process per id: verify mode, then the physical limit and grading's defaults "
          f"({GRADING_REPEATS} sets of {GRADING_CASES} new cases per size)")
    for id in IDS:
        found_grading, found_verify = time_ours(id)
        for size, result in found_grading.items():
            grading[(id, size)] = result
        for size, timing in found_verify.items():
            timings[(id, size, "verify")] = timing
        for size in (*SIZES, "stream"):
            g = grading[(id, size)]
            line = (f"  {id:18s} {size:6s} physical {fmt_seconds(g.physical_per_case):>9s}  "
                    f"first {fmt_seconds(g.first_per_case):>9s} ({g.witnessed}/{g.cases} witnessed)  "
                    f"later {fmt_seconds(g.later_per_case):>9s}")
            if size in SIZES:
                v = timings[(id, size, "verify")]
                line += f"  verify {fmt_seconds(v.median):>9s} ({passed_cell(v)} passed)"
            if g.error:
                line += f"  [worker: {g.error}]"
            print(line)

    print("\n[2/6] this project's peak memory at the large size (verify mode, one case per fresh process)")
    memory = {}
    for id in IDS:
        for threads in sorted({THREADS, DEFAULT_THREADS}):
            memory[(id, threads)] = m = ours_memory(id, threads)
            if "error" in m:
                print(f"  {id:18s} {threads} thread(s): failed: {m['error']}")
            else:
                print(f"  {id:18s} {threads} thread(s): peak RSS {m['maxrss_mb']:.0f} MB "
                      f"(after imports {m['baseline_mb']:.0f} MB)")

    print(f"\n[3/6] torch.autograd.gradcheck, each run in a subprocess (RLIMIT_AS {MEM_GB} GB; timeout "
          f"{TIMEOUT['large slow']} s for slow mode at the large size, {TIMEOUT['default']} s otherwise)")
    for size in SIZES:
        for mode in ("fast", "slow"):
            for id in IDS:
                key = (id, size, mode)
                if (size, mode) == ("large", "slow") and args.skip_large_slow:
                    timings[key] = Timing(skipped="skipped (--skip-large-slow)")
                    print(f"  {id:18s} {size:5s} {mode}: not run (--skip-large-slow)")
                    continue
                began = time.monotonic()
                timing = time_gradcheck(id, size, mode)
                timings[key] = timing
                expected = slow_mode_forward_calls(found.by_id[id], size) if mode == "slow" else None
                print(f"  {id:18s} {size:5s} {mode}: {timing_cell(timing)}, passed {passed_cell(timing)}, forward calls "
                      f"{forward_cell(timing, expected)}, peak RSS {timing.peak_rss_mb:.0f} MB  "
                      f"[{time.monotonic() - began:.0f} s]")

    print("\n[4/6] detection of every catalog variant (gradcheck: default eps=1e-6, atol=1e-5, rtol=1e-3)")
    ours_caught, relative = detect_ours(submission)
    gradcheck_verdicts = detect_gradcheck()
    detection_rows = []
    for variant in found.catalog:
        slow_text, _ = gradcheck_detection_cell(gradcheck_verdicts.get((variant.name, "slow")))
        fast_text, _ = gradcheck_detection_cell(gradcheck_verdicts.get((variant.name, "fast")))
        rel = f"{relative[variant.name]:.1e}" if variant.name in relative else "—"
        detection_rows.append([variant.name, variant.id, rel, detection_cell(ours_caught[variant.name]), slow_text,
                               fast_text])
    control_rows = []
    for id in sorted({variant.id for variant in found.catalog}):
        flags = ours_caught[f"reference:{id}"]
        cells = []
        for mode in ("slow", "fast"):
            verdicts = gradcheck_verdicts.get((f"reference:{id}", mode))
            if not verdicts:
                cells.append("not run")
            elif all(v["status"] == "n/a" for v in verdicts):
                cells.append("n/a")
            else:
                cells.append(f"passed {sum(v['status'] == 'passed' for v in verdicts)}/{len(verdicts)}")
        control_rows.append([id, f"passed {len(flags) - sum(flags)}/{len(flags)}", *cells])
    print(text_table(["variant", "id", "error", "this project", "gradcheck slow", "gradcheck fast"],
                     [[_short(c) for c in row] for row in detection_rows]))
    print("\n  control, the reference closed forms on the same cases (a false alarm would show here):")
    print(text_table(["id", "this project", "gradcheck slow", "gradcheck fast"], control_rows))

    targets = evaluate_targets(timings, grading)
    profiles: list[dict] = []
    wanted = [] if args.no_profile else profiles_wanted(targets)
    print(f"\n[5/6] profiles of the measurements that miss a target: "
          f"{', '.join(f'{id} {size} {mode}' for id, size, mode in wanted) or 'none needed'}")
    for id, size, mode in wanted:
        result = profile(id, size, mode)
        profiles.append(result)
        print(f"  {id} {size} {mode}: " + ("failed: " + result["error"] if "error" in result else
                                          f"{result['total']:.2f} s under cProfile for {result['cases']} cases"))

    load_end = load_average()
    wall = time.monotonic() - wall_start
    print(f"\n[6/6] results (whole run {wall / 60:.1f} min, load average at end {load_end:.2f})")
    report = build_report(timings, grading, targets, profiles, memory, detection_rows, control_rows, ours_caught,
                          relative, notes, load_start, load_end, wall, args)
    print(report["console"])
    if not args.no_write:
        write_section(SECTION, report["markdown"])
        plot(timings, grading, PLOT)
        print(f"\nwrote docs/benchmarks.md (between the {SECTION} markers) and {PLOT.relative_to(ROOT)}")
    return 0


# --------------------------------------------------------------------------- targets


@dataclass
class Targets:
    physical: list[tuple[str, str, float]]
    """(id, size, first / physical) for every measured pair."""
    later: list[tuple[str, str, float]]
    fast: list[tuple[str, str, float]]
    """(id, size, fast / first)."""
    slow: list[tuple[str, str, float, bool]]
    """(id, size, slow / verify, only a lower bound)."""


def evaluate_targets(timings: dict, grading: dict) -> Targets:
    physical, later, fast, slow = [], [], [], []
    for size in SIZES:
        for id in IDS:
            g = grading[(id, size)]
            if g.ratio("first") is not None:
                physical.append((id, size, g.ratio("first")))
            if g.ratio("later") is not None:
                later.append((id, size, g.ratio("later")))
            gradcheck_fast = timings[(id, size, "fast")].median
            if gradcheck_fast is not None and g.first_per_case:
                fast.append((id, size, gradcheck_fast / g.first_per_case))
            _, value, bound = ratio_cell(timings[(id, size, "slow")], timings[(id, size, "verify")].median)
            if value is not None:
                slow.append((id, size, value, bound))
    return Targets(physical, later, fast, slow)


def profiles_wanted(targets: Targets) -> list[tuple[str, str, str]]:
    """The worst measurement of each missed target (per size), at most MAX_PROFILES, without repeats."""
    wanted: list[tuple[str, str, str]] = []
    for size in SIZES:
        missed = [(id, r) for id, s, r in targets.physical if s == size and r > PHYSICAL_FACTOR]
        missed += [(id, 1 / r) for id, s, r in targets.fast if s == size and r < FAST_FACTOR]
        if missed:
            wanted.append((max(missed, key=lambda x: x[1])[0], size, "first"))
    slow_missed = [(id, r) for id, s, r, bound in targets.slow if s == "small" and r < SLOW_FACTOR]
    if slow_missed:
        wanted.append((min(slow_missed, key=lambda x: x[1])[0], "small", "verify"))
    unique = list(dict.fromkeys(wanted))
    return unique[:MAX_PROFILES]


def profile_text(result: dict) -> str:
    if "error" in result:
        return f"- cProfile failed: {result['error']}"
    total = result["total"]
    harness = ("bench_worker.py", "(check_cases)", "(check_case)", "(_judge)", "(<listcomp>)", "(<genexpr>)",
               "(<dictcomp>)", "(__get__)")
    rows = [row for row in result["cumulative"] if not any(name in row["where"] for name in harness)]
    shown = [row for row in rows if row["cumulative"] >= 0.05 * total][:8]
    mode = ("grading defaults, first submission" if result["mode"] == "first" else "verify mode")
    cumulative = "; ".join(f"`{row['where']}` {row['cumulative']:.3g} s ({100 * row['cumulative'] / total:.0f}%)"
                           for row in shown)
    own = "; ".join(f"`{row['where']}` {row['own']:.3g} s ({row['calls']:,} calls)" for row in result["own"][:5])
    return (f"- **{result['id']}, {result['size']}, {mode}** ({result['cases']} cases; {total:.3g} s under cProfile, "
            f"which inflates Python-level work): gradjudge's functions by cumulative time: {cumulative}. "
            f"Most own time: {own}.")


# --------------------------------------------------------------------------- report


def build_report(timings, grading, targets: Targets, profiles, memory, detection_rows, control_rows, ours_caught,
                 relative, notes, load_start, load_end, wall, args) -> dict[str, str]:
    found = assignment()
    catalog = found.catalog
    rows, ratio_rows, console_rows = [], [], []
    for size in SIZES:
        for id in IDS:
            entry = found.by_id[id]
            g = grading[(id, size)]
            verify, slow, fast = (timings[(id, size, m)] for m in ("verify", "slow", "fast"))
            slow_text, slow_ratio, _ = ratio_cell(slow, verify.median)
            fast_ratio = fast.median / g.first_per_case if fast.median and g.first_per_case else None
            first_ratio, later_ratio = g.ratio("first"), g.ratio("later")
            forward = f"{g.forward_per_case:,.0f}" if g.forward_per_case else "—"
            rows.append([id, SIZE_LABELS[size], f"{wrt_numel(entry, size):,}", grading_cell(g, "physical"),
                         grading_cell(g, "first"), grading_cell(g, "later"), timing_cell(verify), timing_cell(slow),
                         timing_cell(fast),
                         f"{forward} / {forward_cell(verify)} / "
                         f"{forward_cell(slow, slow_mode_forward_calls(entry, size))} / {forward_cell(fast)}",
                         f"{'all' if g.all_passed else 'not all'}, {passed_cell(verify)}, {passed_cell(slow)}, "
                         f"{passed_cell(fast)}"])
            slow_ok = slow_ratio is not None and slow_ratio >= SLOW_FACTOR
            ratio_rows.append([id, size,
                               verdict(first_ratio, first_ratio is not None and first_ratio <= PHYSICAL_FACTOR),
                               fmt_ratio(later_ratio),
                               verdict(fast_ratio, fast_ratio is not None and fast_ratio >= FAST_FACTOR),
                               (verdict(slow_ratio, slow_ok) if size == "small" else slow_text)])
            console_rows.append([id, size, fmt_seconds(g.physical_per_case), fmt_seconds(g.first_per_case),
                                 fmt_seconds(g.later_per_case), fmt_seconds(verify.median), timing_cell(slow)[:40],
                                 fmt_seconds(fast.median), fmt_ratio(first_ratio), fmt_ratio(fast_ratio), slow_text])
    headers = ["id", "size", "wrt elements", "physical limit", "grading defaults, first submission",
               "grading defaults, later submission", "verify (every case witnessed)", "gradcheck slow (median)",
               "gradcheck fast (median)", "forward evaluations per case: first / verify / slow / fast",
               "reference passed (grading, verify, slow, fast)"]
    timing_md = markdown_table(headers, rows, "llrrrrrlrrl")
    ratio_md = markdown_table(
        ["id", "size", f"first / physical (target ≤ {PHYSICAL_FACTOR}×)", "later / physical",
         f"gradcheck fast / first (target ≥ {FAST_FACTOR}×)",
         f"gradcheck slow / verify (target ≥ {SLOW_FACTOR}× at the small size)"], ratio_rows, "llrrrr")
    timing_txt = text_table(["id", "size", "physical", "first", "later", "verify", "slow", "fast", "first/phys",
                             "fast/first", "slow/verify"], console_rows)

    phase_rows = []
    for size in (*SIZES, "stream"):
        for id in IDS:
            g = grading[(id, size)]
            if g.physical:
                phase_rows.append([id, size, *(fmt_seconds(g.phase(p)) for p in ("leaves", "forward", "vjp",
                                                                                  "closed form", "total"))])
    phase_md = markdown_table(["id", "cases", "draw the leaves", "forward (only wrt tracked)", "VJP", "closed form",
                               "total"], phase_rows, "llrrrrr")

    stream_rows = []
    for id in IDS:
        g = grading[(id, "stream")]
        if not g.first:
            stream_rows.append([id, f"failed ({g.error})" if g.error else "—", "", "", "", "", "", ""])
            continue
        stream_rows.append([id, f"{g.cases} ({g.first[0]['dims']} sets of dims)", str(g.witnessed),
                            fmt_seconds(g.physical_per_case), fmt_seconds(g.first_per_case),
                            fmt_seconds(g.later_per_case), fmt_ratio(g.ratio("first")), fmt_ratio(g.ratio("later"))])
    stream_md = markdown_table(["id", "cases", "witnessed (first submission)", "physical limit per case",
                                "first submission per case", "later submission per case", "first / physical",
                                "later / physical"], stream_rows, "lrrrrrrr")

    findings = target_findings(targets, timings, grading)
    where = where_time_goes(targets, grading, profiles)

    memory_rows = []
    for id in IDS:
        slow, fast = timings[(id, "large", "slow")], timings[(id, "large", "fast")]
        cells = []
        for threads in sorted({THREADS, DEFAULT_THREADS}):
            m = memory[(id, threads)]
            cells.append(f"failed: {m['error']}" if "error" in m else
                         f"{m['maxrss_mb']:,.0f} MB ({m['baseline_mb']:,.0f} MB after imports)"
                         + ("" if m["maxrss_mb"] < OUR_MEMORY_LIMIT_MB else " **over 2 GB**"))
        memory_rows.append([id, *cells, "—" if fast.skipped else fmt_mb(fast.peak_rss_mb),
                            "—" if slow.skipped else fmt_mb(slow.peak_rss_mb)])
    memory_md = markdown_table(["id (large)", *[f"this project, {t} thread{'s' if t > 1 else ''}: peak RSS"
                                                for t in sorted({THREADS, DEFAULT_THREADS})],
                                "gradcheck fast: peak RSS", "gradcheck slow: peak RSS (until it stopped)"],
                               memory_rows, "lrrrr")
    peaks = [m["maxrss_mb"] for m in memory.values() if "error" not in m]
    memory_verdict = (f"Largest peak of this project: {max(peaks):,.0f} MB — "
                      + ("below 2 GB." if max(peaks) < OUR_MEMORY_LIMIT_MB else "**over the 2 GB limit**.")
                      if peaks else "This project's memory could not be measured.")

    detection_md = markdown_table(["catalog variant", "id", "its error (small, seed 0)", "this project",
                                   "gradcheck slow", "gradcheck fast"], detection_rows)
    control_md = markdown_table(["id (reference closed form)", "this project", "gradcheck slow", "gradcheck fast"],
                                control_rows)
    detection = detection_findings(detection_rows, ours_caught, catalog)

    caveats = []
    for id in IDS:
        for size in SIZES:
            t = timings[(id, size, "verify")]
            if t.probes and sum(d for d, _ in t.probes) == sum(p for _, p in t.probes):
                caveats.append(f"- **The numeric witness discarded every probe** for {id} ({size}) in verify mode: "
                               "every probe crossed a kink within the steps Ridders' tableau needs. The verdict "
                               "(closed form vs autograd) is unaffected, but there was no second witness there.")
    for id in IDS:
        t = timings[(id, "large", "slow")]
        if t.skipped:
            caveats.append(f"- Slow mode at the large size for {id}: {t.skipped}")
        elif t.median is None:
            expected = slow_mode_forward_calls(found.by_id[id], "large")
            done, projection = t.unfinished_forward, ""
            if done and t.unfinished_seconds:
                projection = (f"; it had made {done:,} of the {expected:,} forward calls the numerical Jacobian "
                              f"needs ({100 * done / expected:.0f}%)")
                n = wrt_numel(found.by_id[id], "large")
                jacobian_gb = n * (n if found.by_id[id].context.name != "net" else 1) * 8 / 1e9
                if jacobian_gb > MEM_GB:
                    projection += (f", and the numerical Jacobian alone is {n}² float64 = {jacobian_gb:.1f} GB, more "
                                   "than the cap, so it could not have finished under it")
                else:
                    projection += (f", so at that pace the numerical part alone would take about "
                                   f"{t.unfinished_seconds * expected / done:.0f} s")
            caveats.append(f"- Slow mode at the large size for {id} did not finish: {t.unfinished}{projection}. "
                           f"The ratio shown is a lower bound (time spent until it was stopped / our median).")
    fast_large_fail = [id for id in IDS if timings[(id, "large", "fast")].passed
                       and not all(timings[(id, "large", "fast")].passed)]
    if fast_large_fail:
        caveats.append(f"- gradcheck fast mode failed the *reference* at the large size for {', '.join(fast_large_fail)} "
                       f"(a false alarm; a failing fast check also rebuilds the full Jacobian for its message).")
    failures = sorted({g.error for g in grading.values() if g.error})
    for failure in failures:
        caveats.append(f"- A measuring process of this project failed: {failure}")

    command = "python benchmarks/vs_gradcheck.py" + (" --skip-large-slow" if args.skip_large_slow else "")
    sampled_policy = getattr(witnessing, "POLICIES", {}).get(witnessing.SAMPLED, witnessing.SAMPLED)
    counts = sorted({g.witnessed for (_, size), g in grading.items() if size in SIZES and g.first})
    witnessed_here = " to ".join(map(str, counts[::max(1, len(counts) - 1)])) if counts else "?"
    md = f"""## This project vs `torch.autograd.gradcheck`, and vs the physical limit

Generated by `benchmarks/vs_gradcheck.py`; rerun it to refresh this section.

```bash
. /work/venv/bin/activate   # or any environment with gradjudge installed (pip install -e .) and matplotlib
{command}
```

Machine: {notes['cpu']}, {notes['ram']} RAM, shared with other work (load average
{load_start:.2f} at the start, {load_end:.2f} at the end), so every time is a median and every ratio
compares numbers from this same run. {notes['software']}. Commit {notes['commit']}. Run on {notes['date']};
the whole run took {wall / 60:.1f} min.

### What is compared

For each id and size, cases of p = 0.5, eps = 1e-5, scale 1 go through the following. This project's
measurements of one id all run in one fresh process, in this order, each on seeds that process has not met
before, so that nothing it times is in the truths cache (`checks.engine.truths.TRUTHS`) unless said so.

- **verify**: `check_case(entry, case, reference(assignment))`, every case witnessed (what `gradjudge verify`
  does), on seeds {', '.join(map(str, VERIFY_SEEDS['small']))} at the small size and
  {', '.join(map(str, VERIFY_SEEDS['large']))} at the large one, the same seeds as gradcheck;
- **physical limit**: per case, the least work any checker of the id must do: draw the case's leaves, one forward
  pass through the model with only the wrt tensor tracked, one VJP (`torch.autograd.grad` of the loss to wrt) and
  one call of the reference closed form (`physical_limit` in `benchmarks/gradcheck_wrapping.py`);
- **grading defaults**: on the same {GRADING_CASES} cases as the physical limit,
  `check_cases(entry, cases, reference(assignment), witness=witnessing.policy(SAMPLED))`, the call grading makes
  (one request for all of an id's cases; the policy: "{sampled_policy}": here {witnessed_here} of
  {GRADING_CASES}). *First submission*: nothing
  cached, so the case's values, autograd's truth and the sampled witnesses are computed. *Later submission*: the
  same call again, everything cached: only the closed form's call and the comparison remain. Repeated on
  {GRADING_REPEATS} disjoint sets of seeds ({GRADING_FIRST_SEED}–{GRADING_FIRST_SEED + GRADING_CASES - 1},
  {GRADING_FIRST_SEED + GRADING_CASES}–{GRADING_FIRST_SEED + 2 * GRADING_CASES - 1}, …); each time per case is
  the median over the sets of the set's mean;
- **gradcheck slow / fast**: `torch.autograd.gradcheck(f, (w,), fast_mode=False/True, raise_exception=False)`
  with its default tolerances (eps = 1e-6, atol = 1e-5, rtol = 1e-3), on the same seeds as verify, where `f` is a
  `torch.autograd.Function` (`benchmarks/gradcheck_wrapping.py`). For bn_dL_dx and softmax_dL_dx its forward is
  the layer, x → y (the assignment's PyTorch model), and its backward the closed form with `dy = grad_output`, so
  gradcheck checks the (m·d)×(m·d) Jacobian. For the network ids its forward maps the wrt tensor to the scalar loss
  L (re-entering the model at that node with `Context.graph.reenter`) and its backward is `grad_output ×` the
  closed form on the values that forward pass computed.

Each gradcheck measurement runs in a fresh subprocess capped at RLIMIT_AS = {MEM_GB} GB with a timeout
({TIMEOUT['large slow']} s for slow mode at the large size, {TIMEOUT['default']} s otherwise). Every method first
checks one untimed small case of the id (seed {WARMUP_SEED}); the physical limit and grading also one untimed case
of each size, so that neither takes the first large allocations. A time per case includes drawing the case's leaves
and evaluating its forward values; it excludes imports. Slow mode at the large size was run on one case per id (a
single case takes tens of seconds, or does not fit in memory). Forward evaluations: for gradcheck, calls of the
Function's forward counted in the subprocess; for this project, `CaseResult.evaluations` (the numeric witness's
points, batched by vmap, or one at a time past `ONE_AT_A_TIME` elements per evaluation, and where kinks lie
between the one that finds the nearest) plus the case's forward
pass and the one autograd differentiates, averaged over the cases for grading. Sizes: small is m = 8 with every
width 16; large is m = 256 with every width 128. The closed form is the reference, called in the measuring process:
a class's submissions run sandboxed, which adds a round trip per request (see "What the sandbox costs" below). Each
id is measured as a submission that attempts it alone is graded: its truth alone from the backward pass
(`Truths.know`), and no truths store (a store that holds the cases makes a first submission a later one). In a
whole submission the gradient ids of a context share one backward pass.

### Time per checked case

{timing_md}

![time per case vs number of elements of the wrt tensor](benchmarks.png)

### Ratios and targets

{ratio_md}

{chr(10).join(findings)}

### Where the time goes

{chr(10).join(where)}

The physical limit's parts, mean per case (median over the {GRADING_REPEATS} sets; "stream" is the rubric's own
stream below):

{phase_md}

### Grading's own cases

The shipped rubric's derandomized stream for the id's context (`case_stream(context, rubric.profile)`: the cases
every submission meets when graded, hypothesis-drawn small dims), through the same three measurements, once, in
each id's process after the sized cases. Under the SAMPLED policy every new set of dims is witnessed, so here
most cases are.

{stream_md}

### Memory at the large size

This project's peak resident set for one large case in verify mode in a fresh process (VmHWM in
`/proc/self/status`: `ru_maxrss` would inherit the parent's high-water mark across fork and exec); gradcheck's from
`/proc/<pid>/status` VmHWM of its subprocess. The goal is below 2 GB.

{memory_md}

{memory_verdict}

### Detection of the catalog's wrong variants

Every variant of the hw1 catalog (`Assignment.catalog`, declared in `derivations/hw1/catalog.py`), on
{len(DETECTION_CASES)} cases: seeds 0, 1, 2 at the small size (m = 8, widths 16) and seeds 0, 1, 2 at m = 4 with
widths that all differ (bn/dropout d = 5, softmax n = 5, net d_in = 3, d_hidden = 5, d_out = 4, n_classes = 6), the
same cases for every method; this project in verify mode (`check_case`). A method catches a variant if any case
fails (for gradcheck: returns False, or raises). "Its error" is how wrong the variant is on the small seed-0 case:
its largest gap to autograd over the checker's scale (the truth's largest entry, or the size of the terms it sums
where they cancel, as for eq. (7)). Jacobian ids (softmax_jacobian) are wrapped as a backward by contracting the
returned entries with `grad_output`.

{detection_md}

{chr(10).join(detection)}

Control: the reference closed forms of the same ids on the same cases (any failure here would be a false alarm).

{control_md}

### Notes

{chr(10).join(caveats) if caveats else '- No measurement failed.'}
- Every method runs with {THREADS} torch intra-op thread{'s' if THREADS > 1 else ''} (`THREADS` in the script; torch's
  default here is {DEFAULT_THREADS}), as grading does (`use_one_thread`), and numpy's BLAS with one thread
  ({', '.join(f'{k}={v}' for k, v in WORKER_THREADS.items())}), as grading's sandbox worker does. The cores are
  shared with other work, and with 2 threads an op that enters a parallel region waits for a thread whose core is
  busy.
- gradcheck fast mode compares one random projection vᵀJu (u, v non-negative, drawn from a fixed-seed generator)
  with its atol scaled by sum(u)·sum(v), so an error must stand out against that; slow mode compares every
  Jacobian entry with atol 1e-5 + rtol 1e-3. Neither looks at forward values.
"""
    console = "\n".join([timing_txt, "", *[f.replace("**", "") for f in findings], "", *[w.replace("**", "")
                         for w in where], "", memory_verdict, *[d.replace("**", "") for d in detection],
                         *[c.replace("**", "") for c in caveats]])
    return {"markdown": md.strip() + "\n", "console": console}


def target_findings(targets: Targets, timings: dict, grading: dict) -> list[str]:
    findings = []
    if targets.physical:
        missed = [(id, size, r) for id, size, r in targets.physical if r > PHYSICAL_FACTOR]
        text = (f"- **Grading defaults within {PHYSICAL_FACTOR}× of the physical limit** (first submission): "
                f"first / physical ranges over {span([r for *_, r in targets.physical])}; ")
        if missed:
            worst = max(missed, key=lambda x: x[2])
            text += (f"**missed** for {len(missed)} of {len(targets.physical)} (id, size) pairs: "
                     + ", ".join(f"{id} {size} {fmt_ratio(r)}" for id, size, r in missed)
                     + f". The worst, {worst[0]} ({worst[1]}), is {worst[2] / PHYSICAL_FACTOR:.2g} times over the "
                       "target.")
        else:
            text += "**met** for every id and size."
        if targets.later:
            later_missed = [(id, size, r) for id, size, r in targets.later if r > PHYSICAL_FACTOR]
            text += (f" A later submission of the class (everything cached): later / physical ranges over "
                     f"{span([r for *_, r in targets.later])}, "
                     + ("within the factor everywhere." if not later_missed else
                        "over it for " + ", ".join(f"{id} {size} {fmt_ratio(r)}" for id, size, r in later_missed)
                        + "."))
        findings.append(text)
    for size in SIZES:
        here = [(id, r) for id, s, r in targets.fast if s == size]
        if not here:
            continue
        missed = [(id, r) for id, r in here if r < FAST_FACTOR]
        text = (f"- **gradcheck fast mode / grading defaults (first submission) ≥ {FAST_FACTOR}**, {size}: "
                f"ranges over {span([r for _, r in here])}; ")
        if missed:
            worst = min(missed, key=lambda x: x[1])
            text += (f"**missed** for {len(missed)} of {len(here)} ids (worst {worst[0]}: fast mode is "
                     f"{1 / worst[1]:.2g}× faster than this project's first submission).")
        else:
            text += "**met** for every id."
        findings.append(text)
    small = [(id, r, bound) for id, s, r, bound in targets.slow if s == "small"]
    if small:
        missed = [(id, r) for id, r, _ in small if r < SLOW_FACTOR]
        text = (f"- **Verify mode ≥ {SLOW_FACTOR}× faster than slow-mode gradcheck at the small size**: slow / verify "
                f"ranges over {span([r for _, r, _ in small])}; ")
        text += (f"**missed** for {', '.join(f'{id} ({fmt_ratio(r)}, {SLOW_FACTOR / r:.2g} times short)' for id, r in missed)}."
                 if missed else "**met** for every id.")
        findings.append(text)
        for id, r, bound in small:
            verify, slow = timings[(id, "small", "verify")], timings[(id, "small", "slow")]
            if bound or not SLOW_FACTOR <= r < 1.25 * SLOW_FACTOR or len(verify.seconds) < 2 or not slow.seconds:
                continue
            low, high = min(slow.seconds) / max(verify.seconds), max(slow.seconds) / min(verify.seconds)
            findings.append(f"- **Narrow margin**: {id} (small) meets it by only {fmt_ratio(r)}; pairing the slowest of "
                            f"our cases with the fastest of gradcheck's and vice versa gives {fmt_ratio(low)} to "
                            f"{fmt_ratio(high)}, within the run-to-run noise of a shared 2-core machine.")
    large = [(id, r, bound) for id, s, r, bound in targets.slow if s == "large"]
    if large:
        findings.append(f"- At the large size slow / verify ranges over {span([r for _, r, _ in large])}"
                        + (" (lower bounds where slow mode did not finish)." if any(b for *_, b in large) else "."))
    return findings


def where_time_goes(targets: Targets, grading: dict, profiles: list[dict]) -> list[str]:
    lines = []
    for size in SIZES:
        parts = []
        for id in IDS:
            g = grading[(id, size)]
            if g.first_per_case is None or g.no_witness_per_case is None or not g.witnessed:
                continue
            witness = max(0.0, g.first_per_case - g.no_witness_per_case)
            parts.append(f"{id} {fmt_seconds(g.first_per_case)} = {fmt_seconds(g.no_witness_per_case)} + "
                         f"{fmt_seconds(witness)} (≈ {fmt_seconds(witness * g.cases / g.witnessed)} per witnessed case)")
        if parts:
            lines.append(f"- **First submission, {size}**, per case = values and truths and the comparison (the same "
                         f"call with the witness never due, on other seeds of the size) + the sampled witness: "
                         + "; ".join(parts) + ".")
    later = [f"{id} {size} {fmt_seconds(grading[(id, size)].later_per_case)} against a closed form of "
             f"{fmt_seconds(grading[(id, size)].phase('closed form'))}"
             for size in SIZES for id in IDS if grading[(id, size)].later_per_case is not None]
    if later:
        lines.append("- **Later submission**, per case: the closed form's call (on copies of its arguments, then checked "
                     "for changes made in place) and the comparison: " + "; ".join(later) + ".")
    if profiles:
        lines.append("- cProfile of the worst measurement of each missed target (in a fresh process, as measured above):")
        lines += ["  " + profile_text(result) for result in profiles]
    if not lines:
        lines.append("- Every target is met; nothing was profiled.")
    return lines


def detection_findings(detection_rows, ours_caught, catalog) -> list[str]:
    findings = []
    ours_missed = [v.name for v in catalog if not any(ours_caught[v.name])]
    if ours_missed:
        findings.append(f"- **Detection: this project missed {', '.join(ours_missed)}** on these cases.")
    else:
        findings.append(f"- **Detection**: this project caught all {len(catalog)} catalog variants (every one on "
                        f"every detection case).")
    for mode, column in (("slow", 4), ("fast", 5)):
        missed = [row for row in detection_rows if "missed" in row[column]]
        if missed:
            findings.append(f"- gradcheck {mode} mode with its default tolerances missed: "
                            + ", ".join(f"{row[0]} (its error: {row[2]} of the scale, against gradcheck's rtol = 1e-3)"
                                        for row in missed) + ".")
        partial = [f"{row[0]} ({row[column].split('(')[1].split(' ')[0]})" for row in detection_rows
                   if row[column].startswith("caught") and not row[column].startswith(f"caught ({len(DETECTION_CASES)}/")]
        if partial:
            findings.append(f"- gradcheck {mode} mode caught some variants on only some cases: {', '.join(partial)}.")
    na = [row[0] for row in detection_rows if row[4].startswith("n/a")]
    if na:
        findings.append(f"- Not expressible as a gradcheck (a forward value, not a gradient): {', '.join(na)}.")
    return findings


# --------------------------------------------------------------------------- plot


def plot(timings: dict, grading: dict, path: Path) -> None:
    found = assignment()
    colors = {"physical": "tab:gray", "first": "tab:blue", "later": "tab:cyan", "verify": "tab:purple",
              "slow": "tab:red", "fast": "tab:green"}
    markers = dict(zip(IDS, ("o", "s", "^", "D", "v")))
    jitter = dict(zip(IDS, (0.90, 1.0, 1.11, 0.95, 1.05)))
    fig, ax = plt.subplots(figsize=(10, 6.5))
    label_x = 1.2 * max(wrt_numel(found.by_id[id], "large") * jitter[id] for id in IDS)
    for method in METHODS:
        for id in IDS:
            entry = found.by_id[id]
            xs, ys = [], []
            for size in SIZES:
                x = wrt_numel(entry, size) * jitter[id]
                if method in ("physical", "first", "later"):
                    g = grading[(id, size)]
                    y = {"physical": g.physical_per_case, "first": g.first_per_case, "later": g.later_per_case}[method]
                    if y is not None:
                        xs.append(x)
                        ys.append(y)
                        ax.plot(x, y, markers[id], color=colors[method], markersize=6)
                    continue
                timing = timings[(id, size, method)]
                if timing.median is not None:
                    xs.append(x)
                    ys.append(timing.median)
                    ax.plot(x, timing.median, markers[id], color=colors[method], markersize=6)
                elif timing.unfinished_seconds is not None:
                    y = timing.unfinished_seconds
                    ax.plot(x, y, markers[id], markerfacecolor="none", markeredgecolor=colors[method],
                            markersize=11, markeredgewidth=2)
                    ax.annotate("", xy=(x, y * 2.2), xytext=(x, y * 1.15),
                                arrowprops=dict(arrowstyle="->", color=colors[method], lw=1.5))
                    reason = "out of memory" if "memory" in (timing.unfinished or "") else "timed out"
                    ax.annotate(f"{id}: {reason} after {y:.0f} s", (x, y), xytext=(label_x, y), textcoords="data",
                                fontsize=7, color=colors[method], va="center")
                    xs.append(x)
                    ys.append(y)
            if len(xs) == 2:
                ax.plot(xs, ys, "-", color=colors[method], alpha=0.35, linewidth=1)
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlabel("elements of the wrt tensor")
    ax.set_ylabel("time per checked case (s)")
    ax.set_title("gradjudge vs torch.autograd.gradcheck and the physical limit (float64, default tolerances)")
    ax.grid(True, which="both", alpha=0.25)
    from matplotlib.lines import Line2D
    handles = [Line2D([], [], color=colors[m], marker="o", linestyle="-", label=METHOD_TITLES[m]) for m in METHODS]
    handles += [Line2D([], [], color="black", marker=markers[id], linestyle="none", label=id) for id in IDS]
    handles.append(Line2D([], [], color="gray", marker="o", markerfacecolor="none", markersize=10, linestyle="none",
                          label="did not finish (time when stopped; ↑ = lower bound)"))
    ax.legend(handles=handles, fontsize=7, loc="upper left")
    x_lo, _ = ax.get_xlim()
    ax.set_xlim(x_lo, label_x * 6)
    y_lo, y_hi = ax.get_ylim()
    ax.set_ylim(y_lo, y_hi * 3)
    fig.tight_layout()
    fig.savefig(path, dpi=130)
    plt.close(fig)


if __name__ == "__main__":
    sys.exit(main())
