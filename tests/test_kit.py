"""`gradjudge kit`: a course's assignment, given to students without its answers, used as students use it.

A small course package is declared here, as docs/assignments.md says (a tanh
layer, its reference closed forms in a module of their own, a catalog named by
module, a declared variant of the model for diagnosis, a rubric). Staff verify
it and build its kit; the kit is installed into a fresh virtual environment with
gradjudge, where a student's file is templated, graded (with diagnosis) and
tested with `pytest --submission`, and where neither the reference nor the
catalog is importable or present in any installed file. The autograder zip
staff build from the same package grades as staff grade at home.

The fresh environment sees the test's own third-party packages (torch, numpy,
...) through a path file, as `--system-site-packages` would see a system's, so
that torch is not installed again; gradjudge goes into it from this checkout,
as a student installs it (`pip install -e`), and the course from the kit.
"""
from __future__ import annotations

import ast
import json
import subprocess
import sys
import textwrap
import zipfile
from xml.etree import ElementTree
from pathlib import Path

import pytest

from checks import cli
from test_autograder import gradescope_root, run_autograder

ROOT = Path(__file__).resolve().parent.parent
REFERENCE = '''"""The reference closed forms of the tanh layer."""


def dL_dz(dy, y):
    r"""$\\partial L/\\partial z = dy \\odot (1 - y^2)$, `(m, k)`."""
    return dy * (1 - y**2)


def dL_dW(dy, y, x):
    r"""$\\partial L/\\partial W = (dy \\odot (1 - y^2))^\\top x$, `(k, d)`."""
    return (dy * (1 - y**2)).T @ x
'''
CATALOG = '''from checks.assignment import WrongVariant


def tanh_slope_dropped(dy):
    return dy + 0.0 * dy


CATALOG = (WrongVariant("tanh_slope_dropped", "dL_dz", tanh_slope_dropped,
                        "Remember that tanh has a slope of its own at z: multiply by it."),)
'''
HINT = "Remember that tanh has a slope of its own at z"
DECLARATION = '''from pathlib import Path

from checks.assignment import Assignment, Axis, Context, Derivation, Node, Quantity, Variant, surrogate
from checks.lazy import F, torch


def leaves(rng, case):
    m, d, k = (case.size[axis] for axis in ("m", "d", "k"))
    return {{"x": rng.standard_normal((m, d)), "W": rng.standard_normal((k, d)) / d**0.5,
            "dy": rng.standard_normal((m, k))}}


LAYER = Context(
    "layer", "y = tanh(x W^T), with L = sum(dy * y)",
    axes={{"m": 1, "d": 1, "k": 1}},
    leaves=(Quantity("x", ("m", "d"), "input"), Quantity("W", ("k", "d"), "weight"),
            Quantity("dy", ("m", "k"), "upstream gradient")),
    nodes=(Node("z", ("m", "k"), "x W^T", ("x", "W"), F.linear),
           Node("y", ("m", "k"), "tanh(z)", ("z",), torch.tanh),
           Node("L", (), "sum(dy * y)", ("dy", "y"), lambda dy, y: (dy * y).sum())),
    generate=leaves,
    variants=(Variant("local_derivative", "tanh_slope_one", {{"y": lambda z: surrogate(torch.tanh(z), z)}},
                      "the derivative of tanh taken as 1, as if y were z"),),
)

ASSIGNMENT = Assignment(
    name="{name}", title="A tanh layer",
    axes=(Axis("m", "batch"), Axis("d", "input width"), Axis("k", "output width")),
    contexts=(LAYER,),
    derivations=(Derivation("dL_dz", "1", LAYER, of="L", wrt="z"),
                 Derivation("dL_dW", "2", LAYER, of="L", wrt="W")),
    reference="{name}.reference",
    template='"""My tanh layer."""\\nimport numpy as np\\n',
    rubric=Path(__file__).with_name("rubric.toml"),
    catalog={catalog},
)
'''
RUBRIC = "[grading]\nexamples = 5\n\n[points]\ndL_dz = 2\ndL_dW = 3\n"
STUDENT = "def dL_dz(dy):\n    return dy\n\n\ndef dL_dW(dy, y, x):\n    return (dy * (1 - y**2)).T @ x\n"
"""dL_dz forgets tanh's slope (the declared variant `tanh_slope_one`: 0 of 2 points); dL_dW is right (3 of 3)."""
FORMULAS = ("1 - y**2", "1 - y ** 2", "1 - y^2", "(dy * (1 - y", r"dy \odot (1 - y^2)")
"""The right answer of dL_dz, as it could be printed."""
COURSE = "tanhcourse"
SPEC = f"{COURSE}.assignment:ASSIGNMENT"


