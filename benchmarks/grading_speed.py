"""How long grading takes, run the way a user runs it: the `gradjudge grade` command, in a subprocess.

    python benchmarks/grading_speed.py                          # one submission (5 runs of each), then 100 and 1,000
    python benchmarks/grading_speed.py --counts 20 --repeats 1 --no-write     # a quick look

Part 1 runs, side by side in each repeat, the import floor (`python -c "import
torch, numpy, hypothesis"`: what any such command pays before it does
anything), `gradjudge grade examples/seed_submission.py` with a cold truths
store (a fresh empty folder) and the same command with a warm one (filled by
one untimed run before), and reports the medians and their ratios to the
floor. Part 2 builds classes of `--counts` submissions: copies of the example
submission and of the example class (examples/class), each with up to two ids
swapped for a wrong variant of the assignment's catalog, a few with one
derivation that hangs, exits or raises, and grades each with `gradjudge grade
FOLDER --jobs 2 --json out.json`, each with a fresh empty truths store. For
every run it reports the wall clock and the peak memory of the whole process
tree (the command, its grading processes and every sandboxed worker), sampled
from /proc every 0.2 s, and, where the machine lets it make a memory cgroup for
the command, the kernel's own peak for the group.

It writes its results between the `grading_speed` markers of
docs/benchmarks.md (nothing outside them), unless --no-write.
"""
from __future__ import annotations

import argparse
import ast
import contextlib
import ctypes
import inspect
import json
import os
import platform
import pstats
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
for _path in (str(HERE), str(ROOT)):
    if _path not in sys.path:
        sys.path.insert(0, _path)

from checks import assignments  # noqa: E402
from checks.grading import rubric as rubrics  # noqa: E402
from checks.engine.store import ENVIRONMENT_VARIABLE as STORE_VARIABLE  # noqa: E402
from checks.sandbox.isolation import choose  # noqa: E402
from common import (commit, fmt_mb, load_average, machine, markdown_table, now,  # noqa: E402
                    python_path_environment, require_keywords, where, write_section)

require_keywords(rubrics.load, "assignment", "path")

ASSIGNMENT = "hw1"
SEED = ROOT / "examples" / "seed_submission.py"
CLASS = ROOT / "examples" / "class"
SECTION, OLD_SECTION = "grading_speed", "grading"
FLOOR = ("import torch, numpy, hypothesis",)
"""What every such command imports before it does anything: its floor, run as `python -c`."""
LEAN_FLOOR = ("import gc", "gc.disable()", *FLOOR, "import os", "os._exit(0)")
"""The floor as `gradjudge` pays it: imported with automatic garbage collection off (`checks.collection`), ended
without the interpreter's teardown of torch (`checks.process_exit`)."""
TARGET_WARM, TARGET_COLD = 1.5, 2.0
"""One submission as a command, with a warm truths store and with a cold one, as a multiple of the floor."""
TARGET_CLASS = {100: 60.0, 1000: 300.0}
"""Seconds for a class of this many submissions on 2 jobs."""
TARGET_PEAK_MB = 2048
HANG_EVERY, EXIT_EVERY, RAISE_EVERY = 20, 50, 25
"""One submission in this many has one derivation that hangs (loops forever), one that calls os._exit, one that
raises."""
MISTAKES = (0.4, 0.4, 0.2)
"""Probability that a submission has 0, 1 or 2 ids swapped for a wrong variant of the catalog."""


# --------------------------------------------------------------------------- a class of submissions


@dataclass
class Made:
    paths: list[Path]
    bases: dict[str, int] = field(default_factory=dict)
    """Copies of each kind of base file: the seed, an examples/class file, one of those that does not parse."""
    mistakes: dict[int, int] = field(default_factory=dict)
    """Submissions with 0, 1 or 2 catalog variants swapped in."""
    broken: dict[str, int] = field(default_factory=dict)
    """Submissions with one derivation that hangs, exits or raises."""

    def describe(self) -> str:
        bases = ", ".join(f"{count} {kind}" for kind, count in self.bases.items())
        mistakes = ", ".join(f"{self.mistakes.get(k, 0)} with {('none', 'one', 'two')[k]}" for k in (0, 1, 2))
        broken = ", ".join(f"{kind} in {count}" for kind, count in self.broken.items())
        return (f"{bases}; catalog mistakes swapped in: {mistakes}; one derivation that {broken}"
                if broken else f"{bases}; catalog mistakes swapped in: {mistakes}")


def catalog_sources() -> dict[str, str]:
    """Each catalog variant's source as a submission's function named by its id, with the helpers it calls renamed."""
    found = assignments.load(ASSIGNMENT)
    module = inspect.getmodule(found.catalog[0].function)
    tree = ast.parse(inspect.getsource(module))
    functions = {node.name: node for node in tree.body if isinstance(node, ast.FunctionDef)}
    sources = {}
    for variant in found.catalog:
        name = variant.function.__name__
        needed, pending = [], [name]
        while pending:  # the module's functions it calls, transitively
            current = pending.pop()
            if current in needed:
                continue
            needed.append(current)
            pending += [node.id for node in ast.walk(functions[current])
                        if isinstance(node, ast.Name) and node.id in functions]
        renamed = {helper: (variant.id if helper == name else f"_catalog_{helper}") for helper in needed}
        parts = []
        for helper in reversed(needed):
            node = _Renamer(renamed).visit(ast.parse(ast.unparse(functions[helper])))
            parts.append(ast.unparse(node))
        sources[variant.name] = "\n\n\n".join(parts)
    return sources


