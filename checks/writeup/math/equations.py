"""From a document to its equations (`∂L/∂θ = …`, `ŷ_A = …`), definitions, conditions and unread formulas.

Every formula is parsed; one that does not parse is taken apart (rows,
side-by-side equations, chain members: `checks.writeup.math.units`) so that an
unreadable construct costs only its unit. An `=` chain gives one equation per
derivative or symbol on its left, answered by the chain's last member. What a
sentence says around a formula decides whether its equations define a symbol
or only state a condition ("only where $r_j = 1$"); prose also joins inline
formulas (`checks.writeup.math.prose`).
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace

from checks.writeup.document import Document, Macro, Math, Paragraph, Place, Section
from checks.writeup.math import units
from checks.writeup.math.functions import function_of
from checks.writeup.math.parse import FormulaSyntaxError, parse
from checks.writeup.math.scope import Scope
from checks.writeup.math.tree import (Cases, Derivative, Formula, Name, Node, Num, Prose, Relation, Row, Scripted, Sum,
                                      walk)


BEFORE = 400
"""Characters of a section before a formula kept to tell what the formula is about."""


@dataclass(frozen=True)
class Origin:
    """Where a formula (or the unit of it read) stands: its LaTeX as quoted, number, section, place, how it was met."""

    latex: str
    number: str | None
    section: Section
    place: Place
    order: int
    via: str
    """`display`, `inline`, or `prose` (an equation joined from two inline formulas by the words between)."""
    macros: tuple[Macro, ...] = ()
    """The write-up's macros expanded in it."""
    note: str | None = None
    """What of the formula was left out to read this unit (a middle step of a chain)."""
    before: str = ""
    """The words and formulas of its section before it (the last few hundred characters): what it is about."""

    @property
    def line(self) -> int:
        return self.place.line


@dataclass(frozen=True)
class Equation:
    """`lhs = rhs` where lhs is a derivative or a symbol: a candidate answer of some id, or a definition."""

    lhs: Node
    rhs: Node
    origin: Origin
    scope: Scope
    condition: bool = False
    """Stated as a condition ("where $r_j = 1$", "for all $i$"): never a definition."""


@dataclass(frozen=True)
class Problem:
    """A formula (or a unit of it) that does not parse: why, and what stands on its left if that much parses."""

    origin: Origin
    reason: str
    lhs: Node | None


@dataclass(frozen=True)
class Collected:
    equations: tuple[Equation, ...]
    """Both derivative equations and symbol definitions, in document order."""
    problems: tuple[Problem, ...]


@dataclass(frozen=True)
class Parsed:
    """A formula's readable units: each a syntax tree with its origin."""

    math: Math
    paragraph: Paragraph
    formulas: tuple[tuple[Formula, Origin], ...]


def collect(document: Document, *, batch_bounds: Iterable[str]) -> Collected:
    """The document's equations and definitions; `batch_bounds` are the spellings of the batch size (`m`)."""
    from checks.writeup.math.prose import conditions_of, prose_links

    bounds = frozenset(batch_bounds)
    parsed: list[Parsed] = []
    problems: list[Problem] = []
    order = 0
    before, section = "", None
    for paragraph in document.paragraphs:
        if paragraph.section != section:
            before, section = "", paragraph.section
        for segment in paragraph.segments:
            if isinstance(segment, Math):
                formulas, found = _parse(segment, paragraph, order, before[-BEFORE:])
                parsed.append(Parsed(segment, paragraph, formulas))
                problems += found
                order += 1
                before += " " + segment.latex
            else:
                before += " " + segment
    section_letters: dict[tuple[str, ...], set[str]] = {}
    for item in parsed:
        for formula, _ in item.formulas:
            section_letters.setdefault(item.paragraph.section.path, set()).update(_batch_letters(formula, bounds))
    scopes = {id(item.math): Scope(frozenset(letter for formula, _ in item.formulas
                                             for letter in _batch_letters(formula, bounds))
                                   | frozenset(section_letters.get(item.paragraph.section.path, ())))
              for item in parsed}
    by_math = {id(item.math): item for item in parsed}
    consumed: set[int] = set()
    equations: list[Equation] = []
    for paragraph in document.paragraphs:
        equations += prose_links(paragraph, by_math, scopes, consumed)
    conditional = conditions_of(document.paragraphs)
    for item in parsed:
        if id(item.math) in consumed:
            continue
        for formula, origin in item.formulas:
            found = chains(formula, origin, scopes[id(item.math)])
            if id(item.math) in conditional:
                found = [replace(equation, condition=True) for equation in found]
            equations += found
    equations.sort(key=lambda equation: equation.origin.order)
    return Collected(tuple(equations), tuple(problems))


