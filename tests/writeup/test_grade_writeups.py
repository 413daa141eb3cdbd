"""`gradjudge read` and `gradjudge grade WRITEUP`: the seed write-up graded directly, provenance kept, bad text refused."""
import json

import pytest
from conftest import ROOT, SEED
from test_seed_writeup import FAILED, NOT_ATTEMPTED, PARTIAL, PASSED

from checks import cli
from checks.writeup import isolated


@pytest.fixture(scope="module")
def seed_json(tmp_path_factory):
    out = tmp_path_factory.mktemp("seed") / "seed.json"
    rubric = out.parent / "quick.toml"
    rubric.write_text("[grading]\nexamples = 10\n")
    assert cli.main(["grade", str(SEED), "--rubric", str(rubric), "--json", str(out)]) == 0
    return json.loads(out.read_text())["submissions"][0]


def test_the_seed_write_up_grades_directly_as_its_hand_transcription(seed_json):
    statuses = {row["id"]: row["status"] for row in seed_json["derivations"]}
    assert {id for id, status in statuses.items() if status == "passed"} == PASSED
    assert {id for id, status in statuses.items() if status == "failed"} == FAILED
    assert {id for id, status in statuses.items() if status == "partial"} == PARTIAL
    assert {id for id, status in statuses.items() if status == "not_attempted"} == NOT_ATTEMPTED
    assert seed_json["path"].endswith("seed_writeup.txt") and seed_json["score"] == len(PASSED) + 0.5


def test_the_json_keeps_the_equation_and_reading_of_every_id_read(seed_json):
    rows = {row["id"]: row for row in seed_json["derivations"]}
    assert rows["eq05_dL_dz1B"]["source"]["equation"] == "5"
    assert {"reading:per_sample_sum", "reading:sgn_as_step"} <= set(rows["eq05_dL_dz1B"]["source"]["readings"])
    assert "\\theta_{2B}" in rows["eq05_dL_dz1B"]["source"]["latex"]
    assert all(rows[id]["source"] is None for id in NOT_ATTEMPTED)


def test_read_writes_a_plain_submission_that_quotes_its_equations(tmp_path, capsys):
    out = tmp_path / "seed.py"
    assert cli.main(["read", str(SEED), "-o", str(out)]) == 0
    text = out.read_text()
    compile(text, str(out), "exec")
    assert "def eq05_dL_dz1B(" in text and "(5)" in text and "reading:sgn_as_step" in text
    assert "read eq05_dL_dz1B" in capsys.readouterr().out
    assert cli.main(["read", str(SEED), "-o", str(out)]) == 2


@pytest.mark.parametrize(("content", "says"), [
    (b"def f(x):\n    return x\n", "Python"),
    (b"\x00\x01\x02\xff" * 100, "UTF-8"),
    (b"", "empty"),
])
def test_a_text_that_is_no_write_up_is_a_load_error(tmp_path, content, says):
    path = tmp_path / "notes.txt"
    path.write_bytes(content)
    out = tmp_path / "grade.json"
    assert cli.main(["grade", str(path), "--json", str(out)]) == 0
    grade = json.loads(out.read_text())["submissions"][0]
    assert grade["status"] == "load_error" and says.lower() in grade["message"].lower(), grade["message"]


def test_a_pathological_write_up_costs_its_reading_time_and_no_more(tmp_path, monkeypatch):
    monkeypatch.setattr(isolated, "SECONDS", 2.0)
    path = tmp_path / "deep.md"
    path.write_text("$$" + "\\frac{" * 3000 + "x" + "}{y}" * 3000 + "$$\n")
    with pytest.raises(isolated.WriteupUnreadable):
        isolated.read_isolated(path.read_bytes(), "hw1", path.name)


def test_the_headline_write_up_is_the_seed_as_handed_in():
    handed_in = ROOT.parent / "shared" / "seed" / "000_cd42fb9085cf3877.txt"
    if not handed_in.exists():
        pytest.skip(f"{handed_in} is not beside this checkout")
    assert SEED.read_bytes() == handed_in.read_bytes()
