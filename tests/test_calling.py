"""Calling a derivation function: by name, on copies, with its return checked."""
import numpy as np

from checks.sandbox.calling import call, signature_of


def test_signature_lists_required_names_and_spots_kwargs():
    def f(x, dy, scale=2.0, **rest):
        return x

    assert signature_of(f).names == ("x", "dy")
    assert signature_of(f).takes_all


def test_positional_only_parameters_are_a_problem():
    def f(x, /):
        return x

    assert "positional-only" in signature_of(f).problem


def test_in_place_change_is_flagged_even_when_the_value_is_right():
    def scale_in_place(dy):
        dy *= 2
        return dy

    outcome = call(scale_in_place, {"dy": np.ones(3)})
    assert "mutates_input" in outcome.tags and "dy" in outcome.error
    np.testing.assert_array_equal(outcome.value, 2 * np.ones(3))


def test_list_return_becomes_an_array_and_none_is_a_bad_return():
    assert call(lambda x: [[1, 2]], {"x": np.ones(1)}).value.dtype == np.float64
    assert "bad_return" in call(lambda x: None, {"x": np.ones(1)}).tags
    assert "bad_return" in call(lambda x: np.array(["a"]), {"x": np.ones(1)}).tags


def test_exception_is_reported_with_its_line():
    def broken(x):
        return x / undefined_name  # noqa: F821

    outcome = call(broken, {"x": np.ones(1)})
    assert "exception" in outcome.tags
    assert "NameError" in outcome.error and "line" in outcome.error and "broken" in outcome.error
