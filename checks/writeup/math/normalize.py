"""One formula's LaTeX in the canonical spelling the grammar reads: the same mathematics, fewer ways to write it.

Each rewrite keeps the meaning and is listed in `REWRITES`: single-token
arguments braced (`\\frac1m`, `\\hat y`), derivatives in every spelling made
`\\frac{\\partial …}{\\partial …}` (`\\partial L/\\partial W`, `\\frac{dL}{dW}`,
`\\nabla_W L`), indicator and ones in every font made `\\ones`, Unicode symbols
made commands, prose words and `\\forall` made prose, `&&` comments of an
aligned row dropped, OCR's `\\left\\{\\begin{array}…\\right.` made `cases`, and a
`\\left(` whose `\\right` is missing (a typo) read as a plain bracket.
"""
from __future__ import annotations

import re

from checks.writeup.document.tokens import Token, argument, group_end, render, skip_space, tokenize

REWRITES: dict[str, str] = {
    "unicode": "Unicode math symbols (θ, ∂, ⊙, ᵀ, …) as the LaTeX commands they typeset",
    "braced_arguments": "single-token arguments braced: \\frac1m as \\frac{1}{m}, \\hat y as \\hat{y}",
    "old_fonts": "{\\bf x} and {\\rm d} as \\mathbf{x} and \\mathrm{d}",
    "operators": "\\operatorname*{f} and \\mathop{\\mathrm{f}} as \\operatorname{f}",
    "ones": "\\mathbb{1}, \\mathbf{1}, \\mathds{1}, \\bm{1}, \\mathbb{I} as \\ones (a ones vector, or an indicator "
            "before a condition)",
    "derivatives": "\\partial L/\\partial W, \\frac{dL}{dW}, \\frac{\\mathrm{d}L}{\\mathrm{d}W} and \\nabla_W L as "
                   "\\frac{\\partial L}{\\partial W}",
    "evaluation_bars": "\\Big|_{x = x_i} after an expression dropped (it says where the expression is evaluated)",
    "prose": "\\text{where}, \\forall, \\Rightarrow as prose between clauses",
    "alignment_comments": "&& and what follows it in an aligned row, when it states no relation (a comment)",
    "arrays": "OCR's \\left\\{\\begin{array}…\\end{array}\\right. as cases, a bare array as aligned rows",
    "unbalanced_sizes": "\\left( without its \\right) (or the reverse): every \\left and \\right read as plain "
                        "brackets",
    "primes": "^{\\prime} and ^\\prime as a prime",
}
"""Every rewrite the normalizer makes, each with what it does."""

UNICODE = {"θ": "\\theta ", "∂": "\\partial ", "⊙": "\\odot ", "∘": "\\circ ", "⊘": "\\oslash ", "·": "\\cdot ",
           "×": "\\times ", "−": "-", "∑": "\\sum ", "Σ": "\\sum ", "σ": "\\sigma ", "μ": "\\mu ", "γ": "\\gamma ",
           "β": "\\beta ", "ε": "\\epsilon ", "ϵ": "\\epsilon ", "δ": "\\delta ", "α": "\\alpha ", "λ": "\\lambda ",
           "∇": "\\nabla ", "ᵀ": "^{T}", "′": "'", "≤": "\\le ", "≥": "\\ge ", "≠": "\\neq ", "∈": "\\in ",
           "ŷ": "\\hat{y}", "x̂": "\\hat{x}", "√": "\\sqrt ", "∀": "\\forall ", "…": "\\dots ", "φ": "\\varphi ",
           "Φ": "\\Phi ", "π": "\\pi ", "η": "\\eta ", "τ": "\\tau ", "ω": "\\omega ", "ℓ": "\\ell ", "⋅": "\\cdot "}
ONE_ARGUMENT = frozenset({"mathbf", "boldsymbol", "bm", "mathcal", "mathbb", "mathds", "mathbbm", "vec", "hat", "bar",
                          "tilde", "widehat", "widetilde", "overline", "dot", "pmb", "mathrm", "mathit", "mathsf",
                          "mathtt", "text", "textrm", "textbf", "textit", "mbox", "operatorname", "sqrt", "boldsymbol"})
