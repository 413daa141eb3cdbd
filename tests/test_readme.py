"""The docs' vocabulary and id tables stay in step with every shipped declaration."""
from pathlib import Path

from helpers import ASSIGNMENTS

DOCS = Path(__file__).parent.parent / "docs"
VOCABULARY = (DOCS / "vocabulary.md").read_text()
STAFF = (DOCS / "staff.md").read_text()


def test_readme_names_every_axis_quantity_and_id():
    names = set()
    for assignment in ASSIGNMENTS:
        names |= {axis.name for axis in assignment.axes} | set(assignment.by_id)
        names |= {name for context in assignment.contexts for name in context.vocabulary}
    missing = sorted(name for name in names if f"`{name}`" not in VOCABULARY)
    assert not missing, f"docs/vocabulary.md does not mention {missing}"


def test_readme_tag_table_is_the_declared_vocabulary():
    from checks import tags

    table = STAFF.split("Its `tags` say what was found", 1)[1].split("\n\n", 2)[1]
    listed = {row.split("`")[1].split(":")[0] for row in table.splitlines()[2:]}
    assert listed == set(tags.VOCABULARY)
    for name, tag in tags.VOCABULARY.items():
        assert tag.description in table, name
