"""How often a read write-up earns the verdicts its hand transcription earns: the write-up corpus, id by id.

    python benchmarks/writeups.py                       # the corpus in benchmarks/writeups_corpus/
    python benchmarks/writeups.py --corpus DIR          # another corpus laid out the same way (a held-out one)
    python benchmarks/writeups.py --transcriptions      # grade the hand transcriptions instead (checks the corpus)
    python benchmarks/writeups.py --write               # also record the table in docs/benchmarks.md

A corpus is a folder of write-ups (`NAME.md`, `NAME.tex`, `NAME.txt`), each
beside `NAME.expected.toml` (its assignment, its style, and the verdict of
every id it attempts, decided by hand before any run; an id it does not list
is not attempted) and `NAME.transcription.py` (what a teaching assistant would
have typed from it, mistakes kept). Each write-up is read and graded as
`gradjudge grade` grades it; its verdict on every id of its assignment is
compared with the expected one. An id the write-up attempts counts in the
"attempted" figure; "every id" also counts the ids both leave alone. A correct
equation graded wrong (expected `passed`, got `failed`, `partial` or `error`)
is counted apart: it must never happen. With `--transcriptions` the
transcriptions are graded instead, which checks the expected verdicts
themselves (they must agree on every id).
"""
from __future__ import annotations

import argparse
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

if sys.version_info >= (3, 11):
    import tomllib
else:
    import tomli as tomllib

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from common import write_section  # noqa: E402

from checks import assignments  # noqa: E402
from checks.grading import rubric  # noqa: E402
from checks.grading.handins import grade_submission  # noqa: E402
from checks.sandbox.isolation import choose  # noqa: E402

CORPUS = ROOT / "benchmarks" / "writeups_corpus"
SUFFIXES = (".md", ".tex", ".txt")
WRONG = frozenset({"failed", "partial", "error"})
"""Verdicts that cost a correct equation points."""


@dataclass(frozen=True)
class Entry:
    """One corpus write-up: its file, its transcription, its assignment and style, and the verdicts expected."""

    name: str
    writeup: Path
    transcription: Path
    assignment: str
    style: str
    verdicts: dict[str, str]


@dataclass
class Outcome:
    """One write-up graded: the verdict got for every id of its assignment, against the expected one."""

    entry: Entry
    got: dict[str, str]
    expected: dict[str, str]
    messages: dict[str, str] = field(default_factory=dict)
    seconds: float = 0.0

    @property
    def attempted(self) -> list[str]:
        return [id for id, verdict in self.expected.items() if verdict != "not_attempted"]

    @property
    def agreeing(self) -> list[str]:
        return [id for id in self.expected if self.got[id] == self.expected[id]]

    @property
    def correct_graded_wrong(self) -> list[str]:
        return [id for id in self.expected if self.expected[id] == "passed" and self.got[id] in WRONG]


def entries(folder: Path) -> list[Entry]:
    """Every write-up of the corpus folder with its expected verdicts and transcription."""
    found = []
    for expected in sorted(folder.glob("*.expected.toml")):
        name = expected.name.removesuffix(".expected.toml")
        writeups = [path for path in folder.iterdir() if path.stem == name and path.suffix in SUFFIXES]
        if len(writeups) != 1:
            raise SystemExit(f"{expected}: expected exactly one write-up {name}.md/.tex/.txt beside it, "
                             f"found {len(writeups)}")
        table = tomllib.loads(expected.read_text(encoding="utf-8"))
        found.append(Entry(name, writeups[0], folder / f"{name}.transcription.py", table["assignment"],
                           table.get("style", ""), dict(table.get("verdicts", {}))))
    if not found:
        raise SystemExit(f"{folder}: no *.expected.toml files")
    return found


def grade_entry(entry: Entry, path: Path, rubrics: dict, isolation) -> Outcome:
    assignment = assignments.load(entry.assignment)
    start = time.perf_counter()
    grade = grade_submission(path, assignment, rubrics[entry.assignment], isolation)
    seconds = time.perf_counter() - start
    unknown = sorted(set(entry.verdicts) - set(assignment.ids))
    if unknown:
        raise SystemExit(f"{entry.name}: expected verdicts for ids {unknown} that {entry.assignment} does not declare")
    expected = {id: entry.verdicts.get(id, "not_attempted") for id in assignment.ids}
    got = {row.id: row.status for row in grade.derivations}
    if grade.status != "graded":
        got = {id: "error" for id in assignment.ids}
    messages = {row.id: row.message.splitlines()[0] if row.message else "" for row in grade.derivations}
    if grade.status != "graded":
        messages = {id: grade.message for id in assignment.ids}
    return Outcome(entry, got, expected, messages, seconds)


