"""The student's path: `pytest --submission` on a half-filled template, from any folder, and `gradjudge check`."""
import re
import subprocess
import sys
from pathlib import Path

from checks import cli

ROOT = Path(__file__).resolve().parent.parent


def half_filled(folder: Path) -> Path:
    """The template with one right and one wrong function filled in; every other stub still raises."""
    path = folder / "hw1.py"
    assert cli.main(["template", str(path)]) == 0
    text = path.read_text()
    for name, parameters, body in (("dropout_dL_dx", "dy, M", "return M * dy"), ("bn_dL_dbeta", "dy", "return dy.sum(axis=1)")):
        text = re.sub(rf'def {name}\(\):\n(    r""".*?"""\n)    raise NotImplementedError',
                      lambda match: f"def {name}({parameters}):\n{match.group(1)}    {body}", text, flags=re.DOTALL)
    path.write_text(text)
    return path


def test_pytest_submission_from_another_folder_shows_only_skips_and_real_results(tmp_path):
    elsewhere = tmp_path / "home"
    elsewhere.mkdir()
    path = half_filled(elsewhere)
    done = subprocess.run([sys.executable, "-m", "pytest", "--submission", str(path), "-q", "-rfs"], cwd=elsewhere,
                          capture_output=True, text=True, timeout=600)
    out = done.stdout
    failed = set(re.findall(r"FAILED \S+::\w+\[(\w+)\]", out))
    passed_and_skipped = re.search(r"(\d+) failed, (\d+) passed, (\d+) skipped", out)
    assert failed == {"bn_dL_dbeta"}, out[-3000:]
    assert passed_and_skipped and int(passed_and_skipped.group(2)) == 2, out[-2000:]
    assert "not attempted (it raises NotImplementedError)" in out
    assert "test_cli" not in out and "test_grading" not in out, "only the student tests run"
    assert sorted(p.name for p in elsewhere.iterdir()) == ["hw1.py"], "nothing is written where pytest runs"


def test_pytest_submission_explains_a_failure_as_grade_does_without_gradjudges_frames(tmp_path, capsys):
    path = half_filled(tmp_path)
    done = subprocess.run([sys.executable, "-m", "pytest", "--submission", str(path), "-q", "-k", "bn_dL_dbeta"],
                          cwd=tmp_path, capture_output=True, text=True, timeout=600)
    assert cli.main(["check", str(path)]) == 1
    graded = capsys.readouterr().out
    assert "summed_over_wrong_axis" in graded and "summed_over_wrong_axis" in done.stdout, done.stdout[-3000:]
    assert "Diagnosis:" in done.stdout
    frames = re.findall(r"^(\S+\.py):\d+: ", done.stdout, flags=re.MULTILINE)
    assert not [frame for frame in frames if "checks/" in frame or "site-packages" in frame], frames
    assert len(done.stdout.splitlines()) < 80, "a short explanation, not hundreds of lines of traceback"


def test_check_grades_one_file_and_fails_when_anything_is_wrong(tmp_path, capsys):
    path = half_filled(tmp_path)
    assert cli.main(["check", str(path)]) == 1
    out = capsys.readouterr().out
    assert "bn_dL_dbeta" in out and "summed_over_wrong_axis" in out
    right = tmp_path / "right.py"
    right.write_text("def dropout_dL_dx(dy, M):\n    return M * dy\n")
    assert cli.main(["check", str(right)]) == 0


def test_check_of_a_students_folder_grades_it_as_one_hand_in_not_a_class(tmp_path, capsys):
    folder = tmp_path / "mine"
    folder.mkdir()
    half_filled(folder)
    (folder / "derivation.md").write_text((ROOT / "examples" / "writeups" / "block_one_en.md").read_text())
    assert cli.main(["check", str(folder)]) == 1
    out = " ".join(capsys.readouterr().out.split())
    assert "submissions" not in out
    assert f"{folder}: " in out or "mine: " in out
    assert "read from the write-up derivation.md" in out