class _Renamer(ast.NodeTransformer):
    def __init__(self, names: dict[str, str]):
        self.names = names

    def visit_FunctionDef(self, node: ast.FunctionDef):
        node.name = self.names.get(node.name, node.name)
        self.generic_visit(node)
        return node

    def visit_Name(self, node: ast.Name):
        node.id = self.names.get(node.id, node.id)
        return node


def make_class(folder: Path, count: int, seed: int) -> Made:
    """`count` submissions in `folder`, the same ones for the same `seed` (a smaller class is a prefix of a larger)."""
    found = assignments.load(ASSIGNMENT)
    bases = [SEED, *sorted(CLASS.glob("*.py"))]
    texts = {base: base.read_text() for base in bases}
    wrong = catalog_sources()
    variants = list(found.catalog)
    ids = [entry.id for entry in found.derivations]
    parses = {base: _parses(text) for base, text in texts.items()}
    rng = random.Random(seed)
    folder.mkdir(parents=True, exist_ok=True)
    made = Made([])
    for index in range(count):
        base = bases[index % len(bases)]
        mistakes = rng.choices((0, 1, 2), weights=MISTAKES)[0]
        chosen = []
        for variant in rng.sample(variants, len(variants)):
            if len(chosen) < mistakes and variant.id not in {v.id for v in chosen}:
                chosen.append(variant)
        parts = [texts[base].rstrip(), *(wrong[v.name] for v in chosen)]
        bad_id = ids[index % len(ids)]
        broken = None
        if index % HANG_EVERY == HANG_EVERY // 3:
            parts.append(f"def {bad_id}(m):\n    while True:\n        pass")
            broken = "hangs"
        elif index % EXIT_EVERY == EXIT_EVERY // 4:
            parts.append(f"def {bad_id}(m):\n    import os\n    os._exit(1)")
            broken = "exits"
        elif index % RAISE_EVERY == RAISE_EVERY - 6:
            parts.append(f"def {bad_id}(m):\n    return 1 / 0")
            broken = "raises"
        kind = ("copies of the seed" if base == SEED else "copies of examples/class" if parses[base] else
                "copies of an examples/class file that does not parse (a load error)")
        made.bases[kind] = made.bases.get(kind, 0) + 1
        made.mistakes[len(chosen)] = made.mistakes.get(len(chosen), 0) + 1
        if broken:
            made.broken[broken] = made.broken.get(broken, 0) + 1
        path = folder / f"student_{index:04d}.py"
        path.write_text("\n\n\n".join(parts) + "\n")
        made.paths.append(path)
    return made


def _parses(text: str) -> bool:
    try:
        ast.parse(text)
    except SyntaxError:
        return False
    return True


# --------------------------------------------------------------------------- memory of a process tree


@dataclass
class Memory:
    peak_rss_mb: float = 0.0
    """Largest sum of VmRSS over the tree's address spaces seen in one sample (a process's shared pages counted in
    each; a child that shares its parent's address space counted once, with the parent)."""
    peak_pss_mb: float | None = None
    """Largest sum of Pss (smaps_rollup) over the tree's address spaces, sampled when the RSS sum was near its peak;
    a process whose smaps cannot be read counts with its RSS."""
    peak_processes: int = 0
    samples: int = 0
    borrowed: int = 0
    """Largest number of processes seen in one sample sharing their parent's address space (between `vfork` and
    `exec`: a sandbox being started), each of which /proc shows with the parent's whole RSS."""
    cgroup_peak_mb: float | None = None
    cgroup: str = ""
    """Which kernel counter gave `cgroup_peak_mb`, or why there is none."""


class TreeSampler(threading.Thread):
    """Every `interval` seconds, the memory of `pid` and all its descendants, from /proc."""

    def __init__(self, pid: int, interval: float, memory: Memory):
        super().__init__(daemon=True)
        self.pid, self.interval, self.memory = pid, interval, memory
        self.done = threading.Event()

    def run(self) -> None:
        while not self.done.is_set():
            self.sample()
            self.done.wait(self.interval)

    def sample(self) -> None:
        parents = descendants(self.pid)
        if not parents:
            return
        own = [pid for pid, parent in parents.items() if not same_address_space(pid, parent)]
        rss = {pid: _status_kb(pid, "VmRSS") for pid in own}
        total = sum(rss.values()) / 1024
        memory = self.memory
        memory.samples += 1
        memory.peak_processes = max(memory.peak_processes, len(parents))
        memory.borrowed = max(memory.borrowed, len(parents) - len(own))
        if total >= 0.9 * memory.peak_rss_mb:
            pss = sum(_pss_kb(pid, rss[pid]) for pid in own) / 1024
            memory.peak_pss_mb = max(memory.peak_pss_mb or 0.0, pss)
        memory.peak_rss_mb = max(memory.peak_rss_mb, total)


_LIBC = ctypes.CDLL(None, use_errno=True)
SYS_KCMP = {"x86_64": 312, "aarch64": 272}.get(platform.machine())
"""Linux's `kcmp` system call on this machine's architecture (None elsewhere)."""
KCMP_VM = 1
"""`kcmp`'s question "do these two processes share an address space?"."""


