"""Text a student controls, made safe for where it goes: one rule per kind of output, all of them here.

Messages, file names and tags can all come from a submission (an exception's
text, a folder's name, a write-up's formula). Each kind of output has its rule,
and every student-controlled string passes through it on the way out:

- plain text and terminals (`printable`): a control character or an escape
  sequence could redraw the screen (a fake "29 / 29") or retitle the window, so
  each is shown as a `\\xNN` / `\\uNNNN` escape; in rich (`literal`), square
  brackets would also be read as markup, so text is never parsed as markup;
- Markdown, such as Gradescope's `output` (`fenced`): text outside a code
  block could render as a heading, a link or an image, so it goes in one, whose
  fence no run of backticks inside it can close;
- CSV (`spreadsheet_safe`): a cell starting with `=`, `+`, `-` or `@` would
  run as a spreadsheet formula;
- HTML: the class report's template escapes every value (Jinja2 autoescape,
  see `checks.reports.class_report`), after `printable`, under a policy that
  runs no script;
- JSON stays data: it is written with `json.dumps`, never pasted together.

Ordinary text, newlines and tabs included, is kept as it is.
"""
from __future__ import annotations

import re

from rich.text import Text

_UNSAFE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff]")
"""C0 and C1 controls but newline and tab, DEL, and the zero-width and bidirectional-override characters."""


def printable(text: str) -> str:
    """`text` with every control or direction-changing character shown as a `\\xNN` / `\\uNNNN` escape."""
    return _UNSAFE.sub(lambda match: _escape(match.group()), text)


def literal(text: str, style: str = "") -> Text:
    """`text` for rich, printable and never read as markup."""
    return Text(printable(text), style=style)


def fenced(text: str) -> str:
    """`text` in a Markdown code block whose fence no run of backticks inside it can close."""
    body = printable(text)
    longest = max((len(run) for run in re.findall(r"`+", body)), default=0)
    fence = "`" * max(3, longest + 1)
    return f"{fence}\n{body}\n{fence}"


def spreadsheet_safe(text: str) -> str:
    """A cell a spreadsheet will not run as a formula: text starting with `=`, `+`, `-` or `@` gets a leading `'`."""
    text = printable(text)
    return f"'{text}" if text[:1] in ("=", "+", "-", "@") else text


def _escape(character: str) -> str:
    code = ord(character)
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"
