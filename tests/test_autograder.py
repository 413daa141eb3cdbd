"""`gradjudge autograder`: the Gradescope zip, unpacked as Gradescope lays it out, and run there end to end.

Setup aside (the test environment has gradjudge installed already), each run
is what Gradescope does in a container: the zip's contents in
`<root>/autograder/source/`, the upload in `<root>/autograder/submission/`,
`run_autograder` copied to `<root>/autograder/` and run from there, with the
`gradjudge` on PATH; then results.json is checked against Gradescope's format.
"""
import json
import shutil
import subprocess
import sys
import zipfile
from importlib import metadata
from pathlib import Path

import numpy as np
import pytest
from checks.sandbox import isolation
from test_readme_recipes import section, write_files

from helpers import HW1

from checks import cli

if sys.version_info >= (3, 11):
    import tomllib
else:
    import tomli as tomllib

REPOSITORY = Path(__file__).parent.parent
RUBRIC = "[grading]\nexamples = 3\ntimeout_seconds = 2.0\n\n[points]\ndropout_dL_dx = 3\nbn_dL_dbeta = 2\n"
STUDENT = """import numpy as np


def dropout_dL_dx(dy, M):
    return dy * M


def bn_dL_dbeta(dy):
    return 2 * dy.sum(axis=0)
"""
"""Right for dropout (3 points by RUBRIC), twice the truth for BatchNorm's beta (2 points), nothing else attempted."""
ISOLATION = "namespaces" if isolation.choose().strong else "process"
PATH = f"{Path(sys.executable).parent}:/usr/bin:/bin"

OUTPUT_FORMATS = {"text", "html", "simple_format", "md", "ansi"}
VISIBILITIES = {"hidden", "after_due_date", "after_published", "visible"}
TOP_LEVEL = {"score", "execution_time", "output", "output_format", "visibility", "stdout_visibility", "extra_data",
             "tests", "leaderboard", "test_output_format", "test_name_format"}
TEST_REQUIRED = {"name", "score", "max_score", "status", "output", "output_format", "visibility"}
TEST_OPTIONAL = {"number", "tags", "extra_data", "name_format"}


def assert_gradescope_results(results: dict) -> None:
    """The fields and types of Gradescope's results.json (gradescope-autograders.readthedocs.io, "specs")."""
    assert set(results) <= TOP_LEVEL, set(results) - TOP_LEVEL
    for key in ("score", "execution_time"):
        if key in results or key == "execution_time":
            assert isinstance(results[key], (int, float)) and not isinstance(results[key], bool), key
    assert results["execution_time"] >= 0
    assert isinstance(results["output"], str) and results["output"]
    assert results["output_format"] in OUTPUT_FORMATS and results["visibility"] in VISIBILITIES
    assert isinstance(results["tests"], list)
    for test in results["tests"]:
        assert TEST_REQUIRED <= set(test) <= TEST_REQUIRED | TEST_OPTIONAL, set(test) ^ TEST_REQUIRED
        assert isinstance(test["name"], str) and isinstance(test["output"], str)
        assert test["status"] in ("passed", "failed")
        assert test["output_format"] in OUTPUT_FORMATS and test["visibility"] in VISIBILITIES
        assert 0 <= test["score"] <= test["max_score"]
    assert results.get("score", 0) == pytest.approx(sum(test["score"] for test in results["tests"]))
    assert "score" in results or all("score" in test for test in results["tests"]), "a score, or one on every test"


def rubric_points(rubric_text: str) -> dict[str, float]:
    """Each hw1 id's points as the README says: the course's rubric, else hw1's own rubric.toml, else 1."""
    shipped = tomllib.loads((REPOSITORY / "derivations" / "hw1" / "rubric.toml").read_text()).get("points", {})
    course = tomllib.loads(rubric_text).get("points", {})
    return {id: course.get(id, shipped.get(id, 1)) for id in HW1.by_id}


def said(capsys) -> str:
    """What the command printed, with the console's line wrapping undone."""
    return " ".join(capsys.readouterr().out.split())


def make_zip(folder: Path, *options: str, rubric: str = RUBRIC) -> Path:
    (folder / "rubric.toml").write_text(rubric)
    target = folder / "autograder.zip"
    assert cli.main(["autograder", "--rubric", str(folder / "rubric.toml"), "-o", str(target), *options]) == 0
    return target


