"""Parsing one formula's LaTeX into the syntax tree of `checks.writeup.tree`, with lark."""
from __future__ import annotations

import difflib
import functools
import re
from pathlib import Path

from lark import Lark, Token, Transformer, v_args
from lark.exceptions import LarkError, UnexpectedCharacters, UnexpectedEOF, UnexpectedInput

from checks.writeup.math.normalize import normalize
from checks.writeup.math.tree import (ACCENTS, Add, Args, CaseRow, Cases, Derivative, Dots, Formula, Frac, Func, Group,
                                      Indicator, Matrix, Name, Node, Norm, Num, Ones, Product, Prose, Relation, Row,
                                      Script, Scripted, Sqrt, Sum, spell)

GRAMMAR = Path(__file__).with_name("grammar.lark")

RELATIONS = {"=": "=", ":=": "=", "\\coloneqq": "=", "\\triangleq": "=", "\\equiv": "=", "\\approx": "=",
             "<": "<", ">": ">", "\\le": "<=", "\\leq": "<=", "\\ge": ">=", "\\geq": ">=", "\\ne": "!=", "\\neq": "!=",
             "\\in": "in", "\\sim": "sim", "\\to": "to", "\\mapsto": "to", "\\rightarrow": "to", "\\propto": "propto"}
OPERATORS = {"\\cdot": "cdot", "\\times": "times", "\\odot": "odot", "\\circ": "odot", "\\ast": "cdot", "*": "cdot",
             "/": "/", "\\oslash": "/", "\\div": "/", "\\bullet": "cdot", "\\otimes": "times"}


class FormulaSyntaxError(ValueError):
    """A formula that the grammar does not recognise; the message says where and what was found."""


@functools.cache
def _parser() -> Lark:
    return Lark(GRAMMAR.read_text(encoding="utf-8"), parser="earley", lexer="basic", ambiguity="resolve",
                propagate_positions=False)


STRUCTURAL = frozenset({"begin", "end", "label", "tag", "quad", "qquad", "ones", "nabla", "partial", "left", "right",
                        "dfrac", "tfrac"})
"""Commands read where they stand, outside the grammar's own tokens (environments, tags, spacing)."""
UNREAD_COMMANDS: dict[str, str] = {
    "int": "an integral", "prod": "a product over an index", "lim": "a limit", "overset": "a symbol set over another",
    "underset": "a symbol set under another", "underbrace": "an underbrace", "overbrace": "an overbrace",
    "stackrel": "a stacked relation", "binom": "a binomial coefficient", "det": "a determinant",
    "infty": "infinity", "mathop": "an operator", "xrightarrow": "an arrow with a label",
}
"""LaTeX commands a formula may hold that the grammar does not read, each with what it writes."""


def parse(latex: str) -> Formula:
    """The syntax tree of one formula; raises `FormulaSyntaxError` naming what stops it being readable.

    The formula is first rewritten into the grammar's canonical spelling
    (`checks.writeup.math.normalize`).
    """
    if not isinstance(latex, str):
        raise TypeError(f"latex={latex!r}, but a formula is a str")
    text = normalize(latex)
    try:
        tree = _parser().parse(text)
    except (UnexpectedCharacters, UnexpectedEOF, UnexpectedInput) as error:
        raise FormulaSyntaxError(_describe(error, text)) from None
    except LarkError as error:
        raise FormulaSyntaxError(f"not readable as a formula ({error})") from None
    return _ToTree().transform(tree)


@functools.cache
def known_commands() -> frozenset[str]:
    """Every command the grammar reads (`frac`, `sin`, …), taken from the grammar itself."""
    grammar = GRAMMAR.read_text(encoding="utf-8")
    found = set(re.findall(r"\\\\(?:\[[a-z]+\]\??)?([A-Za-z]{2,})", grammar))
    for alternatives in re.findall(r"/\\\\\(([^)]+)\)", grammar):
        found.update(word for word in alternatives.split("|") if word.isalpha())
    return frozenset(found | STRUCTURAL)


def _describe(error: UnexpectedInput, text: str) -> str:
    position = getattr(error, "pos_in_stream", None)
    if position is None and getattr(error, "token", None) is not None:
        position = getattr(error.token, "start_pos", None)
    opened = _unclosed(text)
    if position is None or position >= len(text.rstrip()) or isinstance(error, UnexpectedEOF) \
            or (opened and not text[position:].strip()[1:].strip()):
        return "the formula ends before it is complete" + (f" (`{opened}` is never closed)" if opened else "")
    context = text[max(0, position - 15):position + 25].replace("\n", " ")
    command = re.match(r"\\([A-Za-z]+)", text[position:])
    if command is not None:
        name = command.group(1)
        if name in UNREAD_COMMANDS:
            return f"`\\{name}` ({UNREAD_COMMANDS[name]}) is not read, in `…{context}…`"
        if name not in known_commands():
            closest = difflib.get_close_matches(name, sorted(known_commands()), n=2, cutoff=0.75)
            suggestions = " or ".join("`\\" + candidate + "`" for candidate in closest)
            hint = f"; did you mean {suggestions}?" if closest else ""
            return (f"`\\{name}` is not a LaTeX command the reader knows, nor a macro the write-up defines{hint} "
                    f"(in `…{context}…`)")
        return f"`\\{name}` cannot stand where it does, in `…{context}…`"
    return f"`{text[position]}` cannot stand where it does, in `…{context}…`"


