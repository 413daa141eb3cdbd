"""What the integrity rules cost per submission: course-secret cases, the genuine-forward check of error carried
forward, the static scan, the run-time watch, and the write-up evidence policy.

    python benchmarks/integrity_cost.py                       # prints the table and writes it into docs/benchmarks.md
    python benchmarks/integrity_cost.py --baseline ../main    # also times `gradjudge grade` of another checkout
    python benchmarks/integrity_cost.py --no-write            # prints only

Pinned to one core. Each figure is a median over `--repeats` runs, or, for the
scan and the watch, a total over the whole honest corpus (the numeric corpus's
honest files, the diagnosis corpus, the examples). The end-to-end command is
`gradjudge grade SEED` in a subprocess, start-up included; with `--baseline`,
the same command of another checkout is timed in turn with this one's, so both
meet the same machine load.
"""
from __future__ import annotations

import argparse
import dataclasses
import importlib.util
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
for _path in (str(HERE), str(ROOT)):
    if _path not in sys.path:
        sys.path.insert(0, _path)

from checks import assignments  # noqa: E402
from checks.engine.case_secret import CaseSecret  # noqa: E402
from checks.engine.store import ENVIRONMENT_VARIABLE as STORE_VARIABLE  # noqa: E402
from checks.engine.cases import diagnostic_cases  # noqa: E402
from checks.engine.oracles import use_one_thread  # noqa: E402
from checks.engine.properties import case_stream  # noqa: E402
from checks.engine.submission import arguments  # noqa: E402
from checks.engine.truths import TRUTHS  # noqa: E402
from checks.grading import ecf  # noqa: E402
from checks.grading import rubric as rubrics  # noqa: E402
from checks.grading.handins import grade_submission  # noqa: E402
from checks.sandbox import isolation  # noqa: E402
from checks.sandbox.calling import call, signature_of  # noqa: E402
from checks.sandbox.client import open_submission  # noqa: E402
from checks.sandbox.files import collect  # noqa: E402
from checks.sandbox.source_scan import scan  # noqa: E402
from checks.sandbox.watch import Watch  # noqa: E402
from common import commit, fmt_ratio, fmt_seconds, load_average, machine, now, require_keywords, write_section  # noqa: E402

require_keywords(ecf.genuine_forward, "assignment", "context", "submission", "cases")
require_keywords(case_stream, "context", "profile", "secret")

SECTION = "integrity_cost"
SEED = ROOT / "examples" / "seed_submission.py"
SEED_WRITEUP = ROOT / "examples" / "seed_writeup.txt"
SECRET = CaseSecret(bytes(range(32)))
HONEST = [*sorted((ROOT / "tests" / "security" / "numeric_corpus" / "honest").glob("*.py")),
          *sorted((ROOT / "benchmarks" / "diagnosis_corpus").rglob("*.py")),
          *sorted(path for path in (ROOT / "examples").rglob("*.py") if "exports" not in path.parts)]
"""Honest files that load alone (the exports' multi-file hand-ins and their build script are left out)."""


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeats", type=int, default=5, help="runs per timed figure (default 5)")
    parser.add_argument("--baseline", type=Path, metavar="CHECKOUT",
                        help="another checkout whose `gradjudge grade SEED` is timed in turn with this one's")
    parser.add_argument("--no-write", action="store_true", help="print only; do not write docs/benchmarks.md")
    args = parser.parse_args()
    os.sched_setaffinity(0, {sorted(os.sched_getaffinity(0))[0]})
    use_one_thread()
    rows = [*_end_to_end(args.repeats, args.baseline), *_parts(args.repeats)]
    table = "\n".join(f"| {what} | {value} |" for what, value in rows)
    text = (f"## What the integrity rules cost\n\nMeasured {now()} at {commit()}, {machine()['cpu']}, load average {load_average():.1f} at the end, "
            f"pinned to one core; `python benchmarks/integrity_cost.py"
            f"{' --baseline ' + str(args.baseline) if args.baseline else ''}`.\n\n| what | cost |\n| --- | --- |\n{table}")
    print(text)
    if not args.no_write:
        write_section(SECTION, text)
    return 0


def _median(function, repeats: int) -> float:
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        function()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def _command(checkout: Path, config: str) -> float:
    env = {**os.environ, "PYTHONPATH": str(checkout), "XDG_CONFIG_HOME": config,
           STORE_VARIABLE: str(Path(config) / "truths")}
    start = time.perf_counter()
    subprocess.run([sys.executable, "-m", "checks.cli", "grade", str(SEED)], env=env, cwd=checkout,
                   capture_output=True, check=True)
    return time.perf_counter() - start


