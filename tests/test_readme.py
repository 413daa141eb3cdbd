"""The README is the front door: install, main job and tests on its first screen, and links that lead somewhere."""
import re
from pathlib import Path

ROOT = Path(__file__).parent.parent
README = (ROOT / "README.md").read_text()
FIRST_SCREEN = "\n".join(README.splitlines()[:40])


def test_the_first_screen_holds_the_install_line_the_main_job_and_the_test_command():
    commands = [line.split("#")[0].strip() for line in FIRST_SCREEN.split("```bash", 1)[1].split("```", 1)[0].splitlines()]
    assert any(command.startswith("pip install torch==2.13.0") and "pip install -e" in command for command in commands)
    assert any(re.fullmatch(r"gradjudge grade examples/\S+", command) for command in commands)
    assert "pytest" in commands


def test_the_readme_stays_a_front_door():
    assert len(README.splitlines()) <= 250


def test_every_relative_link_of_the_readme_names_a_file_that_exists():
    links = [target.split("#")[0] for target in re.findall(r"\]\(([^)\s]+)\)", README) if "://" not in target]
    assert links, "the README links the documentation"
    missing = [target for target in links if target and not (ROOT / target).exists()]
    assert not missing
