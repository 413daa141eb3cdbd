"""Homework 2's deliberate edge cases are what they claim, and its tolerances hold for honest formulas the reference does not use."""
import math

import numpy as np
from helpers import HW2, small_case

from checks.engine.cases import edge_cases
from checks.engine.check import check_case
from checks.engine.oracles import evaluate
from checks.engine.submission import Overlay, reference

erfc = np.vectorize(math.erfc)


def test_every_edge_and_every_scalar_value_has_an_explicit_case():
    for context in HW2.contexts:
        cases = edge_cases(context)
        assert set(context.edges) <= {case.edge for case in cases}
        for scalar in context.scalars:
            assert set(scalar.values) <= {case.scalars[scalar.name] for case in cases}


def test_tiny_variance_row_has_variance_near_1e_6():
    for context in ("layernorm", "transformer"):
        var = evaluate(small_case(context, HW2, edge="tiny_variance")).arrays["var"]
        assert 1e-8 < var.min() < 1e-5, var
        assert np.median(var) > 1e-2, var


def test_saturated_attention_is_nearly_one_hot_without_underflow():
    arrays = evaluate(small_case("transformer", HW2, edge="saturated_attention")).arrays
    assert abs(np.abs(arrays["S"]).max() - 40) < 1e-9
    assert arrays["A"].max() > 1 - 1e-9
    assert 0 < arrays["A"].min() < 1e-12


def _phi_with_erfc(z):
    """The normal CDF from erfc: accurate far below zero, where torch's and the reference's 1 + erf cancel to 0."""
    return 0.5 * erfc(-z / math.sqrt(2))


def _dL_dh_in_with_erfc(y, y_target, m, W2, h_in):
    derivative = _phi_with_erfc(h_in) + h_in * np.exp(-h_in**2 / 2) / math.sqrt(2 * math.pi)
    return (y - y_target) / m @ W2 * derivative


ACCURATE_GELU = {
    "block_dL_dW2": lambda y, y_target, m, h_in: np.einsum("mtd,mtf->df", (y - y_target) / m, h_in * _phi_with_erfc(h_in)),
    "block_dL_dW1": lambda y, y_target, m, W2, h_in, r: np.einsum(
        "mtf,mtd->fd", _dL_dh_in_with_erfc(y, y_target, m, W2, h_in), r),
    "block_dL_db1": lambda y, y_target, m, W2, h_in: _dL_dh_in_with_erfc(y, y_target, m, W2, h_in).sum(axis=(0, 1)),
}


def test_an_accurate_gelu_passes_where_the_gelu_saturates():
    """Every GELU input far below zero: torch's GELU there is exactly 0 and its derivative near 1e-16, and
    computing them more accurately (with erfc) moves the gradients by about 1e-16 of the terms they sum:
    roundoff of those terms, not a wrong formula."""
    case = small_case("transformer", HW2, m=1, t=2, d=2, d_ff=1, eps=1e-3, scale=10.0, seed=55)
    assert evaluate(case).arrays["h_in"].max() < -8
    accurate = Overlay(reference(HW2), ACCURATE_GELU, "erfc")
    for id in ACCURATE_GELU:
        result = check_case(HW2.by_id[id], case, accurate)
        assert not np.array_equal(result.closed, result.truth), f"{id}: the case no longer tells erfc from 1 + erf"
        assert result.passed, result.message
