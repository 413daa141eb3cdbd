"""The document stage: a write-up's text (LaTeX or Markdown, one file or a notebook's cells) as sections, prose and
formulas ready to be read.

`read_document(sources, files=...)` reads one or several texts as one
document: the write-up's macros expanded, LaTeX's equation numbers given to
each numbered row, `\\label`/`\\eqref` resolved, `\\input` files read in place;
every formula keeps its place (file, cell, line). Text that is no write-up at
all raises `WriteupError`.
"""
from __future__ import annotations

import ast
import re
import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from checks.writeup.document import latex, markdown
from checks.writeup.document.assemble import assemble
from checks.writeup.document.model import (Declarations, Document, Macro, Math, Note, Paragraph, Place, Section,
                                           WriteupError)

FORMATS = ("markdown", "tex")
MOST_SOURCES = 2000
"""Texts read as one document (a notebook's Markdown cells): more is refused."""


@dataclass(frozen=True)
class Source:
    """One text of a write-up: its name (the file), its text, and its cell number in a notebook if it is a cell."""

    name: str
    text: str
    cell: int | None = None

    def __post_init__(self) -> None:
        if not isinstance(self.name, str) or not self.name:
            raise ValueError(f"source_name={self.name!r}, but it names the write-up in messages and must be non-empty")
        if not isinstance(self.text, str):
            raise TypeError(f"text={type(self.text).__name__}, but a write-up is read from a str (decode it first)")
        if self.cell is not None and (not isinstance(self.cell, int) or self.cell < 0):
            raise ValueError(f"cell={self.cell!r}, but a cell number is a non-negative int")


def read_document(sources: Sequence[Source], *, files: Mapping[str, str] | None = None) -> Document:
    """The document `sources` make, read in order; `files` are the submission's other texts (for `\\input`)."""
    if not sources or len(sources) > MOST_SOURCES:
        raise ValueError(f"sources: {len(sources)} texts, but a write-up is read from 1 to {MOST_SOURCES}")
    for source in sources:
        if not isinstance(source, Source):
            raise TypeError(f"sources: {type(source).__name__}, but each text is a checks.writeup.document.Source")
    _refuse_non_writeups(sources)
    formats = [detect_format(source.text, source_name=source.name) for source in sources]
    events = []
    for index, (source, format) in enumerate(zip(sources, formats)):
        if format == "tex":
            events += latex.layout(source.text, source=source.name, index=index, cell=source.cell, files=files)
        else:
            events += markdown.layout(source.text, source=source.name, index=index, cell=source.cell)
    document = assemble(formats[0], events)
    if not document.formulas:
        raise WriteupError(f"{sources[0].name}: no math found ($…$, $$…$$, \\[…\\] or a LaTeX math environment); "
                           "a write-up states its derivations as formulas")
    return document


def split(text: str, *, source_name: str) -> Document:
    """One text read as a document (`read_document` of a single source)."""
    return read_document([Source(source_name, text)])


def detect_format(text: str, *, source_name: str) -> str:
    """`tex` for a `.tex` name or a LaTeX document body, else `markdown`."""
    if source_name.lower().endswith((".tex", ".latex")):
        return "tex"
    if re.search(r"\\begin\{document\}|\\documentclass", text):
        return "tex"
    if re.search(r"^\s*\\(sub)*section\*?\{", text, re.M) and not re.search(r"^\s{0,3}#{1,6}\s", text, re.M) \
            and not re.search(r"\\\(|\\\[", text):
        return "tex"
    return "markdown"


def _refuse_non_writeups(sources: Sequence[Source]) -> None:
    name = sources[0].name
    text = "\n".join(source.text for source in sources)
    if not text.strip():
        raise WriteupError(f"{name}: the file is empty")
    control = sum(1 for char in text if ord(char) < 32 and char not in "\n\r\t\f")
    if "\x00" in text or control > max(8, len(text) // 100):
        raise WriteupError(f"{name}: the file is binary, not a Markdown or LaTeX write-up")
    if len(sources) == 1 and (name.lower().endswith(".py") or _looks_like_python(text)):
        raise WriteupError(f"{name}: this is Python source, not a Markdown or LaTeX write-up; "
                           "grade a submission file directly instead")


def _looks_like_python(text: str) -> bool:
    if not re.search(r"^(def |import |from \S+ import |class )", text, re.M):
        return False
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            ast.parse(text)
    except SyntaxError:
        return False
    return True


__all__ = ["FORMATS", "Declarations", "Document", "Macro", "Math", "Note", "Paragraph", "Place", "Section", "Source",
           "WriteupError", "detect_format", "read_document", "split"]