def _unclosed(text: str) -> str | None:
    """The first bracket (or brace, or environment) opened and never closed, if any."""
    stack: list[str] = []
    pairs = {")": "(", "]": "[", "}": "{"}
    for match in re.finditer(r"\\(?:begin|end)\{[^{}]*\}|\\[{}]|[()\[\]{}]", text):
        token = match.group(0)
        if token.startswith("\\begin") or token in "([{" or token == "\\{":
            stack.append(token)
        elif stack and (token.startswith("\\end") or pairs.get(token) == stack[-1] or token == "\\}"):
            stack.pop()
    return stack[0] if stack else None


def _tag_number(token: Token) -> str:
    """`5` for `\\tag{5}` or `\\quad (5)`."""
    value = str(token)
    opening, closing = ("{", "}") if "{" in value else ("(", ")")
    return value[value.index(opening) + 1:value.rindex(closing)].strip()


def _command(token: Token) -> str:
    return str(token).lstrip("\\")


def _text_content(token: Token) -> str:
    value = str(token)
    return value[value.index("{") + 1:value.rindex("}")]


@v_args(inline=True)
class _ToTree(Transformer):
    """Lark's parse tree to `checks.writeup.tree` nodes."""

    def start(self, formula):
        return formula

    def formula(self, body, tags=None):
        rows = body
        return Formula(rows, tags)

    def tags(self, *tags):
        return _tag_number(tags[-1])

    def rows(self, *rows):
        return tuple(row for row in rows if isinstance(row, Row))

    def row(self, *items):
        return Row(tuple(item for item in items if item is not None))

    def sep(self, token):
        return Prose(_text_content(token).strip()) if token.type == "PROSE" else None

    def chain(self, *items):
        expressions, relations = [], []
        for item in items:
            if isinstance(item, Token) and item.type == "AMP":
                continue
            if isinstance(item, str) and not isinstance(item, Token):
                relations.append(item)
            else:
                expressions.append(item)
        relations = relations[:len(expressions) - 1]
        return expressions[0] if not relations else Relation(tuple(expressions), tuple(relations))

    def rel(self, token):
        return RELATIONS[str(token)]

    def aligned(self, *items):
        rows = [item for item in items if isinstance(item, tuple)]
        chains: list[tuple[list, str | None]] = []
        for row, tag in rows:
            if chains and row and isinstance(row[0], str):
                chains[-1][0].extend(row)
                chains[-1] = (chains[-1][0], tag or chains[-1][1])
            else:
                chains.append((list(row), tag))
        result = []
        for chain, tag in chains:
            expressions = [item for item in chain if not isinstance(item, str)]
            relations = [item for item in chain if isinstance(item, str)][:max(len(expressions) - 1, 0)]
            result.append(Row((Relation(tuple(expressions), tuple(relations)) if relations else expressions[0],), tag))
        return tuple(result)

    def arow(self, *items):
        tag = next((_tag_number(item) for item in items if isinstance(item, Token) and item.type == "TAG"), None)
        kept = [item for item in items
                if not (isinstance(item, Token) and item.type in ("AMP", "TAG")) and not isinstance(item, Prose | None)]
        return kept, tag

    def expr(self, *items):
        terms, sign = [], "+"
        for item in items:
            if isinstance(item, Token) and item.type == "SIGN":
                sign = "-" if str(item) == "-" else "+"
            else:
                terms.append((sign, item))
                sign = "+"
        if len(terms) == 1 and terms[0][0] == "+":
            return terms[0][1]
        return Add(tuple(terms))

    def term(self, *items):
        factors, operators, pending = [], [], "juxtapose"
        for item in items:
            if isinstance(item, Token) and item.type == "MULOP":
                pending = OPERATORS[str(item)]
                continue
            if factors and pending == "juxtapose" and isinstance(factors[-1], Ones) and _is_condition(item):
                factors[-1] = Indicator(item.body)
                continue
            if factors:
                operators.append(pending)
            factors.append(_indicator(item))
            pending = "juxtapose"
        if len(factors) == 1:
            return factors[0]
        return Product(tuple(factors), tuple(operators))

    def bigop(self, _sum, limits, body):
        lower, upper = limits
        return Sum(lower, upper, body)

    def limits(self, *items):
        lower = upper = None
        for marker, script in zip(items[::2], items[1::2]):
            if marker.type == "SUB":
                lower = script
            else:
                upper = script
        return lower, upper

    def factor(self, atom, *postfixes):
        node = atom
        sub = sup = None
        primes = 0
        for kind, script in postfixes:
            if kind == "prime":
                primes += 1
                continue
            if (kind == "sub" and sub is not None) or (kind == "sup" and sup is not None):
                node = Scripted(node, sub, sup, primes)
                sub = sup = None
                primes = 0
            if kind == "sub":
                sub = script
            else:
                sup = script
        if sub is None and sup is None and primes == 0:
            return node
        return Scripted(node, sub, sup, primes)

    def sub(self, _marker, script):
        return "sub", script

    def sup(self, _marker, script):
        return "sup", script

    def prime(self, _marker):
        return "prime", None

    def braced(self, body=None):
        parts = body or ()
        return Script(",".join(spell(part) for part in parts), tuple(parts))

    def script(self, item):
        if isinstance(item, Token):
            node = self._token_atom(item)
        else:
            node = item
        return Script(spell(node), (node,))

    def script_body(self, *items):
        return tuple(item for item in items if not (isinstance(item, Token) and item.type == "COMMA"))

    def _token_atom(self, token: Token) -> Node:
        if token.type == "LETTER":
            return Name(str(token))
        if token.type == "NUMBER":
            return Num(float(token), str(token))
        if token.type == "GREEK":
            return Name(_command(token))
        if token.type == "TOP":
            return Name("T")
        if token.type == "NAMETEXT":
            return Name(_text_content(token), text=True)
        return Name(str(token))

    def letter(self, token):
        return Name(str(token))

    def greek(self, token):
        return Name(_command(token))

    def number(self, token):
        return Num(float(token), str(token))

    def nametext(self, token):
        return Name(_text_content(token), text=True)

    def func(self, token):
        return Func(_command(token))

    def dots(self, _token):
        return Dots()

    def ones(self, _token):
        return Ones()

    def top(self, _token):
        return Name("T")

    def wrapped(self, wrapper, *inner):
        command = _command(wrapper)
        inner = tuple(self._token_atom(item) if isinstance(item, Token) else item for item in inner)
        accent = command if command in ACCENTS else None
        if len(inner) == 1:
            return _accented(inner[0], accent)
        return Product(tuple(_accented(item, accent) for item in inner), ("juxtapose",) * (len(inner) - 1))

    def paren(self, body):
        return Group(body, "paren")

    def bracket(self, body):
        return Group(body, "bracket")

    def brace(self, body):
        return Group(body, "brace")

    def sized(self, _left, *items):
        tokens = [item for item in items if isinstance(item, Token) and item.type != "RIGHT"]
        body = next(item for item in items if not isinstance(item, Token))
        opening = str(tokens[0]) if tokens else "("
        closing = str(tokens[-1]) if len(tokens) > 1 else ")"
        if opening == "." and closing == "|":
            return Group(body, "evaluated")
        return Group(body, {"(": "paren", "[": "bracket", "\\{": "set"}.get(opening, "paren"))

    def set_brace(self, _open, body, _close):
        return Group(body, "set")

    def args(self, *items):
        return Args(tuple(item for item in items if not isinstance(item, Token)))

    def frac(self, _frac, numerator, denominator):
        return Frac(numerator, denominator)

    def derivative(self, _frac, _p1, of, _p2, wrt):
        return Derivative(of, wrt)

    def sqrt(self, _sqrt, argument):
        return Sqrt(argument)

    def norm(self, *items):
        return Norm(next(item for item in items if not isinstance(item, Token)))

    def cases(self, *items):
        return Cases(tuple(item for item in items if isinstance(item, CaseRow)))

    def case_row(self, value, *rest):
        condition = next((item for item in rest if isinstance(item, Row)), None)
        return CaseRow(value, condition)

    def matrix(self, *items):
        return Matrix(tuple(item for item in items if isinstance(item, tuple)))

    def matrix_row(self, *items):
        return tuple(item for item in items if not (isinstance(item, Token) and item.type == "AMP"))


def _is_condition(node: Node) -> bool:
    return isinstance(node, Group) and isinstance(node.body, Relation) and node.delimiter in ("bracket", "set", "paren")


def _indicator(node: Node) -> Node:
    """`\\mathbb{1}_{h > 0}` as the indicator of its subscript."""
    if isinstance(node, Scripted) and isinstance(node.base, Ones) and node.sub is not None and node.sup is None \
            and len(node.sub.parts) == 1 and isinstance(node.sub.parts[0], Relation):
        return Indicator(node.sub.parts[0])
    return node


def _accented(node: Node, accent: str | None) -> Node:
    """`\\hat{\\mathbf{y}}`: the accent goes on the innermost symbol, outside any script written inside it."""
    if accent is None:
        return node
    if isinstance(node, Name):
        return Name(node.spelling, (accent, *node.accents), node.text)
    if isinstance(node, Scripted):
        return Scripted(_accented(node.base, accent), node.sub, node.sup, node.primes)
    return node
