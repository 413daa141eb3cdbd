"""Isolation levels, stated honestly: what grading prints and records, and what weak isolation requires."""
from __future__ import annotations

import json
from pathlib import Path

import needs
import pytest

from checks import cli
from checks.sandbox import isolation

SUBMISSIONS = Path(__file__).resolve().parents[1] / "submissions"
ANSWER = "def dropout_dL_dx(dy, M):\n    return M * dy\n"


@pytest.fixture
def rubric(tmp_path):
    path = tmp_path / "rubric.toml"
    path.write_text("[grading]\nexamples = 3\ntimeout_seconds = 2.0\n")
    return path


def test_process_isolation_warns_and_is_recorded(tmp_path, rubric, capsys):
    out = tmp_path / "grade.json"
    assert cli.main(["grade", str(SUBMISSIONS / "list_returner.py"), "--isolation", "process", "--rubric", str(rubric),
                     "--json", str(out)]) == 0
    printed = capsys.readouterr().out
    assert "isolation: process" in printed and "not a hostile student" in printed
    assert json.loads(out.read_text())["submissions"][0]["isolation"] == "process"


def test_a_class_with_only_process_isolation_needs_an_explicit_flag(tmp_path, rubric, capsys):
    folder = tmp_path / "class"
    folder.mkdir()
    for name in ("alice", "bob"):
        (folder / f"{name}.py").write_text(ANSWER)
    assert cli.main(["grade", str(folder), "--isolation", "process", "--rubric", str(rubric)]) == 2
    assert "--allow-weak-isolation" in capsys.readouterr().out
    assert cli.main(["grade", str(folder), "--isolation", "process", "--allow-weak-isolation", "--rubric", str(rubric)]) == 0


def test_gradescope_output_with_only_process_isolation_needs_the_flag(tmp_path, rubric):
    target = tmp_path / "results.json"
    arguments = ["grade", str(SUBMISSIONS / "list_returner.py"), "--isolation", "process", "--rubric", str(rubric),
                 "--gradescope", str(target)]
    assert cli.main(arguments) == 2 and not target.exists()
    assert cli.main([*arguments, "--allow-weak-isolation"]) == 0 and target.exists()


def test_namespaces_are_chosen_where_bubblewrap_works(tmp_path, rubric, capsys):
    needs.require_namespaces()
    out = tmp_path / "grade.json"
    assert cli.main(["grade", str(SUBMISSIONS / "list_returner.py"), "--rubric", str(rubric), "--json", str(out)]) == 0
    assert "isolation: namespaces" in capsys.readouterr().out
    assert json.loads(out.read_text())["submissions"][0]["isolation"] == "namespaces"


def test_asking_for_namespaces_where_there_are_none_is_a_clear_error(monkeypatch, capsys):
    monkeypatch.setattr(isolation, "_bubblewrap", lambda: (False, "bubblewrap (bwrap) is not installed"))
    assert cli.main(["grade", str(SUBMISSIONS / "list_returner.py"), "--isolation", "namespaces"]) == 2
    assert "bwrap" in capsys.readouterr().out
