"""From events to a document: formulas numbered and expanded, references resolved, paragraphs under sections."""
from __future__ import annotations

import re
from collections.abc import Sequence

from checks.writeup.document.environments import ENVIRONMENT, ENVIRONMENTS, number, resolve_references, written_rows
from checks.writeup.document.events import Break, Define, Event, Heading, NumberWithin, Prose, RawMath
from checks.writeup.document.macros import MacroProblem, Macros, expand
from checks.writeup.document.model import NO_SECTION, Declarations, Document, Math, Note, Paragraph, Place, Section

_NUMBER = re.compile(r"^\s*(?:section\s+|§\s*|part\s+|第\s*)?(\d+(?:\.\d+)*)\.?(?=\s|$|[^\d.])", re.I)
_TRANSPOSE_WORDS = re.compile(r"transpos|转置", re.I)
_PRIME = re.compile(r"'|\\prime")
_NUMERATOR_LAYOUT = re.compile(r"numerator[- ]layout|分子布局", re.I)


def assemble(format: str, events: Sequence[Event]) -> Document:
    """The document the events make, with notes on what of it could not be read."""
    macros = Macros()
    for event in events:
        if isinstance(event, Define):
            macros.add(event.order, event.macro)
    prepared = _numbered(events, macros)
    labels = {key: value for math in prepared.values() for key, value in math.labels.items()}
    builder = _Builder()
    notes = []
    counters = [0, 0, 0, 0]
    for event in events:
        if isinstance(event, Heading):
            title = resolve_references(event.title, labels, math=False)
            if event.counted and event.level <= len(counters):
                counters[event.level - 1] += 1
                counters[event.level:] = [0] * (len(counters) - event.level)
                numbered = ".".join(str(count) for count in counters[:event.level])
                if not _NUMBER.match(title):
                    title = f"{numbered} {title}"
            builder.heading(event.level, title, event.place)
        elif isinstance(event, Prose):
            builder.add_prose(resolve_references(event.text, labels, math=False), event.place)
        elif isinstance(event, Break):
            builder.end_paragraph()
        elif isinstance(event, RawMath):
            math = prepared[id(event)]
            expanded = resolve_references(math.expanded, labels, math=True)
            builder.add_math(Math(math.latex, math.display, math.place, expanded, math.environment, math.number,
                                  math.labels, math.rows, math.macros, math.problem))
        elif isinstance(event, Note):
            notes.append(event)
    paragraphs = builder.finish()
    return Document(format, paragraphs, macros.all(), labels, _declarations(paragraphs), tuple(notes))


def _numbered(events: Sequence[Event], macros: Macros) -> dict[int, Math]:
    """Every formula expanded and numbered, in document order (equation numbers count across the document)."""
    counter = [0]
    within = [False, 0]
    sections = [0]
    prepared: dict[int, Math] = {}
    for event in events:
        if isinstance(event, NumberWithin):
            within[0] = True
        elif isinstance(event, Heading) and event.counted and event.level == 1:
            sections[0] += 1
            if within[0]:
                counter[0] = 0
        if not isinstance(event, RawMath):
            continue

        def next_number() -> str:
            counter[0] += 1
            return f"{sections[0]}.{counter[0]}" if within[0] else str(counter[0])

        environment, body = event.environment, event.latex
        rows = written_rows(body, event.place.line)
        inner = ENVIRONMENT.fullmatch(body.strip())
        if environment in ("$$", "\\[") and inner is not None:
            environment, body = inner.group("env"), inner.group("body")
        problem = None
        used: tuple = ()
        try:
            expanded, used = expand(body, macros.at(event.order))
        except MacroProblem as error:
            expanded, problem = body, str(error)
        whole = None
        labels: dict[str, str] = {}
        if environment.rstrip("*") in ENVIRONMENTS:
            numbered = number(environment, expanded, next_number)
            expanded, whole, labels = numbered.latex, numbered.number, numbered.labels
        prepared[id(event)] = Math(event.latex.strip(), event.display, event.place, expanded.strip(), environment,
                                   whole, labels, rows, used, problem)
    return prepared


def _declarations(paragraphs: Sequence[Paragraph]) -> Declarations:
    prime = layout = False
    for paragraph in paragraphs:
        prose = " ".join(segment for segment in paragraph.segments if isinstance(segment, str))
        formulas = [segment.latex for segment in paragraph.segments if isinstance(segment, Math)]
        if _TRANSPOSE_WORDS.search(prose) and (_PRIME.search(prose.replace("'s ", " ")) is not None
                                               or any(_PRIME.search(latex) for latex in formulas)):
            prime = True
        if _NUMERATOR_LAYOUT.search(prose):
            layout = True
    return Declarations(prime_is_transpose=prime, numerator_layout=layout)


class _Builder:
    """Collects segments into paragraphs under the current heading."""

    def __init__(self) -> None:
        self._paragraphs: list[Paragraph] = []
        self._segments: list[str | Math] = []
        self._place: Place | None = None
        self._path: list[tuple[int, str]] = []
        self._section = NO_SECTION

    def heading(self, level: int, title: str, place: Place) -> None:
        self.end_paragraph()
        title = " ".join(title.split())
        self._path = [(depth, name) for depth, name in self._path if depth < level] + [(level, title)]
        found = _NUMBER.match(title)
        self._section = Section(title, found.group(1) if found else None, tuple(name for _, name in self._path))

    def add_prose(self, text: str, place: Place) -> None:
        if not text.strip():
            if self._segments and isinstance(self._segments[-1], str):
                self._segments[-1] += " "
            return
        if not self._segments:
            self._place = place
        if self._segments and isinstance(self._segments[-1], str):
            self._segments[-1] += text
        else:
            self._segments.append(text)

    def add_math(self, math: Math) -> None:
        if not self._segments:
            self._place = math.place
        self._segments.append(math)

    def end_paragraph(self) -> None:
        if any(isinstance(segment, Math) or segment.strip() for segment in self._segments):
            self._paragraphs.append(Paragraph(tuple(self._segments), self._section, self._place))
        self._segments = []
        self._place = None

    def finish(self) -> tuple[Paragraph, ...]:
        self.end_paragraph()
        return tuple(self._paragraphs)
