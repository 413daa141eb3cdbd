"""What reading a write-up produced: the submission's source, where each id came from, and what was not read."""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass


@dataclass(frozen=True)
class Quote:
    """One formula as the write-up gives it: its LaTeX, equation number, section and line."""

    latex: str
    equation: str | None
    section: str
    line: int

    def cite(self) -> str:
        number = f"eq. ({self.equation}), " if self.equation else ""
        return f"{number}line {self.line}, section {self.section}"


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


@dataclass(frozen=True)
class Unread:
    """A formula that could not be read: why, and the id it was meant to answer if that is known."""

    quote: Quote
    reason: str
    id: str | None = None

    def describe(self) -> str:
        meant = f"{self.id}: " if self.id else ""
        return f"{meant}{self.quote.cite()}: {self.reason}\n    {self.quote.latex}"


@dataclass(frozen=True)
class Reading:
    """The result of reading a write-up."""

    source_name: str
    source: str
    """The generated submission: plain Python, one numpy function per id read."""
    provenance: Mapping[str, Provenance]
    unread: tuple[Unread, ...]
