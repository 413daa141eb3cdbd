"""The README's vocabulary and id tables stay in step with every shipped declaration."""
from pathlib import Path

from helpers import ASSIGNMENTS

README = (Path(__file__).parent.parent / "README.md").read_text()


def test_readme_names_every_axis_quantity_and_id():
    names = set()
    for assignment in ASSIGNMENTS:
        names |= {axis.name for axis in assignment.axes} | set(assignment.by_id)
        names |= {name for context in assignment.contexts for name in context.vocabulary}
    missing = sorted(name for name in names if f"`{name}`" not in README)
    assert not missing, f"README does not mention {missing}"