TWO_ARGUMENTS = frozenset({"frac", "dfrac", "tfrac", "cfrac"})
OLD_FONTS = {"bf": "mathbf", "rm": "mathrm", "it": "mathit", "cal": "mathcal", "sf": "mathsf", "tt": "mathtt",
             "boldmath": "boldsymbol"}
ONE_FONTS = frozenset({"mathbb", "mathbf", "mathds", "mathbbm", "bm", "boldsymbol", "pmb", "mathrm", "textbf"})
PROSE_WORDS = frozenset({"where", "and", "for", "if", "when", "with", "otherwise", "else", "s.t.", "since", "so",
                         "hence", "thus", "then", "i.e.", "e.g.", "or", "all", "each", "every", "in", "as", "by",
                         "其中", "且", "当", "若", "如果", "即", "所以", "因此"})
_RELATION = re.compile(r"(?<!\\)=|<|>|\\(le|leq|ge|geq|neq|ne|approx|equiv|coloneqq|triangleq)(?![A-Za-z])")
_ALIGNED = re.compile(r"(\\begin\{(aligned|gathered|split)\})(.*?)(\\end\{\2\})", re.S)


def normalize(latex: str) -> str:
    """`latex` rewritten into the grammar's canonical spelling (see `REWRITES`)."""
    for char, command in UNICODE.items():
        latex = latex.replace(char, command)
    latex = _arrays(latex)
    tokens = tokenize(latex)
    tokens = _old_fonts(tokens)
    tokens = _braced(tokens)
    tokens = _operators(tokens)
    tokens = _ones(tokens)
    tokens = _derivatives(tokens)
    tokens = _prose(tokens)
    tokens = _unbalanced(tokens)
    latex = render(tokens)
    latex = re.sub(r"\^\s*\{\s*\\prime\s*\}|\^\s*\\prime(?![A-Za-z])", "'", latex)
    latex = re.sub(r"\\(?:[bB]igg?|[bB]ig)[lr]?\s*\|\s*_\s*\{[^{}]*\}", " ", latex)
    return _alignment_comments(latex)


def _arrays(latex: str) -> str:
    latex = re.sub(r"\\left\s*\\\{\s*\\begin\{array\}\s*\{[^{}]*\}(.*?)\\end\{array\}\s*\\right\s*\.",
                   lambda m: f"\\begin{{cases}}{m.group(1)}\\end{{cases}}", latex, flags=re.S)
    return re.sub(r"\\begin\{array\}\s*\{[^{}]*\}(.*?)\\end\{array\}",
                  lambda m: f"\\begin{{aligned}}{m.group(1)}\\end{{aligned}}", latex, flags=re.S)


def _old_fonts(tokens: list[Token]) -> list[Token]:
    """`{\\bf x}` as `\\mathbf{x}`."""
    result: list[Token] = []
    index = 0
    while index < len(tokens):
        token = tokens[index]
        inner = skip_space(tokens, index + 1)
        if token.kind == "open" and inner < len(tokens) and tokens[inner].kind == "command" \
                and tokens[inner].name in OLD_FONTS:
            end = group_end(tokens, index)
            if end > 0:
                result += [Token("command", "\\" + OLD_FONTS[tokens[inner].name], token.start), token,
                           *tokens[inner + 1:end - 1], tokens[end - 1]]
                index = end
                continue
        result.append(token)
        index += 1
    return result


def _braced(tokens: list[Token]) -> list[Token]:
    """Every argument of a one- or two-argument command in braces: `\\frac1m` as `\\frac{1}{m}`."""
    result: list[Token] = []
    index = 0
    while index < len(tokens):
        token = tokens[index]
        result.append(token)
        index += 1
        if token.kind != "command" or (token.name.rstrip("*") not in ONE_ARGUMENT and token.name not in TWO_ARGUMENTS):
            continue
        count = 2 if token.name in TWO_ARGUMENTS else 1
        for _ in range(count):
            found = argument(tokens, index)
            if found is None:
                break
            inner, index = found
            inner = _braced(list(inner))
            result += [Token("open", "{", token.start), *inner, Token("close", "}", token.start)]
    return result


