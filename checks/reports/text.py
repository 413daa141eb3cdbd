"""Text a student controls, made safe for where it goes: a terminal, or Markdown.

Messages, file names and tags can all come from a submission (an exception's
text, a folder's name). In a terminal, a control character or an escape
sequence could redraw the screen (a fake "29 / 29"); in rich, square brackets
would be read as markup; in Markdown, a line of backticks could close the code
block a message sits in. These helpers make such text inert, and keep ordinary
text, newlines and tabs included, as it is.
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


def _escape(character: str) -> str:
    code = ord(character)
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"
