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


def test_latex_macros_with_arguments_defaults_def_let_and_operators_are_expanded():
    text = ("\\newcommand{\\pd}[2]{\\frac{\\partial #1}{\\partial #2}}\n"
            "\\newcommand{\\vv}[1][x]{\\mathbf{#1}}\n"
            "\\renewcommand{\\vec}[1]{\\boldsymbol{#1}}\n"
            "\\def\\g#1{\\nabla_{#1}}\n"
            "\\let\\eps=\\epsilon\n"
            "\\DeclareMathOperator{\\diag}{diag}\n"
            "\\begin{document}\n$\\pd{L}{W} = \\diag(\\vv) + \\vv[y] \\vec{b} \\g{z} \\eps$\n\\end{document}\n")
    (math, _), = split(text, source_name="a.tex").formulas
    assert " ".join(math.expanded.split()) == ("\\frac{\\partial L}{\\partial W} = \\operatorname{diag}(\\mathbf{x}) + "
                                               "\\mathbf{y} \\boldsymbol{b} \\nabla_{z} \\epsilon")
    assert [macro.name for macro in math.macros] == ["pd", "diag", "vv", "vec", "g", "eps"]
    assert math.latex.startswith("\\pd{L}{W}")


def test_a_macro_given_too_few_arguments_or_expanding_forever_is_named_with_its_line():
    text = "$$\\newcommand{\\pd}[2]{\\frac{\\partial #1}{\\partial #2}}$$\n\n$$1 = \\pd{L}$$\n\n" \
           "$$\\def\\loop{\\loop x}$$\n\n$$\\loop = 2$$\n"
    formulas = [math for math, _ in split(text, source_name="a.md").formulas]
    assert formulas[0].problem == ("`\\pd` is a macro defined at line 1 with 2 arguments: "
                                   "\\frac{\\partial #1}{\\partial #2}; here it is given 1 argument")
    assert "`\\loop` is a macro defined at line 5 with no arguments: \\loop x; expanding it never ends" \
        in formulas[1].problem


def test_amsmath_numbers_rows_labels_and_references():
    text = ("\\numberwithin{equation}{section}\n\\begin{document}\n\\section{A}\n"
            "\\begin{align}\na &= b \\label{first}\\\\\nc &= d \\nonumber\\\\\ne &= f \\tag{7}\\label{seven}\n"
            "\\end{align}\nBy \\eqref{first} and \\ref{seven},\n"
            "\\begin{equation}\\label{third} g = h \\end{equation}\n\\begin{gather*} i = j \\end{gather*}\n"
            "\\end{document}\n")
    document = split(text, source_name="a.tex")
    assert document.labels == {"first": "1.1", "seven": "7", "third": "1.2"}
    align, equation, gather = (math for math, _ in document.formulas)
    assert [line for _, line in align.rows] == [5, 6, 7]
    assert "\\tag{1.1}" in align.expanded and "\\tag{7}" in align.expanded and align.expanded.count("\\tag") == 2
    assert equation.number == "1.2" and gather.number is None
    prose = [segment for paragraph in document.paragraphs for segment in paragraph.segments if isinstance(segment, str)]
    assert any("By (1.1) and 7," in words for words in prose)


def test_input_reads_a_file_of_the_submission_where_it_stands_and_notes_a_missing_one():
    from checks.writeup.document import Source, read_document

    main = "\\begin{document}\n$a = 1$\n\\input{parts/second}\n\\input{missing}\n$c = 3$\n\\end{document}\n"
    document = read_document([Source("main.tex", main)], files={"parts/second.tex": "\n\n$b = 2$\n"})
    assert [(math.latex, math.place.source, math.place.line) for math, _ in document.formulas] == [
        ("a = 1", "main.tex", 2), ("b = 2", "parts/second.tex", 3), ("c = 3", "main.tex", 5)]
    (note,) = document.notes
    assert "no file missing.tex" in note.message and note.place.line == 4


def test_markdown_as_notebooks_obsidian_and_ocr_write_it():
    text = ("---\ntags: [hw]\n---\n# Title\n\n> [!note] Callout\n> $$\n> a = b\n> $$\n\n"
            "```python\nx = '$not math$'\n```\n\n```math\nc = d\n```\n\n"
            "Some `$code$` and $ e = f $ inline, \\(g = h\\).\n\n\\section*{1.2 OCR heading}\n\n"
            "\\begin{align}\ni &= j\n\\end{align}\n\nSetext\n======\n\n$k = l$\n")
    document = split(text, source_name="notes.md")
    assert [(math.latex, paragraph.section.label) for math, paragraph in document.formulas] == [
        ("a = b", "Title"), ("c = d", "Title"), ("e = f", "Title"), ("g = h", "Title"),
        ("i &= j", "1.2 OCR heading"), ("k = l", "Setext")]
    assert document.formulas[4][0].number == "1"


def test_several_texts_read_as_one_document_keep_their_cells():
    from checks.writeup.document import Source, read_document

    cells = [Source("nb.ipynb", "$\\newcommand{\\g}{\\gamma}$", 0), Source("nb.ipynb", "# 1.1 BN\n\n$$x = \\g$$", 3)]
    document = read_document(cells)
    ((math, paragraph),) = document.formulas
    assert math.expanded == "x = \\gamma" and math.place.cell == 3 and math.place.line == 3
    assert paragraph.section.number == "1.1" and math.place.cite() == "cell 3, line 3"


def test_declarations_in_words_prime_transpose_and_numerator_layout():
    document = split("Here $A'$ denotes the transpose of $A$, in numerator layout.\n\n$x = y'$\n", source_name="a.md")
    assert document.declarations.prime_is_transpose and document.declarations.numerator_layout
    plain = split("Here $f'$ is a derivative.\n\n$x = y$\n", source_name="a.md")
    assert not plain.declarations.prime_is_transpose and not plain.declarations.numerator_layout
