"""Splitting write-ups into sections and formulas, and refusing what is not a write-up."""
import pytest

from checks.writeup import WriteupError, read
from checks.writeup.document import Math, split


@pytest.mark.parametrize("text, name, message", [
    ("", "a.md", "empty"),
    ("   \n\n", "a.txt", "empty"),
    ("# x\x00\x01\x02 $a$", "a.md", "binary"),
    ("import numpy as np\n\ndef eq01_dL_dyB_hat(yB):\n    return yB\n", "answer.txt", "Python source"),
    ("x = 1\n", "answer.py", "Python source"),
    ("Just words, and no formula at all.\n", "a.md", "no math"),
])
def test_text_that_is_not_a_writeup_raises_a_clear_error(text, name, message, notation):
    with pytest.raises(WriteupError, match=message):
        read(text, notation, source_name=name)


def test_arguments_are_checked_first(notation):
    with pytest.raises(TypeError, match="text=bytes"):
        read(b"$x$", notation, source_name="a.md")
    with pytest.raises(ValueError, match="source_name=''"):
        read("$x$", notation, source_name="")


def test_markdown_headings_prose_inline_and_display_math():
    document = split("# 1 Title\n\n## 1.2 Part\n\nSo $a = b$ and\n\n$$c = d \\quad (4)$$\n\n```\n$not = math$\n```\n",
                     source_name="a.md")
    formulas = [(math.latex, math.display, paragraph.section.number) for math, paragraph in document.formulas]
    assert formulas == [("a = b", False, "1.2"), ("c = d \\quad (4)", True, "1.2")]


def test_latex_sections_are_numbered_and_equations_counted():
    text = ("\\documentclass{article}\\begin{document}\n\\section{Intro}\n% $ignored = 1$\n\\subsection{Part}\n"
            "\\begin{equation} a = b \\end{equation}\n\\begin{equation*} c = d \\end{equation*}\n"
            "\\[ e = f \\]\n\\begin{align} g &= h \\end{align}\n\\end{document}\n")
    document = split(text, source_name="a.tex")
    found = [(math.latex, math.number, paragraph.section.number) for math, paragraph in document.formulas]
    assert found == [("a = b", "1", "1.1"), ("c = d", None, "1.1"), ("e = f", None, "1.1"), ("g &= h", "2", "1.1")]
    assert " ".join(document.formulas[3][0].expanded.split()) == "\\begin{aligned} g &= h \\tag{2}\\end{aligned}"
    assert all(isinstance(math, Math) for math, _ in document.formulas)


def test_a_txt_file_with_latex_structure_is_read_as_latex():
    document = split("\\section{A}\n\\begin{equation} a = b \\end{equation}\n", source_name="notes.txt")
    assert document.format == "tex"
