"""Reading a write-up into a submission: the three stages, document → math → numpy, run in order.

`read_sources` reads one text or several (a notebook's Markdown cells) as one
write-up; `read` is the one-text case. The document stage gives formulas with
their places; the math stage gives equations, definitions and the id each
equation answers; the numpy stage turns each id's equations into a function.
An id whose equation cannot be read is not defined, and why is said, including
when it fails only because an equation it uses was not read.
"""
from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from checks.writeup.document import Source, read_document
from checks.writeup.errors import Unreadable
from checks.writeup.math.definitions import Definition, definitions
from checks.writeup.math.equations import Equation, Origin, collect
from checks.writeup.math.scope import NO_SCOPE
from checks.writeup.math.targets import Target, candidates, choose, heading_context, section_contexts
from checks.writeup.numpy.emit import render
from checks.writeup.numpy.evaluate import Call
from checks.writeup.numpy.interpret import PROBLEMS, Environment, Generated, interpret, interpret_entries, is_diagonal
from checks.writeup.provenance import Provenance, Quote, Reading, Unread
from checks.writeup.spec import IdSpec, ReadingSpec


def read(text: str, notation: ReadingSpec, *, source_name: str) -> Reading:
    """Read a Markdown or LaTeX write-up into a submission: one numpy function per id it derives.

    Raises `checks.writeup.WriteupError` for text that is not a write-up at all
    (empty, binary, Python source, no math); anything less is reported per
    equation in `Reading.unread`, and the rest is still read.
    """
    if not isinstance(text, str):
        raise TypeError(f"text={type(text).__name__}, but a write-up is read from a str (decode the file first)")
    return read_sources([Source(source_name, text)], notation)


def read_sources(sources: Sequence[Source], notation: ReadingSpec, *,
                 files: Mapping[str, str] | None = None) -> Reading:
    """Read several texts (a notebook's Markdown cells, in order) as one write-up; quotes name their cells."""
    if not isinstance(notation, ReadingSpec):
        raise TypeError(f"notation={type(notation).__name__}, but the reader needs a checks.writeup.ReadingSpec")
    document = read_document(sources, files=files)
    main = sources[0].name
    collected = collect(document, batch_bounds=_batch_bounds(notation))
    contexts = section_contexts(collected.equations, notation)
    session = _Session(notation, definitions(collected.equations, notation, contexts), main,
                       document.declarations.numerator_layout, document.declarations.prime_is_transpose)
    for note in document.notes:
        session.unread.append(Unread(Quote("", None, "(document)", note.place.line, note.place.cell,
                                           _file(note.place.source, main)), note.message))
    for equation in collected.equations:
        if equation.condition:
            continue
        targets = candidates(equation.lhs, notation, equation.scope)
        if not targets:
            continue
        target, why = choose(targets, equation.origin, contexts.get(equation.origin.section.path), notation)
        if target is None:
            session.unread.append(Unread(session.quote(equation.origin), why))
            continue
        session.answers.setdefault(target.id.id, []).append((target, equation))
    for problem in collected.problems:
        meant = candidates(problem.lhs, notation, NO_SCOPE) if problem.lhs is not None else []
        section = problem.origin.section
        target, _ = choose(meant, problem.origin, contexts.get(section.path) or heading_context(section, notation),
                           notation)
        unread = Unread(session.quote(problem.origin), problem.reason, target.id.id if target is not None else None)
        session.unread.append(unread)
        if unread.id is not None:
            session.failed.setdefault(unread.id, unread)
    for entry in notation.ids:
        session.generate(entry)
    functions = [session.generated[entry.id] for entry in notation.ids if entry.id in session.generated]
    quotes = {function.id.id: tuple(session.quote(equation.origin) for equation in function.equations)
              for function in functions}
    source = render(source_name=main, functions=functions, quotes=quotes, unread=session.unread)
    provenance = {function.id.id: Provenance(function.id.id, quotes[function.id.id], function.readings,
                                             _note(function))
                  for function in functions}
    return Reading(main, source, provenance, tuple(session.unread))


def _note(function: Generated) -> str | None:
    notes = [function.note] + [equation.origin.note for equation in function.equations]
    found = [note for note in notes if note]
    return "; ".join(found) if found else None


def _batch_bounds(notation: ReadingSpec) -> set[str]:
    return {spelling for table in notation.axis_symbols.values() for spelling, axis in table.items()
            if axis == notation.batch_axis}


def _file(source: str, main: str) -> str | None:
    return None if source == main else source


@dataclass
class _Session:
    """The state of one reading: answers per id, generated functions, what was not read and why."""

    notation: ReadingSpec
    definitions: dict[str, dict[str, list[Definition]]]
    main: str
    numerator_layout: bool = False
    prime_is_transpose: bool = False
    answers: dict[str, list[tuple[Target, Equation]]] = field(default_factory=dict)
    generated: dict[str, Generated] = field(default_factory=dict)
    failed: dict[str, Unread] = field(default_factory=dict)
    """Why each id the write-up derives was not read (its equation unreadable, or its formula)."""
    unread: list[Unread] = field(default_factory=list)
    _started: set[str] = field(default_factory=set)
    _in_progress: set[str] = field(default_factory=set)

    def quote(self, origin: Origin) -> Quote:
        return Quote(origin.latex, origin.number, origin.section.label, origin.place.line, origin.place.cell,
                     _file(origin.place.source, self.main))

    def environment(self) -> Environment:
        return Environment(self.notation, self.definitions, self.call, self.numerator_layout, self.prime_is_transpose)

    def call(self, context: str, of: str, wrt: str) -> Call | None:
        """A call of the id that answers ∂of/∂wrt; None if no id does; `Unreadable` saying why if it was not read."""
        entry = next((e for e in self.notation.ids if (e.context, e.of, e.wrt) == (context, of, wrt)), None)
        if entry is None:
            return None
        if entry.id in self._in_progress:
            raise Unreadable(f"it uses ∂{of}/∂{wrt} ({entry.id}), whose own equation uses this one: a circle")
        generated = self.generate(entry)
        if generated is not None:
            return Call(entry.id, generated.parameters, entry.shape)
        failure = self.failed.get(entry.id)
        if failure is not None:
            raise Unreadable(f"it uses ∂{of}/∂{wrt} ({entry.id}), derived at {failure.quote.cite()}, but that "
                             f"equation was not read: {failure.reason}")
        return None

    def generate(self, entry: IdSpec) -> Generated | None:
        """The id's function, read from its best equation; None (and a reason recorded) if none reads."""
        if entry.id in self.generated or entry.id in self._started:
            return self.generated.get(entry.id)
        self._started.add(entry.id)
        answers = self.answers.get(entry.id, [])
        if not answers:
            return None
        problems = []
        self._in_progress.add(entry.id)
        try:
            for attempt in self._attempts(entry, answers):
                try:
                    generated = attempt()
                except PROBLEMS as problem:
                    problems.append(str(problem))
                    continue
                self.generated[entry.id] = generated
                return generated
        finally:
            self._in_progress.discard(entry.id)
        target, equation = self._preferred(entry, answers)[0]
        failure = Unread(self.quote(equation.origin), problems[0], entry.id)
        self.failed[entry.id] = failure
        self.unread.append(failure)
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
