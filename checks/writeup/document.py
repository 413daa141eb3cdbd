"""Splitting a write-up (Markdown with math, or LaTeX) into sections, paragraphs, prose and formulas."""
from __future__ import annotations

import ast
import re
import warnings
from dataclasses import dataclass


class WriteupError(ValueError):
    """The text is not a write-up this reader can read at all (empty, binary, Python source, no math)."""


@dataclass(frozen=True)
class Section:
    """A heading: its title, the number it carries (`1.1`, written or counted), and the titles above it."""

    title: str
    number: str | None
    path: tuple[str, ...]

    @property
    def label(self) -> str:
        return " > ".join(self.path) if self.path else "(before any heading)"


@dataclass(frozen=True)
class Math:
    """One formula: its LaTeX, whether it is displayed, its line, and the equation number LaTeX would give it."""

    latex: str
    display: bool
    line: int
    number: str | None = None


@dataclass(frozen=True)
class Paragraph:
    """A paragraph, bullet item or display block: prose (str) and formulas (Math) in reading order."""

    segments: tuple[str | Math, ...]
    section: Section
    line: int


@dataclass(frozen=True)
class Document:
    format: str
    paragraphs: tuple[Paragraph, ...]

    @property
    def formulas(self) -> list[tuple[Math, Paragraph]]:
        return [(segment, paragraph) for paragraph in self.paragraphs for segment in paragraph.segments
                if isinstance(segment, Math)]


FORMATS = ("markdown", "tex")
_MARKDOWN_MATH = re.compile(
    r"\$\$(?P<display>.+?)\$\$"
    r"|\\\[(?P<bracket>.+?)\\\]"
    r"|\\\((?P<paren>.+?)\\\)"
    r"|(?<![\\$])\$(?!\$)(?P<inline>[^$\n]*?(?:\n(?!\s*\n)[^$\n]*?)*?)(?<!\\)\$",
    re.S)
_TEX_MATH = re.compile(
    r"\\begin\{(?P<env>equation\*?|align\*?|gather\*?|multline\*?|eqnarray\*?)\}(?P<body>.+?)\\end\{(?P=env)\}"
    r"|\$\$(?P<display>.+?)\$\$"
    r"|\\\[(?P<bracket>.+?)\\\]"
    r"|\\\((?P<paren>.+?)\\\)"
    r"|(?<![\\$])\$(?!\$)(?P<inline>[^$]+?)(?<!\\)\$",
    re.S)
_HEADING = re.compile(r"^\s{0,3}(#{1,6})\s+(.*?)\s*#*\s*$")
_NUMBER = re.compile(r"^\s*(?:section\s+|§\s*)?(\d+(?:\.\d+)*)\.?(?=\s|$)", re.I)
_TEX_SECTION = re.compile(r"\\(section|subsection|subsubsection)(\*?)\s*\{((?:[^{}]|\{[^{}]*\})*)\}")
_ITEM = re.compile(r"^\s*(?:[-*+]|\d+[.)])\s+")
_FENCE = re.compile(r"^\s*(```|~~~)")


def split(text: str, *, source_name: str) -> Document:
    """The document's sections, paragraphs and formulas; raises `WriteupError` for text that is not a write-up."""
    if not isinstance(text, str):
        raise TypeError(f"text={type(text).__name__}, but a write-up is read from a str")
    if not isinstance(source_name, str) or not source_name:
        raise ValueError(f"source_name={source_name!r}, but it names the write-up in messages and must be non-empty")
    _refuse_non_writeups(text, source_name)
    format = detect_format(text, source_name=source_name)
    document = _split_tex(text) if format == "tex" else _split_markdown(text)
    if not document.formulas:
        raise WriteupError(f"{source_name}: no math found ($…$, $$…$$, \\[…\\] or a LaTeX math environment); "
                           "a write-up states its derivations as formulas")
    return document


def detect_format(text: str, *, source_name: str) -> str:
    """`tex` for a `.tex` name or a LaTeX document body, else `markdown`."""
    if source_name.lower().endswith((".tex", ".latex")):
        return "tex"
    if re.search(r"\\begin\{document\}|\\documentclass|\\(sub)*section\*?\{", text):
        return "tex"
    return "markdown"


