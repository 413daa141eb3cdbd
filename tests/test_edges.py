"""Deliberate edge cases, tested explicitly: the reference passes on them and they are what they claim."""
import numpy as np
import pytest
from helpers import small_case, with_variant

from checks.check import check_case
from checks.oracles import evaluate
from checks.registry import BY_ID, REGISTRY

EDGE_CASES = [
    small_case("bn", edge="tiny_variance", seed=1),
    small_case("bn", m=2, d=2, edge="tiny_variance", seed=2),
    small_case("dropout", p=0.0, seed=3),
    small_case("dropout", edge="dropped_row", seed=4),
    small_case("softmax", m=4, n=5, edge="extreme_logits", seed=5),
    small_case("net", p=0.0, seed=6),
    small_case("net", edge="tiny_variance", seed=7),
    small_case("net", edge="dropped_row", p=0.8, seed=8),
    small_case("net", edge="extreme_logits", seed=9),
]


@pytest.mark.parametrize(("entry", "case"), [(entry, case) for case in EDGE_CASES for entry in REGISTRY
                                             if entry.context == case.context],
                         ids=lambda value: getattr(value, "id", None) or repr(value))
def test_reference_passes_on_edge_case(entry, case, submission, requires):
    requires(entry.id)
    result = check_case(entry, case, submission)
    assert result.passed, result.message


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
    result = check_case(BY_ID["bn_dL_dx"], case, with_variant("bn_missing_eps"))
    assert not result.passed
    assert result.comparisons[0].max_rel > 1e-2, result.message
