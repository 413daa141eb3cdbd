"""What the sandbox costs: starting a worker, one call, a batch of calls, reading a write-up in its child, and grading
one submission, per isolation level.

    python benchmarks/sandbox_cost.py              # prints the table and writes it into docs/benchmarks.md
    python benchmarks/sandbox_cost.py --no-write   # prints only

Each isolation level is measured in a fresh process of this script (`--level`),
pinned to one core, one after the other, so that the levels are compared on the
same machine at the same time and neither finds the other's cached truths.
Every number is a median over repeated runs in that process, except the first
grading, which is the only one that computes the truths of its cases.
"""
from __future__ import annotations

import argparse
import json
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

import numpy as np  # noqa: E402

from checks import assignments  # noqa: E402
from checks.engine.oracles import use_one_thread  # noqa: E402
from checks.grading import rubric as rubrics  # noqa: E402
from checks.grading.handins import grade_submission  # noqa: E402
from checks.sandbox import isolation  # noqa: E402
from checks.sandbox.client import open_submission  # noqa: E402
from checks.writeup.isolated import read_isolated  # noqa: E402
from common import (commit, load_average, machine, now, python_path_environment, require_keywords,  # noqa: E402
                    write_section)

require_keywords(grade_submission, "path", "assignment", "rubric", "isolation")
require_keywords(open_submission, "path", "limits", "isolation", "ids")
require_keywords(rubrics.load, "assignment", "path")
require_keywords(read_isolated, "isolation")

ASSIGNMENT = "hw1"
SEED = ROOT / "examples" / "seed_submission.py"
SEED_WRITEUP = ROOT / "examples" / "seed_writeup.txt"
SECTION = "sandbox_cost"
ARGUMENTS = {"M": np.ones((4, 3))}
"""The arguments of one call of `dropout_dy_dx(M)`, which the seed submission defines."""


def median_ms(samples: list[float]) -> str:
    return f"{1000 * statistics.median(samples):.2f} ms"


def measure(level: isolation.Isolation, starts: int, calls: int, reads: int, grades: int) -> dict[str, str]:
    assignment = assignments.load(ASSIGNMENT)
    rubric = rubrics.load(assignment)
    limits = rubric.limits
    ids = assignment.ids
    started = []
    for _ in range(starts):
        begin = time.perf_counter()
        with open_submission(SEED, limits, level, ids) as submission:
            started.append(time.perf_counter() - begin)
    with open_submission(SEED, limits, level, ids) as submission:
        single = []
        for _ in range(calls):
            begin = time.perf_counter()
            submission.call("dropout_dy_dx", ARGUMENTS, reply_limit=2**20)
            single.append(time.perf_counter() - begin)
        batched = []
        for _ in range(max(1, calls // 50)):
            begin = time.perf_counter()
            submission.call_many("dropout_dy_dx", [ARGUMENTS] * 50, reply_limit=2**20)
            batched.append((time.perf_counter() - begin) / 50)
    text, read = SEED_WRITEUP.read_bytes(), []
    for _ in range(reads):
        begin = time.perf_counter()
        read_isolated(text, ASSIGNMENT, SEED_WRITEUP.name, isolation=level)
        read.append(time.perf_counter() - begin)
    graded = []
    for _ in range(grades):
        begin = time.perf_counter()
        grade = grade_submission(SEED, assignment, rubric, level)
        graded.append(time.perf_counter() - begin)
    score = f"score {grade.score:g} / {grade.max_score:g}"
    again = (f"{statistics.median(graded[1:]):.2f} s (n={len(graded) - 1})" if len(graded) > 1 else "—")
    return {"start": median_ms(started), "call": median_ms(single), "batched": median_ms(batched),
            "read": median_ms(read), "first": f"{graded[0]:.2f} s ({score})", "again": again}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--starts", type=int, default=20, help="workers started per level (default 20)")
    parser.add_argument("--calls", type=int, default=500, help="single calls per level (default 500)")
    parser.add_argument("--reads", type=int, default=5, help="readings of the seed write-up per level (default 5)")
    parser.add_argument("--grades", type=int, default=3, help="gradings of the seed submission per level (default 3)")
    parser.add_argument("--no-write", action="store_true", help="print only; do not write docs/benchmarks.md")
    parser.add_argument("--level", choices=sorted(isolation.LEVELS),
                        help="(used by the script itself) measure one isolation level in this process, print its row")
    args = parser.parse_args()
    if args.level:
        use_one_thread()
        os.sched_setaffinity(0, {sorted(os.sched_getaffinity(0))[0]})
        print("ROW " + json.dumps(measure(isolation.choose(args.level), args.starts, args.calls, args.reads, args.grades)))
        return
    load_start = load_average()
    levels = [isolation.PROCESS]
    strong = isolation.choose()
    if strong.strong:
        levels.insert(0, strong.level)
    rows = {level: measured(level, args) for level in levels}
    host = machine()
    lines = [
        "## What the sandbox costs",
        "",
        "Generated by `benchmarks/sandbox_cost.py` (each level in a fresh process pinned to one core; medians in one "
        f"run). Run on {now()}, commit {commit()}; {host['cpu']}, shared with other work (load average "
        f"{load_start:.2f} at the start, {load_average():.2f} at the end), {host['python']}, "
        f"{strong.detail if strong.strong else 'no bubblewrap'}. Grading the seed the first time in a process "
        "computes the truths and sampled witnesses of its cases; grading it again finds them in the process's truths "
        "cache, as every later submission of a class does.",
        "",
        f"| isolation | start a worker (read, scan, stage, spawn, import; n={args.starts}) | one call, one round trip "
        f"(n={args.calls}) | one call inside a batch of 50 | read `examples/seed_writeup.txt` in the reader's child "
        f"(n={args.reads}) | grade `examples/seed_submission.py`, shipped rubric, first in the process | grade it again "
        "(truths cached) |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for level, row in rows.items():
        lines.append(f"| {level} | {row['start']} | {row['call']} | {row['batched']} | {row['read']} | {row['first']} "
                     f"| {row['again']} |")
    text = "\n".join(lines)
    print(text)
    if not args.no_write:
        write_section(SECTION, text)


def measured(level: str, args) -> dict[str, str]:
    """One level's row, measured in a fresh process of this script (so that no level finds the other's truths)."""
    command = [sys.executable, str(Path(__file__).resolve()), "--level", level, "--starts", str(args.starts),
               "--calls", str(args.calls), "--reads", str(args.reads), "--grades", str(args.grades)]
    done = subprocess.run(command, capture_output=True, text=True, cwd=ROOT, env=python_path_environment())
    rows = [json.loads(line[4:]) for line in done.stdout.splitlines() if line.startswith("ROW ")]
    if done.returncode or not rows:
        raise SystemExit(f"measuring {level} failed (exit {done.returncode}):\n{done.stdout[-2000:]}{done.stderr[-2000:]}")
    return rows[0]


if __name__ == "__main__":
    main()
