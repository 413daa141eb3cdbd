"""From a split document to its equations (`∂L/∂θ = …`, `ŷ_A = …`) and definitions, prose links included.

Every formula is parsed. An `=` chain gives one equation per derivative on its
left (answered by the chain's last right-hand side) and one definition per
symbol. Prose joins inline formulas: "$\\partial L/\\partial b$ … the result is
$…$" is an equation, and "$N_i = 1$ if $x_i > 0$ else 0" a piecewise definition.
"""
from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from checks.writeup.document import Document, Math, Paragraph, Section
from checks.writeup.evaluate import Scope, is_function_name
from checks.writeup.parse import FormulaSyntaxError, parse
from checks.writeup.tree import (CaseRow, Cases, Derivative, Formula, Name, Node, Num, Prose, Relation, Row, Scripted,
                                 Sum, spell, walk)

LINKS = re.compile(r"结果为|结果是|等于|得到|得|为|是|\bis\b|\bare\b|\bequals?\b|\bgives?\b|\bgiven by\b|\bbecomes\b"
                   r"|\bresult\b|\byields?\b|=", re.I)
IF_WORDS = re.compile(r"^\s*(if|when|where|如果|若|当)\b|^\s*(如果|若|当)", re.I)
TRAILING_TAG = re.compile(r"(?:\\tag\*?\s*\{\s*([^{}]*?)\s*\}|\\q?quad\s*\(\s*([0-9]+[a-z]?)\s*\))\s*$")
"""An equation number at the end of a formula that does not parse (the grammar's own tag, found lexically)."""
ELSE_VALUE = re.compile(r"^\s*,?\s*(?:else|otherwise|否则|其他|其它)\s*,?\s*(-?\d+(?:\.\d+)?)", re.I)


@dataclass(frozen=True)
class Origin:
    """Where a formula stands: its LaTeX as quoted, equation number, section and line."""

    latex: str
    number: str | None
    section: Section
    line: int
    order: int
    via: str
    """`display`, `inline`, or `prose` (an equation joined from two inline formulas by the words between)."""


@dataclass(frozen=True)
class Equation:
    """`lhs = rhs` where lhs is a derivative or a symbol: a candidate answer of some id."""

    lhs: Node
    rhs: Node
    origin: Origin
    scope: Scope


@dataclass(frozen=True)
class Problem:
    """A formula that does not parse: why, and the derivative on its left if that much parses."""

    origin: Origin
    reason: str
    lhs: Node | None


@dataclass(frozen=True)
class Collected:
    equations: tuple[Equation, ...]
    """Both derivative equations and symbol definitions, in document order."""
    problems: tuple[Problem, ...]


def collect(document: Document, *, batch_bounds: Iterable[str]) -> Collected:
    """The document's equations and definitions; `batch_bounds` are the spellings of the batch size (`m`)."""
    bounds = frozenset(batch_bounds)
    parsed: list[tuple[Math, Paragraph, Formula | None, str | None, Origin]] = []
    order = 0
    for paragraph in document.paragraphs:
        for segment in paragraph.segments:
            if not isinstance(segment, Math):
                continue
            origin = Origin(segment.latex, segment.number, paragraph.section, segment.line, order,
                            "display" if segment.display else "inline")
            order += 1
            try:
                formula = parse(segment.latex)
            except FormulaSyntaxError as error:
                parsed.append((segment, paragraph, None, str(error), origin))
                continue
            if formula.tag is not None:
                origin = Origin(origin.latex, formula.tag, origin.section, origin.line, origin.order, origin.via)
            parsed.append((segment, paragraph, formula, None, origin))
    section_letters: dict[tuple[str, ...], set[str]] = {}
    for _, paragraph, formula, _, _ in parsed:
        if formula is not None:
            section_letters.setdefault(paragraph.section.path, set()).update(_batch_letters(formula, bounds))
    equations: list[Equation] = []
    problems: list[Problem] = []
    by_math: dict[int, tuple[Formula, Origin, Scope]] = {}
    for segment, paragraph, formula, error, origin in parsed:
        if formula is None:
            number = _trailing_tag(segment.latex) or origin.number
            origin = Origin(origin.latex, number, origin.section, origin.line, origin.order, origin.via)
            problems.append(Problem(origin, error, _lhs_hint(segment.latex)))
            continue
        scope = Scope(frozenset(_batch_letters(formula, bounds)) | frozenset(section_letters[paragraph.section.path]))
        by_math[id(segment)] = (formula, origin, scope)
    consumed: set[int] = set()
    for paragraph in document.paragraphs:
        equations += _prose_links(paragraph, by_math, consumed)
    for segment, _, formula, _, _ in parsed:
        if formula is not None and id(segment) not in consumed:
            formula, origin, scope = by_math[id(segment)]
            equations += _chains(formula, origin, scope)
    equations.sort(key=lambda equation: equation.origin.order)
    return Collected(tuple(equations), tuple(problems))


def _batch_letters(formula: Formula, bounds: frozenset[str]) -> set[str]:
    """Index letters that a sum in the formula runs over the batch (`\\sum_{i=1}^m`)."""
    letters = set()
    for node in walk(formula):
        if isinstance(node, Sum) and node.upper is not None and node.upper.spelling in bounds and node.lower:
            lower = node.lower.parts[0] if node.lower.parts else None
            name = lower.items[0] if isinstance(lower, Relation) else lower
            if isinstance(name, Name):
                letters.add(name.spelling)
    return letters