def same_address_space(pid: int, other: int | None) -> bool:
    """Whether `pid` shares `other`'s address space (`kcmp(2)`, `KCMP_VM`); False when the kernel will not say."""
    return other is not None and SYS_KCMP is not None and _LIBC.syscall(SYS_KCMP, pid, other, KCMP_VM, 0, 0) == 0


def descendants(root: int) -> dict[int, int | None]:
    """`root` and every process below it, each with its parent (None for `root`)."""
    children: dict[int, list[int]] = {}
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            stat = Path(f"/proc/{entry.name}/stat").read_text()
        except OSError:
            continue
        parent = int(stat.rsplit(")", 1)[1].split()[1])
        children.setdefault(parent, []).append(int(entry.name))
    found: dict[int, int | None] = {}
    pending: list[tuple[int, int | None]] = [(root, None)]
    while pending:
        pid, parent = pending.pop()
        found[pid] = parent
        pending += [(child, pid) for child in children.get(pid, [])]
    return found


def _status_kb(pid: int, key: str) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(key + ":"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def _read(path: Path) -> str:
    try:
        return path.read_text()
    except OSError:
        return ""


def _pss_kb(pid: int, fallback: int) -> int:
    try:
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
            if line.startswith("Pss:"):
                return int(line.split()[1])
    except OSError:
        pass
    return fallback


class BatchGroup:
    """A memory cgroup of our own for one command (v2 `memory.peak`, or v1 `memory.max_usage_in_bytes`), where the
    machine lets us make one below our own group; the grader then makes its workers' groups inside it."""

    def __init__(self):
        self.folder: Path | None = None
        self.counter = ""
        self.why_not = ""
        name = f"gradjudge-bench-{os.getpid()}-{time.monotonic_ns()}"
        own = {}
        try:
            for line in Path("/proc/self/cgroup").read_text().splitlines():
                _, controllers, path = line.split(":", 2)
                own[controllers] = path.lstrip("/")
        except OSError as exc:
            self.why_not = f"cannot read /proc/self/cgroup ({exc})"
            return
        root = Path("/sys/fs/cgroup")
        candidates = []
        parent = root / own.get("", "")
        if "" in own and (root / "cgroup.controllers").exists() and \
                "memory" in _read(parent / "cgroup.subtree_control").split():  # as the grader's own groups need
            candidates.append((parent / name, "memory.peak", "cgroup v2 memory.peak"))
        if "memory" in own:
            candidates.append((root / "memory" / own["memory"] / name, "memory.max_usage_in_bytes",
                               "cgroup v1 memory.max_usage_in_bytes"))
        for folder, counter, label in candidates:
            try:
                folder.mkdir()
            except OSError as exc:
                self.why_not = f"cannot make {folder} ({exc.strerror})"
                continue
            if (folder / counter).exists() and (folder / "cgroup.procs").exists():
                self.folder, self.counter, self.label = folder, counter, label
                return
            with contextlib.suppress(OSError):
                folder.rmdir()
            self.why_not = f"{folder} has no {counter}"
        self.why_not = self.why_not or "no memory cgroup hierarchy here"

    def wrap(self, command: list[str]) -> list[str]:
        if self.folder is None:
            return command
        return ["/bin/sh", "-c", 'echo $$ > "$1" || exit 125; shift; exec "$@"', "sh",
                str(self.folder / "cgroup.procs"), *command]

    def peak_mb(self) -> float | None:
        if self.folder is None:
            return None
        try:
            return int((self.folder / self.counter).read_text().split()[0]) / 2**20
        except (OSError, ValueError, IndexError):
            return None

    def remove(self) -> None:
        if self.folder is None:
            return
        for _ in range(100):
            try:
                self.folder.rmdir()
                return
            except OSError:
                time.sleep(0.05)
        print(f"  note: could not remove {self.folder}", file=sys.stderr)


# --------------------------------------------------------------------------- running the command


@dataclass
class Run:
    wall: float
    returncode: int
    memory: Memory
    grades: dict | None
    output: str
    command: list[str] = field(default_factory=list)


@dataclass
class One:
    """Part 1's runs, round by round: the import floor's seconds, and the command's runs with a cold and a warm store."""

    floor: list[float] = field(default_factory=list)
    lean_floor: list[float] = field(default_factory=list)
    cold: list[Run] = field(default_factory=list)
    warm: list[Run] = field(default_factory=list)

    def median(self, which: str) -> float:
        found = getattr(self, which)
        return statistics.median(found if which.endswith("floor") else [run.wall for run in found])

    def ratio(self, which: str, floor: str = "floor") -> float:
        """The median of `which` over the median `floor`: both from the same rounds."""
        return self.median(which) / self.median(floor)

    def paired(self, which: str) -> list[float]:
        """Each round's run over the same round's floor."""
        return [run.wall / floor for run, floor in zip(getattr(self, which), self.floor)]


def gradjudge_command() -> list[str]:
    """The `gradjudge` console script beside this interpreter (or on PATH), else `python -m checks.cli`: either way
    importing this checkout's `checks` (PYTHONPATH)."""
    for candidate in (Path(sys.executable).with_name("gradjudge"), shutil.which("gradjudge")):
        if candidate and Path(candidate).exists():
            return [str(candidate)]
    return [sys.executable, "-m", "checks.cli"]


def run_grade(arguments: list[str], json_path: Path, interval: float, use_cgroup: bool, cache: Path) -> Run:
    """`gradjudge grade ARGUMENTS` with the truths store in `cache`, timed and its memory sampled."""
    command = [*gradjudge_command(), "grade", *arguments, "--assignment", ASSIGNMENT, "--json", str(json_path)]
    return run_command(command, interval, use_cgroup, cache, json_path)


def run_floor(statements: tuple[str, ...] = FLOOR) -> float:
    """Seconds to start Python and import what every such command imports first (and run the rest of `statements`)."""
    begin = time.perf_counter()
    subprocess.run([sys.executable, "-c", "; ".join(statements)], check=True, cwd=ROOT, env=python_path_environment())
    return time.perf_counter() - begin


def run_command(command: list[str], interval: float, use_cgroup: bool, cache: Path, json_path: Path) -> Run:
    group = BatchGroup() if use_cgroup else None
    memory = Memory(cgroup="not asked for (--no-cgroup)" if group is None else "")
    argv = group.wrap(command) if group is not None else command
    environment = {**python_path_environment(), STORE_VARIABLE: str(cache)}
    begin = time.perf_counter()
    process = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, cwd=ROOT,
                               env=environment)
    sampler = TreeSampler(process.pid, interval, memory)
    sampler.start()
    output = process.communicate()[0]
    wall = time.perf_counter() - begin
    sampler.done.set()
    sampler.join()
    if group is not None:
        memory.cgroup_peak_mb = group.peak_mb()
        memory.cgroup = group.label if group.folder is not None else group.why_not
        group.remove()
    grades = json.loads(json_path.read_text()) if json_path.exists() else None
    return Run(wall, process.returncode, memory, grades, output, command)


