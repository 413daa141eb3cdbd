"""How long grading takes: one submission on one core, and a folder of many with some that hang.

    python benchmarks/grading_speed.py                 # 100 submissions, the shipped rubric
    python benchmarks/grading_speed.py --count 20      # a quicker look

Part 1 grades the example submission and the reference package alone, with one
job, several times, and prints the median. Part 2 builds a folder of `--count`
copies of the example: most as they are, a fifth with one derivation that
loops forever, a tenth with one that calls `os._exit`. It grades the folder with
`--jobs` processes and prints the wall time next to two yardsticks: the CPU work
spread over the jobs, and what the timeouts would cost if they were paid one
after another instead of together.
"""
from __future__ import annotations

import argparse
import os
import platform
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from checks import rubric as rubrics  # noqa: E402
from checks.grading import grade_many, grade_submission  # noqa: E402
from checks.oracles import use_one_thread  # noqa: E402
from checks.sandbox.isolation import choose  # noqa: E402

SEED = ROOT / "examples" / "seed_submission.py"
HANG = "\n\ndef eq09_dL_db2A(yA_hat, yA, yB_hat, yB, theta2B, m):\n    while True:\n        pass\n"
EXIT = "\n\ndef eq11_dL_dzDP(yA_hat, yA, yB_hat, yB, theta2B, theta2A, m):\n    import os\n    os._exit(1)\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--count", type=int, default=100, help="submissions in the folder (default 100)")
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1, help="parallel jobs (default: cores)")
    parser.add_argument("--repeats", type=int, default=3, help="runs of part 1 (default 3)")
    args = parser.parse_args()
    use_one_thread()
    rubric = rubrics.load()
    isolation = choose()
    print(f"machine: {os.cpu_count()} cores, Python {platform.python_version()}, {platform.machine()}; "
          f"rubric: {rubric.examples} examples per id, timeout {rubric.limits.timeout:g} s per call")

    print("\n1. One submission, all 29 ids, one job")
    for label, path in (("examples/seed_submission.py", SEED), ("derivations/", ROOT / "derivations")):
        times = []
        for _ in range(args.repeats):
            start = time.perf_counter()
            grade = grade_submission(path, rubric, isolation)
            times.append(time.perf_counter() - start)
        print(f"   {label:30s} median {statistics.median(times):6.1f} s over {args.repeats} runs "
              f"(min {min(times):.1f}, max {max(times):.1f}); score {grade.score:g} / {grade.max_score:g}")

    print(f"\n2. A folder of {args.count} submissions, {args.jobs} jobs")
    with tempfile.TemporaryDirectory() as folder:
        paths = _folder(Path(folder), args.count)
        hanging = sum("hang" in p.stem for p in paths)
        exiting = sum("exit" in p.stem for p in paths)
        start = time.perf_counter()
        grades = grade_many(paths, rubric, args.jobs, isolation)
        wall = time.perf_counter() - start
    work = sum(grade.seconds for grade in grades)
    timeouts = sum(row.status == "timeout" for grade in grades for row in grade.derivations)
    crashes = sum("crashed" in row.tags for grade in grades for row in grade.derivations)
    serial_timeouts = timeouts * rubric.limits.timeout
    print(f"   {len(grades)} graded: {hanging} with a derivation that hangs, {exiting} with one that exits")
    print(f"   wall clock                          {wall:7.1f} s")
    print(f"   grading work / jobs                 {work / args.jobs:7.1f} s  ({work:.1f} s of grading in all)")
    print(f"   timeouts hit                        {timeouts:7d}    ({crashes} crashes)")
    print(f"   timeouts paid one after another     {serial_timeouts / args.jobs:7.1f} s  "
          f"({timeouts} x {rubric.limits.timeout:g} s / {args.jobs} jobs), avoided by the probe")
    print(f"   slowest timeout                     {rubric.limits.timeout:7.1f} s")
    print(f"   per submission                      {wall / len(grades):7.2f} s")


def _folder(folder: Path, count: int) -> list[Path]:
    source = SEED.read_text()
    paths = []
    for index in range(count):
        kind = "hang" if index % 5 == 0 else "exit" if index % 10 == 1 else "plain"
        path = folder / f"student_{index:03d}_{kind}.py"
        path.write_text(source + {"hang": HANG, "exit": EXIT, "plain": ""}[kind])
        paths.append(path)
    return paths


if __name__ == "__main__":
    main()
