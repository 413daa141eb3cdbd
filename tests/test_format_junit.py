"""`--junit OUT`, an output format added as one module of `checks.reports.formats`: the grades read back as JUnit.

Expected, from the seed transcription's verdicts (17 passed, 3 failed, 1 partial,
8 not attempted) and a file that does not load: the seed is a suite of 29 tests
with 4 failures and 8 skipped; the other a suite of one erroring test; a name
with control characters and markup is data, never markup.
"""
import json
import shutil
from pathlib import Path
from xml.etree import ElementTree

from checks import cli

SEED = Path(__file__).resolve().parent.parent / "examples" / "seed_submission.py"


def test_the_seed_and_a_broken_file_read_back_as_junit(tmp_path, capsys):
    folder = tmp_path / "class"
    folder.mkdir()
    shutil.copy(SEED, folder / "seed.py")
    (folder / "broken.py").write_text("def eq01_dL_dyB_hat(:\n")
    target, grades = tmp_path / "grades.xml", tmp_path / "grades.json"
    assert cli.main(["grade", str(folder), "--junit", str(target), "--json", str(grades), "--jobs", "1"]) == 0
    suites = {suite.get("name"): suite for suite in ElementTree.parse(target).getroot()}
    seed, broken = suites["seed.py"], suites["broken.py"]
    assert (seed.get("tests"), seed.get("failures"), seed.get("errors"), seed.get("skipped")) == ("29", "4", "0", "8")
    failed = {case.get("name") for case in seed if case.find("failure") is not None}
    assert failed == {"forward_yB_hat", "eq05_dL_dz1B", "eq06_dL_dtheta1B", "eq07_dL_db1B"}
    assert (broken.get("tests"), broken.get("errors")) == ("1", "1")
    assert broken.find("testcase/error").get("message") == "not graded (load_error)"
    rows = {grade["name"]: grade for grade in json.loads(grades.read_text())["submissions"]}
    assert seed.find("testcase[@name='eq05_dL_dz1B']/failure").text == next(
        row["message"] for row in rows["seed.py"]["derivations"] if row["id"] == "eq05_dL_dz1B")


def test_a_hostile_name_is_written_as_data(tmp_path):
    folder = tmp_path / "class"
    (folder / "a]]><x y='1'>\x1b[2J").mkdir(parents=True)
    shutil.copy(SEED, folder / "a]]><x y='1'>\x1b[2J" / "hw1.py")
    target = tmp_path / "grades.xml"
    assert cli.main(["grade", str(folder), "--junit", str(target), "--jobs", "1"]) == 0
    (suite,) = ElementTree.parse(target).getroot()
    assert suite.get("name") == "a]]><x y='1'>\\x1b[2J" and suite.find("x") is None
