"""docs/tutorial.md, followed to the letter: its files written as shown, its commands run as shown.

The course's package is installed by its entry point into a virtual
environment of its own that sees this one's packages (gradjudge and torch), so
this environment is left as it was. In that environment, with a third-party
assignment installed, gradjudge's own tests about its assignments still see
only its own.
"""
import ast
import json
import re
import subprocess
import sys
import sysconfig
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
TUTORIAL = (ROOT / "docs" / "tutorial.md").read_text()


def blocks(language: str) -> list[str]:
    return re.findall(rf"```{language}\n(.*?)```", TUTORIAL, flags=re.DOTALL)


def files() -> dict[str, str]:
    """Every block whose first line names a file (`# convhw/pyproject.toml`), by that path."""
    found = {}
    for block in blocks("python") + blocks("toml"):
        first, _, body = block.partition("\n")
        if first.startswith("# ") and first.endswith((".py", ".toml")):
            found[first[2:].strip()] = body
    return found


@pytest.fixture(scope="module")
def course(tmp_path_factory):
    """A folder holding the tutorial's files, and an environment in which its commands ran: (folder, environment,
    each command's output)."""
    root = tmp_path_factory.mktemp("tutorial")
    environment = root / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--system-site-packages", str(environment)], check=True, timeout=300)
    (site,) = (environment / "lib").glob("python*/site-packages")
    (site / "gradjudge_test_environment.pth").write_text(
        f"import site; site.addsitedir({sysconfig.get_paths()['purelib']!r})\n")
    script = environment / "bin" / "gradjudge"
    script.write_text(f"#!{environment / 'bin' / 'python'}\nfrom checks.cli import main\n\n"
                      "if __name__ == '__main__':\n    raise SystemExit(main())\n")
    script.chmod(0o755)
    folder = root / "course"
    for name, body in files().items():
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_text(body)
    variables = {"PATH": f"{environment / 'bin'}:/usr/bin:/bin", "LANG": "C.UTF-8", "HOME": str(root),
                 "HYPOTHESIS_PROFILE": "dev", "COLUMNS": "120"}
    outputs = {}
    for command in (line for block in blocks("bash") for line in block.splitlines() if line.strip()):
        done = subprocess.run(["bash", "-c", command], cwd=folder, capture_output=True, text=True, env=variables,
                              timeout=900)
        assert done.returncode == 0, f"{command}\n{done.stdout}\n{done.stderr}"
        outputs[command.split(" --")[0]] = done.stdout
    return folder, environment, outputs


def test_the_tutorial_writes_a_package_and_runs_install_verify_soak_and_two_grades():
    assert {"convhw/convhw/__init__.py", "convhw/convhw/assignment.py", "convhw/pyproject.toml", "right.py",
            "wrong.py"} <= set(files())
    commands = [line.split(" --")[0] for block in blocks("bash") for line in block.splitlines() if line.strip()]
    assert commands == ["pip install -e convhw", "gradjudge verify", "gradjudge soak", "gradjudge grade right.py",
                        "gradjudge grade wrong.py"]


def test_the_declaration_imports_only_the_public_module():
    tree = ast.parse(files()["convhw/convhw/assignment.py"])
    imported = {node.module for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)}
    imported |= {alias.name for node in ast.walk(tree) if isinstance(node, ast.Import) for alias in node.names}
    assert imported == {"checks.declare"}


def test_the_reference_is_verified_and_soaked_without_a_failure(course):
    _, _, outputs = course
    verified = outputs["gradjudge verify"]
    for id in ("conv_out", "conv_dw", "conv_db"):
        assert re.search(rf"{id}\s+passed\s+100\s", verified), verified
    assert re.search(r"\d+ examples over 3 ids, 0 failures", outputs["gradjudge soak"]), outputs["gradjudge soak"]


def test_the_right_student_gets_every_point_and_the_wrong_one_is_told_what_the_answer_computes(course):
    folder, _, _ = course
    (right,) = json.loads((folder / "right.json").read_text())["submissions"]
    (wrong,) = json.loads((folder / "wrong.json").read_text())["submissions"]
    assert (right["score"], right["max_score"]) == (3, 3)
    assert {row["id"]: row["status"] for row in right["derivations"]} == dict.fromkeys(("conv_out", "conv_dw", "conv_db"),
                                                                                        "passed")
    assert (wrong["score"], wrong["max_score"]) == (0, 3)
    rows = {row["id"]: row for row in wrong["derivations"]}
    assert {id: row["status"] for id, row in rows.items()} == {"conv_out": "not_attempted", "conv_dw": "not_attempted",
                                                               "conv_db": "failed"}
    assert "scaled:1/N" in rows["conv_db"]["tags"] and "It is the truth times 1/N" in rows["conv_db"]["message"]


def test_with_a_course_installed_gradjudges_own_tests_see_only_its_assignments(course):
    _, environment, _ = course
    listed = subprocess.run([str(environment / "bin" / "python"), "-c",
                             "from checks import assignments; print(sorted(assignments.known()))"],
                            capture_output=True, text=True, timeout=120)
    assert "convhw" in listed.stdout, listed.stderr
    done = subprocess.run([str(environment / "bin" / "python"), "-m", "pytest", "-q", "-p", "no:cacheprovider",
                           "tests/test_engine_knows_no_assignment.py", "tests/test_strategies.py",
                           "tests/test_readme.py"],
                          cwd=ROOT, capture_output=True, text=True, timeout=900,
                          env={"PATH": f"{environment / 'bin'}:/usr/bin:/bin", "LANG": "C.UTF-8",
                               "HYPOTHESIS_PROFILE": "ci"})
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-2000:]
