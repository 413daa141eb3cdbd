"""The documentation site: it builds strictly, and its generated tables hold every declared name."""
import html
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

import needs
from helpers import ASSIGNMENTS

ROOT = Path(__file__).parent.parent
sys.path.insert(0, str(ROOT / "docs" / "hooks"))

import tables  # noqa: E402  (the MkDocs hook, importable as a module)


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    """The site as `mkdocs build --strict` makes it (skipped where MkDocs is not installed, but never in CI)."""
    needs.require_docs_tools()
    target = tmp_path_factory.mktemp("site")
    done = subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(target)], cwd=ROOT,
                          capture_output=True, text=True, timeout=600, env={**os.environ, "NO_MKDOCS_2_WARNING": "1"})
    assert done.returncode == 0, done.stdout + done.stderr
    return target


def _text(page: Path) -> str:
    return html.unescape(re.sub(r"<[^>]+>", " ", page.read_text()))


def test_the_vocabulary_page_names_every_axis_quantity_and_id_of_every_assignment(site):
    page = _text(site / "vocabulary" / "index.html")
    for assignment in ASSIGNMENTS:
        names = {axis.name for axis in assignment.axes} | set(assignment.by_id)
        names |= {name for context in assignment.contexts for name in context.vocabulary}
        missing = sorted(name for name in names if not re.search(rf"(?<![\w]){re.escape(name)}(?![\w])", page))
        assert not missing, f"{assignment.name}: the vocabulary page does not name {missing}"


def test_the_staff_page_lists_every_tag_with_its_description(site):
    from checks import tags
    from checks.grading.candidates import registered

    registered()
    page = " ".join(_text(site / "staff" / "index.html").split())
    for name, tag in tags.VOCABULARY.items():
        shown = " ".join(tag.description.replace("`", "").split())  # Markdown code spans render as <code>
        assert name in page and shown in page, name


def test_no_marker_is_left_unreplaced_on_any_page(site):
    left = [str(page.relative_to(site)) for page in site.rglob("*.html") if "<!-- gradjudge:" in page.read_text()]
    assert not left


def test_an_unknown_table_marker_fails_the_build_naming_the_known_ones():
    with pytest.raises(ValueError, match=r"gradjudge:statues.*tags, statuses, submission_statuses, rubric, assignment"):
        tables.generated("intro\n<!-- gradjudge:statues -->\n")


def test_text_without_markers_is_left_as_it_is():
    text = "# Title\n\n<!-- a comment -->\n| a | b |\n"
    assert tables.generated(text) == text
