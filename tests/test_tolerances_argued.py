"""The tolerance table's argument holds on the soaks recorded in docs/benchmarks.md.

`checks/engine/tolerances.py` argues its tolerances as margins over the worst gap a
soak has seen and points to the record for the figures. Each soak section's result
line is read here: no failure, and each worst gap inside its tolerance by at least
the margin the argument claims. A soak that records a worse gap fails this test
until the argument (or the tolerance) changes with it.
"""
from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pytest

from checks.engine.tolerances import CLOSED_FORM, NUMERIC

DOC = Path(__file__).resolve().parent.parent / "docs" / "benchmarks.md"
SOAKS = ("soak", "soak-hw2", "soak-hw3")
CLOSED_MARGIN = 100
"""What the CLOSED_FORM comment claims: 1e-10 is at least 100 times every recorded worst gap."""
NUMERIC_MARGIN = 10
"""What the NUMERIC docstring claims: 1e-7 is at least 10 times every recorded worst gap."""
RESULT = re.compile(r"^Result: \*\*(?P<failures>[\d,]+) failures in (?P<examples>[\d,]+) examples\*\*; "
                    r"the worst closed vs autograd gap is (?P<closed>\S+) \(.*?\), "
                    r"the worst autograd vs numeric gap is (?P<numeric>\S+) \(", re.MULTILINE)


def _section(name: str) -> str:
    text = DOC.read_text(encoding="utf-8")
    start, end = f"<!-- {name}:start -->", f"<!-- {name}:end -->"
    assert text.count(start) == 1 and text.count(end) == 1, f"docs/benchmarks.md has no single {name} section"
    return text.split(start, 1)[1].split(end, 1)[0]


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


def test_the_tolerance_table_quotes_no_soak_figure_of_its_own():
    source = (Path(__file__).resolve().parent.parent / "checks" / "engine" / "tolerances.py").read_text()
    prose = " ".join(line.strip().lstrip("#").strip() for line in source.splitlines())
    sentences = re.split(r"(?<=[.:])\s+(?=[A-Z0-9])", prose)
    quoted = [sentence for sentence in sentences if "soak" in sentence and re.search(r"\d\.\de-\d+", sentence)]
    assert not quoted, f"tolerances.py quotes a soak figure, which goes stale; point to docs/benchmarks.md: {quoted}"