def _operators(tokens: list[Token]) -> list[Token]:
    """`\\operatorname*{f}` and `\\mathop{\\mathrm{f}}` as `\\operatorname{f}`."""
    result: list[Token] = []
    index = 0
    while index < len(tokens):
        token = tokens[index]
        if token.kind == "command" and token.name == "operatorname*":
            result.append(Token("command", "\\operatorname", token.start))
            index += 1
            continue
        if token.kind == "command" and token.name == "mathop":
            found = argument(tokens, index + 1)
            if found is not None:
                inner = [t for t in found[0] if t.kind not in ("space",)]
                words = inner[2:-1] if len(inner) > 3 and inner[0].kind == "command" and inner[1].kind == "open" \
                    else inner
                result += [Token("command", "\\operatorname", token.start), Token("open", "{", token.start),
                           *words, Token("close", "}", token.start)]
                index = found[1]
                continue
        result.append(token)
        index += 1
    return result


def _ones(tokens: list[Token]) -> list[Token]:
    """`\\mathbb{1}` (and every font of 1, and `\\mathbb{I}`) as `\\ones`."""
    result: list[Token] = []
    index = 0
    while index < len(tokens):
        token = tokens[index]
        if token.kind == "command" and token.name in ONE_FONTS | {"mathbb"}:
            found = argument(tokens, index + 1)
            if found is not None:
                inner = render(found[0]).strip()
                if inner == "1" or (inner == "I" and token.name in ("mathbb", "mathds", "mathbbm")):
                    result.append(Token("command", "\\ones", token.start))
                    index = found[1]
                    continue
        result.append(token)
        index += 1
    return result


def _atom_end(tokens: list[Token], index: int) -> int:
    """The index past one atom at `index` (a command with its braced arguments, a char or a group) and its scripts."""
    index = skip_space(tokens, index)
    if index >= len(tokens):
        return -1
    token = tokens[index]
    if token.kind == "open":
        index = group_end(tokens, index)
    elif token.kind == "command":
        index += 1
        while index < len(tokens) and tokens[index].kind == "open":
            index = group_end(tokens, index)
            if index < 0:
                return -1
    elif token.kind == "char" and (token.text.isalnum()):
        index += 1
    else:
        return -1
    if index < 0:
        return -1
    while True:
        after = skip_space(tokens, index)
        if after < len(tokens) and tokens[after].text in ("_", "^"):
            found = argument(tokens, after + 1)
            if found is None:
                return index
            index = found[1]
        elif after < len(tokens) and tokens[after].text == "'":
            index = after + 1
        else:
            return index


def _frac_of(numerator: list[Token], denominator: list[Token], at: int) -> list[Token]:
    return [Token("command", "\\frac", at), Token("open", "{", at), Token("command", "\\partial", at),
            Token("space", " ", at), *numerator, Token("close", "}", at), Token("open", "{", at),
            Token("command", "\\partial", at), Token("space", " ", at), *denominator, Token("close", "}", at)]


def _differential(tokens: list[Token]) -> list[Token] | None:
    """What follows a `d`/`\\mathrm{d}` opening `tokens` (the thing differentiated), or None if it does not open so."""
    meaningful = [token for token in tokens if token.kind != "space"]
    if not meaningful:
        return None
    first = meaningful[0]
    if first.kind == "char" and first.text == "d" and len(meaningful) > 1:
        start = tokens.index(first) + 1
        return tokens[start:]
    if first.kind == "command" and first.name in ("mathrm", "text", "operatorname", "mathit") and len(meaningful) > 4 \
            and meaningful[1].kind == "open" and meaningful[2].text == "d" and meaningful[3].kind == "close":
        start = tokens.index(meaningful[3]) + 1
        return tokens[start:]
    return None


