"""Each example write-up, read and graded, gets the verdicts worked out by hand in the TOML beside it."""
import tomllib

import pytest

from conftest import EXAMPLES

CASES = sorted(EXAMPLES.glob("*.expected.toml"))


def _writeup(expected):
    stem = expected.name.removesuffix(".expected.toml")
    found = [path for path in EXAMPLES.iterdir() if path.stem == stem and not path.name.endswith(".toml")]
    assert len(found) == 1, f"{expected.name} must sit beside exactly one write-up named {stem}.*"
    return found[0]


def test_there_are_at_least_five_example_writeups_in_md_and_tex():
    writeups = [_writeup(expected) for expected in CASES]
    assert len(writeups) >= 5
    assert {path.suffix for path in writeups} >= {".md", ".tex"}


@pytest.mark.parametrize("expected", CASES, ids=lambda path: path.name.removesuffix(".expected.toml"))
def test_grading_the_read_writeup_gives_the_expected_verdicts(expected, read_and_grade, notation):
    table = tomllib.loads(expected.read_text(encoding="utf-8"))
    reading, rows, _ = read_and_grade(_writeup(expected))
    wanted = {entry.id: table["verdicts"].get(entry.id, "not_attempted") for entry in notation.ids}
    got = {id: row.status for id, row in rows.items()}
    assert got == wanted, {id: (got[id], wanted[id], rows[id].message[:300]) for id in got if got[id] != wanted[id]}
    for id, tags in table.get("tags", {}).items():
        assert set(tags) <= set(rows[id].tags), (id, rows[id].tags)
    for id, readings in table.get("readings", {}).items():
        assert set(readings) <= set(reading.provenance[id].readings), (id, reading.provenance[id].readings)
    unread = {item.id: item.reason for item in reading.unread if item.id is not None}
    assert set(unread) == set(table.get("unread", {})), unread
    for id, reason in table.get("unread", {}).items():
        assert reason in unread[id]
        assert f"def {id}(" not in reading.source, f"{id} must stay undefined (not attempted)"
