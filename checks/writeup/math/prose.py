"""What the words around inline formulas say: a link between a left side and its value, a piecewise definition,
or a condition.

"$\\partial L/\\partial b$ … the result is $…$" (or "同理 $= …$") is an
equation; "$N_i = 1$ if $x_i > 0$ else 0" a piecewise definition; "only where
$r_j = 1$", "if $…$", "for all $…$" introduce conditions, never definitions, as
does "where" before an entry set to a constant (`r_j = 1`).
"""
from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import replace

from checks.writeup.document import Math, Paragraph
from checks.writeup.math.equations import Equation, Parsed, constant, is_symbol, single_clause
from checks.writeup.math.scope import Scope
from checks.writeup.math.tree import CaseRow, Cases, Derivative, Node, Num, Prose, Relation, Row, Scripted, spell

LINKS = re.compile(r"结果为|结果是|等于|得到|得|为|是|\bis\b|\bare\b|\bequals?\b|\bgives?\b|\bgiven by\b|\bbecomes\b"
                   r"|\bresult\b|\byields?\b|=", re.I)
IF_WORDS = re.compile(r"^\s*(if|when|where|如果|若|当)\b|^\s*(如果|若|当)", re.I)
ELSE_VALUE = re.compile(r"^\s*,?\s*(?:else|otherwise|否则|其他|其它)\s*,?\s*(-?\d+(?:\.\d+)?)", re.I)
CONDITION_BEFORE = re.compile(r"(\bonly\s+(where|if|when)|\bif|\bwhen(ever)?|\bunless|\bfor\s+(all|each|every|any)"
                              r"|\bprovided|只有在|只在|仅当|当|如果|若|对于所有|对所有|对任意)\s*[:,]?\s*$", re.I)
WHERE_BEFORE = re.compile(r"(\bwhere|\bi\.e\.|其中|即)\s*[:,]?\s*$", re.I)
CONTINUED = re.compile(r"^\s*(times|multiplied by|plus|minus|divided by|over|and then|乘以|乘上|乘|点乘|加上|加|减去|减|除以)",
                       re.I)
"""Words after a linked value that carry the sentence's arithmetic on to another formula: the value is only its
first operand, so the link is not taken."""


def prose_links(paragraph: Paragraph, by_math: dict[int, Parsed], scopes: dict[int, Scope],
                consumed: set[int]) -> list[Equation]:
    """Equations and piecewise definitions that the words between inline formulas make."""
    segments = list(paragraph.segments)
    found = []
    for index, segment in enumerate(segments):
        if not isinstance(segment, Math) or segment.display or not _single(by_math, segment):
            continue
        formula, origin = by_math[id(segment)].formulas[0]
        clause = single_clause(formula)
        scope = scopes[id(segment)]
        if isinstance(clause, Derivative):
            link = _linked_value(segments, index, by_math)
            if link is not None:
                other, rhs = link
                consumed.update({id(segment), id(other)})
                quoted = f"{segment.latex} … {other.latex}"
                found.append(Equation(clause, rhs, replace(origin, latex=quoted, via="prose"), scope))
        elif isinstance(clause, Relation) and clause.relations == ("=",) and is_symbol(clause.items[0]):
            piecewise = _if_else(segments, index, by_math, clause)
            if piecewise is not None:
                condition_math, definition = piecewise
                consumed.update({id(segment), id(condition_math)})
                quoted = f"{segment.latex} if {condition_math.latex} else {spell(definition.rows[1].value)}"
                found.append(Equation(clause.items[0], definition, replace(origin, latex=quoted, via="prose"), scope))
    return found


def conditions_of(paragraphs: Sequence[Paragraph]) -> set[int]:
    """The formulas (by `id`) that the words before them make conditions, never definitions."""
    found = set()
    for paragraph in paragraphs:
        segments = paragraph.segments
        for index, segment in enumerate(segments):
            if not isinstance(segment, Math) or index == 0 or not isinstance(segments[index - 1], str):
                continue
            before = segments[index - 1][-60:]
            if CONDITION_BEFORE.search(before) or (WHERE_BEFORE.search(before) and _entry_set_to_constant(segment)):
                found.add(id(segment))
    return found


def _entry_set_to_constant(math: Math) -> bool:
    """`r_j = 1`: an indexed entry set to a number, which after "where" states where something holds."""
    from checks.writeup.math.parse import FormulaSyntaxError, parse

    try:
        clause = single_clause(parse(math.expanded))
    except FormulaSyntaxError:
        return False
    return isinstance(clause, Relation) and clause.relations == ("=",) and isinstance(clause.items[0], Scripted) \
        and clause.items[0].sub is not None and constant(clause.items[1])


def _single(by_math: dict[int, Parsed], math: Math) -> bool:
    return id(math) in by_math and len(by_math[id(math)].formulas) == 1


def _linked_value(segments: list, index: int, by_math: dict[int, Parsed]) -> tuple[Math, Node] | None:
    """The bare expression that words such as "the result is" join to the derivative at `index`."""
    if index + 2 >= len(segments):
        return None
    words, other = segments[index + 1], segments[index + 2]
    if not isinstance(words, str) or not isinstance(other, Math):
        return None
    if not _single(by_math, other):
        return None
    opens_with_equals = other.expanded.lstrip().startswith("=")
    clause = single_clause(by_math[id(other)].formulas[0][0])
    if clause is None or isinstance(clause, (Relation, Derivative)) or not (opens_with_equals or LINKS.search(words)):
        return None
    after = segments[index + 3] if index + 3 < len(segments) else ""
    if isinstance(after, str) and CONTINUED.match(after) and index + 4 < len(segments) \
            and isinstance(segments[index + 4], Math):
        return None
    return other, clause


def _if_else(segments: list, index: int, by_math: dict[int, Parsed], clause: Relation) -> tuple[Math, Cases] | None:
    """`$N_i = 1$ if $x_i > 0$ else 0` as a piecewise definition."""
    if index + 2 >= len(segments):
        return None
    words, condition_math = segments[index + 1], segments[index + 2]
    after = segments[index + 3] if index + 3 < len(segments) else ""
    if not (isinstance(words, str) and IF_WORDS.search(words) and isinstance(condition_math, Math)
            and _single(by_math, condition_math) and isinstance(after, str)):
        return None
    condition = single_clause(by_math[id(condition_math)].formulas[0][0])
    otherwise = ELSE_VALUE.match(after)
    if not isinstance(condition, Relation) or otherwise is None or condition.relations[0] == "=":
        return None
    value = Num(float(otherwise.group(1)), otherwise.group(1))
    return condition_math, Cases((CaseRow(Row((clause.items[1],)), Row((condition,))),
                                  CaseRow(Row((value,)), Row((Prose("otherwise"),)))))
