"""TeX's tokens, as far as a write-up needs them: control sequences, braces, parameters, characters.

A token keeps where it starts in its text, so that a macro's definition and
use can be told by line. `render` joins tokens back into LaTeX, with a space
after a control word where the next token would otherwise run into it.
"""
from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

_TOKEN = re.compile(r"\\([A-Za-z@]+\*?|.)|(#+[1-9])|([{}])|(%[^\n]*)|(\s+)|(.)", re.S)
_TOKEN_NO_COMMENTS = re.compile(r"\\([A-Za-z@]+\*?|.)|(#+[1-9])|([{}])|(\s+)|(.)", re.S)


@dataclass(frozen=True)
class Token:
    kind: str
    """`command` (`\\frac`, `\\,`), `open`, `close`, `param` (`#1`), `space`, `comment` or `char`."""
    text: str
    start: int

    @property
    def name(self) -> str:
        """A command's name without its backslash (`frac`); the text itself for other tokens."""
        return self.text[1:] if self.kind == "command" else self.text


def tokenize(text: str, *, comments: bool = True) -> list[Token]:
    """`text`'s tokens; with `comments`, `%` starts a comment to the end of the line (LaTeX), else it is a char."""
    found = []
    if comments:
        for match in _TOKEN.finditer(text):
            command, param, brace, comment, space, _ = match.groups()
            found.append(Token(_kind(command, param, brace, comment, space), match.group(0), match.start()))
    else:
        for match in _TOKEN_NO_COMMENTS.finditer(text):
            command, param, brace, space, _ = match.groups()
            found.append(Token(_kind(command, param, brace, None, space), match.group(0), match.start()))
    return found


def _kind(command, param, brace, comment, space) -> str:
    if command is not None:
        return "command"
    if param is not None:
        return "param"
    if brace is not None:
        return "open" if brace == "{" else "close"
    if comment is not None:
        return "comment"
    return "space" if space is not None else "char"


def render(tokens: Sequence[Token]) -> str:
    """The LaTeX the tokens spell, with a space wherever a control word would run into a letter."""
    pieces: list[str] = []
    previous: Token | None = None
    for token in tokens:
        if previous is not None and previous.kind == "command" and previous.text[-1:].isalpha() \
                and token.kind == "char" and token.text.isalpha():
            pieces.append(" ")
        pieces.append(token.text)
        previous = token
    return "".join(pieces)


def group_end(tokens: Sequence[Token], start: int) -> int:
    """The index just past the group opening at `tokens[start]` (`{`), or -1 if it is never closed."""
    depth = 0
    for index in range(start, len(tokens)):
        kind = tokens[index].kind
        if kind == "open":
            depth += 1
        elif kind == "close":
            depth -= 1
            if depth == 0:
                return index + 1
    return -1


def skip_space(tokens: Sequence[Token], index: int) -> int:
    while index < len(tokens) and tokens[index].kind in ("space", "comment"):
        index += 1
    return index


def argument(tokens: Sequence[Token], index: int) -> tuple[list[Token], int] | None:
    """One TeX argument from `index`: a braced group (without its braces) or a single token; None at the end."""
    index = skip_space(tokens, index)
    if index >= len(tokens) or tokens[index].kind == "close":
        return None
    if tokens[index].kind == "open":
        end = group_end(tokens, index)
        if end < 0:
            return None
        return list(tokens[index + 1:end - 1]), end
    return [tokens[index]], index + 1


def optional(tokens: Sequence[Token], index: int) -> tuple[list[Token], int] | None:
    """An optional `[…]` argument from `index` (brackets inside braces do not end it); None if there is none."""
    index = skip_space(tokens, index)
    if index >= len(tokens) or tokens[index].text != "[":
        return None
    depth = 0
    for position in range(index + 1, len(tokens)):
        token = tokens[position]
        depth += {"open": 1, "close": -1}.get(token.kind, 0)
        if depth == 0 and token.text == "]":
            return list(tokens[index + 1:position]), position + 1
    return None
