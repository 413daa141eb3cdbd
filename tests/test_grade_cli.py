"""`gradjudge grade` and `gradjudge template`: outputs, batches, bad input, and the rubric."""
import csv
import json
from pathlib import Path

import pytest

from helpers import HW1

from checks import cli
from checks.grading import rubric
from checks.grading.rubric import RubricError

SUBMISSIONS = Path(__file__).parent / "submissions"


@pytest.fixture
def quick_rubric(tmp_path):
    path = tmp_path / "quick.toml"
    path.write_text("[grading]\nexamples = 5\ntimeout_seconds = 2.0\n\n[points]\ndropout_dL_dx = 3\n")
    return path


def test_grading_a_folder_in_parallel_writes_every_format(tmp_path, quick_rubric, capsys):
    folder = tmp_path / "class"
    folder.mkdir()
    for name in ("list_returner", "hanging", "does_not_import"):
        (folder / f"{name}.py").write_text((SUBMISSIONS / f"{name}.py").read_text())
    out = tmp_path / "out"
    out.mkdir()
    code = cli.main(["grade", str(folder), "--rubric", str(quick_rubric), "--jobs", "2", "--json", str(out / "all.json"),
                     "--csv", str(out / "all.csv"), "--gradescope", str(out / "gradescope")])
    assert code == 0
    submissions = json.loads((out / "all.json").read_text())["submissions"]
    assert [Path(s["path"]).stem for s in submissions] == ["does_not_import", "hanging", "list_returner"]
    assert [s["status"] for s in submissions] == ["load_error", "graded", "graded"]
    assert all(len(s["derivations"]) == len(HW1.derivations) for s in submissions)
    rows = list(csv.DictReader((out / "all.csv").read_text().splitlines()))
    assert [row["total"] for row in rows] == ["0", "4", "4"]
    results = json.loads((out / "gradescope" / "hanging.py.json").read_text())
    assert results["score"] == 4
    assert {"name", "number", "score", "max_score", "status", "output", "output_format", "visibility"} <= set(results["tests"][0])
    assert results["tests"][0]["output_format"] == "md"
    printed = capsys.readouterr().out
    assert "3 submissions" in printed and "hanging.py" in printed
    assert any(row["status"] == "timeout" for row in submissions[1]["derivations"])


def test_single_submission_gradescope_is_one_file(tmp_path, quick_rubric):
    target = tmp_path / "results.json"
    assert cli.main(["grade", str(SUBMISSIONS / "list_returner.py"), "--rubric", str(quick_rubric),
                     "--gradescope", str(target)]) == 0
    assert json.loads(target.read_text())["score"] == 4


@pytest.mark.parametrize(("arguments", "says"), [
    (["grade", "no/such/file.py"], "no such file"),
    (["grade", str(SUBMISSIONS / "raising.py"), "--json", "no/such/folder/out.json"], "does not exist"),
    (["grade", str(SUBMISSIONS / "raising.py"), "--rubric", "missing.toml"], "no such rubric file"),
])
def test_bad_input_is_refused_before_grading(arguments, says, capsys):
    assert cli.main(arguments) == 2
    assert says in capsys.readouterr().out


@pytest.mark.parametrize(("text", "says"), [
    ("[grading]\nexampels = 3\n", "did you mean examples"),
    ("[grading]\necf_fraction = 1.5\n", "ecf_fraction = 1.5, but it must be a number from 0 to 1"),
    ("[points]\neq5_dL_dz1B = 2\n", "did you mean eq05_dL_dz1B"),
    ("[points]\neq05_dL_dz1B = -1\n", "points must be a number of at least 0"),
    ("[scoring]\n", "[scoring] is not a rubric section"),
    ("[grading\n", "not valid TOML"),
])
def test_rubric_errors_say_what_and_why(tmp_path, text, says):
    path = tmp_path / "rubric.toml"
    path.write_text(text)
    with pytest.raises(RubricError, match=None) as caught:
        rubric.load(HW1, path)
    assert says in str(caught.value)


def test_rubric_overrides_only_what_it_names(quick_rubric):
    loaded, default = rubric.load(HW1, quick_rubric), rubric.load(HW1)
    assert loaded.points["dropout_dL_dx"] == 3 and loaded.points["bn_dL_dx"] == default.points["bn_dL_dx"]
    assert loaded.examples == 5 and loaded.ecf_fraction == default.ecf_fraction


def test_template_writes_every_id_and_never_overwrites(tmp_path, capsys):
    target = tmp_path / "mine.py"
    assert cli.main(["template", str(target)]) == 0
    text = target.read_text()
    assert all(f"def {entry.id}(" in text for entry in HW1.derivations)
    assert "∂L/∂theta1B" in text and "`(d_out, d_in)`" in text
    assert cli.main(["template", str(target)]) == 2
    assert "exists" in capsys.readouterr().out


def test_blank_template_grades_as_not_attempted(tmp_path, quick_rubric):
    target = tmp_path / "blank.py"
    cli.main(["template", str(target)])
    out = tmp_path / "blank.json"
    assert cli.main(["grade", str(target), "--rubric", str(quick_rubric), "--json", str(out)]) == 0
    rows = json.loads(out.read_text())["submissions"][0]["derivations"]
    assert {row["status"] for row in rows} == {"not_attempted"}
