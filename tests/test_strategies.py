"""Case strategies: validated arguments, reachable minimal batches, shrinking to the smallest dims."""
import pytest
from hypothesis import find, settings
from hypothesis.errors import InvalidArgument

from checks.cases import Case
from checks.strategies import cases

QUICK = settings(max_examples=200, database=None)


@pytest.mark.parametrize(("arguments", "says"), [
    (dict(context="conv"), "context='conv', but"),
    (dict(context="bn", min_m=1), "min_m=1, but context 'bn' takes batch statistics"),
    (dict(context="softmax", min_m=0), "min_m=0, but"),
    (dict(context="net", max_m=1), "max_m=1, but"),
    (dict(context="bn", max_width=0), "max_width=0, but"),
    (dict(context="bn", max_width=2.5), "max_width=2.5, but it must be an int"),
    (dict(context="bn", scales=()), "scales=(), but"),
    (dict(context="bn", scales=(1.0, -2.0)), "but -2.0 is not a positive finite number"),
    (dict(context="bn", edges="yes"), "edges='yes', but"),
])
def test_bad_arguments_say_which_and_why(arguments, says):
    with pytest.raises(InvalidArgument, match=says.replace("(", r"\(").replace(")", r"\)")):
        cases(**arguments)


def test_arguments_are_keyword_only():
    with pytest.raises(TypeError):
        cases("bn")


@pytest.mark.parametrize("context", ["bn", "net"])
def test_batch_of_two_is_reachable_where_statistics_are_taken(context):
    assert find(cases(context=context), lambda case: case.size["m"] == 2, settings=QUICK).size["m"] == 2


def test_failures_shrink_to_the_smallest_dims():
    smallest = find(cases(context="net"), lambda case: True, settings=QUICK)
    assert smallest.size == {"m": 2, "d_in": 1, "d_hidden": 1, "d_out": 1, "n_classes": 1}
    assert (smallest.seed, smallest.scale, smallest.edge) == (0, 1.0, None)


@pytest.mark.parametrize(("arguments", "says"), [
    (dict(context="bn", m=1, d=2, eps=1e-5), "m=1, but context 'bn' takes batch statistics"),
    (dict(context="dropout", m=2, d=2, p=1.0), "p=1.0, but"),
    (dict(context="bn", m=2, d=2), "eps=None, but"),
    (dict(context="softmax", m=2, n=2, edge="tiny_variance"), "edge='tiny_variance', but"),
    (dict(context="softmax", m=2, k=2), "dims ['k'], but"),
])
def test_invalid_cases_say_which_and_why(arguments, says):
    with pytest.raises(ValueError, match=says.replace("[", r"\[").replace("]", r"\]")):
        Case.of(**arguments)