def write_course(folder: Path, name: str, *, catalog: str | None = None, reference: str = REFERENCE) -> Path:
    """The course package `name` in `folder`; its catalog is named by module unless `catalog` says otherwise."""
    package = folder / name
    package.mkdir(parents=True)
    (package / "__init__.py").write_text('"""A tanh layer, declared for gradjudge."""\n')
    (package / "reference.py").write_text(reference)
    (package / "catalog.py").write_text(CATALOG)
    (package / "rubric.toml").write_text(RUBRIC)
    (package / "assignment.py").write_text(DECLARATION.format(name=name, catalog=catalog or f'"{name}.catalog:CATALOG"'))
    return package


def run(command: list[str], folder: Path, path: str, **environment: str) -> subprocess.CompletedProcess:
    return subprocess.run(command, cwd=folder, capture_output=True, text=True, timeout=900,
                          env={"PATH": path, "LANG": "C.UTF-8", "HOME": str(folder), "COLUMNS": "120", **environment})


def answers_of(source: str) -> tuple[list[str], list[bytes]]:
    """What the reference would leave in a file: each function's returned expression, and each one's bytecode."""
    namespace: dict = {}
    exec(compile(source, "reference.py", "exec"), namespace)
    functions = [namespace["dL_dz"], namespace["dL_dW"]]
    returned = [ast.unparse(node.value) for node in ast.walk(ast.parse(source)) if isinstance(node, ast.Return)]
    return returned, [function.__code__.co_code for function in functions]


@pytest.fixture(scope="module")
def staff(tmp_path_factory):
    """The course's folder, the staff's PATH and PYTHONPATH, and the kit staff built there."""
    folder = tmp_path_factory.mktemp("course")
    write_course(folder, COURSE)
    path = f"{Path(sys.executable).parent}:/usr/bin:/bin"
    built = run(["gradjudge", "kit", "--assignment", SPEC, "-o", "dist"], folder, path, PYTHONPATH=".")
    assert built.returncode == 0, built.stdout + built.stderr
    (wheel,) = (folder / "dist").iterdir()
    return {"folder": folder, "path": path, "wheel": wheel}


