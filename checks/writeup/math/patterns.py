"""Columns written with `\\dots`: rows 1 … k-1 of one form, row k of another, rows k+1 … b of the first.

Two rows around `\\dots` are unified into a template whose index varies (from 1
to k-1, or from k+1 to b); the row between two such runs is the one at k.
This is tree work only: the numpy stage evaluates the template over the
varying index (`np.where(r == k, row_k, template(r))`).
"""
from __future__ import annotations

import dataclasses
from collections.abc import Collection
from dataclasses import dataclass

from checks.writeup.errors import Unreadable
from checks.writeup.math.tree import Add, Dots, Matrix, Name, Node, Num, Script, spell


@dataclass(frozen=True)
class Run:
    """Rows 1 … `upper` of one form: `template` with `letter` for the row."""

    template: Node
    letter: str
    upper: str
    """The last row's index as written (`b`): the size of the axis it runs over."""


@dataclass(frozen=True)
class AroundSpecial:
    """Rows of one form (`template`, with `letter` for the row), except row `special`, which is `middle`."""

    template: Node
    letter: str
    special: str
    middle: Node


class _Mismatch(Exception):
    """Two rows differ in more than one index."""


def dotted_column(node: Matrix, taken: Collection[str]) -> Run | AroundSpecial:
    """What a `\\dots` column stands for; `taken` are index letters in use (the row letter avoids them)."""
    if any(len(row) != 1 for row in node.rows):
        raise Unreadable("a matrix written entry by entry is not read; only a column with \\dots rows is")
    cells = [row[0] for row in node.rows]
    if not any(isinstance(cell, Dots) for cell in cells):
        raise Unreadable("a column of explicit entries is not read; only a column with \\dots rows is")
    groups = _groups(cells)
    letter = _fresh_letter(node, taken)
    if len(groups) == 3 and all(isinstance(g, tuple) for g in (groups[0], groups[2])) and isinstance(groups[1], Node):
        (first, (start, before)), middle, (second, (after, end)) = groups[0], groups[1], groups[2]
        if first != second:
            raise Unreadable("the rows before and after the special row follow different patterns")
        special = _special_index(before, after)
        if special is None or not _is_one(start):
            raise Unreadable(f"the rows run from {spell(start)} to {spell(before)} and from {spell(after)} to "
                             f"{spell(end)}, not around one special row k")
        return AroundSpecial(_substitute(first, letter), letter, special, middle)
    if len(groups) == 1 and isinstance(groups[0], tuple):
        template, (start, end) = groups[0]
        if not _is_one(start):
            raise Unreadable(f"the rows run from {spell(start)} to {spell(end)}, not from 1 to an axis's size")
        return Run(_substitute(template, letter), letter, spell(end))
    raise Unreadable("the \\dots column is not a run of rows, or runs around one special row")


def _groups(cells: list[Node]) -> list:
    """Runs `(template, (first index, last index))` around each `\\dots`, and single rows as they are."""
    groups: list = []
    index = 0
    while index < len(cells):
        cell = cells[index]
        if isinstance(cell, Dots):
            raise Unreadable("\\dots must stand between two rows of the same pattern")
        if index + 2 < len(cells) and isinstance(cells[index + 1], Dots) and not isinstance(cells[index + 2], Dots):
            try:
                template, hole = _unify(cell, cells[index + 2])
            except _Mismatch:
                raise Unreadable(f"the rows {spell(cell)!r} and {spell(cells[index + 2])!r} around \\dots "
                                 "differ in more than one index") from None
            groups.append((template, hole))
            index += 3
        else:
            groups.append(cell)
            index += 1
    return groups


HOLE = Name("@r")


def _unify(first: Node, last: Node) -> tuple[Node, tuple[Node, Node]]:
    """`first` with the one index in which it differs from `last` replaced by a hole, and the two indices."""
    holes: list[tuple[Node, Node]] = []

    def walk(a, b):
        if isinstance(a, Script) and isinstance(b, Script) and len(a.parts) == len(b.parts):
            parts = []
            for x, y in zip(a.parts, b.parts):
                if x != y and _index_like(x) and _index_like(y):
                    holes.append((x, y))
                    parts.append(HOLE)
                else:
                    parts.append(walk(x, y))
            return Script(",".join(spell(part) for part in parts), tuple(parts))
        if type(a) is not type(b):
            raise _Mismatch
        if dataclasses.is_dataclass(a):
            changes = {f.name: walk(getattr(a, f.name), getattr(b, f.name)) for f in dataclasses.fields(a)}
            return dataclasses.replace(a, **changes)
        if isinstance(a, tuple):
            if len(a) != len(b):
                raise _Mismatch
            return tuple(walk(x, y) for x, y in zip(a, b))
        if a != b:
            raise _Mismatch
        return a

    template = walk(first, last)
    if len(set(holes)) != 1:
        raise _Mismatch
    return template, holes[0]


def _index_like(node: Node) -> bool:
    return isinstance(node, (Num, Add)) or (isinstance(node, Name) and len(node.spelling) == 1)


def _is_one(node: Node) -> bool:
    return isinstance(node, Num) and node.value == 1


def _special_index(before: Node, after: Node) -> str | None:
    """k, when the runs end at k-1 and start again at k+1."""
    if not (isinstance(before, Add) and isinstance(after, Add)):
        return None
    (sign_b, base_b), (sign_b2, one_b) = before.terms if len(before.terms) == 2 else ((None, None), (None, None))
    (sign_a, base_a), (sign_a2, one_a) = after.terms if len(after.terms) == 2 else ((None, None), (None, None))
    if isinstance(base_b, Name) and base_b == base_a and sign_b2 == "-" and sign_a2 == "+" \
            and _is_one(one_b) and _is_one(one_a):
        return base_b.spelling
    return None


def _fresh_letter(node: Matrix, taken: Collection[str]) -> str:
    used = set(spell(node)) | set(taken)
    return next(letter for letter in "rqsuvw" if letter not in used)


def _substitute(node, letter: str):
    if node == HOLE:
        return Name(letter)
    if isinstance(node, Script):
        parts = tuple(_substitute(part, letter) for part in node.parts)
        return Script(",".join(spell(part) for part in parts), parts)
    if dataclasses.is_dataclass(node):
        return dataclasses.replace(node, **{f.name: _substitute(getattr(node, f.name), letter)
                                            for f in dataclasses.fields(node)})
    if isinstance(node, tuple):
        return tuple(_substitute(item, letter) for item in node)
    return node
