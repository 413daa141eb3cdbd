"""What a source's layout reader finds, in reading order: headings, prose, breaks, formulas, macro definitions.

The LaTeX and Markdown readers (`latex.py`, `markdown.py`) turn a text into
these events; `checks.writeup.document.read_document` numbers the formulas,
expands the macros and gathers the events into sections and paragraphs.
"""
from __future__ import annotations

from dataclasses import dataclass

from checks.writeup.document.model import Macro, Note, Place


@dataclass(frozen=True)
class Heading:
    level: int
    title: str
    place: Place
    counted: bool = False
    """A LaTeX `\\section` (not starred): numbered by its counters, not by its title."""


@dataclass(frozen=True)
class Prose:
    text: str
    place: Place


@dataclass(frozen=True)
class Break:
    """The end of a paragraph or list item."""


@dataclass(frozen=True)
class RawMath:
    """A formula as found: the text between its delimiters (or its environment's body), and where it stands."""

    latex: str
    display: bool
    environment: str
    place: Place
    order: tuple[int, int]
    """The source's number and the formula's offset in it: which macros are in force."""


@dataclass(frozen=True)
class Define:
    macro: Macro
    order: tuple[int, int]


@dataclass(frozen=True)
class NumberWithin:
    """`\\numberwithin{equation}{section}`: equations are numbered `section.n`, from 1 in each section."""


Event = Heading | Prose | Break | RawMath | Define | NumberWithin | Note


def line_of(text: str, offset: int) -> int:
    return text.count("\n", 0, offset) + 1


def blank(text: str, start: int, end: int) -> str:
    """`text` with `[start, end)` replaced by spaces, its line breaks kept (so every offset and line stays)."""
    return text[:start] + "".join("\n" if char == "\n" else " " for char in text[start:end]) + text[end:]
