"""Reading a write-up into a gradjudge submission: `read(text, notation, source_name=...)`."""
from __future__ import annotations

from dataclasses import dataclass, field

from checks.writeup.document import split
from checks.writeup.emit import render
from checks.writeup.equations import Equation, collect, is_symbol
from checks.writeup.evaluate import Call, Definition, Scope
from checks.writeup.interpret import PROBLEMS, Environment, Generated, interpret, interpret_entries, is_diagonal
from checks.writeup.provenance import Provenance, Quote, Reading, Unread
from checks.writeup.spec import ANY_CONTEXT, IdSpec, ReadingSpec
from checks.writeup.symbols import Symbol, UnknownSymbol, UnreadScript, resolve
from checks.writeup.targets import Target, candidates, choose, resolve_in, section_contexts


def read(text: str, notation: ReadingSpec, *, source_name: str) -> Reading:
    """Read a Markdown or LaTeX write-up into a submission: one numpy function per id it derives.

    Raises `checks.writeup.WriteupError` for text that is not a write-up at all
    (empty, binary, Python source, no math); anything less is reported per
    equation in `Reading.unread`, and the rest is still read.
    """
    if not isinstance(text, str):
        raise TypeError(f"text={type(text).__name__}, but a write-up is read from a str (decode the file first)")
    if not isinstance(notation, ReadingSpec):
        raise TypeError(f"notation={type(notation).__name__}, but the reader needs a checks.writeup.ReadingSpec")
    document = split(text, source_name=source_name)
    collected = collect(document, batch_bounds=_batch_bounds(notation))
    contexts = section_contexts(collected.equations, notation)
    session = _Session(notation, _definitions(collected.equations, notation, contexts))
    for equation in collected.equations:
        targets = candidates(equation.lhs, notation, equation.scope)
        if not targets:
            continue
        target, why = choose(targets, equation, contexts.get(equation.origin.section.path))
        if target is None:
            session.unread.append(Unread(_quote(equation), why))
            continue
        session.answers.setdefault(target.id.id, []).append((target, equation))
    for problem in collected.problems:
        meant = candidates(problem.lhs, notation, _NO_SCOPE) if problem.lhs is not None else []
        quote = Quote(problem.origin.latex, problem.origin.number, problem.origin.section.label, problem.origin.line)
        session.unread.append(Unread(quote, problem.reason, meant[0].id.id if len(meant) == 1 else None))
    for entry in notation.ids:
        session.generate(entry)
    functions = [session.generated[entry.id] for entry in notation.ids if entry.id in session.generated]
    quotes = {function.id.id: tuple(_quote(equation) for equation in function.equations) for function in functions}
    source = render(source_name=source_name, functions=functions, quotes=quotes, unread=session.unread)
    provenance = {function.id.id: Provenance(function.id.id, quotes[function.id.id], function.readings, function.note)
                  for function in functions}
    return Reading(source_name, source, provenance, tuple(session.unread))


def _batch_bounds(notation: ReadingSpec) -> set[str]:
    return {spelling for table in notation.axis_symbols.values() for spelling, axis in table.items()
            if axis == notation.batch_axis}


def _quote(equation: Equation) -> Quote:
    origin = equation.origin
    return Quote(origin.latex, origin.number, origin.section.label, origin.line)


_NO_SCOPE = Scope(frozenset())


def _definitions(equations: tuple[Equation, ...], notation: ReadingSpec,
                 contexts: dict[tuple[str, ...], str]) -> dict[str, dict[str, list[Definition]]]:
    """Each context's definitions of symbols, by the name they define, in document order."""
    found: dict[str, dict[str, list[Definition]]] = {context: {} for context in notation.contexts}
    for equation in equations:
        if not is_symbol(equation.lhs):
            continue
        context = contexts.get(equation.origin.section.path, ANY_CONTEXT)
        for name in (notation.contexts if context == ANY_CONTEXT else [context]):
            symbol = resolve_in(equation.lhs, notation, name, equation.scope) or _own_symbol(equation, notation)
            if symbol is None or symbol.transpose or symbol.power is not None:
                continue
            quantity = notation.quantities(name).get(symbol.name)
            if quantity is not None and quantity.leaf:
                continue
            definition = Definition(symbol.name, symbol, equation.rhs, equation.origin.latex, equation.origin.line,
                                    equation.scope)
            found[name].setdefault(symbol.name, []).append(definition)
    return found


def _own_symbol(equation: Equation, notation: ReadingSpec) -> Symbol | None:
    """A symbol the write-up introduces itself (`z_{2A}`, `\\delta^i`), under its shortest spelling."""
    try:
        return resolve(equation.lhs, lambda spelling: spelling, sample_letters=frozenset(notation.sample_letters)
                       | equation.scope.batch_letters, known=(), shortest=True)
    except (UnknownSymbol, UnreadScript):
        return None


@dataclass
class _Session:
    """The state of one reading: answers per id, generated functions, what was not read."""

    notation: ReadingSpec
    definitions: dict[str, dict[str, list[Definition]]]
    answers: dict[str, list[tuple[Target, Equation]]] = field(default_factory=dict)
    generated: dict[str, Generated] = field(default_factory=dict)
    unread: list[Unread] = field(default_factory=list)
    _started: set[str] = field(default_factory=set)

    def environment(self) -> Environment:
        return Environment(self.notation, self.definitions, self.call)

    def call(self, context: str, of: str, wrt: str) -> Call | None:
        entry = next((e for e in self.notation.ids if (e.context, e.of, e.wrt) == (context, of, wrt)), None)
        if entry is None:
            return None
        generated = self.generate(entry)
        return None if generated is None else Call(entry.id, generated.parameters, entry.shape)

    def generate(self, entry: IdSpec) -> Generated | None:
        """The id's function, read from its best equation; None (and a reason recorded) if none reads."""
        if entry.id in self.generated or entry.id in self._started:
            return self.generated.get(entry.id)
        self._started.add(entry.id)
        answers = self.answers.get(entry.id, [])
        if not answers:
            return None
        problems = []
        for attempt in self._attempts(entry, answers):
            try:
                generated = attempt()
            except PROBLEMS as problem:
                problems.append(str(problem))
                continue
            self.generated[entry.id] = generated
            return generated
        target, equation = self._preferred(entry, answers)[0]
        self.unread.append(Unread(_quote(equation), problems[0], entry.id))
        return None

    def _preferred(self, entry: IdSpec, answers: list[tuple[Target, Equation]]) -> list[tuple[Target, Equation]]:
        """Equations whose number is the id's first, then the latest (a write-up's conclusion comes last)."""
        def rank(answer):
            number = answer[1].origin.number
            return (number is None or entry.section not in (f"({number})", number), -answer[1].origin.order)
        return sorted(answers, key=rank)

    def _attempts(self, entry: IdSpec, answers: list[tuple[Target, Equation]]):
        environment = self.environment()
        ordered = self._preferred(entry, answers)
        if entry.kind == "jacobian":
            diagonal = [a for a in ordered if is_diagonal(a[0], a[1].scope.batch_letters)]
            general = [a for a in ordered if not is_diagonal(a[0], a[1].scope.batch_letters)]
            if diagonal and general:
                (target, off), (diagonal_target, on) = general[0], diagonal[0]
                yield lambda: interpret_entries(target, off, diagonal_target, on, environment)
        for target, equation in ordered:
            yield lambda target=target, equation=equation: interpret(target, equation, environment)
