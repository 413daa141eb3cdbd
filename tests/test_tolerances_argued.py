"""The tolerance table's argument holds on the soaks recorded in docs/benchmarks.md.

`checks/engine/tolerances.py` argues its tolerances as margins over the worst gap a
soak has seen and points to the record for the figures. Each soak section's result
line is read here: no failure, and each worst gap inside its tolerance by at least
the margin the argument claims. A soak that records a worse gap fails this test
until the argument (or the tolerance) changes with it.
"""
from __future__ import annotations

import ast
import io
import re
import tokenize
from pathlib import Path

import numpy as np
import pytest

from checks.engine.tolerances import CLOSED_FORM, NUMERIC

DOC = Path(__file__).resolve().parent.parent / "docs" / "benchmarks.md"
TABLE = Path(__file__).resolve().parent.parent / "checks" / "engine" / "tolerances.py"
SHIPPED_SOAKS = {"soak", "soak-hw2", "soak-hw3"}
"""The soaks the project ships records of: the doc must keep at least these."""
SOAKS = sorted(set(re.findall(r"<!-- (soak[\w-]*):start -->", DOC.read_text(encoding="utf-8"))))
"""Every soak section docs/benchmarks.md marks, whatever its name."""
FIGURE = re.compile(r"(?<![\w.])\d+(?:\.\d+)?e-\d+")
CLOSED_MARGIN = 100
"""What the CLOSED_FORM comment claims: 1e-10 is at least 100 times every recorded worst gap."""
NUMERIC_MARGIN = 3
"""What the NUMERIC docstring claims: 1e-7 is at least 3 times every recorded worst gap."""
RESULT = re.compile(r"^Result: \*\*(?P<failures>[\d,]+) failures in (?P<examples>[\d,]+) examples\*\*; "
                    r"the worst closed vs autograd gap is (?P<closed>\S+) \(.*?\), "
                    r"the worst autograd vs numeric gap is (?P<numeric>\S+) \(", re.MULTILINE)


def _section(name: str) -> str:
    text = DOC.read_text(encoding="utf-8")
    start, end = f"<!-- {name}:start -->", f"<!-- {name}:end -->"
    assert text.count(start) == 1 and text.count(end) == 1, f"docs/benchmarks.md has no single {name} section"
    return text.split(start, 1)[1].split(end, 1)[0]


def test_the_soak_sections_are_found_by_their_markers():
    assert SHIPPED_SOAKS <= set(SOAKS), f"docs/benchmarks.md marks only the soak sections {SOAKS}"


@pytest.mark.parametrize("name", SOAKS)
def test_each_recorded_soak_is_inside_the_margins_the_tolerances_argue(name):
    found = RESULT.search(_section(name))
    assert found, f"the {name} section of docs/benchmarks.md has no result line (run benchmarks/soak_record.py)"
    assert found["failures"] == "0", f"{name}: {found['failures']} failures recorded"
    assert int(found["examples"].replace(",", "")) >= 10_000, f"{name}: only {found['examples']} examples recorded"
    closed, numeric = float(found["closed"]), float(found["numeric"])
    tolerance = CLOSED_FORM[np.dtype(np.float64)].rtol
    assert closed * CLOSED_MARGIN <= tolerance, (
        f"{name}: worst closed vs autograd gap {closed:.1e} is not {CLOSED_MARGIN} times inside {tolerance:.0e}")
    assert numeric * NUMERIC_MARGIN <= NUMERIC.rtol, (
        f"{name}: worst autograd vs numeric gap {numeric:.1e} is not {NUMERIC_MARGIN} times inside {NUMERIC.rtol:.0e}")


def _prose(source: str) -> str:
    """The comments and docstrings of a module (a string standing alone as a statement: a module's, a class's, a
    function's, or one under an assignment), one after another."""
    comments = [token.string.lstrip("#").strip() for token in tokenize.generate_tokens(io.StringIO(source).readline)
                if token.type == tokenize.COMMENT]
    strings = [node.value.value for node in ast.walk(ast.parse(source))
               if isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant)
               and isinstance(node.value.value, str)]
    return " ".join(" ".join(part.split()) for part in comments + strings)


def _quoted_soak_figures(source: str) -> list[str]:
    """Sentences that mention a soak and carry a figure in scientific notation other than a tolerance the table
    declares (the table may say what its own tolerances are, never what a soak measured)."""
    declared = {value for tolerance in (*CLOSED_FORM.values(), NUMERIC) for value in (tolerance.rtol, tolerance.atol)}
    sentences = re.split(r"(?<=[.:;])\s+(?=[A-Z0-9(])", _prose(source))
    return [sentence for sentence in sentences if "soak" in sentence.lower()
            and any(float(figure) not in declared for figure in FIGURE.findall(sentence))]


@pytest.mark.parametrize("sentence", [
    "The worst gap a soak has seen is 9.1e-10.",
    "1e-10 leaves 100 times the soak's worst gap, 3e-13.",
    "Soak hw3: worst 12e-9 of the scale.",
])
def test_a_quoted_soak_figure_is_found_in_a_comment_and_a_docstring(sentence):
    assert _quoted_soak_figures(f"# {sentence}\nX = 1\n") == [sentence]
    assert _quoted_soak_figures(f'"""{sentence}"""\n') == [sentence]
    assert _quoted_soak_figures(f"X = 1\n\"\"\"{sentence}\"\"\"\n") == [sentence]


def test_a_tolerance_or_a_figure_away_from_a_soak_is_not_a_quote():
    assert _quoted_soak_figures("# 1e-10 leaves 100 times every soak's worst gap. A rounding is 1.1e-16.\n") == []
    assert _quoted_soak_figures('X = 1  # the soak records it\nY = 2.5e-12\n') == []


def test_the_tolerance_table_quotes_no_soak_figure_of_its_own():
    quoted = _quoted_soak_figures(TABLE.read_text(encoding="utf-8"))
    assert not quoted, f"tolerances.py quotes a soak figure, which goes stale; point to docs/benchmarks.md: {quoted}"
