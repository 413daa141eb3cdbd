"""The syntax tree of one formula: what the grammar recognised, before any meaning is given to it."""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Node:
    """Any part of a formula."""


@dataclass(frozen=True)
class Num(Node):
    value: float
    text: str


@dataclass(frozen=True)
class Name(Node):
    """A symbol as written: its letter, Greek letter or `\\text{…}` word, and its accents (`hat`, `bar`, …)."""

    spelling: str
    accents: tuple[str, ...] = ()
    text: bool = False


@dataclass(frozen=True)
class Func(Node):
    """A function command (`\\sin`, `\\log`, …) that applies to the factor after it."""

    name: str


@dataclass(frozen=True)
class Script(Node):
    """A sub- or superscript: its spelling (`2B`, `B,k`, `T`, `(i)`) and its comma-separated parts."""

    spelling: str
    parts: tuple[Node, ...]


@dataclass(frozen=True)
class Scripted(Node):
    base: Node
    sub: Script | None = None
    sup: Script | None = None
    primes: int = 0


@dataclass(frozen=True)
class Group(Node):
    """Parentheses, brackets or braces (the delimiter is kept: `(i \\neq j)` reads as a condition).

    `evaluated` is `\\left. f \\right|_{x = a}`: f, evaluated where its subscript says; `set` is `\\{ … \\}`.
    """

    body: Node
    delimiter: str


@dataclass(frozen=True)
class Frac(Node):
    numerator: Node
    denominator: Node


@dataclass(frozen=True)
class Derivative(Node):
    """`\\frac{\\partial of}{\\partial wrt}`."""

    of: Node
    wrt: Node


@dataclass(frozen=True)
class Sqrt(Node):
    argument: Node


@dataclass(frozen=True)
class Norm(Node):
    argument: Node


@dataclass(frozen=True)
class Product(Node):
    """A flat chain of factors; `operators[i]` joins factor i and i+1 (`juxtapose`, `cdot`, `odot`, `/`, …)."""

    factors: tuple[Node, ...]
    operators: tuple[str, ...]


@dataclass(frozen=True)
class Sum(Node):
    """`\\sum_{lower}^{upper} body`; the body is the rest of its product chain."""

    lower: Script | None
    upper: Script | None
    body: Node


@dataclass(frozen=True)
class Add(Node):
    """Terms with their signs (`+` or `-`)."""

    terms: tuple[tuple[str, Node], ...]


@dataclass(frozen=True)
class Relation(Node):
    """`items[0] relations[0] items[1] …`; a trailing relation with nothing after it is dropped."""

    items: tuple[Node, ...]
    relations: tuple[str, ...]


@dataclass(frozen=True)
class Prose(Node):
    """`\\text{ where }` and the like: words inside a formula."""

    text: str


@dataclass(frozen=True)
class Row(Node):
    """One row of a formula: clauses (relations or expressions) and the prose between them, in order."""

    clauses: tuple[Node, ...]
    tag: str | None = None
    """The row's own `\\tag{n}`, in an `aligned` block whose rows are numbered one by one."""


@dataclass(frozen=True)
class CaseRow(Node):
    value: Row
    condition: Row | None


@dataclass(frozen=True)
class Cases(Node):
    rows: tuple[CaseRow, ...]


@dataclass(frozen=True)
class Dots(Node):
    """`\\dots`, `\\vdots`: a row or entry left out of a pattern."""


@dataclass(frozen=True)
class Ones(Node):
    """`\\mathbb{1}`, `\\mathbf{1}`: a vector (or matrix) of ones, its length from where it stands."""


@dataclass(frozen=True)
class Indicator(Node):
    """`\\mathbb{1}[h > 0]`, `\\mathbf{1}\\{k = l\\}`, `\\mathbb{1}_{h>0}`: 1 where the condition holds, else 0."""

    condition: Node


@dataclass(frozen=True)
class Args(Node):
    """`(0, h)`: the arguments of a function of several (`\\max(0, h)`)."""

    items: tuple[Node, ...]


@dataclass(frozen=True)
class Matrix(Node):
    rows: tuple[tuple[Node, ...], ...]


@dataclass(frozen=True)
class Formula(Node):
    """A whole formula: its rows (for an `aligned` block, one relation chain per equation) and its tag."""

    rows: tuple[Row, ...]
    tag: str | None


ACCENTS = ("hat", "bar", "tilde", "widehat", "widetilde", "overline", "dot", "vec")
"""Wrappers that change which symbol is meant; every other wrapper (`\\mathbf`, `\\mathcal`, …) is a font."""


def spell(node: Node) -> str:
    """A compact spelling of a node, as the notation table writes symbols: `hat y_B`, `theta_2B`, `sigma_beta^2`."""
    if isinstance(node, Name):
        return " ".join((*node.accents, node.spelling))
    if isinstance(node, Num):
        return node.text
    if isinstance(node, Scripted):
        spelling = spell(node.base) + "'" * node.primes
        if node.sub is not None:
            spelling += "_" + node.sub.spelling
        if node.sup is not None:
            spelling += "^" + node.sup.spelling
        return spelling
    if isinstance(node, Script):
        return node.spelling
    if isinstance(node, Group):
        opening, closing = {"paren": "()", "bracket": "[]", "brace": "{}"}.get(node.delimiter, "()")
        return opening + spell(node.body) + closing if node.delimiter != "brace" else spell(node.body)
    if isinstance(node, Product):
        pieces = [spell(node.factors[0])]
        for operator, factor in zip(node.operators, node.factors[1:]):
            pieces.append(("" if operator == "juxtapose" else f" {operator} ") + spell(factor))
        return "".join(pieces)
    if isinstance(node, Add):
        return "".join(("" if i == 0 and sign == "+" else sign) + spell(term) for i, (sign, term) in enumerate(node.terms))
    if isinstance(node, Relation):
        pieces = [spell(node.items[0])]
        for relation, item in zip(node.relations, node.items[1:]):
            pieces.append(f"{relation}{spell(item)}")
        return "".join(pieces)
    if isinstance(node, Func):
        return node.name
    if isinstance(node, Prose):
        return node.text
    return type(node).__name__.lower()


def walk(node: object):
    """Every node inside `node`, `node` first."""
    if isinstance(node, Node):
        yield node
        for value in vars(node).values():
            yield from walk(value)
    elif isinstance(node, tuple):
        for item in node:
            yield from walk(item)
