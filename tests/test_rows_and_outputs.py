"""The rows of a run and the outputs written from them: one file-or-folder decision, unique row names, every output
written even when another cannot be, and no output over an input."""
import json
from pathlib import Path

import pytest

from checks import cli
from checks.reports import gradescope

SUBMISSIONS = Path(__file__).parent / "submissions"
ANSWER = (SUBMISSIONS / "list_returner.py").read_text()


@pytest.fixture
def quick_rubric(tmp_path):
    path = tmp_path / "quick.toml"
    path.write_text("[grading]\nexamples = 5\ntimeout_seconds = 2.0\n")
    return path


def test_one_file_and_a_roster_of_two_is_two_rows_so_gradescope_is_a_folder_checked_before_grading(
        tmp_path, quick_rubric, capsys):
    (tmp_path / "cls").mkdir()
    (tmp_path / "cls" / "bjones.py").write_text(ANSWER)
    roster = tmp_path / "r.csv"
    roster.write_text("id,name,username\n1,Bob Jones,bjones\n2,Jane Smith,jsmith\n")
    target = tmp_path / "gs.json"
    target.write_text("a results file of an earlier run")
    arguments = ["grade", str(tmp_path / "cls" / "bjones.py"), "--roster", str(roster), "--rubric", str(quick_rubric),
                 "--gradescope", str(target), "--json", str(tmp_path / "g.json"), "--jobs", "1",
                 "--allow-weak-isolation"]
    assert cli.main(arguments) == 2
    assert "exists and is not a folder" in " ".join(capsys.readouterr().out.split())
    assert not (tmp_path / "g.json").exists()
    target.unlink()
    assert cli.main(arguments) == 0
    names = [row["name"] for row in json.loads((tmp_path / "g.json").read_text())["submissions"]]
    assert len(names) == 2
    found = sorted(json.loads(path.read_text())["extra_data"]["gradjudge"]["name"] for path in target.iterdir())
    assert found == sorted(names)


def _gradescope_export(folder: Path, submitters: dict[str, list[str]]) -> Path:
    export = folder / "export"
    export.mkdir()
    lines = []
    for key, people in submitters.items():
        (export / key).mkdir()
        (export / key / "hw1.py").write_text(ANSWER)
        lines += [f"{key}:", "  :submitters:"]
        for person in people:
            lines += [f"  - :name: {person}", f"    :sid: '{person.lower()}'"]
    (export / "submission_metadata.yml").write_text("\n".join(lines) + "\n")
    return export


def test_a_student_in_a_group_and_in_a_second_submission_gets_two_rows_of_different_names(tmp_path, quick_rubric):
    export = _gradescope_export(tmp_path, {"submission_1": ["Ann", "Bob", "Cat"], "submission_2": ["Ann"]})
    out = tmp_path / "out"
    out.mkdir()
    code = cli.main(["grade", str(export), "--rubric", str(quick_rubric), "--gradescope", str(out / "gs"),
                     "--json", str(out / "g.json"), "--junit", str(out / "g.xml"), "--jobs", "1",
                     "--allow-weak-isolation"])
    assert code == 0
    names = [row["name"] for row in json.loads((out / "g.json").read_text())["submissions"]]
    assert len(names) == 4 and len(set(names)) == 4
    assert len(list((out / "gs").iterdir())) == 4
    assert (out / "g.xml").is_file()


def test_an_output_that_cannot_be_written_costs_no_other_and_is_reported(tmp_path, quick_rubric, monkeypatch, capsys):
    def full_disk(*arguments):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(gradescope, "write_gradescope", full_disk)
    code = cli.main(["grade", str(SUBMISSIONS / "list_returner.py"), "--rubric", str(quick_rubric),
                     "--gradescope", str(tmp_path / "gs.json"), "--json", str(tmp_path / "g.json"),
                     "--junit", str(tmp_path / "g.xml"), "--jobs", "1"])
    printed = " ".join(capsys.readouterr().out.split())
    assert code != 0
    assert (tmp_path / "g.json").is_file() and (tmp_path / "g.xml").is_file()
    assert "--gradescope" in printed and "No space left on device" in printed
    assert "Traceback" not in printed


@pytest.mark.parametrize(("input_option", "output_option", "says"), [
    ("--roster", "--csv", "would overwrite the roster"),
    ("--case-secret", "--json", "would overwrite the case secret"),
    ("--rubric", "--json", "would overwrite the rubric"),
    ("--rubric", "--gradescope", "would overwrite the rubric"),
])
def test_an_output_over_an_input_is_refused_before_grading_and_the_input_kept(tmp_path, quick_rubric, capsys,
                                                                             input_option, output_option, says):
    contents = {"--roster": "id,name\n1,Bob Jones\n", "--case-secret": "a secret, kept", "--rubric": None}
    path = quick_rubric if input_option == "--rubric" else tmp_path / "input"
    if contents[input_option] is not None:
        path.write_text(contents[input_option])
    before = path.read_bytes()
    arguments = ["grade", str(SUBMISSIONS / "list_returner.py"), output_option, str(path)]
    if input_option != "--rubric":
        arguments += ["--rubric", str(quick_rubric)]
    assert cli.main(arguments + [input_option, str(path)]) == 2
    printed = " ".join(capsys.readouterr().out.split())
    assert says in printed and "Traceback" not in printed
    assert path.read_bytes() == before


def test_an_output_over_the_default_case_secret_is_refused(tmp_path, quick_rubric, capsys):
    from checks.grading import course_secret

    secret = course_secret.default_file()
    assert cli.main(["grade", str(SUBMISSIONS / "list_returner.py"), "--rubric", str(quick_rubric),
                     "--json", str(secret)]) == 2
    assert "would overwrite the default case secret" in " ".join(capsys.readouterr().out.split())


def test_a_rows_path_is_the_one_given_whatever_the_jobs_and_empty_for_a_roster_student_with_none(
        tmp_path, quick_rubric, monkeypatch):
    monkeypatch.chdir(tmp_path)
    Path("cls").mkdir()
    for login in ("ann", "bob"):
        Path("cls", f"{login}.py").write_text(ANSWER)
    Path("r.csv").write_text("username,name\nann,Ann Lee\nbob,Bob Jones\njane,Jane Smith\n")
    paths = {}
    for jobs in ("1", "2"):
        assert cli.main(["grade", "cls", "--roster", "r.csv", "--rubric", str(quick_rubric), "--json", f"g{jobs}.json",
                         "--jobs", jobs, "--allow-weak-isolation"]) == 0
        rows = json.loads(Path(f"g{jobs}.json").read_text())["submissions"]
        paths[jobs] = {row["student"]["login"]: row["path"] for row in rows}
    assert paths["1"] == paths["2"] == {"ann": "cls/ann.py", "bob": "cls/bob.py", "jane": ""}


def test_an_output_over_a_file_a_formats_own_option_names_is_refused(tmp_path, quick_rubric, capsys):
    key = tmp_path / "key"
    key.write_text("00" * 32)
    assert cli.main(["grade", str(SUBMISSIONS / "list_returner.py"), "--rubric", str(quick_rubric),
                     "--html", str(tmp_path / "report.html"), "--anonymise", "--pseudonym-key", str(key),
                     "--json", str(key)]) == 2
    assert "would overwrite the --pseudonym-key file" in " ".join(capsys.readouterr().out.split())
    assert key.read_text() == "00" * 32
