"""Which id an equation answers: from its left-hand side, with the equation number and section as tie-breakers.

`\\frac{\\partial \\mathcal{L}}{\\partial W}` names the id whose `of`/`wrt` are the
quantities the notation table gives for L and W; `\\hat{\\mathbf{y}} = …` the forward id
whose `of` is the quantity spelled `hat y`.
Where the left-hand side fits ids of several contexts (∂y/∂x in Dropout and in
Softmax), the equation's tag, the context its section is about, and the
section's number decide.
"""
from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

from checks.writeup.document import Section
from checks.writeup.math.equations import Equation, Origin, is_symbol
from checks.writeup.math.scope import Scope
from checks.writeup.spec import IdSpec, ReadingSpec
from checks.writeup.math.symbols import Symbol, UnknownSymbol, UnreadScript, resolve
from checks.writeup.math.tree import Derivative, Node


@dataclass(frozen=True)
class Target:
    """An id an equation may answer, with its left-hand side resolved in the id's context."""

    id: IdSpec
    of: Symbol
    wrt: Symbol | None


def resolve_in(node: Node, notation: ReadingSpec, context: str, scope: Scope) -> Symbol | None:
    """The symbol `node` writes in `context`, or None if it names nothing there."""
    try:
        return resolve(node, lambda spelling: notation.alias(context, spelling),
                       sample_letters=frozenset(notation.sample_letters) | scope.batch_letters, known=())
    except (UnknownSymbol, UnreadScript):
        return None


def candidates(lhs: Node, notation: ReadingSpec, scope: Scope) -> list[Target]:
    """Every id whose `of`/`wrt` the left-hand side names, in any context."""
    found = []
    for entry in notation.ids:
        if isinstance(lhs, Derivative):
            if entry.wrt is None:
                continue
            of = resolve_in(lhs.of, notation, entry.context, scope)
            wrt = resolve_in(lhs.wrt, notation, entry.context, scope)
            if of is not None and wrt is not None and (of.name, wrt.name) == (entry.of, entry.wrt) \
                    and not of.transpose and not wrt.transpose:
                found.append(Target(entry, of, wrt))
        elif is_symbol(lhs) and entry.wrt is None:
            of = resolve_in(lhs, notation, entry.context, scope)
            if of is not None and of.name == entry.of and not of.transpose:
                found.append(Target(entry, of, None))
    return found


def section_contexts(equations: Iterable[Equation], notation: ReadingSpec) -> dict[tuple[str, ...], str]:
    """The context each section is about: the one its unambiguous equations answer, else its number or keywords."""
    votes: dict[tuple[str, ...], Counter] = {}
    sections: dict[tuple[str, ...], Section] = {}
    for equation in equations:
        section = equation.origin.section
        sections[section.path] = section
        contexts = {target.id.context for target in candidates(equation.lhs, notation, equation.scope)}
        if len(contexts) == 1:
            votes.setdefault(section.path, Counter())[contexts.pop()] += 1
    found = {}
    for path, section in sections.items():
        if path in votes:
            found[path] = votes[path].most_common(1)[0][0]
            continue
        guessed = heading_context(section, notation)
        if guessed is not None:
            found[path] = guessed
    return found


def heading_context(section: Section, notation: ReadingSpec) -> str | None:
    """The context a heading names by its number (an id's section) or by a keyword, deepest heading first."""
    if section.number is not None:
        numbered = {entry.context for entry in notation.ids if entry.section == section.number}
        if len(numbered) == 1:
            return numbered.pop()
    for title in reversed(section.path):
        lowered = title.lower()
        named = {name for name, spec in notation.contexts.items()
                 if any(keyword.lower() in lowered for keyword in spec.keywords)}
        if len(named) == 1:
            return named.pop()
    return None


def choose(targets: list[Target], origin: Origin, section_context: str | None) -> tuple[Target | None, str]:
    """The one target an equation (standing at `origin`) answers, or None and why it is ambiguous."""
    if len(targets) <= 1:
        return (targets[0] if targets else None), ""
    number = origin.number
    tests = (
        lambda t: number is not None and t.id.section in (f"({number})", number),
        lambda t: section_context is not None and t.id.context == section_context,
        lambda t: origin.section.number is not None and t.id.section == origin.section.number,
    )
    remaining = targets
    for test in tests:
        kept = [target for target in remaining if test(target)]
        if len(kept) == 1:
            return kept[0], ""
        if kept:
            remaining = kept
    names = ", ".join(target.id.id for target in remaining)
    return None, f"its left-hand side fits several ids ({names}) and neither its number nor its section decides"