def summary(grades: dict | None) -> dict:
    """What a grades file says about a batch: statuses, timeouts, crashes, grading work, where it went."""
    if not grades:
        return {}
    submissions = grades["submissions"]
    rows = [row for s in submissions for row in s["derivations"]]
    by_status: dict[str, float] = {}
    for row in rows:
        by_status[row["status"]] = by_status.get(row["status"], 0.0) + row["seconds"]
    work = sum(s["seconds"] for s in submissions)
    return {
        "count": len(submissions),
        "statuses": {status: sum(s["status"] == status for s in submissions)
                     for status in sorted({s["status"] for s in submissions})},
        "scores": [s["score"] for s in submissions],
        "max_score": max((s["max_score"] for s in submissions), default=0),
        "timeouts": sum(row["status"] == "timeout" for row in rows),
        "crashes": sum("crashed" in row["tags"] for row in rows),
        "work": work,
        "row_seconds": by_status,
        "outside_rows": work - sum(by_status.values()),
        "isolation": sorted({s["isolation"] for s in submissions}),
    }


# --------------------------------------------------------------------------- where one submission's time goes


WRAPPERS = ("cli.py", "batch.py:", "(grade_submission)", "(grade_code)", "grade.py:77(_graded)", "(<dictcomp>)",
            "(<listcomp>)", "(<genexpr>)", "(<module>)")
"""Profiled functions that only pass the whole run down: left out of the summary."""
STARTUP, STARTUP_OWN = ("checks/grading/startup.py", "started_while_importing"), ("checks/grading/startup.py", "_started")
"""A one-submission command imports torch on a thread while its main thread starts the sandbox (`_started`); cProfile
sees the main thread only, so the rest of `started_while_importing` is the wait for that import, counted as imports."""


def _is(name: str, function: tuple[str, str]) -> bool:
    """Whether a profiled `name` (`path:line(function)`) is `function`, given as (path, function name)."""
    return name.startswith(function[0] + ":") and name.endswith(f"({function[1]})")


def _cumulative(rows: list[tuple[str, float]], function: tuple[str, str]) -> float:
    return max((seconds for name, seconds in rows if _is(name, function)), default=0.0)


def profile_one(path: Path, work: Path, cache: Path, which: str) -> dict:
    """cProfile of the one-submission command's `main` (`python -m cProfile SCRIPT grade PATH`: the command ends
    without the interpreter's teardown, which would end the profiler before it writes), with the truths store in
    `cache` (`which`: warm or cold)."""
    output = work / f"one_{which}.prof"
    script = work / "gradjudge_main.py"
    script.write_text("import sys\nfrom checks.cli import main\nsys.exit(main())\n")
    command = [sys.executable, "-m", "cProfile", "-o", str(output), str(script), "grade", str(path),
               "--assignment", ASSIGNMENT, "--json", str(work / "profiled.json")]
    begin = time.perf_counter()
    done = subprocess.run(command, capture_output=True, text=True, cwd=ROOT,
                          env={**python_path_environment(), STORE_VARIABLE: str(cache)})
    wall = time.perf_counter() - begin
    if done.returncode or not output.exists():
        return {"error": f"exit {done.returncode}: {done.stderr[-300:]}"}
    return _summarised(output, wall, f"the one-submission command with a {which} truths store (`python -m cProfile "
                                     f"SCRIPT grade {display(path)}`, SCRIPT calling `checks.cli.main`)")