def gradescope_root(folder: Path, bundle: Path, upload: dict[str, str]) -> Path:
    """`<folder>/autograder` laid out as Gradescope lays it out, with the zip's file modes."""
    autograder = folder / "autograder"
    for name in ("source", "submission", "results"):
        (autograder / name).mkdir(parents=True)
    with zipfile.ZipFile(bundle) as archive:
        for info in archive.infolist():
            path = autograder / "source" / info.filename
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(archive.read(info))
            path.chmod(info.external_attr >> 16 & 0o777)
    shutil.copy2(autograder / "source" / "run_autograder", autograder / "run_autograder")
    for name, text in upload.items():
        (autograder / "submission" / name).parent.mkdir(parents=True, exist_ok=True)
        (autograder / "submission" / name).write_text(text)
    return autograder


def run_autograder(autograder: Path, **environment: str) -> tuple[subprocess.CompletedProcess, dict]:
    """Run `run_autograder` as Gradescope does, with `environment` added to the container's. The `gradjudge` on PATH
    is the installed one, wherever it was installed from; PYTHONPATH puts this checkout first, so that the checkout
    under test is what grades (`run_autograder` keeps PYTHONPATH, after the zip's own packages)."""
    done = subprocess.run([str(autograder / "run_autograder")], cwd=autograder, capture_output=True, text=True, timeout=600,
                          env={"PATH": PATH, "LANG": "C.UTF-8", "GRADJUDGE_AUTOGRADER_ROOT": str(autograder),
                               "PYTHONPATH": str(REPOSITORY.resolve()), **environment})
    assert done.returncode == 0, done.stdout + done.stderr
    results = json.loads((autograder / "results" / "results.json").read_text())
    assert_gradescope_results(results)
    return done, results


def test_the_gradjudge_the_zip_runs_is_this_checkout(tmp_path):
    """What `run_autograder` starts, `gradjudge` on PATH under run_autograder's environment, imports the checks of the
    checkout under test, not whatever checkout is installed."""
    gradjudge = shutil.which("gradjudge", path=PATH)
    assert gradjudge, f"no gradjudge on {PATH}"
    interpreter = Path(gradjudge).read_text().splitlines()[0].removeprefix("#!").split()
    found = subprocess.run([*interpreter, "-c", "import checks.cli, sys; print(sys.modules['checks'].__file__)"],
                           cwd=tmp_path, capture_output=True, text=True, timeout=120,
                           env={"PATH": PATH, "LANG": "C.UTF-8", "PYTHONPATH": str(REPOSITORY.resolve())})
    assert found.returncode == 0, found.stderr
    assert Path(found.stdout.strip()).resolve() == (REPOSITORY / "checks" / "__init__.py").resolve()


@pytest.fixture(scope="module")
def bundle(tmp_path_factory) -> Path:
    return make_zip(tmp_path_factory.mktemp("bundle"))


def assert_graded_student(results: dict, *, isolation: str = ISOLATION) -> None:
    tests = {test["name"]: test for test in results["tests"]}
    assert list(tests) == list(HW1.by_id)
    assert {name: test["max_score"] for name, test in tests.items()} == rubric_points(RUBRIC)
    assert results["score"] == 3
    assert (tests["dropout_dL_dx"]["status"], tests["dropout_dL_dx"]["score"]) == ("passed", 3)
    assert (tests["bn_dL_dbeta"]["status"], tests["bn_dL_dbeta"]["score"]) == ("failed", 0)
    assert "`scaled:2`" in tests["bn_dL_dbeta"]["output"]
    assert f"Isolation: {isolation}" in results["output"]


def test_the_zip_grades_an_upload_as_gradescope_runs_it(bundle, tmp_path):
    upload = {"hw1.py": STUDENT, "._hw1.py": "", ".DS_Store": ""}
    done, results = run_autograder(gradescope_root(tmp_path, bundle, upload))
    assert_graded_student(results)
    assert f"isolation: {ISOLATION}" in done.stdout


def test_every_container_starts_with_the_truths_of_what_every_upload_meets(bundle, tmp_path, monkeypatch):
    """The zip's truths store holds the rubric's stream of every context (the course secret's, which the zip grades
    on) and every id's truth on it: a container computes none of it again."""
    from checks.engine.case_secret import CaseSecret
    from checks.engine.properties import stream_settings
    from checks.engine.store import Store
    from checks.engine.truths import Truths
    from checks.grading import rubric

    with zipfile.ZipFile(bundle) as archive:
        archive.extractall(tmp_path / "source")

    def refuse(*arguments, **keywords):
        raise AssertionError("computed, though the zip's store should hold it")

    for name in ("evaluate", "evaluate_with_gradients", "autograd_truth", "numeric_witness"):
        monkeypatch.setattr(f"checks.engine.truths.{name}", refuse)
    truths = Truths()
    truths.attach(Store(tmp_path / "source" / "truths"), HW1)
    profile = rubric.load(HW1, tmp_path / "source" / "rubric.toml").profile
    secret = CaseSecret(bytes.fromhex((tmp_path / "source" / "case-secret").read_text().strip()))
    for context in HW1.contexts:
        cases = truths.stream(context, stream_settings(profile, secret), refuse)
        assert cases
        for case in cases:
            for entry in (entry for entry in HW1.derivations if entry.context is context):
                assert np.all(np.isfinite(truths.truth(entry, case).array))


