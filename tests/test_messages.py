"""Failure messages say which derivation, with respect to what, on which case, where and by how much."""
from helpers import HW1, small_case, with_variant

from checks.engine.check import check_case


def test_failure_message_names_everything_a_student_needs():
    case = small_case("net", seed=3)
    result = check_case(HW1.by_id["eq05_dL_dz1B"], case, with_variant("seed_eq05"))
    message = result.message
    for expected in ("eq05_dL_dz1B", "∂L/∂z1B", "section (5)", case.describe(), "Mismatched elements",
                     "Greatest absolute difference", "Greatest relative difference", "Worst index",
                     "closed form =", "autograd =", "numeric ="):
        assert expected in message, message


def test_shape_mismatch_names_both_shapes_and_the_axes():
    result = check_case(HW1.by_id["eq03_dL_dtheta2B"], small_case("net", n_classes=2), with_variant("transposed_weight_gradient"))
    assert "shape_mismatch" in result.tags
    assert "returned shape (3, 2); expected (2, 3) = (n_classes, d_out)" in result.message