def _summarised(output: Path, wall: float, label: str) -> dict:
    stats = pstats.Stats(str(output)).stats
    total = max(ct for (_, _, _, ct, _) in stats.values())
    rows = sorted(((where(*key), ct) for key, (_, _, _, ct, _) in stats.items()), key=lambda row: -row[1])
    threaded = max(0.0, _cumulative(rows, STARTUP) - _cumulative(rows, STARTUP_OWN))
    imports = max((ct for name, ct in rows if "(_find_and_load)" in name), default=0.0) + threaded
    hypothesis = max((ct for name, ct in rows if name.startswith("hypothesis/core.py") and "(run_engine)" in name),
                     default=0.0)
    ours = [(name, ct) for name, ct in rows if name.startswith("checks/") and ct >= 0.03 * total
            and not any(wrapper in name for wrapper in WRAPPERS) and not _is(name, STARTUP)]
    return {"wall": wall, "total": total, "imports": imports, "threaded": threaded, "hypothesis": hypothesis,
            "ours": ours[:14], "label": label}


LATER = """
import cProfile, sys
from pathlib import Path
from checks import assignments
from checks.engine.oracles import use_one_thread
from checks.engine.profiles import private_storage
from checks.grading.handins import grade_submission
from checks.grading.rubric import load
from checks.sandbox.isolation import choose
use_one_thread()
private_storage()
assignment = assignments.load(sys.argv[1])
rubric = load(assignment)
isolation = choose()
grade_submission(Path(sys.argv[2]), assignment, rubric, isolation)
cProfile.run("grade_submission(Path(sys.argv[3]), assignment, rubric, isolation)", sys.argv[4])
"""
"""Grade one submission, then profile grading another in the same process: its truths are cached, as in a class."""


def profile_later(first: Path, second: Path, work: Path) -> dict:
    """cProfile of grading `second` in a process that has graded `first`: what one submission of a class costs."""
    output = work / "later.prof"
    begin = time.perf_counter()
    done = subprocess.run([sys.executable, "-c", LATER, ASSIGNMENT, str(first), str(second), str(output)],
                          capture_output=True, text=True, cwd=ROOT, env=python_path_environment())
    wall = time.perf_counter() - begin
    if done.returncode or not output.exists():
        return {"error": f"exit {done.returncode}: {done.stderr[-300:]}"}
    return _summarised(output, wall, f"grading a class's submission ({second.name}) in a process that has graded "
                                     f"{display(first)} (its cases' truths cached), through `grade_submission`")


def profile_text(found: dict) -> str:
    if "error" in found:
        return f"- cProfile failed: {found['error']}"
    total = found["total"]
    share = lambda seconds: f"{seconds:.2f} s ({100 * seconds / total:.0f}%)"  # noqa: E731
    text = (f"- Where the time goes in {found['label']}, from cProfile ({total:.2f} s under cProfile, which inflates "
            f"Python-level work; {found['wall']:.2f} s of wall clock for the whole profiled process): ")
    if found["imports"] > 0.01 * total:
        text += f"imports {share(found['imports'])}"
        if found["threaded"] > 0.01 * total:
            text += (f", {found['threaded']:.2f} s of them waited for while torch imports on a thread of its own and "
                     "the sandbox starts")
        text += "; "
    return (text + f"hypothesis's engine (drawing a context's case stream the store does not hold) "
            f"{share(found['hypothesis'])}; gradjudge's functions by cumulative time (nested: a caller includes its "
            "callees): " + "; ".join(f"`{name}` {share(seconds)}" for name, seconds in found["ours"]) + ".")