def report(outcomes: list[Outcome], *, what: str) -> list[str]:
    lines = ["| write-up | assignment | style | attempted ids agreeing | every id agreeing | correct graded wrong |",
             "| --- | --- | --- | ---: | ---: | ---: |"]
    for outcome in outcomes:
        attempted = outcome.attempted
        agreeing = set(outcome.agreeing)
        lines.append(f"| {outcome.entry.name} | {outcome.entry.assignment} | {outcome.entry.style} | "
                     f"{len(agreeing & set(attempted))} / {len(attempted)} | "
                     f"{len(agreeing)} / {len(outcome.expected)} | {len(outcome.correct_graded_wrong)} |")
    attempted = sum(len(o.attempted) for o in outcomes)
    attempted_agreeing = sum(len(set(o.agreeing) & set(o.attempted)) for o in outcomes)
    every = sum(len(o.expected) for o in outcomes)
    every_agreeing = sum(len(o.agreeing) for o in outcomes)
    wrong = sum(len(o.correct_graded_wrong) for o in outcomes)
    lines += ["", f"{what}: {len(outcomes)} write-ups; attempted ids agreeing {attempted_agreeing} / {attempted} "
              f"({100 * attempted_agreeing / max(attempted, 1):.1f}%); every id agreeing {every_agreeing} / {every} "
              f"({100 * every_agreeing / max(every, 1):.1f}%); correct equations graded wrong: {wrong}."]
    return lines


def disagreements(outcomes: list[Outcome]) -> list[str]:
    lines = []
    for outcome in outcomes:
        for id in outcome.expected:
            if outcome.got[id] != outcome.expected[id]:
                lines.append(f"  {outcome.entry.name} {id}: expected {outcome.expected[id]}, got {outcome.got[id]}: "
                             f"{outcome.messages.get(id, '')[:160]}")
    return lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=CORPUS, help="the corpus folder (default: %(default)s)")
    parser.add_argument("--transcriptions", action="store_true", help="grade the hand transcriptions instead")
    parser.add_argument("--examples", type=int, default=10, help="hypothesis examples per id (default: 10)")
    parser.add_argument("--only", nargs="*", default=None, help="only the write-ups with these names")
    parser.add_argument("--write", action="store_true", help="record the table in docs/benchmarks.md")
    args = parser.parse_args(argv)
    found = [entry for entry in entries(args.corpus) if args.only is None or entry.name in args.only]
    isolation = choose()
    with tempfile.TemporaryDirectory() as folder:
        rubric_file = Path(folder) / "rubric.toml"
        rubric_file.write_text(f"[grading]\nexamples = {args.examples}\ntimeout_seconds = 5.0\n")
        rubrics = {name: rubric.load(assignments.load(name), rubric_file) for name in {e.assignment for e in found}}
        outcomes = []
        for entry in found:
            path = entry.transcription if args.transcriptions else entry.writeup
            outcomes.append(grade_entry(entry, path, rubrics, isolation))
            outcome = outcomes[-1]
            print(f"{entry.name}: {len(set(outcome.agreeing) & set(outcome.attempted))}/{len(outcome.attempted)} "
                  f"attempted, {len(outcome.agreeing)}/{len(outcome.expected)} ids ({outcome.seconds:.1f} s)",
                  flush=True)
    what = "transcriptions" if args.transcriptions else "write-ups"
    lines = report(outcomes, what=what)
    print("\n".join(lines))
    wrong = disagreements(outcomes)
    if wrong:
        print("\nDisagreements:")
        print("\n".join(wrong))
    if args.write and not args.transcriptions and args.corpus == CORPUS:
        header = f"`python benchmarks/writeups.py`, {time.strftime('%Y-%m-%d')}, {args.examples} examples per id:"
        write_section("writeups", "\n".join(["## Write-ups read against their hand transcriptions", "", header, "",
                                              *lines]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
