"""The write-up corpus: at least 95% of the ids its write-ups attempt get their hand transcription's verdict, and no
correct equation is graded wrong.

Each write-up of `benchmarks/writeups_corpus/` was written with its verdicts
decided by hand (`NAME.expected.toml`) and transcribed as a teaching assistant
would (`NAME.transcription.py`); `python benchmarks/writeups.py
--transcriptions` checks those verdicts against the transcriptions. Here every
write-up is read and graded once per session, sandboxed, with 4 examples per
id (a wrong formula fails on the first).
"""
import sys
import tempfile
from pathlib import Path

import pytest

from checks import assignments
from checks.grading import rubric
from checks.sandbox.isolation import choose

BENCHMARKS = Path(__file__).resolve().parent.parent.parent / "benchmarks"
sys.path.insert(0, str(BENCHMARKS))

import writeups as benchmark  # noqa: E402

TARGET = 0.95


@pytest.fixture(scope="module")
def outcomes():
    found = benchmark.entries(benchmark.CORPUS)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "rubric.toml"
        path.write_text("[grading]\nexamples = 4\ntimeout_seconds = 5.0\n")
        rubrics = {name: rubric.load(assignments.load(name), path) for name in {entry.assignment for entry in found}}
        isolation = choose()
        return [benchmark.grade_entry(entry, entry.writeup, rubrics, isolation) for entry in found]


def test_the_corpus_has_thirty_writeups_across_both_assignments_in_many_styles():
    found = benchmark.entries(benchmark.CORPUS)
    assert len(found) >= 30
    assert {entry.assignment for entry in found} == {"hw1", "hw2"}
    assert sum(entry.assignment == "hw2" for entry in found) >= 6
    assert {entry.writeup.suffix for entry in found} >= {".md", ".tex"}
    assert len({entry.style for entry in found}) == len(found)
    for entry in found:
        assert entry.transcription.exists(), f"{entry.name} has no hand transcription"
        assert set(entry.verdicts.values()) <= {"passed", "failed", "partial"}, entry.name


def test_the_corpus_agrees_on_at_least_95_percent_of_attempted_ids(outcomes):
    attempted = sum(len(outcome.attempted) for outcome in outcomes)
    agreeing = sum(len(set(outcome.agreeing) & set(outcome.attempted)) for outcome in outcomes)
    wrong = benchmark.disagreements(outcomes)
    assert agreeing >= TARGET * attempted, "\n".join(wrong)


def test_no_correct_equation_is_graded_wrong(outcomes):
    wrong = {outcome.entry.name: outcome.correct_graded_wrong for outcome in outcomes if outcome.correct_graded_wrong}
    assert wrong == {}
