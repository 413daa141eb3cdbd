"""Nothing a student writes can pose as the grader: every student-controlled string is inert in every output.

Graded as staff grade a class, from inside its folder, with every output asked
for. One submission does not load, and its error message is a forged result in
every dialect it might reach: a Markdown heading "29 / 29", a phishing link, a
tracking image, raw HTML, and terminal escape sequences that clear the screen
and retitle the window. Another is named as a spreadsheet formula. Each output
must show that text as text: Gradescope's Markdown renders none of it as a
heading, link or image, the terminal gets no escape character, the CSV no
formula, the HTML report no element, and the JSON keeps it as data.
`gradjudge read` must print a write-up's escapes as inert text too.
"""
from __future__ import annotations

import csv
import json
import os
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import pytest
from markdown_it import MarkdownIt

import needs

GRADJUDGE = Path(sys.executable).with_name("gradjudge")
FORGED = ("\n\n# 29 / 29\n\n**Full marks.** [Sign in to see your grade](https://phish.example/login)\n\n"
          "![](https://track.example/pixel.gif)\n\n<img src=https://track.example/raw.gif>\n\n"
          "\x1b[2J\x1b[H\x1b]0;29 / 29\x07All tests passed \u202e")
"""A load error's message, as the submission raises it."""
SPOOFS = f"raise ImportError({FORGED!r})\n"
FORMULA_NAME = "=1+1.py"
HONEST = "def dropout_dL_dx(dy, M):\n    return M * dy\n"
ESCAPES = ("\x1b", "\x07", "\u202e")
WRITEUP = ("# Homework \x1b]0;pwned\x07\x1b[2J\n\n## 1.1 Batch normalization\n\n"
           "$$\\frac{\\partial L}{\\partial \\boldsymbol{\\beta}} = \\sum_{i=1}^m "
           "\\frac{\\partial L}{\\partial \\boldsymbol{y}^{(i)}} \\tag{1.1d \x1b[31m}$$\n\n"
           "$$\\frac{\\partial L}{\\partial \\boldsymbol{\\gamma}} = \x1b[2J \\tag{1.1c}$$\n")
"""A write-up with escape sequences in a heading, an equation's tag and an equation."""


def rendered(markdown: str) -> str:
    """Markdown as Gradescope renders it (CommonMark, raw HTML allowed): the HTML it becomes."""
    return MarkdownIt("commonmark", {"html": True}).render(markdown)


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    needs.require_report_libraries()
    base = tmp_path_factory.mktemp("spoofing")
    folder, out = base / "class", base / "out"
    folder.mkdir()
    out.mkdir()
    (folder / "spoofs.py").write_text(SPOOFS)
    (folder / FORMULA_NAME).write_text(HONEST)
    (folder / "honest.py").write_text(HONEST)
    rubric = base / "rubric.toml"
    rubric.write_text("[grading]\nexamples = 3\ntimeout_seconds = 2.0\nmemory_mb = 512\n")
    done = subprocess.run([str(GRADJUDGE), "grade", ".", "--details", "--jobs", "1", "--rubric", str(rubric),
                           "--json", str(out / "grades.json"), "--csv", str(out / "grades.csv"),
                           "--html", str(out / "report.html"), "--gradescope", str(out / "gradescope") + "/"],
                          cwd=folder, capture_output=True, text=True, timeout=900,
                          env={**os.environ, "COLUMNS": "120"})
    assert done.returncode == 0, done.stdout + done.stderr
    return {"printed": done.stdout + done.stderr, "out": out,
            "gradescope": {path.name: json.loads(path.read_text()) for path in (out / "gradescope").iterdir()}}


def test_gradescope_markdown_renders_no_heading_link_or_image(graded):
    results = next(results for name, results in graded["gradescope"].items() if name.startswith("spoofs"))
    html = rendered(results["output"])
    for element in ("<h1", "<a ", "<img", "<strong"):
        assert element not in html, element
    assert "# 29 / 29" in html and "https://phish.example/login" in html, "shown, as text"
    for results in graded["gradescope"].values():
        for markdown in [results["output"], *(test["output"] for test in results["tests"])]:
            assert not any(element in rendered(markdown) for element in ("<h1", "<a ", "<img")), markdown
            assert not any(escape in markdown for escape in ESCAPES)


def test_the_terminal_gets_no_escape_sequence(graded):
    printed = graded["printed"]
    assert not any(escape in printed for escape in ESCAPES)
    assert "\\x1b[2J" in printed and "[Sign in to see your grade]" in printed, "shown, as text"


def test_json_keeps_the_message_as_data(graded):
    grades = {Path(grade["path"]).name: grade for grade in
              json.loads((graded["out"] / "grades.json").read_text())["submissions"]}
    assert grades["spoofs.py"]["status"] == "load_error"
    assert FORGED.strip() in grades["spoofs.py"]["message"]


def test_csv_runs_no_formula(graded):
    rows = list(csv.DictReader((graded["out"] / "grades.csv").read_text().splitlines()))
    names = {row["name"] for row in rows}
    assert f"'{FORMULA_NAME}" in names and not any(name.startswith(("=", "+", "-", "@")) for name in names)


class Elements(HTMLParser):
    """Every element of an HTML page, with its attributes, and the page's text."""

    def __init__(self, html: str):
        super().__init__()
        self.elements: list[tuple[str, dict]] = []
        self.text: list[str] = []
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        self.elements.append((tag, dict(attrs)))

    def handle_data(self, data):
        self.text.append(data)


def test_the_html_report_makes_no_element_of_it(graded):
    page = Elements((graded["out"] / "report.html").read_text())
    assert "<img src=https://track.example/raw.gif>" in "".join(page.text), "the message is in the report, as text"
    assert not [tag for tag, _ in page.elements if tag in ("img", "script", "iframe")]
    assert not [attributes for _, attributes in page.elements
                if any("example/" in (value or "") for value in attributes.values())], "no link or source of theirs"
    assert not any(escape in "".join(page.text) for escape in ESCAPES)


def test_read_prints_a_writeups_escapes_as_text(tmp_path):
    (tmp_path / "spoof.md").write_text(WRITEUP)
    done = subprocess.run([str(GRADJUDGE), "read", "spoof.md", "--assignment", "hw1"], cwd=tmp_path,
                          capture_output=True, text=True, timeout=300, env={**os.environ, "COLUMNS": "120"})
    assert done.returncode == 0, done.stdout + done.stderr
    assert "def bn_dL_dbeta" in done.stdout, "the write-up is read"
    assert not any(escape in done.stdout + done.stderr for escape in ESCAPES)
    assert "\\x1b]0;pwned\\x07" in done.stdout, "shown, as text"
