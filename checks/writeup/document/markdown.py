"""A Markdown source as events, as Jupyter, Typora, Obsidian, Notion and OCR tools write it.

Math is what MathJax would typeset: `$$…$$`, `\\[…\\]`, `\\(…\\)`, `$…$` (also
with spaces inside, and across the lines of one paragraph), LaTeX math
environments standing in the Markdown, and ```` ```math ```` blocks. Front
matter, HTML comments, code and inline code are not read; blockquote and
callout markers (`>`, `> [!note]`) are taken off so the formulas inside them
read as any other. Headings are `#` lines, setext underlines, and LaTeX
`\\section*{…}` lines (OCR output).
"""
from __future__ import annotations

import re

from checks.writeup.document.environments import ENVIRONMENT
from checks.writeup.document.events import Break, Define, Event, Heading, Prose, RawMath, blank, line_of
from checks.writeup.document.macros import find_definitions
from checks.writeup.document.model import Place

_MATH = re.compile(
    r"\$\$(?P<dollars>.+?)\$\$"
    r"|\\\[(?P<bracket>.+?)\\\]"
    r"|\\\((?P<paren>.+?)\\\)"
    r"|(?<![\\$])\$(?!\$)(?P<inline>[^$\n]*?(?:\n(?!\s*\n)[^$\n]*?)*?)(?<!\\)\$",
    re.S)
_HEADING = re.compile(r"^\s{0,3}(#{1,6})\s+(.*?)\s*#*\s*$")
_TEX_HEADING = re.compile(r"^\s*\\(section|subsection|subsubsection)\*?\s*\{(.*)\}\s*$")
_SETEXT = re.compile(r"^\s{0,3}(=+|-+)\s*$")
_ITEM = re.compile(r"^\s*(?:[-*+]|\d+[.)])\s+")
_FENCE = re.compile(r"^\s*(```+|~~~+)\s*(\w*)")
_FRONT_MATTER = re.compile(r"\A---\s*\n.*?\n(---|\.\.\.)\s*(\n|\Z)", re.S)
_HTML_COMMENT = re.compile(r"<!--.*?-->", re.S)
_INLINE_CODE = re.compile(r"(`+)(?!`).+?(?<!`)\1(?!`)", re.S)
_QUOTE = re.compile(r"^(\s*>)+ ?", re.M)
_CALLOUT = re.compile(r"\[!\w+\][+-]?")
_NUMBERED_BOLD = re.compile(r"^\s*\*\*\s*((?:\d+\.)*\d+\.?\s+[^*]+?)\s*\*\*\s*$")
LEVELS = ("section", "subsection", "subsubsection")


def layout(text: str, *, source: str, index: int, cell: int | None = None) -> list[Event]:
    """The events of a Markdown source; `index` orders it among the sources (a notebook's cells)."""
    def place(offset: int) -> Place:
        return Place(source, line_of(text, offset), cell)

    clean = _readable(text)
    events: list[tuple[float, Event]] = []
    for definition in find_definitions(clean, place_of=place, comments=False):
        events.append((definition.start, Define(definition.macro, (index, definition.start))))
        clean = blank(clean, definition.start, definition.end)
    found = [(match.start(), match.end(), "environment", match) for match in ENVIRONMENT.finditer(clean)]
    found += [(match.start(), match.end(), "delimited", match) for match in _MATH.finditer(clean)]
    found.sort(key=lambda item: (item[0], -item[1]))
    position = 0
    for start, end, kind, match in found:
        if start < position:
            continue
        events += _text(clean, position, start, place)
        position = end
        if kind == "environment":
            events.append((start, RawMath(match.group("body"), True, match.group("env"), place(start), (index, start))))
        else:
            group = match.lastgroup
            delimiter = {"dollars": "$$", "bracket": "\\[", "paren": "\\(", "inline": "$"}[group]
            if not match.group(group).strip():
                continue
            events.append((start, RawMath(match.group(group), group in ("dollars", "bracket"), delimiter, place(start),
                                          (index, start))))
    events += _text(clean, position, len(clean), place)
    events.sort(key=lambda item: item[0])
    return [event for _, event in events]


def _readable(text: str) -> str:
    """The text with what is not read blanked out, offsets kept: front matter, comments, code, quote markers."""
    front = _FRONT_MATTER.match(text)
    if front:
        text = blank(text, 0, front.end())
    for match in list(_HTML_COMMENT.finditer(text)):
        text = blank(text, match.start(), match.end())
    text = _blank_code(text)
    for match in list(_INLINE_CODE.finditer(text)):
        if "\n\n" not in match.group(0):
            text = blank(text, match.start(), match.end())
    text = _QUOTE.sub(lambda match: " " * len(match.group(0)), text)
    return _CALLOUT.sub(lambda match: " " * len(match.group(0)), text)


def _blank_code(text: str) -> str:
    """Fenced code blanked out; a ```` ```math ```` block becomes `$$ … $$` display math."""
    lines = text.split("\n")
    fence = None
    math = False
    for number, line in enumerate(lines):
        opening = _FENCE.match(line)
        if fence is None and opening:
            fence, math = opening.group(1), opening.group(2).lower() in ("math", "latex", "tex")
            lines[number] = ("$$" if math else "").ljust(len(line))
        elif fence is not None and line.strip().startswith(fence[0] * 3) and not line.strip().strip(fence[0]):
            lines[number] = ("$$" if math else "").ljust(len(line))
            fence = None
        elif fence is not None and not math:
            lines[number] = " " * len(line)
    return "\n".join(lines)


def _text(text: str, start: int, end: int, place) -> list[tuple[float, Event]]:
    events: list[tuple[float, Event]] = []
    offset = start
    lines = text[start:end].split("\n")
    at_line_start = start == 0 or text[start - 1] == "\n"
    for index, line in enumerate(lines):
        if index > 0:
            events.append((offset - 0.5, Prose(" ", place(offset))))
        starts = index > 0 or at_line_start
        heading = _heading(line) if starts else None
        following = lines[index + 1] if index + 1 < len(lines) else ""
        if heading is not None:
            events.append((offset, Heading(heading[0], heading[1], place(offset))))
        elif starts and line.strip() and _SETEXT.match(following) and not _ITEM.match(line):
            events.append((offset, Heading(1 if following.strip()[0] == "=" else 2, line.strip(), place(offset))))
        elif starts and _SETEXT.match(line) and index > 0 and lines[index - 1].strip():
            pass
        elif 0 < index < len(lines) - 1 and not line.strip():
            events.append((offset, Break()))
        elif index > 0 and _ITEM.match(line):
            events.append((offset, Break()))
            events.append((offset + 0.1, Prose(_ITEM.sub("", line), place(offset))))
        elif line.strip():
            events.append((offset, Prose(line, place(offset))))
        offset += len(line) + 1
    return events


def _heading(line: str) -> tuple[int, str] | None:
    found = _HEADING.match(line)
    if found:
        return len(found.group(1)), found.group(2).strip("* ")
    found = _TEX_HEADING.match(line)
    if found:
        return LEVELS.index(found.group(1)) + 1, found.group(2).strip()
    found = _NUMBERED_BOLD.match(line)
    if found:
        return 6, found.group(1).strip()
    return None
