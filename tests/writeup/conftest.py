"""Fixtures of the write-up reader's tests: HW1's notation, and grading a read write-up quickly."""
from pathlib import Path

import pytest

from helpers import HW1, quick_rubric as quick_rubric_file

from checks.grading.handins import grade_submission
from checks.sandbox.isolation import choose
from checks.writeup import read, reading_spec

ROOT = Path(__file__).parent.parent.parent
EXAMPLES = ROOT / "examples" / "writeups"
SEED = ROOT / "examples" / "seed_writeup.txt"
"""A copy of the seed write-up, as it was handed in, mistakes included."""


@pytest.fixture(scope="session")
def notation():
    return reading_spec(HW1)


@pytest.fixture(scope="session")
def quick_rubric(tmp_path_factory):
    return quick_rubric_file(tmp_path_factory.mktemp("rubric"))


@pytest.fixture(scope="session")
def read_and_grade(notation, quick_rubric, tmp_path_factory):
    """Read a write-up, write the generated submission to a file, grade it: (reading, {id: row})."""
    folder = tmp_path_factory.mktemp("read")
    cache = {}

    def run(path: Path):
        if path not in cache:
            reading = read(path.read_text(encoding="utf-8"), notation, source_name=path.name)
            generated = folder / f"{path.stem}_read.py"
            generated.write_text(reading.source, encoding="utf-8")
            grade = grade_submission(generated, HW1, quick_rubric, choose())
            cache[path] = reading, {row.id: row for row in grade.derivations}, grade
        return cache[path]

    return run
