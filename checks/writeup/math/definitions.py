"""The write-up's definitions: each symbol (and each derivative that answers no id) it defines, by context.

A definition is an equation whose left side is a symbol (`\\delta_2 = \\hat y_B -
y_B`, "let $e_A := …$", "where $\\mu = …$"), never one stated as a condition.
A symbol of the write-up's own keeps its subscript as part of its name
(`\\delta_2`, `e_A`, `\\delta_h`), unless the subscript is an index its right
side runs over (`g_{ij} = \\gamma_j \\partial L/\\partial y_{ij}`) or the sample. A
derivative that is not an id of the assignment (`\\partial L/\\partial Y_i =
(Y_i - T_i)/m`) is a definition too, used where it is written in a formula.
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from checks.writeup.math.equations import Equation, Origin, is_symbol
from checks.writeup.math.scope import Scope
from checks.writeup.math.symbols import Symbol, UnknownSymbol, UnreadScript, resolve
from checks.writeup.math.targets import candidates, resolve_in
from checks.writeup.math.tree import Derivative, Name, Node, Scripted, Sum, walk
from checks.writeup.spec import ANY_CONTEXT, ReadingSpec


@dataclass(frozen=True)
class Definition:
    """`lhs = rhs` for a symbol (or a derivative), as the write-up states it, and where."""

    name: str
    lhs: Symbol
    rhs: Node
    origin: Origin
    scope: Scope

    @property
    def latex(self) -> str:
        return self.origin.latex

    @property
    def line(self) -> int:
        return self.origin.line


def derivative_key(of: str, wrt: str) -> str:
    """The name a derivative defined by the write-up is filed under."""
    return f"∂{of}/∂{wrt}"


def definitions(equations: Iterable[Equation], notation: ReadingSpec,
                contexts: dict[tuple[str, ...], str]) -> dict[str, dict[str, list[Definition]]]:
    """Each context's definitions, by the name they define, in document order."""
    found: dict[str, dict[str, list[Definition]]] = {context: {} for context in notation.contexts}
    for equation in equations:
        if equation.condition:
            continue
        context = contexts.get(equation.origin.section.path, ANY_CONTEXT)
        for name in (notation.contexts if context == ANY_CONTEXT else [context]):
            definition = _definition(equation, notation, name)
            if definition is not None:
                found[name].setdefault(definition.name, []).append(definition)
    return found


def _definition(equation: Equation, notation: ReadingSpec, context: str) -> Definition | None:
    if isinstance(equation.lhs, Derivative):
        if candidates(equation.lhs, notation, equation.scope):
            return None
        of = resolve_in(equation.lhs.of, notation, context, equation.scope)
        wrt = resolve_in(equation.lhs.wrt, notation, context, equation.scope)
        if of is None or wrt is None or of.transpose or wrt.transpose:
            return None
        key = derivative_key(of.name, wrt.name)
        return Definition(key, Symbol(key, key, wrt.indices, wrt.sample), equation.rhs, equation.origin,
                          _with_sample(equation.scope, wrt, notation, context))
    if not is_symbol(equation.lhs):
        return None
    symbol = resolve_in(equation.lhs, notation, context, equation.scope) or own_symbol(equation, notation)
    if symbol is None or symbol.transpose or symbol.power is not None:
        return None
    quantity = notation.quantities(context).get(symbol.name)
    if quantity is not None and quantity.leaf:
        return None
    return Definition(symbol.name, symbol, equation.rhs, equation.origin,
                      _with_sample(equation.scope, symbol, notation, context))


def _with_sample(scope: Scope, symbol: Symbol, notation: ReadingSpec, context: str) -> Scope:
    """The scope, with the first index of a batch-first quantity indexed on every axis (`Y_{n,sa}`) as the sample."""
    if symbol.sample is not None or not all(isinstance(index, Name) for index in symbol.indices):
        return scope
    letter = notation.sample_index(context, symbol.name, tuple(index.spelling for index in symbol.indices))
    return scope if letter is None else scope.with_letters({letter})


def own_symbol(equation: Equation, notation: ReadingSpec) -> Symbol | None:
    """A symbol the write-up introduces itself, named with its subscript unless that subscript is an index."""
    sample_letters = frozenset(notation.sample_letters) | equation.scope.batch_letters
    try:
        shortest = resolve(equation.lhs, lambda spelling: spelling, sample_letters=sample_letters, known=(),
                           shortest=True)
        longest = resolve(equation.lhs, lambda spelling: spelling, sample_letters=sample_letters, known=())
    except (UnknownSymbol, UnreadScript):
        return None
    used = index_letters(equation.rhs) | sample_letters
    if all(isinstance(index, Name) and index.spelling in used for index in shortest.indices):
        return shortest
    return longest


def index_letters(node: Node) -> set[str]:
    """Single letters a formula uses as indices: in subscripts and as the index of a sum."""
    letters = set()
    for found in walk(node):
        if isinstance(found, Scripted) and found.sub is not None:
            for part in walk(found.sub.parts):
                if isinstance(part, Name) and len(part.spelling) == 1 and part.spelling.islower():
                    letters.add(part.spelling)
        if isinstance(found, Sum) and found.lower is not None:
            for part in walk(found.lower.parts):
                if isinstance(part, Name) and len(part.spelling) == 1:
                    letters.add(part.spelling)
    return letters