def test_an_upload_with_init_at_its_top_is_one_package(bundle, tmp_path):
    _, results = run_autograder(gradescope_root(tmp_path, bundle, {"__init__.py": STUDENT, "notes.md": "", "util.py": ""}))
    assert_graded_student(results)


@pytest.mark.parametrize(("upload", "says"), [
    ({}, "nothing in your upload can be graded; it holds nothing."),
    ({"notes.pdf": "", "work/helper.py": STUDENT}, "nothing in your upload can be graded; it holds notes.pdf, work/."),
    ({"notes.pdf": "", "hw\u202e1.pdf": ""}, "hw\\u202e1.pdf, notes.pdf"),
])
def test_an_upload_that_breaks_the_rule_gets_zero_and_says_why(bundle, tmp_path, upload, says):
    _, results = run_autograder(gradescope_root(tmp_path, bundle, upload))
    assert (results["score"], results["tests"]) == (0, [])
    assert results["output"].startswith("Not graded: ") and says in results["output"]


def test_an_upload_of_several_py_files_is_one_submission_whose_modules_import_each_other(bundle, tmp_path):
    helper = "def twice(x):\n    return 2 * x\n"
    student = STUDENT.replace("import numpy as np", "import numpy as np\nfrom helpers import twice").replace(
        "return 2 * dy.sum(axis=0)", "return twice(dy.sum(axis=0))")
    _, results = run_autograder(gradescope_root(tmp_path, bundle, {"hw1.py": student, "helpers.py": helper}))
    assert_graded_student(results)


def test_a_zip_made_without_a_rubric_grades_with_the_assignments_default_points(tmp_path):
    target = tmp_path / "autograder.zip"
    assert cli.main(["autograder", "-o", str(target)]) == 0
    _, results = run_autograder(gradescope_root(tmp_path, target, {"hw1.py": STUDENT}))
    points = {test["name"]: test["max_score"] for test in results["tests"]}
    assert points == rubric_points("")
    assert results["score"] == points["dropout_dL_dx"]


def test_a_submission_name_picks_that_upload_and_ignores_the_rest(tmp_path):
    named = make_zip(tmp_path, "--submission-name", "hw1.py")
    _, results = run_autograder(gradescope_root(tmp_path / "a", named, {"hw1.py": STUDENT, "notes.md": "", "old.py": ""}))
    assert_graded_student(results)
    _, results = run_autograder(gradescope_root(tmp_path / "b", named, {"homework1.py": STUDENT}))
    assert (results["score"], results["tests"]) == (0, [])
    assert "your upload has no hw1.py; it holds homework1.py. Upload your work as hw1.py." in results["output"]


@pytest.mark.parametrize(("text", "says"), [
    ("[grading]\nexampels = 3\n", "did you mean examples"),
    ("[points]\neq5_dL_dz1B = 2\n", "did you mean eq05_dL_dz1B"),
    ("[grading\n", "not valid TOML"),
])
def test_a_bad_rubric_is_refused_and_no_zip_is_written(tmp_path, capsys, text, says):
    (tmp_path / "rubric.toml").write_text(text)
    target = tmp_path / "autograder.zip"
    assert cli.main(["autograder", "--rubric", str(tmp_path / "rubric.toml"), "-o", str(target)]) == 2
    assert says in said(capsys)
    assert list(tmp_path.iterdir()) == [tmp_path / "rubric.toml"]


