"""Which quantity a written symbol names, and what its sub- and superscripts say about it.

`\\hat{\\mathbf{y}}_{B,k}^i` is taken apart into the spelling `hat y_B` (looked up in
the notation table), the index k, and the sample marker i. The longest spelling
that names something wins, so `W_{2}` is the weight W_2 when the table has it, never W indexed by 2.
"""
from __future__ import annotations

import difflib
from collections.abc import Callable, Collection
from dataclasses import dataclass

from checks.writeup.math.tree import Add, Name, Node, Num, Product, Script, Scripted, spell

TRANSPOSE_MARKS = frozenset({"T", "top", "intercal", "\\top", "\\intercal"})


class UnknownSymbol(ValueError):
    """A symbol that names no quantity and no definition of the write-up."""

    def __init__(self, spelling: str, closest: list[str]):
        self.spelling = spelling
        self.closest = closest
        hint = f"closest known: {', '.join(closest)}" if closest else "nothing close is known"
        super().__init__(f"unknown symbol {spelling!r} ({hint})")


class UnreadScript(ValueError):
    """A sub- or superscript that is neither part of a name, an index, a sample marker, a transpose nor a power."""


@dataclass(frozen=True)
class Symbol:
    """A resolved symbol: what it names, its entry indices, its sample marker, transpose and power."""

    spelling: str
    name: str
    indices: tuple[Node, ...] = ()
    sample: str | None = None
    transpose: bool = False
    power: Node | None = None


def base_spelling(node: Node) -> str | None:
    """`hat y` for `\\hat{\\mathbf{y}}`: the spelling of a plain symbol, or None for anything else."""
    return spell(node) if isinstance(node, Name) else None


def resolve(node: Name | Scripted, lookup: Callable[[str], str | None], *, sample_letters: Collection[str],
            known: Collection[str], shortest: bool = False) -> Symbol:
    """The symbol `node` writes; `lookup(spelling)` gives the name a spelling stands for, or None.

    `sample_letters` are the letters that mark sample i where they stand as
    superscripts (or as subscripts bound to the batch); `known` are all
    spellings, for suggestions when nothing matches. With `shortest`, the
    shortest spelling that leaves indices is tried first (for a symbol the
    write-up introduces itself: `\\delta_k` is delta at k).
    """
    base, sub, sup = (node, None, None) if isinstance(node, Name) else (node.base, node.sub, node.sup)
    stem = base_spelling(base)
    if stem is None:
        raise UnreadScript(f"{spell(node)!r} is not a symbol")
    parts = sub.parts if sub is not None else ()
    sup_spelling = sup.spelling if sup is not None else None
    for cut in (range(len(parts) + 1) if shortest else range(len(parts), -1, -1)):
        indices = _as_indices(parts[cut:])
        if indices is None:
            continue
        spelling = stem + ("_" + ",".join(spell(part) for part in parts[:cut]) if cut else "")
        if sup_spelling is not None and not _is_mark(sup_spelling, sample_letters):
            name = lookup(f"{spelling}^{sup_spelling}")
            if name is not None:
                return Symbol(f"{spelling}^{sup_spelling}", name, indices)
        name = lookup(spelling)
        if name is not None:
            return _with_superscript(Symbol(spelling, name, indices), sup, sample_letters)
    whole = spell(node)
    closest = difflib.get_close_matches(stem + ("_" + sub.spelling if sub else ""), known, n=3, cutoff=0.5)
    raise UnknownSymbol(whole, closest)


def _is_mark(spelling: str, sample_letters: Collection[str]) -> bool:
    return spelling in TRANSPOSE_MARKS or spelling in sample_letters or _parenthesised_letter(spelling) is not None


def _parenthesised_letter(spelling: str) -> str | None:
    if len(spelling) == 3 and spelling[0] == "(" and spelling[2] == ")" and spelling[1].isalpha():
        return spelling[1]
    return None


def _with_superscript(symbol: Symbol, sup: Script | None, sample_letters: Collection[str]) -> Symbol:
    if sup is None:
        return symbol
    spelling = sup.spelling
    if spelling in TRANSPOSE_MARKS:
        return Symbol(symbol.spelling, symbol.name, symbol.indices, transpose=True)
    letter = spelling if spelling in sample_letters else _parenthesised_letter(spelling)
    if letter is not None:
        return Symbol(symbol.spelling, symbol.name, symbol.indices, sample=letter)
    marked = _sample_and_transpose(sup, sample_letters)
    if marked is not None:
        return Symbol(symbol.spelling, symbol.name, symbol.indices, sample=marked, transpose=True)
    if len(sup.parts) == 1 and _is_number(sup.parts[0]):
        return Symbol(symbol.spelling, symbol.name, symbol.indices, power=sup.parts[0])
    raise UnreadScript(f"the superscript ^{{{spelling}}} of {symbol.spelling!r} is not a sample index, a transpose "
                       "or a power")


def _sample_and_transpose(sup: Script, sample_letters: Collection[str]) -> str | None:
    """The sample letter of `^{(i)\\top}`, `^{i T}`, `^{\\top (i)}` or `^{(i), T}`: a sample marker and a transpose."""
    parts = list(sup.parts)
    if len(parts) == 1 and isinstance(parts[0], Product) and len(parts[0].factors) == 2:
        parts = list(parts[0].factors)
    if len(parts) != 2:
        return None
    marks = [spell(part) for part in parts]
    if marks[0] in TRANSPOSE_MARKS:
        marks.reverse()
    if marks[1] not in TRANSPOSE_MARKS:
        return None
    if marks[0] in sample_letters:
        return marks[0]
    return _parenthesised_letter(marks[0])


def _is_number(node: Node) -> bool:
    if isinstance(node, Num):
        return True
    return isinstance(node, Add) and len(node.terms) == 1 and isinstance(node.terms[0][1], Num)


def _as_indices(parts: tuple[Node, ...]) -> tuple[Node, ...] | None:
    """Subscript parts read as indices (`k`, `1`, `k-1`, `ij` for i and j), or None if some part is a name."""
    indices: list[Node] = []
    for part in parts:
        if isinstance(part, Name) and len(part.spelling) == 1 and part.spelling.islower() and not part.accents \
                and not part.text:
            indices.append(part)
        elif isinstance(part, Num) and float(part.value).is_integer():
            indices.append(part)
        elif isinstance(part, Add) and all(isinstance(term, (Name, Num)) for _, term in part.terms):
            indices.append(part)
        elif isinstance(part, Product) and all(isinstance(f, Name) and len(f.spelling) == 1 for f in part.factors) \
                and all(op == "juxtapose" for op in part.operators) and all(f.spelling.islower() for f in part.factors):
            indices.extend(part.factors)
        else:
            return None
    return tuple(indices)
