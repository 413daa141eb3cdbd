"""A notebook as a submission: its code cells as one module, its Markdown cells as a write-up, every line placed.

A `.ipynb` file is read with nbformat, a percent-format `.py` file (`# %%` cell
markers) with jupytext; both become the same `Notebook`. The code cells, in
order, form the module the sandbox imports. IPython's own syntax is not Python:
a line magic (`%matplotlib inline`), a shell line (`!pip install ...`) or a cell
magic (`%%time`, the whole cell) is dropped, with a note, and the line kept as
`pass` so that line numbers and blocks stay as they were. Display and plotting
imports resolve to stand-ins inside the sandbox (`standins.py`), never to the
real packages. Every line of the module and of the write-up knows its cell, so a
cell that fails at load, or a formula the reader cannot read, is reported by
its cell number.

Parsing runs in the grader on bytes capped by `files.NOTEBOOK_LIMIT`; whatever
nbformat or jupytext raise on a malformed notebook is a `Refused`.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from checks.sandbox.files import Refused, source_text

PERCENT_MARKER = re.compile(r"^# ?%%", re.MULTILINE)
"""A `.py` file is a percent-format notebook when a line starts with a cell marker."""
MAGIC = re.compile(r"^(\s*)([%!]|\?\?|\w[\w.]*\?\s*$)")
RUNS_ITS_BODY = frozenset({"%%time", "%%capture"})
"""Cell magics whose body IPython runs as Python: only their first line is dropped; any other cell magic drops its cell."""


@dataclass(frozen=True)
class Place:
    """Where a line of the generated module or write-up came from: a cell (counted from 1) and its line there."""

    cell: int
    line: int

    def describe(self) -> str:
        return f"cell {self.cell}, line {self.line}"


@dataclass(frozen=True)
class Notebook:
    """A notebook read: its code as one module, its Markdown as one write-up, and where each line came from."""

    code: str
    code_places: tuple[Place, ...]
    """`code_places[k]` is the place of line k+1 of `code`."""
    markdown: str
    markdown_places: tuple[Place, ...]
    dropped: tuple[str, ...] = field(default_factory=tuple)
    """One note per dropped magic or shell line: its place and text."""

    def code_place(self, line: int) -> Place | None:
        return self.code_places[line - 1] if 0 < line <= len(self.code_places) else None

    def markdown_place(self, line: int) -> Place | None:
        return self.markdown_places[line - 1] if 0 < line <= len(self.markdown_places) else None

    def cell_of(self, text: str) -> int | None:
        """The first Markdown cell whose text holds `text` (a formula as the reader quotes it)."""
        cells: dict[int, list[str]] = {}
        for line, place in zip(self.markdown.splitlines(), self.markdown_places):
            cells.setdefault(place.cell, []).append(line)
        return next((cell for cell, lines in cells.items() if text and text in "\n".join(lines)), None)


def is_percent_script(data: bytes) -> bool:
    """Whether a `.py` file's text is a percent-format notebook (jupytext's `# %%` cell markers)."""
    return bool(PERCENT_MARKER.search(source_text(data).decode("utf-8", errors="replace")))


def read_notebook(data: bytes, name: str) -> Notebook:
    """A `.ipynb` file's bytes as a `Notebook`."""
    import nbformat

    try:
        text = source_text(data).decode("utf-8-sig")
        notebook = nbformat.reads(text, as_version=4)
    except Exception as exc:  # nbformat and json raise many kinds on malformed input; each is the student's load error
        raise Refused(f"{name} is not a readable notebook ({type(exc).__name__}: {str(exc)[:200]})") from None
    return _cells(notebook)


def read_percent_script(data: bytes, name: str) -> Notebook:
    """A percent-format `.py` file's bytes as a `Notebook`."""
    import jupytext

    try:
        notebook = jupytext.reads(source_text(data).decode("utf-8-sig"), fmt="py:percent")
    except Exception as exc:  # jupytext may raise anything on a malformed file; it is the student's load error
        raise Refused(f"{name} is not a readable percent-format notebook ({type(exc).__name__}: {str(exc)[:200]})") from None
    return _cells(notebook)


def _cells(notebook) -> Notebook:
    code: list[str] = []
    code_places: list[Place] = []
    markdown: list[str] = []
    markdown_places: list[Place] = []
    dropped: list[str] = []
    for number, cell in enumerate(notebook.get("cells", []), start=1):
        source = cell.get("source", "")
        source = "".join(source) if isinstance(source, list) else str(source)
        lines = source.replace("\r\n", "\n").replace("\r", "\n").split("\n")
        kind = cell.get("cell_type")
        if kind == "markdown":
            for index, line in enumerate(lines, start=1):
                markdown.append(line)
                markdown_places.append(Place(number, index))
            markdown.append("")
            markdown_places.append(Place(number, len(lines) + 1))
        elif kind == "code":
            first = lines[0].split()[0] if lines and lines[0].strip() else ""
            whole_cell = first.startswith("%%") and first not in RUNS_ITS_BODY
            for index, line in enumerate(lines, start=1):
                found = MAGIC.match(line)
                if whole_cell or found:
                    dropped.append(f"cell {number}, line {index}: {line.strip()[:80]}")
                    indent = "" if whole_cell else found.group(1)
                    line = f"{indent}pass" if line.strip() else ""
                code.append(line)
                code_places.append(Place(number, index))
            code.append("")
            code_places.append(Place(number, len(lines) + 1))
    return Notebook("\n".join(code) + "\n", tuple(code_places), "\n".join(markdown) + "\n", tuple(markdown_places),
                    tuple(dropped))
