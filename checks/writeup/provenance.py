"""What reading a write-up produced: the submission's source, where each id came from, and what was not read.

These types cross the reader's process boundary as JSON (`as_json` and
`from_json`, one codec), so the citation of an equation is built in one place
(`Quote.cite`) whichever side shows it.
"""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass


@dataclass(frozen=True)
class Quote:
    """One formula as the write-up gives it: its LaTeX, equation number, section, line, and cell or file if any."""

    latex: str
    equation: str | None
    section: str
    line: int
    cell: int | None = None
    file: str | None = None
    """The file it stands in, when it is not the write-up itself (an `\\input` file)."""

    def cite(self) -> str:
        number = f"eq. ({self.equation}), " if self.equation else ""
        where = f"cell {self.cell}, line {self.line}" if self.cell is not None else f"line {self.line}"
        if self.file:
            where = f"{self.file} {where}"
        return f"{number}{where}, section {self.section}"

    def as_json(self) -> dict:
        return {"latex": self.latex, "equation": self.equation, "section": self.section, "line": self.line,
                "cell": self.cell, "file": self.file}

    @classmethod
    def from_json(cls, data: Mapping) -> Quote:
        return cls(str(data["latex"]), data["equation"], str(data["section"]), int(data["line"]), data.get("cell"),
                   data.get("file"))


@dataclass(frozen=True)
class Provenance:
    """Where an id's function came from and how it was read."""

    id: str
    quotes: tuple[Quote, ...]
    readings: tuple[str, ...]
    note: str | None = None
    """Anything a TA should check, e.g. a result whose shape is not the id's."""

    @property
    def equation(self) -> str | None:
        return self.quotes[0].equation

    @property
    def section(self) -> str:
        return self.quotes[0].section

    @property
    def latex(self) -> str:
        return "\n".join(quote.latex for quote in self.quotes)

    def cite(self) -> str:
        return self.quotes[0].cite()

    def as_json(self) -> dict:
        """The plain form kept in grades: `equation`, `section`, `latex`, `readings`, `note`, `line`, `cell`,
        `cited` (where it stands, in words), and every quote."""
        return {"equation": self.equation, "section": self.section, "latex": self.latex,
                "readings": list(self.readings), "note": self.note, "line": self.quotes[0].line,
                "cell": self.quotes[0].cell, "cited": self.cite(), "quotes": [quote.as_json() for quote in self.quotes]}

    @classmethod
    def from_json(cls, id: str, data: Mapping) -> Provenance:
        quotes = tuple(Quote.from_json(quote) for quote in data["quotes"])
        return cls(id, quotes, tuple(str(tag) for tag in data["readings"]), data.get("note"))


@dataclass(frozen=True)
class Unread:
    """A formula that could not be read: why, and the id it was meant to answer if that is known."""

    quote: Quote
    reason: str
    id: str | None = None

    def describe(self) -> str:
        meant = f"{self.id}: " if self.id else ""
        return f"{meant}{self.quote.cite()}: {self.reason}\n    {self.quote.latex}"

    def as_json(self) -> dict:
        """The plain form kept in grades: `equation`, `section`, `line`, `cell`, `latex`, `cited` (where it stands,
        in words), `reason`, `id`."""
        return {**self.quote.as_json(), "cited": self.quote.cite(), "reason": self.reason, "id": self.id}

    @classmethod
    def from_json(cls, data: Mapping) -> Unread:
        return cls(Quote.from_json(data), str(data["reason"]), data.get("id"))


@dataclass(frozen=True)
class Reading:
    """The result of reading a write-up."""

    source_name: str
    source: str
    """The generated submission: plain Python, one numpy function per id read."""
    provenance: Mapping[str, Provenance]
    unread: tuple[Unread, ...]

    def as_json(self) -> dict:
        return {"source": self.source, "provenance": {id: p.as_json() for id, p in self.provenance.items()},
                "unread": [item.as_json() for item in self.unread]}

    @classmethod
    def from_json(cls, source_name: str, data: Mapping) -> Reading:
        return cls(source_name, str(data["source"]),
                   {id: Provenance.from_json(id, value) for id, value in data["provenance"].items()},
                   tuple(Unread.from_json(item) for item in data["unread"]))