@pytest.fixture(scope="module")
def student(staff, tmp_path_factory):
    """A fresh environment with gradjudge and the kit installed, and a student's folder with their file."""
    base = tmp_path_factory.mktemp("student")
    environment = base / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(environment)], check=True)
    python = environment / "bin" / "python"
    site = Path(subprocess.run([str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                               capture_output=True, text=True, check=True).stdout.strip())
    import torch

    (site / "beside.pth").write_text(f"{Path(torch.__file__).parent.parent}\n")
    for target in (["-e", str(ROOT)], [str(staff["wheel"])]):
        done = subprocess.run([sys.executable, "-m", "pip", "--python", str(python), "install", "--quiet", "--no-deps",
                               "--no-index", "--no-build-isolation", *target], capture_output=True, text=True, timeout=600)
        assert done.returncode == 0, done.stdout + done.stderr
    folder = base / "work"
    folder.mkdir()
    return {"environment": environment, "python": python, "folder": folder,
            "path": f"{environment / 'bin'}:/usr/bin:/bin"}


def test_the_wheel_holds_the_declaration_and_nothing_of_the_staffs(staff):
    names = set(zipfile.ZipFile(staff["wheel"]).namelist())
    package = {name for name in names if not name.split("/")[0].endswith(".dist-info")}
    assert package == {f"{COURSE}/__init__.py", f"{COURSE}/assignment.py", f"{COURSE}/rubric.toml"}
    entry_points = next(name for name in names if name.endswith("entry_points.txt"))
    assert f"{COURSE} = {SPEC}" in zipfile.ZipFile(staff["wheel"]).read(entry_points).decode()


def test_staff_verify_the_course_with_its_references(staff):
    done = run(["gradjudge", "verify", "--assignment", SPEC, "--profile", "dev"], staff["folder"], staff["path"],
               PYTHONPATH=".")
    assert done.returncode == 0, done.stdout + done.stderr
    assert "dL_dz" in done.stdout and "dL_dW" in done.stdout


def test_a_student_gets_a_template(student):
    done = run(["gradjudge", "template", "blank.py", "--assignment", COURSE], student["folder"], student["path"])
    assert done.returncode == 0, done.stdout + done.stderr
    blank = (student["folder"] / "blank.py").read_text()
    assert "def dL_dz():" in blank and "def dL_dW():" in blank and "`(k, d)`" in blank


def test_a_student_is_graded_with_diagnosis_and_never_shown_the_formula(student):
    (student["folder"] / "hw.py").write_text(STUDENT)
    done = run(["gradjudge", "grade", "hw.py", "--assignment", COURSE, "--json", "grades.json"], student["folder"],
               student["path"])
    assert done.returncode == 0, done.stdout + done.stderr
    (grade,) = json.loads((student["folder"] / "grades.json").read_text())["submissions"]
    rows = {row["id"]: row for row in grade["derivations"]}
    assert (grade["score"], grade["max_score"]) == (3, 5)
    assert rows["dL_dW"]["status"] == "passed" and rows["dL_dz"]["status"] == "failed"
    assert "local_derivative:tanh_slope_one" in rows["dL_dz"]["tags"]
    assert "Diagnosis:" in done.stdout and "the derivative of tanh taken as 1" in done.stdout
    shown = done.stdout + json.dumps(grade)
    assert not [formula for formula in FORMULAS if formula in shown], "the right formula is never printed"
    assert HINT not in shown


def test_pytest_submission_runs_the_students_tests(student):
    (student["folder"] / "hw.py").write_text(STUDENT)
    done = run([str(student["python"]), "-m", "pytest", "--submission", "hw.py", "--assignment", COURSE,
                "-p", "no:cacheprovider", "--junitxml", "junit.xml"], student["folder"], student["path"])
    assert done.returncode == 1, done.stdout + done.stderr
    report = ElementTree.parse(student["folder"] / "junit.xml")
    outcomes = {case.get("name"): "failed" if case.find("failure") is not None else "passed"
                for case in report.iter("testcase") if case.find("skipped") is None}
    assert outcomes == {"test_derivation_matches_both_oracles[dL_dz]": "failed",
                        "test_derivation_matches_both_oracles[dL_dW]": "passed",
                        "test_derivation_holds_on_every_edge_case[dL_dz]": "passed",
                        "test_derivation_holds_on_every_edge_case[dL_dW]": "passed"}, "the layer declares no edge cases"


def test_neither_the_reference_nor_the_catalog_is_importable(student):
    probe = ("import importlib.util, json\n"
             f"print(json.dumps([importlib.util.find_spec(name) is None for name in "
             f"('{COURSE}', '{COURSE}.assignment', '{COURSE}.reference', '{COURSE}.catalog')]))")
    done = run([str(student["python"]), "-c", probe], student["folder"], student["path"])
    assert json.loads(done.stdout) == [False, False, True, True], done.stderr


def test_no_installed_file_holds_the_reference_or_the_catalog(student):
    returned, code = answers_of(REFERENCE)
    catalog = textwrap.dedent(CATALOG).split("def tanh_slope_dropped(dy):", 1)[1].split("\n\n")[0].strip()
    texts = ["return dy * (1 - y**2)", "(dy * (1 - y**2)).T @ x", r"dy \odot (1 - y^2)", catalog, HINT]
    leaks = []
    for path in student["environment"].rglob("*"):
        if path.is_file() and not path.is_symlink():
            data = path.read_bytes()
            text = data.decode("utf-8", errors="replace")
            leaks += [f"{path}: {needle}" for needle in [*texts, *returned] if needle in text]
            leaks += [f"{path}: bytecode" for needle in code if needle in data]
            if "reference" in path.name or "catalog" in path.name:
                leaks.append(f"{path}: named so")
    assert leaks == []


@pytest.mark.parametrize("command", [["verify"], ["soak", "--examples", "10"]])
def test_staff_commands_say_the_references_are_missing(student, command):
    done = run(["gradjudge", *command, "--assignment", COURSE], student["folder"], student["path"])
    assert done.returncode == 2
    assert "reference closed forms (tanhcourse.reference) are not installed here" in done.stdout
    assert "Traceback" not in done.stdout + done.stderr


def test_pytest_without_a_submission_says_the_references_are_missing(student):
    done = run([str(student["python"]), "-m", "pytest", "--assignment", COURSE, "-p", "no:cacheprovider"],
               student["folder"], student["path"])
    assert done.returncode == 4 and "test your own file with --submission FILE" in done.stdout + done.stderr


def test_the_staffs_autograder_zip_grades_as_staff_grade_at_home(staff, tmp_path):
    folder = staff["folder"]
    (folder / "hw.py").write_text(STUDENT)
    (folder / "course.toml").write_text(RUBRIC)
    made = run(["gradjudge", "autograder", "--assignment", SPEC, "--rubric", "course.toml", "-o", "autograder.zip",
                "--force"], folder, staff["path"], PYTHONPATH=".")
    assert made.returncode == 0, made.stdout + made.stderr
    names = set(zipfile.ZipFile(folder / "autograder.zip").namelist())
    assert f"packages/{COURSE}/reference.py" in names, "the staff's zip grades with the whole course package"
    _, results = run_autograder(gradescope_root(tmp_path, folder / "autograder.zip", {"hw.py": STUDENT}))
    at_home = run(["gradjudge", "grade", "hw.py", "--assignment", SPEC, "--rubric", "course.toml", "--json",
                   "home.json"], folder, staff["path"], PYTHONPATH=".")
    assert at_home.returncode == 0, at_home.stdout + at_home.stderr
    (grade,) = json.loads((folder / "home.json").read_text())["submissions"]
    assert [(test["name"], test["score"], test["max_score"]) for test in results["tests"]] == \
        [(row["id"], row["score"], row["max_score"]) for row in grade["derivations"]] == [("dL_dz", 0, 2), ("dL_dW", 3, 3)]


@pytest.fixture
def course(tmp_path, monkeypatch):
    """A folder for course packages, importable in this process as `PYTHONPATH=.` makes it for the command."""
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.chdir(tmp_path)
    return tmp_path


def said(capsys) -> str:
    return " ".join(capsys.readouterr().out.split())


def test_a_kit_of_gradjudges_own_assignment_is_refused(course, capsys):
    assert cli.main(["kit", "--assignment", "hw1", "-o", "dist"]) == 2
    assert "hw1 is one of gradjudge's own assignments, whose reference ships with gradjudge" in said(capsys)
    assert not (course / "dist").exists()


def test_a_reference_that_holds_the_declaration_is_refused(course, capsys):
    package = write_course(course, "kitinside")
    (package / "__init__.py").write_text(REFERENCE)
    (package / "assignment.py").write_text((package / "assignment.py").read_text().replace(
        'reference="kitinside.reference"', 'reference="kitinside"'))
    assert cli.main(["kit", "--assignment", "kitinside.assignment:ASSIGNMENT", "-o", "dist"]) == 2
    out = said(capsys)
    assert "the declaration kitinside.assignment is part of kitinside, which holds answers" in out
    assert 'reference="kitinside.reference"' in out and not (course / "dist").exists()


def test_a_declaration_that_imports_its_catalog_is_refused(course, capsys):
    write_course(course, "kiteager", catalog="__import__('kiteager.catalog').catalog.CATALOG")
    assert cli.main(["kit", "--assignment", "kiteager.assignment:ASSIGNMENT", "-o", "dist"]) == 2
    out = said(capsys)
    assert "kiteager does not load from its kit, which leaves out kiteager.catalog, kiteager.reference" in out
    assert "No module named 'kiteager.catalog'" in out and not (course / "dist").exists()


def test_answers_and_secrets_planted_in_the_package_are_found(course, capsys):
    package = write_course(course, "kitleaky")
    with (package / "assignment.py").open("a") as stream:
        stream.write("\n# for the TAs:\n#     return dy * (1 - y**2)\nFORMULAS = {'dL_dW': '(dy * (1 - y**2)).T @ x'}\n")
    with (package / "rubric.toml").open("a") as stream:
        stream.write("\n[cases]\nsecret = 'do-not-ship'\n")
    assert cli.main(["kit", "--assignment", "kitleaky.assignment:ASSIGNMENT", "-o", "dist"]) == 2
    out = said(capsys)
    assert "the kit would give answers away, so it was not written" in out
    assert "kitleaky/assignment.py: the reference's dL_dz, its source" in out
    assert "kitleaky/assignment.py: the reference's dL_dW, the expression it returns" in out
    assert "kitleaky/rubric.toml: a key named like a secret, 'secret'" in out
    assert not (course / "dist").exists()


def test_the_course_secret_planted_under_another_name_is_found(course, capsys):
    from checks.grading.course_secret import default_file

    written = default_file().read_text().strip()
    package = write_course(course, "kitseeded")
    with (package / "assignment.py").open("a") as stream:
        stream.write(f"\nSTREAM = {written!r}\n")
    assert cli.main(["kit", "--assignment", "kitseeded.assignment:ASSIGNMENT", "-o", "dist"]) == 2
    assert f"kitseeded/assignment.py: the course secret of {default_file()}" in said(capsys)
    assert not (course / "dist").exists()


def test_an_existing_wheel_is_replaced_only_with_force_and_a_file_is_no_folder(course, capsys):
    write_course(course, "kitagain")
    arguments = ["kit", "--assignment", "kitagain.assignment:ASSIGNMENT", "-o", "dist"]
    assert cli.main(arguments) == 0
    (wheel,) = (course / "dist").iterdir()
    wheel.write_bytes(b"last term's")
    capsys.readouterr()
    assert cli.main(arguments) == 2
    assert "exists; pass --force to overwrite it" in said(capsys) and wheel.read_bytes() == b"last term's"
    assert cli.main([*arguments, "--force"]) == 0 and zipfile.is_zipfile(wheel)
    (course / "afile").write_text("")
    assert cli.main(["kit", "--assignment", "kitagain.assignment:ASSIGNMENT", "-o", "afile"]) == 2
    assert "afile exists and is not a folder" in said(capsys)


def test_the_same_package_makes_the_same_wheel(course):
    write_course(course, "kitsame")
    arguments = ["kit", "--assignment", "kitsame.assignment:ASSIGNMENT", "-o", "dist"]
    assert cli.main(arguments) == 0
    (wheel,) = (course / "dist").iterdir()
    first = wheel.read_bytes()
    assert cli.main([*arguments, "--force"]) == 0 and wheel.read_bytes() == first


def test_the_docs_tinyhw_builds_its_kit_as_the_page_says(tmp_path):
    from test_readme_recipes import blocks, run as run_recipe, section, write_files

    write_files(section("Add an assignment"), tmp_path)
    command = next(line.split("#")[0].strip() for block in blocks(section("A student kit"), "bash")
                   for line in block.splitlines() if line.startswith("PYTHONPATH"))
    done = run_recipe(command, tmp_path)
    assert done.returncode == 0, done.stdout + done.stderr
    assert [path.name for path in (tmp_path / "dist").iterdir()] == ["tinyhw_kit-0-py3-none-any.whl"]
