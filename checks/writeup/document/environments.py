"""LaTeX's display environments as amsmath numbers them: which rows get a number, and the labels they carry.

An `align` (or `gather`, `eqnarray`, `flalign`, `alignat`) numbers each row
that has no `\\nonumber`/`\\notag`; an `equation` or `multline` numbers the
whole; a starred one numbers nothing; `\\tag{…}` names a row's number itself.
Each numbered row gets its number as a `\\tag{…}` in the LaTeX the math stage
reads, so an equation's number travels with it; `\\label`s map to those numbers.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

ENVIRONMENTS: dict[str, str] = {
    "equation": "one formula, numbered as a whole",
    "multline": "one formula broken over lines, numbered as a whole",
    "align": "rows aligned at &, each numbered",
    "flalign": "rows aligned at &, each numbered",
    "alignat": "rows aligned at &, each numbered (its column count is dropped)",
    "eqnarray": "rows aligned at &, each numbered",
    "gather": "rows centred, each numbered",
    "displaymath": "one formula, unnumbered",
    "math": "an inline formula",
}
"""The math environments a write-up may use outside `$…$`, each with how it is numbered (starred: never)."""
ROWED = frozenset({"align", "flalign", "alignat", "eqnarray", "gather"})
WHOLE = frozenset({"equation", "multline"})

ENVIRONMENT = re.compile(r"\\begin\{(?P<env>(?:" + "|".join(ENVIRONMENTS) + r")\*?)\}(?P<body>.+?)\\end\{(?P=env)\}",
                         re.S)
_LABEL = re.compile(r"\\label\s*\{([^{}]*)\}")
_TAG = re.compile(r"\\tag\*?\s*\{([^{}]*)\}")
_NO_NUMBER = re.compile(r"\\(nonumber|notag)(?![A-Za-z])")
_NESTED = re.compile(r"\\(begin|end)\s*\{[^{}]*\}|\\\\|[{}]")


@dataclass(frozen=True)
class Numbered:
    """An environment's body as the math stage reads it, the number of the whole, its labels, and its rows' offsets."""

    latex: str
    number: str | None
    labels: dict[str, str]
    row_offsets: tuple[int, ...]
    """Where each row starts in the body (for the line each row is on)."""


def split_rows(body: str) -> list[tuple[int, str]]:
    """The rows of an environment body, at `\\\\` outside braces and nested environments, with their offsets."""
    rows: list[tuple[int, str]] = []
    depth = 0
    start = 0
    for match in _NESTED.finditer(body):
        token = match.group(0)
        if token == "{" or token.startswith("\\begin"):
            depth += 1
        elif token == "}" or token.startswith("\\end"):
            depth -= 1
        elif token == "\\\\" and depth == 0:
            rows.append((start, body[start:match.start()]))
            start = match.end()
    rows.append((start, body[start:]))
    return [(offset, row) for offset, row in rows if row.strip() or offset == 0]


_INNER = re.compile(r"\\begin\{(aligned|align\*?|gathered|split|array|eqnarray\*?|alignedat)\}(?:\{[^{}]*\})?(.*)"
                    r"\\end\{\1\}", re.S)


def written_rows(body: str, line: int) -> tuple[tuple[str, int], ...]:
    """The rows of a formula as written (its own, or those of the aligned block inside it), each with its line;
    `line` is where the body starts. One row: ()."""
    inner = _INNER.search(body)
    start, content = (inner.start(2), inner.group(2)) if inner else (0, body)
    rows = split_rows(content)
    if len(rows) < 2:
        return ()
    found = []
    for offset, row in rows:
        lead = len(row) - len(row.lstrip())
        found.append((row.strip(), line + body.count("\n", 0, start + offset + lead)))
    return tuple(found)


def number(environment: str, body: str, next_number) -> Numbered:
    """Number `body` of `environment` as amsmath would; `next_number()` gives the next free equation number."""
    starred = environment.endswith("*")
    name = environment.rstrip("*")
    if name == "alignat":
        body = re.sub(r"^\s*\{\s*\d+\s*\}", lambda m: " " * len(m.group(0)), body)
    labels: dict[str, str] = {}
    if name in ROWED:
        rows = split_rows(body)
        pieces = []
        for offset, row in rows:
            tag = _TAG.search(row)
            row_number = None
            if tag is not None:
                row_number = tag.group(1).strip()
            elif not starred and not _NO_NUMBER.search(row) and row.strip():
                row_number = next_number()
                row = row.rstrip() + f" \\tag{{{row_number}}}"
            for label in _LABEL.findall(row):
                labels[label.strip()] = row_number or ""
            pieces.append(row)
        wrapper = "gathered" if name == "gather" else "aligned"
        latex = f"\\begin{{{wrapper}}}" + " \\\\ ".join(pieces) + f"\\end{{{wrapper}}}"
        numbers = [labels_number for labels_number in
                   (_TAG.search(piece).group(1).strip() if _TAG.search(piece) else None for piece in pieces)
                   if labels_number is not None]
        return Numbered(latex, numbers[0] if len(numbers) == 1 else None, labels,
                        tuple(offset for offset, _ in rows))
    whole = None
    tag = _TAG.search(body)
    if tag is not None:
        whole = tag.group(1).strip()
    elif name in WHOLE and not starred and not _NO_NUMBER.search(body):
        whole = next_number()
        body = body.rstrip() + f" \\tag{{{whole}}}"
    if name == "multline":
        body = " ".join(row for _, row in split_rows(body))
    for label in _LABEL.findall(body):
        labels[label.strip()] = whole or ""
    return Numbered(body, whole, labels, (0,))


def resolve_references(text: str, labels: dict[str, str], *, math: bool) -> str:
    """`\\eqref{key}` as `(n)` and `\\ref{key}` as `n`, for the labels the write-up defines (`??` for others)."""
    def eqref(match: re.Match) -> str:
        found = labels.get(match.group(1).strip(), "??")
        return f"\\text{{({found})}}" if math else f"({found})"

    def ref(match: re.Match) -> str:
        found = labels.get(match.group(1).strip(), "??")
        return f"\\text{{{found}}}" if math else found

    text = re.sub(r"\\eqref\s*\{([^{}]*)\}", eqref, text)
    return re.sub(r"\\(?:ref|autoref|cref|Cref)\s*\{([^{}]*)\}", ref, text)
