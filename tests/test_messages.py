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
    assert "returned shape (3, 2); expected shape (2, 3) = (n_classes, d_out)" in result.message


def test_a_mutation_says_what_changed_not_three_equal_values():
    def in_place(dy, M):
        dy *= M
        return dy

    from checks.engine.submission import Overlay, reference

    result = check_case(HW1.by_id["dropout_dL_dx"], small_case("dropout", p=0.5), Overlay(reference(HW1), {"dropout_dL_dx": in_place}, "x"))
    assert "changes its input in place" in result.message and "Worst index" not in result.message
    assert "changed its argument dy in place" in result.message and "became" in result.message


def test_a_scalar_is_called_a_scalar_and_right_values_in_a_wrong_shape_are_said_to_be_right():
    from checks.engine.submission import Overlay, reference

    scalar = check_case(HW1.by_id["bn_dL_dbeta"], small_case("bn", d=1), Overlay(reference(HW1), {"bn_dL_dbeta": lambda dy: float(dy.sum())}, "x"))
    assert "returned a scalar; expected shape (1,)" in scalar.message
    row = check_case(HW1.by_id["bn_dL_dbeta"], small_case("bn"), Overlay(reference(HW1), {"bn_dL_dbeta": lambda dy: dy.sum(axis=0)[None]}, "x"))
    assert "squeezed to (3,), its values are right" in row.message


def test_unknown_names_are_matched_by_synonym_and_case():
    from checks.engine.check import refusal
    from checks.sandbox.calling import Signature

    for asked, meant in (("batch_size", "m"), ("zdp", "zDP"), ("w2b", "theta2B"), ("W_2B", "theta2B")):
        _, detail = refusal(HW1.by_id["eq06_dL_dtheta1B"], Signature((asked,)))
        assert f"'{asked}' (closest: {meant}" in detail, detail


def test_a_removed_numpy_alias_is_named_with_the_fix():
    from checks.engine.submission import Overlay, reference

    import numpy as np

    def old_numpy(dy, M):
        return (M * dy).astype(np.float)  # noqa: NPY001

    result = check_case(HW1.by_id["dropout_dL_dx"], small_case("dropout"), Overlay(reference(HW1), {"dropout_dL_dx": old_numpy}, "x"))
    assert "np.float was removed from numpy" in result.message and "Troubleshooting" in result.message