def clauses(formula: Formula) -> list[Node]:
    """The formula's clauses; a `cases` block of equations (not a piecewise value) gives each of its rows."""
    found = []
    for row in formula.rows:
        for clause in row.clauses:
            if _is_system(clause):
                for case in clause.rows:
                    found += list(case.value.clauses)
            else:
                found.append(clause)
    return found


def _is_system(node: Node) -> bool:
    return isinstance(node, Cases) and all(row.condition is None for row in node.rows) and \
        any(isinstance(clause, Relation) for row in node.rows for clause in row.value.clauses)


def is_symbol(node: Node) -> bool:
    base = node.base if isinstance(node, Scripted) else node
    return isinstance(base, Name) and is_function_name(base) is None


def _chains(formula: Formula, origin: Origin, scope: Scope) -> list[Equation]:
    equations = []
    for row in formula.rows:
        numbered = origin if row.tag is None else Origin(origin.latex, row.tag, origin.section, origin.line,
                                                         origin.order, origin.via)
        equations += _row_chains(Formula((row,), None), numbered, scope)
    return equations


def _row_chains(formula: Formula, origin: Origin, scope: Scope) -> list[Equation]:
    equations = []
    for clause in clauses(formula):
        if not isinstance(clause, Relation):
            continue
        length = next((i for i, relation in enumerate(clause.relations) if relation != "="), len(clause.relations))
        if length == 0:
            continue
        items = clause.items[:length + 1]
        answer = items[-1]
        for item in items[:-1]:
            if isinstance(item, Derivative) or is_symbol(item):
                equations.append(Equation(item, answer, origin, scope))
    return equations


def _single_clause(formula: Formula) -> Node | None:
    found = [clause for clause in clauses(formula) if not isinstance(clause, Prose)]
    return found[0] if len(found) == 1 else None


def _prose_links(paragraph: Paragraph, by_math: dict, consumed: set[int]) -> list[Equation]:
    """Equations and piecewise definitions that the words between inline formulas make."""
    segments = list(paragraph.segments)
    found = []
    for index, segment in enumerate(segments):
        if not isinstance(segment, Math) or segment.display or id(segment) not in by_math:
            continue
        formula, origin, scope = by_math[id(segment)]
        clause = _single_clause(formula)
        if isinstance(clause, Derivative):
            link = _linked_value(segments, index, by_math)
            if link is not None:
                other, rhs = link
                consumed.update({id(segment), id(other)})
                quoted = f"{segment.latex} … {other.latex}"
                found.append(Equation(clause, rhs, Origin(quoted, origin.number, origin.section, origin.line,
                                                         origin.order, "prose"), scope))
        elif isinstance(clause, Relation) and clause.relations == ("=",) and is_symbol(clause.items[0]):
            piecewise = _if_else(segments, index, by_math, clause)
            if piecewise is not None:
                condition_math, definition = piecewise
                consumed.update({id(segment), id(condition_math)})
                quoted = f"{segment.latex} if {condition_math.latex} else {spell(definition.rows[1].value)}"
                found.append(Equation(clause.items[0], definition,
                                      Origin(quoted, origin.number, origin.section, origin.line, origin.order,
                                             "prose"), scope))
    return found


def _linked_value(segments: list, index: int, by_math: dict) -> tuple[Math, Node] | None:
    """The bare expression that words such as "the result is" join to the derivative at `index`."""
    if index + 2 >= len(segments):
        return None
    words, other = segments[index + 1], segments[index + 2]
    if not isinstance(words, str) or not isinstance(other, Math) or id(other) not in by_math:
        return None
    clause = _single_clause(by_math[id(other)][0])
    if clause is None or isinstance(clause, (Relation, Derivative)) or not LINKS.search(words):
        return None
    return other, clause


def _if_else(segments: list, index: int, by_math: dict, clause: Relation) -> tuple[Math, Cases] | None:
    """`$N_i = 1$ if $x_i > 0$ else 0` as a piecewise definition."""
    if index + 2 >= len(segments):
        return None
    words, condition_math = segments[index + 1], segments[index + 2]
    after = segments[index + 3] if index + 3 < len(segments) else ""
    if not (isinstance(words, str) and IF_WORDS.search(words) and isinstance(condition_math, Math)
            and id(condition_math) in by_math and isinstance(after, str)):
        return None
    condition = _single_clause(by_math[id(condition_math)][0])
    otherwise = ELSE_VALUE.match(after)
    if not isinstance(condition, Relation) or otherwise is None or condition.relations[0] == "=":
        return None
    value = Num(float(otherwise.group(1)), otherwise.group(1))
    return condition_math, Cases((CaseRow(Row((clause.items[1],)), Row((condition,))),
                                  CaseRow(Row((value,)), Row((Prose("otherwise"),)))))


def _trailing_tag(latex: str) -> str | None:
    match = TRAILING_TAG.search(latex)
    return None if match is None else (match.group(1) or match.group(2))


def _lhs_hint(latex: str) -> Node | None:
    """The left-hand side of a formula that does not parse, if it parses alone (to say which id it meant)."""
    depth = 0
    for position, char in enumerate(latex):
        depth += {"{": 1, "}": -1}.get(char, 0)
        if char == "=" and depth == 0:
            try:
                left = _single_clause(parse(latex[:position].replace("&", "")))
            except FormulaSyntaxError:
                return None
            return left if isinstance(left, Derivative) or (left is not None and is_symbol(left)) else None
    return None
