"""The checker catches every known wrong formula within the profile's example budget."""
import pytest

from checks.catalog import CATALOG
from checks.check import CLOSED_VS_AUTOGRAD
from checks.properties import CheckFailed, check_property
from checks.registry import BY_ID
from checks.submission import Overlay, reference


@pytest.mark.parametrize("variant", CATALOG, ids=lambda variant: variant.name)
def test_checker_catches_wrong_variant(variant):
    wrong = Overlay(reference(), {variant.id: variant.function}, variant.name)
    with pytest.raises(CheckFailed) as caught:
        check_property(BY_ID[variant.id], wrong)
    result = caught.value.result
    assert result.status == "failed", result.message
    assert "shape_mismatch" in result.tags or not result.comparison(CLOSED_VS_AUTOGRAD).passed, result.message


def test_catalog_covers_the_required_mistakes():
    required = {"seed_eq05", "seed_eq06", "seed_eq07", "transposed_weight_gradient", "missing_mean", "sign_flipped",
                "bn_variance_path_missing", "bn_unbiased_variance", "bn_missing_eps", "dropout_missing_rescale",
                "softmax_jacobian_diagonal_only", "softmax_vjp_missing_y", "eq10_missing_skip_path"}
    assert required <= {variant.name for variant in CATALOG}
    assert all(variant.id in BY_ID for variant in CATALOG)