# --------------------------------------------------------------------------- main


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--counts", type=int, nargs="*", default=[100, 1000], metavar="N",
                        help="class sizes to grade (default: 100 1000; none: part 1 only)")
    parser.add_argument("--jobs", type=int, default=2, help="gradjudge grade --jobs for the classes (default 2)")
    parser.add_argument("--repeats", type=int, default=5, help="rounds of floor, cold and warm runs (default 5)")
    parser.add_argument("--one", type=Path, default=SEED, help="the one submission (default examples/seed_submission.py)")
    parser.add_argument("--seed", type=int, default=0, help="seed of the mistakes in the generated classes (default 0)")
    parser.add_argument("--interval", type=float, default=0.2, help="seconds between memory samples (default 0.2)")
    parser.add_argument("--no-cgroup", action="store_true", help="do not put the command in a memory cgroup of its own")
    parser.add_argument("--keep", type=Path, metavar="DIR", help="keep the generated classes and grades files here")
    parser.add_argument("--profile", choices=("auto", "always", "never"), default="auto",
                        help="cProfile the one-submission command (warm, cold), and one class submission graded with "
                             "its truths cached: each when its target is missed (auto, the default), always, or never")
    parser.add_argument("--no-write", action="store_true", help="print only; do not write docs/benchmarks.md")
    args = parser.parse_args()

    started = time.monotonic()
    host, date, head, load_start = machine(), now(), commit(), load_average()
    isolation = choose()
    found = assignments.load(ASSIGNMENT)
    rubric = rubrics.load(found)
    weak = [] if isolation.strong else ["--allow-weak-isolation"]
    print(f"grading speed — {date}, commit {head}; {host['cpu']}, {host['ram']} RAM, {host['python']}; "
          f"load average {load_start:.2f}")
    print(f"  {isolation.describe()}; rubric: {rubric.examples} examples per id, {rubric.limits.timeout:g} s per call; "
          f"command: {' '.join(gradjudge_command())}")
    check_cli()
    work = Path(args.keep) if args.keep else Path(tempfile.mkdtemp(prefix="gradjudge-speed-"))
    work.mkdir(parents=True, exist_ok=True)
    try:
        print(f"\n1. One submission against the import floor: {args.repeats} rounds of python -c "
              f"\"{'; '.join(FLOOR)}\", gradjudge grade {display(args.one)} with a cold truths store, and with a warm "
              "one")
        warm_cache = work / "warm-truths"
        run_grade([str(args.one), *weak], work / "warming.json", args.interval, False, warm_cache)
        one = One()
        for index in range(args.repeats):
            one.floor.append(run_floor())
            one.lean_floor.append(run_floor(LEAN_FLOOR))
            one.cold.append(run_grade([str(args.one), *weak], work / f"cold_{index}.json", args.interval,
                                      not args.no_cgroup, work / f"cold-truths-{index}"))
            one.warm.append(run_grade([str(args.one), *weak], work / f"warm_{index}.json", args.interval,
                                      not args.no_cgroup, warm_cache))
            print(f"   round {index + 1}: floor {one.floor[-1]:5.2f} s (as the command pays it {one.lean_floor[-1]:5.2f} s), "
                  f"cold {one.cold[-1].wall:5.2f} s "
                  f"(exit {one.cold[-1].returncode}), warm {one.warm[-1].wall:5.2f} s (exit {one.warm[-1].returncode})")
            for run in (one.cold[-1], one.warm[-1]):
                if run.returncode:
                    print(indent(run.output[-2000:]))
        print(f"   medians: floor {one.median('floor'):.2f} s, cold {one.median('cold'):.2f} s "
              f"({one.ratio('cold'):.2f}x), warm {one.median('warm'):.2f} s ({one.ratio('warm'):.2f}x); against the "
              f"floor as the command pays it ({one.median('lean_floor'):.2f} s): cold "
              f"{one.ratio('cold', 'lean_floor'):.2f}x, warm {one.ratio('warm', 'lean_floor'):.2f}x")
        profiled = []
        for which, target in (("warm", TARGET_WARM), ("cold", TARGET_COLD)):
            if args.profile == "always" or (args.profile == "auto" and one.ratio(which) > target):
                cache = warm_cache if which == "warm" else work / "profiled-cold-truths"
                profiled.append(profile_one(args.one, work, cache, which))
                print(profile_text(profiled[-1]).replace("`", ""))
        classes = []
        for count in args.counts:
            folder = work / f"class_{count}"
            made = make_class(folder, count, args.seed)
            print(f"\n2. A class of {count}: {made.describe()}; gradjudge grade {folder.name} --jobs {args.jobs}")
            run = run_grade([str(folder), "--jobs", str(args.jobs), *weak], work / f"class_{count}.json",
                            args.interval, not args.no_cgroup, work / f"class-truths-{count}")
            s = summary(run.grades)
            classes.append((count, made, run, s))
            print(f"   {run.wall:7.1f} s wall clock ({run.wall / count:.2f} s per submission), exit {run.returncode}; "
                  f"peak memory {describe_memory(run.memory)}")
            if s:
                print(f"   {s['count']} graded ({', '.join(f'{v} {k}' for k, v in s['statuses'].items())}); grading "
                      f"work {s['work']:.0f} s in all ({s['work'] / args.jobs:.0f} s per job); {s['timeouts']} timeouts, "
                      f"{s['crashes']} crashes")
            if run.returncode or not s:
                print(indent(run.output[-2000:]))
        later = None
        missed = any(count in TARGET_CLASS and run.wall >= TARGET_CLASS[count] for count, _, run, _ in classes)
        if classes and (args.profile == "always" or (args.profile == "auto" and missed)):
            later = profile_later(args.one, classes[0][1].paths[1], work)
            print(profile_text(later).replace("`", ""))
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)
    load_end, wall = load_average(), time.monotonic() - started
    text = report(args, one, profiled, classes, later, host, date, head, load_start, load_end, wall, isolation, rubric)
    print("\n" + text)
    if not args.no_write:
        write_section(SECTION, text, replacing=OLD_SECTION)
        print(f"\nwrote docs/benchmarks.md (between the {SECTION} markers)")
    return 0 if all(r.returncode == 0 for r in one.cold + one.warm) and all(r.returncode == 0 for _, _, r, _ in classes) else 1


def check_cli() -> None:
    """The command still takes what this script passes it (fail before any work if not)."""
    done = subprocess.run([*gradjudge_command(), "grade", "--help"], capture_output=True, text=True, cwd=ROOT,
                          env=python_path_environment())
    missing = [option for option in ("--jobs", "--json", "--assignment", "--allow-weak-isolation")
               if option not in done.stdout]
    if done.returncode or missing:
        raise SystemExit(f"gradjudge grade --help (exit {done.returncode}) does not list {', '.join(missing) or '?'}:"
                         f" port this benchmark\n{done.stdout[-1000:]}{done.stderr[-1000:]}")


def display(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(ROOT))
    except ValueError:
        return str(path)


def indent(text: str) -> str:
    return "\n".join("     | " + line for line in text.splitlines())


