"""Homework 1's deliberate edge cases are what they claim, and they make the mistakes they target glaring."""
import numpy as np
from helpers import HW1, small_case, with_variant

from checks.engine.cases import edge_cases
from checks.engine.check import check_case
from checks.engine.oracles import evaluate


def test_every_edge_and_every_scalar_value_has_an_explicit_case():
    for context in HW1.contexts:
        cases = edge_cases(context)
        assert set(context.edges) <= {case.edge for case in cases}
        for scalar in context.scalars:
            assert set(scalar.values) <= {case.scalars[scalar.name] for case in cases}


def test_tiny_variance_column_has_variance_near_1e_6():
    for case in (small_case("bn", edge="tiny_variance"), small_case("net", edge="tiny_variance")):
        var = evaluate(case).arrays["var"]
        assert 1e-8 < var.min() < 1e-5, var


def test_extreme_logits_reach_about_50():
    assert 35 < np.abs(evaluate(small_case("softmax", m=4, n=5, edge="extreme_logits")).arrays["x"]).max() <= 50
    assert 35 < np.abs(evaluate(small_case("net", edge="extreme_logits", scale=10.0)).arrays["z2B"]).max() < 80


def test_dropped_row_and_zero_p_masks():
    assert not evaluate(small_case("net", edge="dropped_row")).arrays["M"][0].any()
    assert np.all(evaluate(small_case("dropout", p=0.0)).arrays["M"] == 1)


def test_missing_eps_is_glaring_on_a_tiny_variance_column():
    case = small_case("bn", edge="tiny_variance")
    result = check_case(HW1.by_id["bn_dL_dx"], case, with_variant("bn_missing_eps"))
    assert not result.passed
    assert result.comparisons[0].max_rel > 1e-2, result.message
