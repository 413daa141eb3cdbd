"""Run the soak of every shipped assignment and record it in docs/benchmarks.md.

    python benchmarks/soak_record.py                    # hw1 100,000 examples, hw2 and hw3 40,000, on 2 processes
    python benchmarks/soak_record.py --scale 0.1 --no-write   # a quick look

Each soak is `gradjudge soak` run as a command, exactly as a user runs it. Its
table goes between the assignment's markers (`<!-- soak:start -->` for hw1,
`<!-- soak-hw2:start -->` for hw2, `<!-- soak-hw3:start -->` for hw3), with the command, the machine and a result
line computed from the table: the examples, the failures (which must be 0), and
the worst gap of each comparison against its tolerance. Nothing outside the
markers is touched.
"""
from __future__ import annotations

import argparse
import datetime
import os
import re
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DOC = ROOT / "docs" / "benchmarks.md"
SOAKS = {"hw1": ("soak", 100_000), "hw2": ("soak-hw2", 40_000), "hw3": ("soak-hw3", 40_000)}
"""Assignment: (its markers' name in docs/benchmarks.md, examples)."""
TOLERANCES = {"closed vs autograd": 1e-10, "autograd vs numeric": 1e-7}
"""The tolerances the result line compares against (`checks.engine.tolerances`: CLOSED_FORM for float64, NUMERIC)."""
ROW = re.compile(r"^\s+(\S+)\s+(\d+)\s+(\d+)\s+(\d+) / (\d+)\s+(\S+)\s+(\S+)\s+(\S+)\s+\d+ s\s*$")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scale", type=float, default=1.0, help="fraction of the examples to run (default 1)")
    parser.add_argument("--jobs", type=int, default=2, help="soak processes (default 2)")
    parser.add_argument("--no-write", action="store_true", help="print only")
    args = parser.parse_args()
    if not 0 < args.scale <= 1:
        parser.error(f"--scale={args.scale}, but it must be in (0, 1]")
    sections = {}
    for assignment, (marker, examples) in SOAKS.items():
        count = max(1, int(examples * args.scale))
        command = ["gradjudge", "soak", "--examples", str(count), "--jobs", str(args.jobs), "--assignment", assignment]
        started, load = datetime.datetime.now(datetime.timezone.utc), os.getloadavg()[0]
        start = time.perf_counter()
        done = subprocess.run(command, capture_output=True, text=True, env={**os.environ, "COLUMNS": "112"})
        wall = time.perf_counter() - start
        print(done.stdout)
        if done.returncode not in (0, 1):
            print(done.stderr, file=sys.stderr)
            return done.returncode
        sections[marker] = _section(assignment, command, done.stdout, started, load, wall)
        print(sections[marker])
    if not args.no_write:
        text = DOC.read_text()
        for marker, section in sections.items():
            start, end = f"<!-- {marker}:start -->", f"<!-- {marker}:end -->"
            if start not in text or end not in text:
                print(f"{DOC}: the markers {start} and {end} are missing; nothing written", file=sys.stderr)
                return 1
            text = text[:text.index(start) + len(start)] + "\n" + section + text[text.index(end):]
        DOC.write_text(text)
        print(f"wrote {', '.join(sections)} in {DOC}")
    return 0


def _section(assignment: str, command: list[str], output: str, started: datetime.datetime, load: float,
             wall: float) -> str:
    rows = [match.groups() for line in output.splitlines() if (match := ROW.match(line))]
    examples = sum(int(row[1]) for row in rows)
    failures = sum(int(row[2]) for row in rows)
    discarded, probes = sum(int(row[3]) for row in rows), sum(int(row[4]) for row in rows)
    worst = {label: max((float(row[column]) for row in rows if row[column] != "—"), default=0.0)
             for label, column in (("closed vs autograd", 5), ("autograd vs numeric", 6))}
    worst_numeric_id = max(rows, key=lambda row: float(row[6]) if row[6] != "—" else 0.0)[0] if rows else "—"
    table = "\n".join(line.rstrip() for line in output.strip("\n").splitlines())
    margins = ", ".join(f"the worst {label} gap is {value:.1e} ({TOLERANCES[label] / value:,.0f} times inside its "
                        f"tolerance{', ' + worst_numeric_id if label == 'autograd vs numeric' else ''})"
                        for label, value in worst.items() if value > 0)
    return f"""## Soak: {assignment}

```bash
{' '.join(command)}
```

Written by `benchmarks/soak_record.py`. Run on {started:%Y-%m-%d at %H:%M} UTC, on a
{os.cpu_count()}-core machine shared with other work (load average {load:.2f} at the start), {command[5]} processes,
commit {_commit()}; {wall:.0f} s wall clock. Random hypothesis examples (not derandomized) across every id of
{assignment} against its reference derivations. The soak neither stops nor shrinks at a failure: it counts them.
Errors are normwise, the largest gap over the tolerance scale, worst case per id. The tolerances are 1e-10
(closed form vs autograd) and 1e-7 plus Ridders' error estimate (numeric).

```
{table}
```

Result: **{failures} failures in {examples:,} examples**; {margins}.
{discarded:,} of {probes:,} numeric probes were discarded at kinks.
"""


def _commit() -> str:
    found = subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True, cwd=ROOT)
    return found.stdout.strip() or "unknown"


if __name__ == "__main__":
    sys.exit(main())
