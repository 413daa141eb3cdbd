"""Homework 3's example write-ups, read with its own notation and graded, get the verdicts worked out by hand."""
import tomllib

import pytest
from helpers import quick_rubric

from checks import assignments
from checks.grading.handins import grade_submission
from checks.sandbox.isolation import choose
from checks.writeup import read, reading_spec

from conftest import EXAMPLES

HW3 = assignments.load("hw3")
CASES = sorted((EXAMPLES / "hw3").glob("*.expected.toml"))


def test_homework_3_has_an_example_writeup():
    assert CASES and all(tomllib.loads(path.read_text(encoding="utf-8"))["assignment"] == "hw3" for path in CASES)


@pytest.mark.parametrize("expected", CASES, ids=lambda path: path.name.removesuffix(".expected.toml"))
def test_the_read_writeup_gets_the_verdicts_worked_out_by_hand(expected, tmp_path):
    table = tomllib.loads(expected.read_text(encoding="utf-8"))
    (writeup,) = [path for path in expected.parent.iterdir()
                  if path.stem == expected.name.removesuffix(".expected.toml") and path.suffix in (".md", ".tex")]
    reading = read(writeup.read_text(encoding="utf-8"), reading_spec(HW3), source_name=writeup.name)
    generated = tmp_path / f"{writeup.stem}_read.py"
    generated.write_text(reading.source, encoding="utf-8")
    rows = {row.id: row for row in grade_submission(generated, HW3, quick_rubric(tmp_path, HW3), choose()).derivations}
    wanted = {id: table["verdicts"].get(id, "not_attempted") for id in HW3.by_id}
    assert {id: row.status for id, row in rows.items()} == wanted
    for id, tags in table.get("tags", {}).items():
        assert set(tags) <= set(rows[id].tags), (id, rows[id].tags)
    for id, readings in table.get("readings", {}).items():
        assert set(readings) <= set(reading.provenance[id].readings), (id, reading.provenance[id].readings)
    assert [item.id for item in reading.unread if item.id is not None] == []