def describe_memory(memory: Memory) -> str:
    parts = [f"{fmt_mb(memory.peak_rss_mb)} RSS summed over up to {memory.peak_processes} processes"]
    if memory.peak_pss_mb is not None:
        parts.append(f"{fmt_mb(memory.peak_pss_mb)} PSS")
    if memory.cgroup_peak_mb is not None:
        parts.append(f"{fmt_mb(memory.cgroup_peak_mb)} cgroup peak")
    if memory.borrowed:
        parts.append(f"up to {memory.borrowed} sandbox(es) caught starting, counted with their parent")
    return ", ".join(parts)


def peak_for_target(memory: Memory) -> float:
    """The figure the memory target is judged on: the largest of the three (RSS counts shared pages in every process
    and the cgroup counts page cache, so this errs high)."""
    return max(value for value in (memory.peak_rss_mb, memory.peak_pss_mb, memory.cgroup_peak_mb) if value is not None)


def by(value: float, target: float) -> str:
    """How far over its target a value is: a factor, or within 1.5 times the seconds and the share."""
    if value >= 1.5 * target:
        return f"a factor of {value / target:.2g}"
    return f"{value - target:.3g} s ({100 * (value - target) / target:.0f}%)"


def met(ok: bool) -> str:
    return "met" if ok else "**missed**"