def _refuse_non_writeups(text: str, source_name: str) -> None:
    if not text.strip():
        raise WriteupError(f"{source_name}: the file is empty")
    control = sum(1 for char in text if ord(char) < 32 and char not in "\n\r\t\f")
    if "\x00" in text or control > max(8, len(text) // 100):
        raise WriteupError(f"{source_name}: the file is binary, not a Markdown or LaTeX write-up")
    if source_name.lower().endswith(".py") or _looks_like_python(text):
        raise WriteupError(f"{source_name}: this is Python source, not a Markdown or LaTeX write-up; "
                           "grade a submission file directly instead")


def _looks_like_python(text: str) -> bool:
    if not re.search(r"^(def |import |from \S+ import |class )", text, re.M):
        return False
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            ast.parse(text)
    except SyntaxError:
        return False
    return True


def _line_of(text: str, offset: int) -> int:
    return text.count("\n", 0, offset) + 1


def _split_markdown(text: str) -> Document:
    builder = _Builder()
    fenced = False
    position = 0
    chunks: list[tuple[int, str | Math]] = []
    for match in _MARKDOWN_MATH.finditer(text):
        chunks.append((position, text[position:match.start()]))
        kind = match.lastgroup
        chunks.append((match.start(), Math(match.group(kind).strip(), kind != "inline" and kind != "paren",
                                           _line_of(text, match.start()))))
        position = match.end()
    chunks.append((position, text[position:]))
    for start, chunk in chunks:
        if isinstance(chunk, Math):
            if not fenced:
                builder.add_math(chunk)
            continue
        for index, line in enumerate(chunk.split("\n")):
            line_number = _line_of(text, start) + index
            if index > 0:
                builder.newline()
            if _FENCE.match(line):
                fenced = not fenced
                builder.end_paragraph()
                continue
            if fenced:
                continue
            heading = _HEADING.match(line) if index > 0 or _at_line_start(text, start) else None
            if heading:
                builder.heading(len(heading.group(1)), heading.group(2), line_number)
            elif index > 0 and not line.strip():
                builder.end_paragraph()
            elif index > 0 and _ITEM.match(line):
                builder.end_paragraph()
                builder.add_prose(_ITEM.sub("", line), line_number)
            else:
                builder.add_prose(line, line_number)
    return Document("markdown", builder.finish())


def _at_line_start(text: str, offset: int) -> bool:
    return offset == 0 or text[offset - 1] == "\n"


def _split_tex(text: str) -> Document:
    text = re.sub(r"(?<!\\)%.*", "", text)
    body_start = text.find("\\begin{document}")
    if body_start >= 0:
        body_end = text.find("\\end{document}")
        text = " " * (body_start + len("\\begin{document}")) + text[body_start + len("\\begin{document}"):
                                                                     body_end if body_end >= 0 else None]
    builder = _Builder()
    counters = [0, 0, 0]
    equations = 0
    position = 0
    events: list[tuple[int, str, object]] = []
    for match in _TEX_SECTION.finditer(text):
        events.append((match.start(), "section", match))
    for match in _TEX_MATH.finditer(text):
        events.append((match.start(), "math", match))
    events.sort(key=lambda event: event[0])
    for start, kind, match in events:
        if start < position:
            continue
        _tex_prose(builder, text, position, start)
        position = match.end()
        if kind == "section":
            level = ("section", "subsection", "subsubsection").index(match.group(1))
            title = match.group(3).strip()
            number = None
            if not match.group(2):
                counters[level] += 1
                counters[level + 1:] = [0] * (2 - level)
                number = ".".join(str(count) for count in counters[:level + 1])
            builder.heading(level + 1, f"{number} {title}" if number and not _NUMBER.match(title) else title,
                            _line_of(text, start))
            continue
        line = _line_of(text, start)
        environment = match.group("env")
        if environment:
            latex = match.group("body").strip()
            number = None
            if environment.startswith(("align", "eqnarray")):
                latex = f"\\begin{{aligned}}{latex}\\end{{aligned}}"
            if not environment.endswith("*") and "\\nonumber" not in latex and "\\notag" not in latex:
                rows = latex.count("\\\\") + 1 if environment.startswith(("align", "gather", "eqnarray")) else 1
                equations += rows
                number = str(equations)
            builder.add_math(Math(latex, True, line, number))
        else:
            group = match.lastgroup
            builder.add_math(Math(match.group(group).strip(), group not in ("inline", "paren"), line))
    _tex_prose(builder, text, position, len(text))
    return Document("tex", builder.finish())


def _tex_prose(builder: _Builder, text: str, start: int, end: int) -> None:
    chunk = text[start:end]
    for index, line in enumerate(chunk.split("\n")):
        if index > 0:
            builder.newline()
        stripped = line.strip()
        if index > 0 and not stripped:
            builder.end_paragraph()
        elif stripped.startswith("\\item"):
            builder.end_paragraph()
            builder.add_prose(stripped.removeprefix("\\item"), _line_of(text, start) + index)
        elif re.fullmatch(r"\\(begin|end)\{(itemize|enumerate|description|document)\}", stripped):
            builder.end_paragraph()
        else:
            builder.add_prose(line, _line_of(text, start) + index)


class _Builder:
    """Collects segments into paragraphs under the current heading."""

    def __init__(self) -> None:
        self._paragraphs: list[Paragraph] = []
        self._segments: list[str | Math] = []
        self._line = 1
        self._path: list[tuple[int, str]] = []
        self._section = Section("", None, ())

    def heading(self, level: int, title: str, line: int) -> None:
        self.end_paragraph()
        self._path = [(depth, name) for depth, name in self._path if depth < level] + [(level, title.strip())]
        number = _NUMBER.match(title)
        self._section = Section(title.strip(), number.group(1) if number else None,
                                tuple(name for _, name in self._path))
        self._line = line

    def add_prose(self, text: str, line: int) -> None:
        if not self._segments:
            self._line = line
        if text.strip():
            if self._segments and isinstance(self._segments[-1], str):
                self._segments[-1] += text
            else:
                self._segments.append(text)

    def newline(self) -> None:
        if self._segments and isinstance(self._segments[-1], str):
            self._segments[-1] += " "

    def add_math(self, math: Math) -> None:
        if not self._segments:
            self._line = math.line
        self._segments.append(math)

    def end_paragraph(self) -> None:
        if any(isinstance(segment, Math) or segment.strip() for segment in self._segments):
            self._paragraphs.append(Paragraph(tuple(self._segments), self._section, self._line))
        self._segments = []

    def finish(self) -> tuple[Paragraph, ...]:
        self.end_paragraph()
        return tuple(self._paragraphs)