def _derivatives(tokens: list[Token]) -> list[Token]:
    """Every spelling of a derivative as `\\frac{\\partial X}{\\partial Y}`."""
    result: list[Token] = []
    index = 0
    while index < len(tokens):
        token = tokens[index]
        if token.kind == "command" and token.name in TWO_ARGUMENTS:
            first = argument(tokens, index + 1)
            second = argument(tokens, first[1]) if first is not None else None
            if first is not None and second is not None:
                of, wrt = _differential(first[0]), _differential(second[0])
                if of is not None and wrt is not None:
                    result += _frac_of(_derivatives(of), _derivatives(wrt), token.start)
                    index = second[1]
                    continue
        if token.kind == "command" and token.name == "partial":
            of_end = _atom_end(tokens, index + 1)
            slash = skip_space(tokens, of_end) if of_end > 0 else -1
            if slash > 0 and slash < len(tokens) and tokens[slash].text == "/":
                partial = skip_space(tokens, slash + 1)
                if partial < len(tokens) and tokens[partial].kind == "command" and tokens[partial].name == "partial":
                    wrt_end = _atom_end(tokens, partial + 1)
                    if wrt_end > 0:
                        result += _frac_of(tokens[index + 1:of_end], tokens[partial + 1:wrt_end], token.start)
                        index = wrt_end
                        continue
        if token.kind == "command" and token.name == "nabla":
            under = skip_space(tokens, index + 1)
            if under < len(tokens) and tokens[under].text == "_":
                found = argument(tokens, under + 1)
                if found is not None:
                    of_end = _atom_end(tokens, found[1])
                    if of_end > 0:
                        result += _frac_of(tokens[found[1]:of_end], found[0], token.start)
                        index = of_end
                        continue
        result.append(token)
        index += 1
    return result


def _prose(tokens: list[Token]) -> list[Token]:
    """`\\text{where}` (a word read as prose), `\\forall`, `\\Rightarrow` as prose between clauses."""
    result: list[Token] = []
    index = 0
    while index < len(tokens):
        token = tokens[index]
        if token.kind == "command" and token.name in ("text", "textrm", "mbox", "mathrm", "textit") \
                and not _in_script(result):
            found = argument(tokens, index + 1)
            if found is not None and render(found[0]).strip().lower() in PROSE_WORDS:
                words = render(found[0]).strip()
                result += tokenize(f"\\text{{ {words} }}")
                index = found[1]
                continue
        if token.kind == "command" and token.name in ("forall", "Rightarrow", "implies", "Longrightarrow", "therefore",
                                                      "because", "iff", "Leftrightarrow"):
            word = "for all" if token.name == "forall" else "hence"
            result += tokenize(f"\\text{{ {word} }}")
            index += 1
            continue
        result.append(token)
        index += 1
    return result


def _in_script(before: list[Token]) -> bool:
    """Whether the next token stands in a sub- or superscript (`x^{\\text{in}}`): its words are a name, not prose."""
    meaningful = [token for token in before if token.kind != "space"]
    if meaningful and meaningful[-1].text in ("_", "^"):
        return True
    return len(meaningful) > 1 and meaningful[-1].kind == "open" and meaningful[-2].text in ("_", "^")


def _unbalanced(tokens: list[Token]) -> list[Token]:
    """A typo's `\\left(` without `\\right`: every `\\left`/`\\right` dropped, so the brackets read plainly."""
    lefts = sum(1 for token in tokens if token.kind == "command" and token.name == "left")
    rights = sum(1 for token in tokens if token.kind == "command" and token.name == "right")
    if lefts == rights:
        return tokens
    result: list[Token] = []
    index = 0
    while index < len(tokens):
        token = tokens[index]
        if token.kind == "command" and token.name in ("left", "right"):
            following = skip_space(tokens, index + 1)
            index = following + 1 if following < len(tokens) and tokens[following].text == "." else index + 1
            continue
        result.append(token)
        index += 1
    return result


def _alignment_comments(latex: str) -> str:
    """In an aligned block, `&& comment` at the end of a row dropped where the comment states no relation."""
    def rows(match: re.Match) -> str:
        from checks.writeup.document.environments import split_rows

        kept = []
        for _, row in split_rows(match.group(3)):
            if "&&" in row:
                before, _, after = row.partition("&&")
                tag = re.search(r"\\tag\*?\s*\{[^{}]*\}", after)
                if not _RELATION.search(re.sub(r"\\text\s*\{[^{}]*\}", "", after)):
                    row = before + (" " + tag.group(0) if tag else "")
            kept.append(row)
        return match.group(1) + " \\\\ ".join(kept) + match.group(4)

    return _ALIGNED.sub(rows, latex)