def report(args, one: One, profiled: list[dict], classes: list, later: dict | None, host, date, head,
           load_start, load_end, wall, isolation, rubric) -> str:
    runs = one.cold + one.warm
    lines = ["## Grading speed", "",
             "Generated by `benchmarks/grading_speed.py`; rerun it to refresh this section.", "",
             "```bash",
             "python benchmarks/grading_speed.py" + (f" --counts {' '.join(map(str, args.counts))}"
                                                     if args.counts != [100, 1000] else "")
             + (f" --jobs {args.jobs}" if args.jobs != 2 else "") + (f" --repeats {args.repeats}" if args.repeats != 5
                                                                        else ""),
             "```", "",
             f"Run on {date}, commit {head}. Machine: {host['cpu']}, {host['ram']} RAM, shared with other work (load "
             f"average {load_start:.2f} at the start, {load_end:.2f} at the end), {host['python']}, {host['system']}; "
             f"{isolation.describe()}. Shipped rubric: {rubric.examples} examples per id, a {rubric.limits.timeout:g} s "
             f"timeout per call. The whole run took {wall / 60:.1f} min.", "",
             f"Every time is the wall clock of the command `{' '.join(['gradjudge', 'grade', '...'])}` run as a "
             "subprocess, from its start to its exit: Python's start-up, the imports, discovery, the probe, grading, "
             "and writing `--json`. Peak memory is that of the whole process tree (the command, its grading processes "
             f"and every sandboxed worker), sampled from /proc every {args.interval:g} s: the largest sum of VmRSS "
             "over the tree (each process's shared pages, such as torch's libraries, counted in every process that "
             "maps them, so it errs high) and the sum of Pss at that moment (shared pages split among the processes "
             "that share them; a process whose smaps cannot be read counts with its RSS). Both sums count an address "
             "space once: a child caught between `vfork` and `exec` (a sandbox being started) shares its parent's "
             "address space, and /proc shows it with the parent's whole RSS and Pss, so the sampler asks the kernel "
             "(`kcmp`) and counts it with its parent"
             + (f"; and the kernel's own peak for a memory cgroup the command ran in ({cgroup_label(runs, classes)}, "
                "which also counts page cache the batch touched)" if cgroup_label(runs, classes) else "")
             + ". A spike shorter than the sampling interval can be missed by the sums, not by the cgroup. The "
               f"memory target ({TARGET_PEAK_MB / 1024:g} GB) is judged on the largest of these figures.", ""]
    if one.floor:
        score = summary(one.warm[0].grades)
        rows = [[f"`python -c \"{'; '.join(FLOOR)}\"` (the floor)", str(len(one.floor)), f"{one.median('floor'):.2f} s",
                 f"{min(one.floor):.2f} s", f"{max(one.floor):.2f} s", "1×", "—", "—", "—"],
                [f"`python -c \"{'; '.join(LEAN_FLOOR)}\"` (the floor as the command pays it)",
                 str(len(one.lean_floor)), f"{one.median('lean_floor'):.2f} s", f"{min(one.lean_floor):.2f} s",
                 f"{max(one.lean_floor):.2f} s", f"{one.ratio('lean_floor'):.2f}×", "—", "—", "—"]]
        for which, target in (("cold", TARGET_COLD), ("warm", TARGET_WARM)):
            runs = getattr(one, which)
            walls = [run.wall for run in runs]
            paired = one.paired(which)
            rows.append([f"`gradjudge grade {display(args.one)}`, {which} truths store", str(len(runs)),
                         f"{one.median(which):.2f} s", f"{min(walls):.2f} s", f"{max(walls):.2f} s",
                         f"{one.ratio(which):.2f}× (rounds {min(paired):.2f}–{max(paired):.2f}×)",
                         f"{summary(runs[0].grades)['scores'][0]:g} / {score['max_score']:g}" if runs[0].grades else "—",
                         describe_memory(max(runs, key=lambda run: peak_for_target(run.memory)).memory),
                         f"≤ {target:g}× the floor: {met(one.ratio(which) <= target)}"])
        lines += ["### One submission against the import floor", "",
                  f"In each of {len(one.floor)} rounds, one after the other: the floor, the command with a cold truths "
                  "store (a fresh empty folder: every truth, witness and case stream computed), and with a warm one "
                  "(the store one untimed run of the same command filled, as a course's earlier grading leaves it). "
                  "Ratios are of the medians; each round's own ratios in parentheses. `gradjudge` imports with "
                  "automatic garbage collection off, then freezes what it imported out of later collections "
                  "(`checks.collection`), and ends without the interpreter's teardown (exit handlers run, output "
                  "flushed, then `os._exit`: `checks.process_exit`); the floor pays both. Against the floor run the "
                  f"same way ({one.median('lean_floor'):.2f} s), the command is {one.ratio('cold', 'lean_floor'):.2f}× "
                  f"cold and {one.ratio('warm', 'lean_floor'):.2f}× warm. The targets are judged against the "
                  "floor as the issue set it, the first row.", "",
                  markdown_table(["command", "runs", "median wall clock", "min", "max", "over the floor", "score",
                                  "peak memory", "target"], rows, "lrrrrrlll"), ""]
        for which in ("cold", "warm"):
            work = statistics.median(summary(run.grades).get("work", 0.0) for run in getattr(one, which))
            lines.append(f"- {which.capitalize()}: grading proper (the JSON's `seconds`) {work:.2f} s of the "
                         f"{one.median(which):.2f} s; start-up, imports, discovery, the sandbox and writing take the "
                         f"rest, {one.median(which) - work:.2f} s, against the floor's {one.median('floor'):.2f} s.")
        for found in profiled:
            lines.append(profile_text(found))
        lines.append("")
    if classes:
        rows = []
        for count, made, run, s in classes:
            target = TARGET_CLASS.get(count)
            wall_target = f"< {target:g} s: {met(run.wall < target)}" if target else "—"
            rows.append([f"{count:,}", f"{run.wall:,.1f} s", f"{run.wall / count:.2f} s",
                         f"{s['work']:,.0f} s ({s['work'] / args.jobs:,.0f} s per job)" if s else "—",
                         ", ".join(f"{v} {k}" for k, v in s["statuses"].items()) if s else f"exit {run.returncode}",
                         f"{s['timeouts']} / {s['crashes']}" if s else "—",
                         describe_memory(run.memory), wall_target,
                         f"< {TARGET_PEAK_MB / 1024:g} GB: {met(peak_for_target(run.memory) < TARGET_PEAK_MB)}"])
        lines += [f"### A class on {args.jobs} jobs", "",
                  markdown_table(["submissions", "wall clock", "per submission", "grading work (sum of the grades' "
                                  "seconds)", "grades", "timeouts / crashes", "peak memory", "time target",
                                  "memory target"], rows, "rrrrlllll"), ""]
        count, made, run, s = classes[-1]
        lines.append(f"- The class of {count:,}: {made.describe()}. The mistakes are the assignment's catalog variants (`derivations/hw1/catalog.py`), each "
                       "renamed to its id and appended, so it replaces the base file's function; a hanging derivation "
                       "loops forever, an exiting one calls `os._exit(1)`, a raising one divides by zero. The "
                       f"same seed (`--seed {args.seed}`) gives the same class, and a smaller class is the first "
                       "submissions of a larger one.")
        for count, made, run, s in classes:
            if not s:
                lines.append(f"- The class of {count:,} did not produce a grades file (exit {run.returncode}).")
                continue
            outside = run.wall - s["work"] / args.jobs
            rows_seconds = ", ".join(f"{status} {seconds:,.0f} s" for status, seconds in
                                     sorted(s["row_seconds"].items(), key=lambda item: -item[1]))
            text = (f"- Where the {count:,} submissions' time goes: {s['work']:,.0f} s of grading work (per id, by the "
                    f"status it got: {rows_seconds}; {s['outside_rows']:,.0f} s outside the ids: error carried "
                    f"forward, the numeric policy, a sandbox restarted), {s['work'] / args.jobs:,.0f} s of it per "
                    f"job, and {outside:,.0f} s of wall clock beyond that: start-up, each submission's sandbox "
                    "started and probed before its grade's clock starts, the slow submissions probed again with the "
                    "full timeout, the class's truths and sampled witnesses computed once in the parent, starting "
                    "the grading processes and waiting on the last ones.")
            target = TARGET_CLASS.get(count)
            if target and run.wall >= target:
                text += (f" The target of {target:g} s is missed by {by(run.wall, target)}: on {args.jobs} jobs it "
                         f"leaves {target * args.jobs / count:.2g} s of a job's time per submission, and the grading "
                         f"work alone is {s['work'] / count:.2f} s per submission, plus "
                         f"{outside * args.jobs / count:.2f} s of the rest.")
            lines.append(text)
        if later is not None:
            lines.append(profile_text(later))
    return "\n".join(lines).rstrip() + "\n"


def cgroup_label(runs: list[Run], classes: list) -> str:
    labels = {run.memory.cgroup for run in [*runs, *(c[2] for c in classes)] if run.memory.cgroup_peak_mb is not None}
    return ", ".join(sorted(labels))


if __name__ == "__main__":
    sys.exit(main())
