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
    keywords: tuple[str, ...] = ()
    """Words that announce the id's context."""


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
                found.append(Target(entry, of, wrt, notation.contexts[entry.context].keywords))
        elif is_symbol(lhs) and entry.wrt is None:
            of = resolve_in(lhs, notation, entry.context, scope)
            if of is not None and of.name == entry.of and not of.transpose:
                found.append(Target(entry, of, None, notation.contexts[entry.context].keywords))
    return found


def section_contexts(equations: Iterable[Equation], notation: ReadingSpec) -> dict[tuple[str, ...], str]:
    """The context each section is about: the one its unambiguous derivatives answer (else its unambiguous
    forward values: a symbol such as y is also a definition of the write-up's own), else its number or keywords."""
    votes: dict[tuple[str, ...], Counter] = {}
    value_votes: dict[tuple[str, ...], Counter] = {}
    sections: dict[tuple[str, ...], Section] = {}
    for equation in equations:
        section = equation.origin.section
        sections[section.path] = section
        contexts = {target.id.context for target in candidates(equation.lhs, notation, equation.scope)}
        if len(contexts) == 1:
            table = votes if isinstance(equation.lhs, Derivative) else value_votes
            table.setdefault(section.path, Counter())[contexts.pop()] += 1
    found = {}
    for path, section in sections.items():
        counted = votes.get(path) or value_votes.get(path)
        if counted:
            found[path] = counted.most_common(1)[0][0]
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


def mentioned_context(before: str, targets: list[Target]) -> str | None:
    """The context of `targets` whose keyword the text before a formula mentions last (\"Softmax, for one sample\")."""
    lowered = before.lower()
    found: dict[str, int] = {}
    for target in targets:
        for keyword in target.keywords:
            position = lowered.rfind(keyword.lower())
            if position >= 0:
                found[target.id.context] = max(found.get(target.id.context, -1), position)
    return max(found, key=found.get) if found else None


def _titled(section: Section, notation: ReadingSpec) -> bool:
    """Whether the formula's own heading names exactly one context: then words in the text do not override it."""
    if not section.path:
        return False
    title = section.path[-1].lower()
    return len({name for name, spec in notation.contexts.items()
                if any(keyword.lower() in title for keyword in spec.keywords)}) == 1


def choose(targets: list[Target], origin: Origin, section_context: str | None,
           notation: ReadingSpec) -> tuple[Target | None, str]:
    """The one target an equation (standing at `origin`) answers, or None and why it is ambiguous."""
    if len(targets) <= 1:
        return (targets[0] if targets else None), ""
    number = origin.number
    mentioned = mentioned_context(origin.before, targets) if not _titled(origin.section, notation) else None
    tests = (
        lambda t: number is not None and t.id.section in (f"({number})", number),
        lambda t: mentioned is not None and t.id.context == mentioned,
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
