"""Every tolerance, in one table keyed by dtype.

A comparison allows entry `i` to differ by `rtol * |truth_i| + atol * scale`, where
`scale` is the largest true entry, or the size of the terms the derivation sums
when that is larger (see `Derivation.magnitude`). So a true zero (eq. (7)) is
judged against the size of what cancelled, not against zero.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class Tolerance:
    rtol: float
    atol: float


CLOSED_FORM: dict[np.dtype, Tolerance] = {
    # A closed form and autograd compute the same float64 number by different
    # sequences of a few hundred roundings, each off by at most 2**-53 ≈ 1.1e-16,
    # so their gap is a few 1e-13 of the scale at most. 1e-10 leaves at least 100
    # times the worst gap of every soak recorded in docs/benchmarks.md (the figures
    # live there; tests/test_tolerances_argued.py holds each record to the margin).
    # A BatchNorm without eps is off by eps / (2 var) ≈ 5e-6 at unit variance,
    # and 5e-8 at the largest scale drawn: 50 to 50,000 times the tolerance.
    np.dtype(np.float64): Tolerance(rtol=1e-10, atol=1e-10),
    # A float32 result carries 2**-24 ≈ 6e-8 per rounding; judged at its own precision.
    np.dtype(np.float32): Tolerance(rtol=1e-5, atol=1e-5),
}

NUMERIC = Tolerance(rtol=1e-7, atol=1e-7)
"""Numeric differentiation against autograd or a closed form, widened entry by entry by
Ridders' own error estimate. The extrapolation usually lands within 1e-11 of the
derivative; 1e-7 leaves at least 3 times the worst gap of every soak recorded in
docs/benchmarks.md (tests/test_tolerances_argued.py holds each record to it) and
stays 50 times below the missing-eps error."""


def closed_form_tolerance(dtype: np.dtype) -> Tolerance:
    """The table's row for a returned array: floats by their own precision, anything else as float64."""
    dtype = np.dtype(dtype)
    if dtype in CLOSED_FORM:
        return CLOSED_FORM[dtype]
    if dtype.kind == "f" and dtype.itemsize < 4:
        return Tolerance(rtol=1e-3, atol=1e-3)
    return CLOSED_FORM[np.dtype(np.float64)]
