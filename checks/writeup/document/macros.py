"""The write-up's own macros: found where they are defined, expanded where they are used.

`\\newcommand`, `\\renewcommand`, `\\providecommand` (with a number of arguments
and a default for the first), `\\def` with undelimited parameters, `\\let`, and
`\\DeclareMathOperator` (as `\\operatorname`). A definition holds from where it
stands, in LaTeX as in Jupyter's MathJax; a use before any definition takes
the first one after it. Expansion is capped, so a macro that expands into
itself is a clear problem, never a hang.
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from checks.writeup.document.model import Macro
from checks.writeup.document.tokens import Token, argument, group_end, optional, render, skip_space, tokenize

DEFINING = frozenset({"newcommand", "renewcommand", "providecommand", "newcommand*", "renewcommand*",
                      "providecommand*", "def", "gdef", "edef", "xdef", "let", "DeclareMathOperator",
                      "DeclareMathOperator*", "DeclareRobustCommand", "DeclareRobustCommand*"})
"""Commands that define a macro."""
MOST_EXPANSIONS = 2000
"""Macro uses expanded in one formula before expansion is taken to never end."""
MOST_TOKENS = 50_000
"""Tokens one formula may grow to by expansion."""


class MacroProblem(ValueError):
    """A macro use that cannot be expanded: too few arguments, or an expansion that never ends."""


@dataclass(frozen=True)
class Definition:
    """A macro definition found in a text: the macro, and the span of the text that defines it."""

    macro: Macro
    start: int
    end: int


def find_definitions(text: str, *, place_of, comments: bool) -> list[Definition]:
    """Every macro definition in `text`, in order; `place_of(offset)` gives the `Place` of an offset."""
    tokens = tokenize(text, comments=comments)
    found = []
    index = 0
    while index < len(tokens):
        token = tokens[index]
        if token.kind == "command" and token.name in DEFINING:
            parsed = _definition(tokens, index)
            if parsed is not None:
                (name, arguments, default, body), end = parsed
                end_offset = tokens[end - 1].start + len(tokens[end - 1].text)
                macro = Macro(name, arguments, default, body, place_of(token.start), token.name.rstrip("*"))
                found.append(Definition(macro, token.start, end_offset))
                index = end
                continue
        index += 1
    return found


def _definition(tokens: Sequence[Token], index: int):
    """`(name, arguments, default, body), end` for the definition starting at `tokens[index]`, or None."""
    command = tokens[index].name
    position = skip_space(tokens, index + 1)
    if position < len(tokens) and tokens[position].text == "*":
        position = skip_space(tokens, position + 1)
    named = _defined_name(tokens, position)
    if named is None:
        return None
    name, position = named
    if command == "let":
        position = skip_space(tokens, position)
        if position < len(tokens) and tokens[position].text == "=":
            position = skip_space(tokens, position + 1)
        if position >= len(tokens):
            return None
        return (name, 0, None, tokens[position].text), position + 1
    if command.startswith("DeclareMathOperator"):
        body = argument(tokens, position)
        if body is None:
            return None
        star = "*" if command.endswith("*") else ""
        return (name, 0, None, f"\\operatorname{star}{{{render(body[0]).strip()}}}"), body[1]
    if command in ("def", "gdef", "edef", "xdef"):
        arguments = 0
        while position < len(tokens) and tokens[position].kind == "param":
            arguments += 1
            position += 1
        if position >= len(tokens) or tokens[position].kind != "open":
            return None
        end = group_end(tokens, position)
        if end < 0:
            return None
        return (name, arguments, None, render(tokens[position + 1:end - 1])), end
    arguments, default = 0, None
    count = optional(tokens, position)
    if count is not None:
        text = render(count[0]).strip()
        if not text.isdigit():
            return None
        arguments, position = int(text), count[1]
        first = optional(tokens, position)
        if first is not None:
            default, position = render(first[0]), first[1]
    body = argument(tokens, position)
    if body is None:
        return None
    return (name, arguments, default, render(body[0])), body[1]


def _defined_name(tokens: Sequence[Token], position: int) -> tuple[str, int] | None:
    """The command a definition names: `\\pd` or `{\\pd}`."""
    if position >= len(tokens):
        return None
    if tokens[position].kind == "command":
        return tokens[position].name, position + 1
    if tokens[position].kind == "open":
        end = group_end(tokens, position)
        inner = [token for token in tokens[position + 1:end - 1] if token.kind != "space"] if end > 0 else []
        if len(inner) == 1 and inner[0].kind == "command":
            return inner[0].name, end
    return None


class Macros:
    """The macros of a write-up in the order they are defined, each known from where it stands."""

    def __init__(self) -> None:
        self._defined: list[tuple[tuple[int, int], Macro]] = []

    def add(self, order: tuple[int, int], macro: Macro) -> None:
        """Define `macro` at `order` (the source's number and the offset in it)."""
        self._defined.append((order, macro))
        self._defined.sort(key=lambda item: item[0])

    def at(self, order: tuple[int, int]) -> dict[str, Macro]:
        """The macros in force at `order`: the last definition before it, else the first one after it."""
        found: dict[str, Macro] = {}
        for defined_at, macro in self._defined:
            if defined_at <= order or macro.name not in found:
                found[macro.name] = macro
        return found

    def all(self) -> dict[str, Macro]:
        return {macro.name: macro for _, macro in self._defined}


def expand(latex: str, macros: dict[str, Macro]) -> tuple[str, tuple[Macro, ...]]:
    """`latex` with every use of `macros` expanded, and the macros that were; raises `MacroProblem`."""
    if not macros or "\\" not in latex:
        return latex, ()
    tokens = tokenize(latex)
    used: dict[str, Macro] = {}
    expansions = 0
    index = 0
    while index < len(tokens):
        token = tokens[index]
        macro = macros.get(token.name) if token.kind == "command" else None
        if macro is None:
            index += 1
            continue
        expansions += 1
        if expansions > MOST_EXPANSIONS or len(tokens) > MOST_TOKENS:
            raise MacroProblem(f"{macro.describe()}; expanding it never ends (it expands into itself)")
        arguments, end = _arguments(tokens, index + 1, macro)
        body = _substituted(tokenize(macro.body), arguments)
        tokens[index:end] = body
        used.setdefault(macro.name, macro)
    return render(tokens), tuple(used.values())


def _arguments(tokens: list[Token], index: int, macro: Macro) -> tuple[list[list[Token]], int]:
    arguments: list[list[Token]] = []
    wanted = macro.arguments
    if macro.default is not None and wanted:
        given = optional(tokens, index)
        if given is None:
            arguments.append(tokenize(macro.default))
        else:
            arguments.append(given[0])
            index = given[1]
    while len(arguments) < wanted:
        found = argument(tokens, index)
        if found is None:
            raise MacroProblem(f"{macro.describe()}; here it is given {len(arguments)} "
                               f"argument{'s' if len(arguments) != 1 else ''}")
        arguments.append(found[0])
        index = found[1]
    return arguments, index


def _substituted(body: list[Token], arguments: list[list[Token]]) -> list[Token]:
    result: list[Token] = []
    for token in body:
        if token.kind == "param" and len(token.text) == 2 and int(token.text[1]) <= len(arguments):
            result += arguments[int(token.text[1]) - 1]
        elif token.kind == "param" and token.text.startswith("##"):
            result.append(Token("param", token.text[1:], token.start))
        else:
            result.append(token)
    return result


__all__ = ["DEFINING", "Definition", "MacroProblem", "Macros", "expand", "find_definitions"]