def _end_to_end(repeats: int, baseline: Path | None) -> list[tuple[str, str]]:
    import tempfile

    checkouts = [ROOT] + ([baseline.resolve()] if baseline else [])
    times: dict[Path, list[float]] = {checkout: [] for checkout in checkouts}
    with tempfile.TemporaryDirectory(prefix="integrity-cost-config-") as config:
        _command(ROOT, config)  # makes the course secret, so that no timed run does
        for _ in range(repeats):
            for checkout in checkouts:
                times[checkout].append(_command(checkout, config))
    rows = [("`gradjudge grade` of the seed, this checkout (course secret, its truths store warm)", fmt_seconds(statistics.median(times[ROOT])))]
    if baseline:
        rows.append((f"the same, `{baseline}`", fmt_seconds(statistics.median(times[checkouts[1]]))))
    return rows


def _parts(repeats: int) -> list[tuple[str, str]]:
    hw1 = assignments.load("hw1")
    public = rubrics.load(hw1)
    secret = dataclasses.replace(public, secret=SECRET)
    level = isolation.choose()
    rows = []
    for name, chosen in (("public", public), ("course secret", secret)):
        drawn = _median(lambda: [_fresh_stream(context, chosen) for context in hw1.contexts], repeats)
        rows.append((f"drawing hw1's four streams, {name}", fmt_seconds(drawn)))
        grade_submission(SEED, hw1, chosen, level)
        rows.append((f"grading the seed, truths cached, {name} cases",
                     fmt_seconds(_median(lambda: grade_submission(SEED, hw1, chosen, level), repeats))))
    net = hw1.context("net")
    with open_submission(SEED, public.limits, level, hw1.ids) as submission:
        cases = diagnostic_cases(net)[:2]
        ecf.genuine_forward(hw1, net, submission, cases)
        rows.append(("the genuine-forward check of one context (seed, 2 cases, in the sandbox)",
                     fmt_seconds(_median(lambda: ecf.genuine_forward(hw1, net, submission, cases), repeats))))
    scans = [_median(lambda path=path: scan(collect(path), frozenset(), own_name_allowed=True), 1) for path in HONEST]
    rows.append((f"the static scan of one file, median (max) over {len(HONEST)} honest files",
                 f"{fmt_seconds(statistics.median(scans))} ({fmt_seconds(max(scans))})"))
    plain, watched = _watch_cost()
    rows.append((f"the submission's own calls over {len(HONEST)} honest files, every id on its stream: CPU time "
                 "without the watch, with it", f"{fmt_seconds(plain)}, {fmt_seconds(watched)} "
                                               f"({fmt_ratio(watched / plain)})"))
    writeup = dataclasses.replace(public, evidence="writeup")
    alone = _median(lambda: grade_submission(SEED, hw1, public, level), repeats)
    with_writeup = _evidence_cost(hw1, writeup, level, repeats)
    rows.append(("grading the seed code alone, and with its write-up under evidence = \"writeup\" (truths cached)",
                 f"{fmt_seconds(alone)}, {fmt_seconds(with_writeup)}"))
    return rows


def _fresh_stream(context, rubric) -> None:
    """Draw `context`'s stream as grading does the first time: hypothesis's draw, no memo and no store in front."""
    from checks.engine import properties

    properties._drawn(context, rubric.profile, rubric.secret, None)


def _evidence_cost(hw1, writeup_rubric, level, repeats: int) -> float:
    import shutil
    import tempfile

    with tempfile.TemporaryDirectory(prefix="integrity-cost-") as folder:
        shutil.copy(SEED, Path(folder) / "hw1.py")
        shutil.copy(SEED_WRITEUP, Path(folder) / "hw1.txt")
        grade_submission(Path(folder) / "hw1.py", hw1, writeup_rubric, level)
        return _median(lambda: grade_submission(Path(folder) / "hw1.py", hw1, writeup_rubric, level), repeats)


def _watch_cost() -> tuple[float, float]:
    """CPU seconds of every honest file's calls on its public stream, without and with the watch, in this process."""
    plain = watched = 0.0
    every = [assignments.load(name) for name in sorted(assignments.known())]
    for path in HONEST:
        spec = importlib.util.spec_from_file_location(f"honest_{path.stem}", path)
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        assignment = max(every, key=lambda candidate: sum(hasattr(module, id) for id in candidate.ids))
        watch = Watch(str(path.parent))
        profile = rubrics.load(assignment).profile
        for entry in assignment.derivations:
            function = getattr(module, entry.id, None)
            if not callable(function):
                continue
            for case in case_stream(entry.context, profile):
                given = arguments(entry, signature_of(function), TRUTHS.evaluated(case).arrays)
                start = time.process_time()
                call(function, given)
                plain += time.process_time() - start
                start = time.process_time()
                with watch:
                    call(function, given)
                watched += time.process_time() - start
    return plain, watched


if __name__ == "__main__":
    sys.exit(main())
