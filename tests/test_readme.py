"""The README's vocabulary and id tables stay in step with the code."""
from pathlib import Path

from checks.registry import REGISTRY
from checks.vocabulary import AXES, CONTEXTS

README = (Path(__file__).parent.parent / "README.md").read_text()


def test_readme_names_every_axis_quantity_and_id():
    names = set(AXES) | {name for quantities in CONTEXTS.values() for name in quantities} | {e.id for e in REGISTRY}
    missing = sorted(name for name in names if f"`{name}`" not in README)
    assert not missing, f"README does not mention {missing}"
