"""The checker catches every known wrong formula of every assignment within the profile's example budget."""
import pytest
from helpers import ASSIGNMENTS, HW1

from checks.engine.check import CLOSED_VS_AUTOGRAD
from checks.engine.properties import CheckFailed, check_property
from checks.engine.submission import Overlay, reference

VARIANTS = [(assignment, variant) for assignment in ASSIGNMENTS for variant in assignment.catalog]


@pytest.mark.parametrize(("assignment", "variant"), VARIANTS, ids=lambda value: getattr(value, "name", ""))
def test_checker_catches_wrong_variant(assignment, variant):
    wrong = Overlay(reference(assignment), {variant.id: variant.function}, variant.name)
    with pytest.raises(CheckFailed) as caught:
        check_property(assignment.by_id[variant.id], wrong)
    result = caught.value.result
    assert result.status == "failed", result.message
    assert "shape_mismatch" in result.tags or not result.comparison(CLOSED_VS_AUTOGRAD).passed, result.message


def test_the_first_catalog_covers_the_mistakes_it_was_made_for():
    required = {"seed_eq05", "seed_eq06", "seed_eq07", "transposed_weight_gradient", "missing_mean", "eq01_sign_flipped",
                "bn_variance_path_missing", "bn_unbiased_variance", "bn_missing_eps", "dropout_missing_rescale",
                "softmax_jacobian_diagonal_only", "softmax_vjp_missing_y", "eq10_missing_skip_path"}
    assert required <= {variant.name for variant in HW1.catalog}
