"""The docs' "Add an assignment" and "Add a derivation" sections, done exactly as they say.

The code blocks are taken from docs/assignments.md itself, written to the files their
first line names, and the command it shows is run: if the recipe stops
working, or the page drifts from what works, this fails.
"""
import os
import re
import subprocess
import sys
from pathlib import Path

from checks.engine import store

RECIPES = (Path(__file__).parent.parent / "docs" / "assignments.md").read_text()


def section(title: str) -> str:
    """The text under the heading `title` (at any level), up to the next heading outside a code block."""
    found, fenced = [], False
    for line in RECIPES.split(f"# {title}\n", 1)[1].splitlines():
        fenced ^= line.startswith("```")
        if not fenced and line.startswith("#"):
            break
        found.append(line)
    return "\n".join(found)


def blocks(text: str, language: str) -> list[str]:
    return [re.sub(r"^ {3}", "", block, flags=re.MULTILINE)
            for block in re.findall(rf"```{language}\n(.*?)```", text, flags=re.DOTALL)]


def write_files(text: str, root: Path, mode: str = "w") -> None:
    for block in blocks(text, "python"):
        first, _, body = block.partition("\n")
        if first.startswith("# ") and "/" in first:
            path = root / first[2:].strip()
            path.parent.mkdir(parents=True, exist_ok=True)
            with path.open(mode) as stream:
                stream.write(("\n\n" if mode == "a" else "") + body)


def run(command: str, root: Path) -> subprocess.CompletedProcess:
    environment = {"PATH": str(Path(sys.executable).parent) + ":/usr/bin:/bin", "LANG": "C.UTF-8",
                   "HYPOTHESIS_PROFILE": "dev", store.ENVIRONMENT_VARIABLE: os.environ[store.ENVIRONMENT_VARIABLE]}
    return subprocess.run(["bash", "-c", command], cwd=root, capture_output=True, text=True, env=environment, timeout=600)


def test_adding_an_assignment_as_the_readme_says_gives_a_verified_assignment(tmp_path):
    recipe = section("Add an assignment")
    write_files(recipe, tmp_path)
    declaration = (tmp_path / "tinyhw" / "assignment.py").read_text()
    assert len(declaration.splitlines()) <= 40, "the README promises a small declaration"
    (command,) = [line for block in blocks(recipe, "bash") for line in block.splitlines() if line.strip()]
    done = run(command, tmp_path)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "dL_dz" in done.stdout and "dL_dW" in done.stdout and "passed" in done.stdout


def test_adding_a_derivation_as_the_readme_says_gets_it_verified(tmp_path):
    write_files(section("Add an assignment"), tmp_path)
    recipe = section("Add a derivation")
    write_files(recipe, tmp_path, mode="a")
    (entry,) = [block.strip() for block in blocks(recipe, "python") if block.startswith("Derivation(")]
    declaration = tmp_path / "tinyhw" / "assignment.py"
    text = declaration.read_text()
    last_entry = re.search(r"Derivation\([^)]*\)\),", text)
    declaration.write_text(text[:last_entry.end() - 2] + f",\n                 {entry})," + text[last_entry.end():])
    (command,) = [line for block in blocks(section("Add an assignment"), "bash") for line in block.splitlines() if line.strip()]
    done = run(command + " dL_dx", tmp_path)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "dL_dx" in done.stdout and "passed" in done.stdout


def test_a_submission_to_the_new_assignment_is_graded(tmp_path):
    write_files(section("Add an assignment"), tmp_path)
    student = tmp_path / "student.py"
    student.write_text("def dL_dz(dy, y):\n    return dy * (1 - y**2)\n\ndef dL_dW(dy, y, x):\n    return (dy * (1 - y)).T @ x\n")
    (command,) = [line for block in blocks(section("Add an assignment"), "bash") for line in block.splitlines() if line.strip()]
    done = run(command.replace("verify", "grade student.py"), tmp_path)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "1 / 2" in done.stdout and "failed" in done.stdout