def test_the_target_is_checked_before_anything_else_and_replaced_only_with_force(tmp_path, capsys):
    (tmp_path / "bad.toml").write_text("[grading\n")
    (tmp_path / "taken").mkdir()
    assert cli.main(["autograder", "--rubric", str(tmp_path / "bad.toml"), "-o", str(tmp_path / "taken")]) == 2
    assert "taken exists and is not a regular file" in said(capsys)
    target = tmp_path / "autograder.zip"
    target.write_text("last term's")
    (tmp_path / "rubric.toml").write_text(RUBRIC)
    arguments = ["autograder", "--rubric", str(tmp_path / "rubric.toml"), "-o", str(target)]
    assert cli.main(arguments) == 2
    assert "autograder.zip exists; pass --force to overwrite it" in said(capsys)
    assert target.read_text() == "last term's"
    assert cli.main([*arguments, "--force"]) == 0
    assert zipfile.is_zipfile(target)
    assert sorted(path.name for path in tmp_path.iterdir()) == ["autograder.zip", "bad.toml", "rubric.toml", "taken"]


@pytest.mark.parametrize(("name", "says"), [
    ("work/hw1.py", "the name of a file or folder at the top of the upload"),
    (".hw1.py", "not start with a dot"),
    ("hw1.pdf", "a .py file, a write-up (.md, .markdown, .tex, .txt) or a package folder"),
])
def test_a_bad_submission_name_is_refused(tmp_path, capsys, name, says):
    (tmp_path / "rubric.toml").write_text(RUBRIC)
    assert cli.main(["autograder", "--rubric", str(tmp_path / "rubric.toml"), "-o", str(tmp_path / "a.zip"),
                     "--submission-name", name]) == 2
    out = said(capsys)
    assert f"submission_name={name!r}, but it must" in out and says in out
    assert not (tmp_path / "a.zip").exists()


def test_the_bundle_installs_exactly_the_running_gradjudge_with_its_pins(bundle, tmp_path):
    with zipfile.ZipFile(bundle) as archive:
        archive.extractall(tmp_path / "source")
    source = tmp_path / "source"
    built = subprocess.run([sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps",
                            "--wheel-dir", str(tmp_path / "wheel"), str(source / "gradjudge")],
                           capture_output=True, text=True, timeout=300)
    assert built.returncode == 0, built.stderr
    (wheel,) = (tmp_path / "wheel").iterdir()
    assert wheel.name.startswith(f"gradjudge-{metadata.version('gradjudge')}-")
    installed = set(zipfile.ZipFile(wheel).namelist())
    running = {str(path.relative_to(REPOSITORY)) for package in ("checks", "derivations")
               for path in (REPOSITORY / package).rglob("*") if path.is_file() and "__pycache__" not in path.parts}
    assert running <= installed, running - installed
    assert not any(name.startswith(("tests/", "examples/", "benchmarks/")) for name in installed)
    import torch

    assert (source / "requirements-torch.txt").read_text() == f"torch=={torch.__version__.split('+')[0]}\n"
    pins = dict(line.split("==") for line in (source / "requirements.txt").read_text().splitlines())
    assert {"numpy", "hypothesis", "lark", "rich"} <= set(pins)
    assert all(metadata.version(name) == version for name, version in pins.items())
    assert subprocess.run(["bash", "-n", str(source / "setup.sh")]).returncode == 0
    setup = (source / "setup.sh").read_text()
    assert "-r \"$source/requirements-torch.txt\" --index-url https://download.pytorch.org/whl/cpu" in setup
    assert "apt-get install -y -qq bubblewrap" in setup


def test_the_same_inputs_make_the_same_zip(tmp_path):
    first = make_zip(tmp_path).read_bytes()
    assert make_zip(tmp_path, "--force").read_bytes() == first


def test_a_course_assignment_is_bundled_with_its_package_and_graded(tmp_path):
    course = tmp_path / "course"
    write_files(section("Add an assignment"), course)
    (course / "rubric.toml").write_text("[grading]\nexamples = 3\n")
    made = subprocess.run(["gradjudge", "autograder", "--assignment", "tinyhw.assignment:ASSIGNMENT", "--rubric",
                           "rubric.toml", "-o", "tiny.zip"], cwd=course, capture_output=True, text=True, timeout=300,
                          env={"PATH": PATH, "LANG": "C.UTF-8", "PYTHONPATH": "."})
    assert made.returncode == 0, made.stdout + made.stderr
    assert {"packages/tinyhw/__init__.py", "packages/tinyhw/assignment.py"} <= set(zipfile.ZipFile(course / "tiny.zip").namelist())
    student = "def dL_dz(dy, y):\n    return dy * (1 - y**2)\n\ndef dL_dW(dy, y, x):\n    return (dy * (1 - y)).T @ x\n"
    _, results = run_autograder(gradescope_root(tmp_path / "gradescope", course / "tiny.zip", {"hw.py": student}))
    assert [(test["name"], test["score"], test["max_score"]) for test in results["tests"]] == [("dL_dz", 1, 1), ("dL_dW", 0, 1)]
