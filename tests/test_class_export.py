"""A class export graded as staff get it from an LMS: one submission per student's folder, every other file reported."""
import json
from pathlib import Path

import pytest

from checks import cli

RIGHT = "def dropout_dL_dx(dy, M):\n    return M * dy\n"
WRONG = "def dropout_dL_dx(dy, M):\n    return dy\n"
HELPER = "def unrelated(x):\n    return x\n"


@pytest.fixture
def export(tmp_path):
    """Five students: one plain, one with two .py files, one with a .pdf beside, one with a write-up, one with only a .pdf."""
    folder = tmp_path / "export"
    for student, files in {
        "alice": {"hw1.py": RIGHT},
        "bob": {"scratch.py": HELPER, "answers.py": WRONG},
        "carol": {"hw1.py": RIGHT, "report.pdf": "%PDF-1.4"},
        "dave": {"derivation.md": "# 1.2 Dropout\n\n$$\\frac{\\partial L}{\\partial x} = \\mathbf{M} \\odot "
                                  "\\frac{\\partial L}{\\partial y}$$\n"},
        "erin": {"scan.pdf": "%PDF-1.4"},
    }.items():
        (folder / student).mkdir(parents=True)
        for name, text in files.items():
            (folder / student / name).write_text(text)
    rubric = tmp_path / "rubric.toml"
    rubric.write_text("[grading]\nexamples = 5\n\n[visibility]\ndropout_dL_dx = \"after_due_date\"\n")
    return folder, rubric


def test_a_class_export_grades_one_row_per_student_with_every_other_file_reported(export, tmp_path, capsys):
    folder, rubric = export
    out = tmp_path / "grades.json"
    assert cli.main(["grade", str(folder), "--rubric", str(rubric), "--json", str(out)]) == 0
    graded = json.loads(out.read_text())
    rows = {grade["name"]: grade for grade in graded["submissions"]}
    assert list(rows) == ["alice", "bob", "carol", "dave", "erin"]
    scores = {name: grade["score"] for name, grade in rows.items()}
    assert scores == {"alice": 1, "bob": 0, "carol": 1, "dave": 1, "erin": 0}
    origins = {row["id"]: row["origin"] for row in rows["bob"]["derivations"] if row["origin"]}
    assert origins == {"dropout_dL_dx": "code"}, "the file defining the most ids is the entry; scratch.py is a module"
    assert rows["erin"]["status"] == "nothing_gradable" and "scan.pdf" in rows["erin"]["message"]
    skipped = {Path(item["path"]).name: item["reason"] for item in graded["skipped"]}
    assert set(skipped) == {"report.pdf", "scan.pdf"}
    printed = capsys.readouterr().out
    assert "5 submissions, 1 not graded" in printed and "Files not graded (2)" in printed and "report.pdf" in printed
    assert "Students not graded (1)" in printed and "erin: nothing_gradable" in printed


def test_gradescope_files_are_named_by_student_and_visibility_comes_from_the_rubric(export, tmp_path):
    folder, rubric = export
    target = tmp_path / "gradescope"
    assert cli.main(["grade", str(folder), "--rubric", str(rubric), "--gradescope", str(target)]) == 0
    written = sorted(path.name for path in target.iterdir())
    assert written == ["alice.json", "bob.json", "carol.json", "dave.json", "erin.json"]
    results = json.loads((target / "alice.json").read_text())
    test = next(test for test in results["tests"] if test["name"] == "dropout_dL_dx")
    assert test["visibility"] == "after_due_date" and test["max_score"] == 1
    assert results["visibility"] == "visible"


def test_a_gradescope_target_ending_in_a_separator_is_a_folder_even_for_one_submission(tmp_path):
    submission = tmp_path / "hw1.py"
    submission.write_text(RIGHT)
    rubric = tmp_path / "rubric.toml"
    rubric.write_text("[grading]\nexamples = 3\n")
    target = tmp_path / "gradescope"
    assert cli.main(["grade", str(submission), "--rubric", str(rubric), "--gradescope", f"{target}/"]) == 0
    (written,) = target.iterdir()
    assert target.is_dir() and written.suffix == ".json" and "hw1.py" in written.name
    assert json.loads(written.read_text())["score"] == 1


def test_two_students_with_the_same_file_name_keep_both_grades(tmp_path):
    folder = tmp_path / "export"
    for student, text in (("alice", RIGHT), ("bob", WRONG)):
        (folder / student).mkdir(parents=True)
        (folder / student / "hw1.py").write_text(text)
    rubric = tmp_path / "rubric.toml"
    rubric.write_text("[grading]\nexamples = 3\n")
    target = tmp_path / "gradescope"
    assert cli.main(["grade", str(folder), "--rubric", str(rubric), "--gradescope", str(target)]) == 0
    scores = {path.stem: json.loads(path.read_text())["score"] for path in target.iterdir()}
    assert scores == {"alice": 1, "bob": 0}


def test_a_canvas_file_handed_in_again_is_graded_from_its_latest_copy_and_the_earlier_are_skipped(tmp_path):
    from checks.grading.exports import read_export

    folder = tmp_path / "export"
    folder.mkdir()
    for name in ("smithjane_12001_5001_hw1.py", "smithjane_12001_5002_hw1-2.py", "smithjane_12001_5003_hw1-10.py",
                 "jonesbob_12002_5004_hw1.py"):
        (folder / name).write_text("x = 1\n")
    export = read_export(folder)
    files = {handin.students[0].id: [(item.name, item.path.name) for item in handin.files] for handin in export.handins}
    assert files == {"12001": [("hw1.py", "smithjane_12001_5003_hw1-10.py")],
                     "12002": [("hw1.py", "jonesbob_12002_5004_hw1.py")]}
    skipped = sorted((Path(path).name, reason) for path, reason in export.unclaimed)
    assert [name for name, _ in skipped] == ["smithjane_12001_5001_hw1.py", "smithjane_12001_5002_hw1-2.py"]
    assert all("an earlier copy" in reason for _, reason in skipped)
