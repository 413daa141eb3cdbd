"""A LaTeX source as events: its sections, prose, formulas and macro definitions, `\\input` files read in place.

Comments are dropped; the preamble contributes its macro definitions only;
`\\input{…}`/`\\include{…}` read a file of the same submission where they
stand (a file that is not there is a note, never a failure).
"""
from __future__ import annotations

import posixpath
import re
from collections.abc import Mapping

from checks.writeup.document.environments import ENVIRONMENT
from checks.writeup.document.events import (Break, Define, Event, Heading, Note, NumberWithin, Prose, RawMath, blank,
                                            line_of)
from checks.writeup.document.macros import find_definitions
from checks.writeup.document.model import Place

SECTIONS = ("section", "subsection", "subsubsection", "paragraph")
_SECTION = re.compile(r"\\(section|subsection|subsubsection|paragraph)(\*?)\s*(?:\[[^\]]*\])?\s*"
                      r"\{((?:[^{}]|\{(?:[^{}]|\{[^{}]*\})*\})*)\}")
_DELIMITED = re.compile(
    r"\$\$(?P<dollars>.+?)\$\$"
    r"|\\\[(?P<bracket>.+?)\\\]"
    r"|\\\((?P<paren>.+?)\\\)"
    r"|(?<![\\$])\$(?!\$)(?P<inline>[^$]+?)(?<!\\)\$",
    re.S)
_INPUT = re.compile(r"\\(?:input|include|subfile)\s*\{([^{}]+)\}")
_NUMBER_WITHIN = re.compile(r"\\numberwithin\s*\{equation\}\s*\{section\}")
_STRUCTURE = re.compile(r"^\s*\\(begin|end)\{(itemize|enumerate|description|document|abstract|center|proof)\}\s*$")
_PROSE_WRAPPERS = re.compile(r"\\(?:textbf|textit|emph|underline|textrm|texttt)\s*\{([^{}]*)\}")
_DROPPED = re.compile(r"\\(?:maketitle|tableofcontents|newpage|clearpage|noindent|centering|medskip|bigskip|smallskip|"
                      r"vspace\*?\s*\{[^{}]*\}|hspace\*?\s*\{[^{}]*\}|title\s*\{[^{}]*\}|author\s*\{[^{}]*\}|"
                      r"date\s*\{[^{}]*\}|usepackage(?:\[[^\]]*\])?\s*\{[^{}]*\}|documentclass(?:\[[^\]]*\])?\s*"
                      r"\{[^{}]*\})")
MOST_INPUT_DEPTH = 8
"""How deep `\\input` may nest: deeper is a note (a file that inputs itself stops there)."""


def strip_comments(text: str) -> str:
    """`text` with every `%` comment blanked out (`\\%` is kept)."""
    return re.sub(r"(?<!\\)%[^\n]*", lambda match: " " * len(match.group(0)), text)


def layout(text: str, *, source: str, index: int, cell: int | None = None, files: Mapping[str, str] | None = None,
           depth: int = 0) -> list[Event]:
    """The events of a LaTeX source; `index` orders it among the sources, `files` are the submission's other files."""
    files = files or {}
    clean = strip_comments(text)

    def place(offset: int) -> Place:
        return Place(source, line_of(text, offset), cell)

    events: list[tuple[int, Event]] = []
    for definition in find_definitions(clean, place_of=place, comments=False):
        events.append((definition.start, Define(definition.macro, (index, definition.start))))
        clean = blank(clean, definition.start, definition.end)
    begin = clean.find("\\begin{document}")
    if begin >= 0:
        clean = blank(clean, 0, begin + len("\\begin{document}"))
        end = clean.find("\\end{document}")
        if end >= 0:
            clean = blank(clean, end, len(clean))
    for match in _NUMBER_WITHIN.finditer(text):
        events.append((match.start(), NumberWithin()))
    found: list[tuple[int, int, str, re.Match]] = []
    for kind, pattern in (("section", _SECTION), ("environment", ENVIRONMENT), ("delimited", _DELIMITED),
                          ("input", _INPUT)):
        found += [(match.start(), match.end(), kind, match) for match in pattern.finditer(clean)]
    found.sort(key=lambda item: (item[0], -item[1]))
    position = 0
    for start, end, kind, match in found:
        if start < position:
            continue
        events += _prose(clean, position, start, place)
        position = end
        if kind == "section":
            level = SECTIONS.index(match.group(1)) + 1
            title = _prose_text(match.group(3)).strip()
            events.append((start, Heading(level, title, place(start), counted=not match.group(2))))
        elif kind == "environment":
            events.append((start, RawMath(match.group("body"), True, match.group("env"), place(start), (index, start))))
        elif kind == "delimited":
            group = match.lastgroup
            delimiter = {"dollars": "$$", "bracket": "\\[", "paren": "\\(", "inline": "$"}[group]
            events.append((start, RawMath(match.group(group), group in ("dollars", "bracket"), delimiter, place(start),
                                          (index, start))))
        else:
            events += _included(match, files, source, depth, place(start), start, index, cell)
    events += _prose(clean, position, len(clean), place)
    events.sort(key=lambda item: item[0])
    return [event for _, event in events]


def _included(match: re.Match, files: Mapping[str, str], source: str, depth: int, where: Place, start: int,
              index: int, cell: int | None) -> list[tuple[int, Event]]:
    name = match.group(1).strip()
    wanted = posixpath.normpath(posixpath.join(posixpath.dirname(source), name))
    candidates = [wanted, wanted + ".tex", name, name + ".tex"]
    found = next((candidate for candidate in candidates if candidate in files), None)
    if found is None:
        return [(start, Note(f"`\\input{{{name}}}`: the submission has no file {name}.tex beside the write-up, so "
                             "what it holds is not read", where))]
    if depth >= MOST_INPUT_DEPTH:
        return [(start, Note(f"`\\input{{{name}}}` is nested more than {MOST_INPUT_DEPTH} deep (does it input "
                             "itself?); it is not read", where))]
    included = layout(files[found], source=found, index=index, cell=cell, files=files, depth=depth + 1)
    return [(start + step * 1e-6, event) for step, event in enumerate(included, start=1)]


def _prose_text(text: str) -> str:
    text = _PROSE_WRAPPERS.sub(lambda match: match.group(1), text)
    return _DROPPED.sub(" ", text)


def _prose(text: str, start: int, end: int, place) -> list[tuple[int, Event]]:
    events: list[tuple[int, Event]] = []
    offset = start
    lines = text[start:end].split("\n")
    for index, line in enumerate(lines):
        if index > 0:
            events.append((offset - 0.5, Prose(" ", place(offset))))
        stripped = line.strip()
        if (0 < index < len(lines) - 1 and not stripped) or _STRUCTURE.match(line):
            events.append((offset, Break()))
        elif stripped.startswith("\\item"):
            events.append((offset, Break()))
            events.append((offset + 0.1, Prose(_prose_text(re.sub(r"^\\item(\[[^\]]*\])?", "", stripped)),
                                               place(offset))))
        elif stripped:
            events.append((offset, Prose(_prose_text(line), place(offset))))
        offset += len(line) + 1
    return events
