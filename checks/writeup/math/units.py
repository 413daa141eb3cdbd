"""A formula that does not parse, taken apart into the smallest units that may: rows, clauses, chain members.

An unreadable construct then costs only its unit: one row of an `align`, one
of the equations a row states side by side (`a = b, \\qquad c = d`), or a
middle step of an `=` chain (whose last member is still the answer).
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from checks.writeup.document.environments import split_rows

_ALIGNED = re.compile(r"^\s*\\begin\{(aligned|gathered|split)\}(?P<body>.*)\\end\{\1\}(?P<after>.*)$", re.S)
_TAG = re.compile(r"\\tag\*?\s*\{([^{}]*)\}")
_SEPARATORS = re.compile(r",?\s*\\q?quad(?![A-Za-z])|;|\\text\s*\{\s*(?:and|以及|和|且)\s*\}"
                         r"|,(?=\s*\\(?:frac|mathbf|hat|bm))")
_RELATION = re.compile(r"(?<![<>\\!:])=(?!=)|\\coloneqq|:=")


@dataclass(frozen=True)
class Unit:
    """A piece of a formula read on its own: its LaTeX, which row it is in, and that row's `\\tag`."""

    latex: str
    row: int
    tag: str | None


def _top_level(text: str, pattern: re.Pattern) -> list[tuple[int, int]]:
    """Spans of `pattern` in `text` outside braces, brackets and environments."""
    spans = []
    depth = 0
    position = 0
    for match in re.finditer(r"\\(?:begin|end)\s*\{[^{}]*\}|\\left|\\right|[{}()\[\]]", text):
        depth_before = depth
        token = match.group(0)
        spans += [(m.start() + position, m.end() + position) for m in pattern.finditer(text[position:match.start()])
                  if depth_before == 0]
        if token.startswith("\\begin") or token in "{([" or token == "\\left":
            depth += 1
        elif token.startswith("\\end") or token in "})]" or token == "\\right":
            depth = max(depth - 1, 0)
        position = match.end()
    if depth == 0:
        spans += [(m.start() + position, m.end() + position) for m in pattern.finditer(text[position:])]
    return spans


def rows(latex: str) -> list[Unit]:
    """The rows of an aligned block (each with its tag), or the formula as one row."""
    found = _ALIGNED.match(latex)
    if found is None:
        tag = _TAG.search(latex)
        return [Unit(latex, 0, tag.group(1).strip() if tag else None)]
    units: list[Unit] = []
    for _, row in split_rows(found.group("body")):
        tag = _TAG.search(row)
        if units and continues(row):
            last = units[-1]
            units[-1] = Unit(f"{last.latex} {row}", last.row, (tag.group(1).strip() if tag else None) or last.tag)
            continue
        units.append(Unit(row, len(units), tag.group(1).strip() if tag else None))
    trailing = _TAG.search(found.group("after"))
    if trailing and not any(unit.tag for unit in units):
        units = [Unit(unit.latex, unit.row, trailing.group(1).strip()) for unit in units]
    return units


CONTINUATION = re.compile(r"^\s*&?\s*(=|\\approx|\\leq?|\\geq?|<|>|\+|-(?!\s*\\frac\{\\partial))")
"""A row that continues the chain of the row before it (`&= …`, `&+ …`)."""


def continues(row: str) -> bool:
    return CONTINUATION.match(row) is not None


def clauses(unit: Unit) -> list[Unit]:
    """The equations a row states side by side (`a = b, \\qquad c = d`), each as a unit; one unit if only one."""
    text = _TAG.sub(" ", unit.latex)
    cuts = _top_level(text, _SEPARATORS)
    pieces, start = [], 0
    for begin, end in cuts:
        pieces.append(text[start:begin])
        start = end
    pieces.append(text[start:])
    with_relation = [piece for piece in pieces if _top_level(piece, _RELATION)]
    if len(with_relation) <= 1:
        return [unit]
    merged: list[str] = []
    for piece in pieces:
        if merged and not _top_level(piece, _RELATION):
            merged[-1] += ", " + piece
        else:
            merged.append(piece)
    return [Unit(piece.strip(), unit.row, unit.tag) for piece in merged if piece.strip()]


def members(unit: Unit) -> list[str]:
    """The members of an `=` chain (`a = b = c` as `a`, `b`, `c`), with the alignment `&` taken out."""
    text = _TAG.sub(" ", unit.latex).replace("&", " ")
    cuts = _top_level(text, _RELATION)
    pieces, start = [], 0
    for begin, end in cuts:
        pieces.append(text[start:begin])
        start = end
    pieces.append(text[start:])
    return [piece.strip() for piece in pieces]