def _parse(math: Math, paragraph: Paragraph, order: int,
           before: str) -> tuple[tuple[tuple[Formula, Origin], ...], list[Problem]]:
    """A formula's syntax tree, or those of its readable units and the problems of the others."""
    origin = Origin(math.latex, math.number, paragraph.section, math.place, order,
                    "display" if math.display else "inline", math.macros, before=before)
    if math.problem is not None:
        return (), [Problem(origin, math.problem, None)]
    try:
        formula = parse(_without_leading_equals(math.expanded))
    except FormulaSyntaxError as error:
        whole = str(error)
    else:
        if formula.tag is not None:
            origin = replace(origin, number=formula.tag)
        return _per_row(formula, origin, math), []
    rows = units.rows(math.expanded)
    formulas, problems = [], []
    for row in rows:
        row_origin = _row_origin(origin, math, row, len(rows))
        found = units.clauses(row)
        for clause in found:
            clause_origin = row_origin if len(found) == 1 else replace(row_origin, latex=clause.latex.strip())
            try:
                formulas.append((_with_tag(parse(clause.latex), clause.tag), clause_origin))
                continue
            except FormulaSyntaxError as error:
                reason = str(error) if len(rows) > 1 or clause.latex != math.expanded else whole
            members = units.members(clause)
            if len(members) >= 3:
                shortened = _first_and_last(members)
                if shortened is not None:
                    formulas.append((_with_tag(shortened, clause.tag), replace(
                        clause_origin, note=f"its middle step{'s' if len(members) > 3 else ''} could not be read "
                                            f"({reason}); the answer is the chain's last member")))
                    continue
            problems.append(Problem(clause_origin, _with_macros(reason, math), _lhs_hint(members[0])))
    return tuple(formulas), problems


def _without_leading_equals(latex: str) -> str:
    """`= value`, an inline formula that continues the sentence before it ("同理 $= …$"): its value."""
    stripped = latex.lstrip()
    return stripped[1:] if stripped.startswith("=") and not stripped.startswith("==") else latex


def _first_and_last(members: list[str]) -> Formula | None:
    try:
        return parse(f"{members[0]} = {members[-1]}")
    except FormulaSyntaxError:
        return None


def _with_tag(formula: Formula, tag: str | None) -> Formula:
    if tag is None or formula.tag is not None:
        return formula
    return Formula(formula.rows, tag)


def _with_macros(reason: str, math: Math) -> str:
    if not math.macros:
        return reason
    return reason + "; after expanding the write-up's macros: " + "; ".join(macro.describe() for macro in math.macros)


def _row_origin(origin: Origin, math: Math, row: units.Unit, count: int) -> Origin:
    if count <= 1:
        return replace(origin, number=row.tag or origin.number)
    groups = _written_equations(math)
    if len(groups) == count:
        latex, line = groups[row.row]
        return replace(origin, latex=latex, number=row.tag, place=replace(math.place, line=line))
    return replace(origin, latex=row.latex.strip(), number=row.tag)


def _per_row(formula: Formula, origin: Origin, math: Math) -> tuple[tuple[Formula, Origin], ...]:
    """The formula, or each of its rows with its own quote and line where it states several equations."""
    groups = _written_equations(math)
    if len(formula.rows) < 2 or len(groups) != len(formula.rows):
        return ((formula, origin),)
    return tuple((Formula((row,), row.tag or formula.tag),
                  replace(origin, latex=latex, number=row.tag or origin.number, place=replace(math.place, line=line)))
                 for row, (latex, line) in zip(formula.rows, groups))


def _written_equations(math: Math) -> list[tuple[str, int]]:
    """The formula's rows as written, a row that continues a chain (`&= …`) joined to the one before."""
    groups: list[tuple[str, int]] = []
    for latex, line in math.rows:
        if groups and units.continues(latex):
            groups[-1] = (f"{groups[-1][0]} \\\\ {latex}", groups[-1][1])
        else:
            groups.append((latex, line))
    return groups


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
    return isinstance(base, Name) and function_of(base) is None


CONDITION_PROSE = ("for all", "for each", "for every", "for", "if", "when", "whenever", "unless", "only where",
                   "only if", "当", "如果", "若", "对所有", "对任意")
"""Words inside a formula after which a clause is a condition, not a definition."""


def chains(formula: Formula, origin: Origin, scope: Scope) -> list[Equation]:
    """The equations of each row of `formula`: a derivative or symbol on the left, the chain's last member right."""
    equations = []
    for row in formula.rows:
        numbered = origin if row.tag is None else replace(origin, number=row.tag)
        equations += _row_chains(row, numbered, scope)
    return equations


def _row_chains(row: Row, origin: Origin, scope: Scope) -> list[Equation]:
    equations = []
    condition = False
    for clause in _expanded_clauses(row):
        if isinstance(clause, Prose):
            condition = clause.text.strip().lower().startswith(CONDITION_PROSE)
            continue
        if not isinstance(clause, Relation):
            continue
        length = next((i for i, relation in enumerate(clause.relations) if relation != "="), len(clause.relations))
        if length == 0:
            continue
        items = clause.items[:length + 1]
        answer = items[-1]
        for item in items[:-1]:
            if isinstance(item, Derivative) or is_symbol(item):
                equations.append(Equation(item, answer, origin, scope, condition))
    return equations


def _expanded_clauses(row: Row) -> list[Node]:
    found = []
    for clause in row.clauses:
        if _is_system(clause):
            for case in clause.rows:
                found += list(case.value.clauses)
        else:
            found.append(clause)
    return found


def single_clause(formula: Formula) -> Node | None:
    found = [clause for clause in clauses(formula) if not isinstance(clause, Prose)]
    return found[0] if len(found) == 1 else None


def _lhs_hint(latex: str) -> Node | None:
    """What stands left of an unreadable formula's first `=`, if it parses alone (to say which id it meant)."""
    try:
        left = single_clause(parse(latex.replace("&", " ")))
    except FormulaSyntaxError:
        return None
    return left if isinstance(left, Derivative) or (left is not None and is_symbol(left)) else None


def constant(node: Node) -> bool:
    """A bare number (`1`, `0`): the right-hand side of a condition such as `r_j = 1`."""
    return isinstance(node, Num)
