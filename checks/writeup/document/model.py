"""What the document stage gives the math stage: sections, paragraphs of prose and formulas, each with its place."""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field


class WriteupError(ValueError):
    """The text is not a write-up this reader can read at all (empty, binary, Python source, no math)."""


@dataclass(frozen=True)
class Place:
    """Where something stands: the file (or notebook) it is in, its Markdown cell if any, and its line there."""

    source: str
    line: int
    cell: int | None = None

    def cite(self) -> str:
        where = f"line {self.line}"
        return f"cell {self.cell}, {where}" if self.cell is not None else where


@dataclass(frozen=True)
class Macro:
    """A macro the write-up defines: `\\pd` with 2 arguments (the first optional, with a default) and its body."""

    name: str
    arguments: int
    default: str | None
    body: str
    place: Place
    command: str
    """How it was defined: `newcommand`, `renewcommand`, `def`, `DeclareMathOperator`, …"""

    def describe(self) -> str:
        count = {0: "no arguments", 1: "1 argument"}.get(self.arguments, f"{self.arguments} arguments")
        optional = f", the first optional (default {self.default!r})" if self.default is not None else ""
        return f"`\\{self.name}` is a macro defined at {self.place.cite()} with {count}{optional}: {self.body}"


@dataclass(frozen=True)
class Section:
    """A heading: its title, the number it carries (`1.1`, written or counted), and the titles above it."""

    title: str
    number: str | None
    path: tuple[str, ...]

    @property
    def label(self) -> str:
        return " > ".join(self.path) if self.path else "(before any heading)"


NO_SECTION = Section("", None, ())


@dataclass(frozen=True)
class Math:
    """One formula: as written, as the math stage reads it (macros expanded, rows tagged), and where it stands.

    `latex` is quoted to staff; `expanded` is parsed: the write-up's macros
    expanded, `\\eqref`s replaced by the numbers they refer to, and every row
    LaTeX would number given its `\\tag{n}`.
    """

    latex: str
    display: bool
    place: Place
    expanded: str = ""
    environment: str = ""
    """`equation`, `align`, …, or the delimiter (`$$`, `$`, `\\[`, `\\(`)."""
    number: str | None = None
    """The number of the formula as a whole (an `equation`, or a single numbered row)."""
    labels: Mapping[str, str] = field(default_factory=dict)
    """`\\label` keys in the formula and the numbers they name."""
    rows: tuple[tuple[str, int], ...] = ()
    """Each row of a multi-row formula (an `align`, an `aligned` block) as written, and the line it starts on."""
    macros: tuple[Macro, ...] = ()
    """The write-up's macros expanded in it."""
    problem: str | None = None
    """Why it could not be prepared for reading (a macro that cannot be expanded), if so."""

    def __post_init__(self) -> None:
        if not self.expanded:
            object.__setattr__(self, "expanded", self.latex)

    @property
    def line(self) -> int:
        return self.place.line


@dataclass(frozen=True)
class Paragraph:
    """A paragraph, bullet item or display block: prose (str) and formulas (Math) in reading order."""

    segments: tuple[str | Math, ...]
    section: Section
    place: Place

    @property
    def line(self) -> int:
        return self.place.line


@dataclass(frozen=True)
class Declarations:
    """What the write-up says about its own notation in words."""

    prime_is_transpose: bool = False
    """It says a prime (`x'`) denotes the transpose."""
    numerator_layout: bool = False
    """It says its matrix derivatives are in numerator layout (∂L/∂W shaped like Wᵀ)."""


@dataclass(frozen=True)
class Note:
    """Something of the document that could not be read (a missing `\\input` file), with where it stands."""

    message: str
    place: Place


@dataclass(frozen=True)
class Document:
    format: str
    """`markdown` or `tex` (of the first source)."""
    paragraphs: tuple[Paragraph, ...]
    macros: Mapping[str, Macro] = field(default_factory=dict)
    labels: Mapping[str, str] = field(default_factory=dict)
    declarations: Declarations = Declarations()
    notes: tuple[Note, ...] = ()

    @property
    def formulas(self) -> list[tuple[Math, Paragraph]]:
        return [(segment, paragraph) for paragraph in self.paragraphs for segment in paragraph.segments
                if isinstance(segment, Math)]
