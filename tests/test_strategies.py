"""Case strategies: validated arguments, reachable minimal batches, shrinking to the smallest dims."""
import pytest
from helpers import ASSIGNMENTS, HW1
from hypothesis import find, settings
from hypothesis.errors import InvalidArgument

from checks.engine.cases import Case, smallest_case
from checks.engine.strategies import cases

QUICK = settings(max_examples=200, database=None)
BN, DROPOUT, SOFTMAX, NET = (HW1.context(name) for name in ("bn", "dropout", "softmax", "net"))
CONTEXTS = [context for assignment in ASSIGNMENTS for context in assignment.contexts]


@pytest.mark.parametrize(("arguments", "says"), [
    (dict(context="conv"), "context='conv', but"),
    (dict(context=BN, min_batch=1), "min_batch=1, but context 'bn' needs a batch of at least 2"),
    (dict(context=SOFTMAX, min_batch=0), "min_batch=0, but"),
    (dict(context=NET, max_batch=1), "max_batch=1, but"),
    (dict(context=BN, max_width=0), "max_width=0, but"),
    (dict(context=BN, max_width=2.5), "max_width=2.5, but it must be an int"),
    (dict(context=BN, scales=()), "scales=(), but"),
    (dict(context=BN, scales=(1.0, -2.0)), "but -2.0 is not a positive finite number"),
    (dict(context=BN, edges="yes"), "edges='yes', but"),
])
def test_bad_arguments_say_which_and_why(arguments, says):
    with pytest.raises(InvalidArgument, match=says.replace("(", r"\(").replace(")", r"\)")):
        cases(**arguments)


def test_arguments_are_keyword_only():
    with pytest.raises(TypeError):
        cases(BN)


@pytest.mark.parametrize("context", CONTEXTS, ids=lambda context: context.name)
def test_the_smallest_batch_a_context_allows_is_reachable(context):
    smallest = context.sizes[context.batch_axis].minimum
    found = find(cases(context=context), lambda case: case.size[context.batch_axis] == smallest, settings=QUICK)
    assert found.size[context.batch_axis] == smallest


@pytest.mark.parametrize("context", CONTEXTS, ids=lambda context: context.name)
def test_failures_shrink_to_the_smallest_dims(context):
    smallest = find(cases(context=context), lambda case: True, settings=QUICK)
    assert smallest.size == smallest_case(context).size
    assert (smallest.seed, smallest.scale, smallest.edge) == (0, 1.0, None)
    assert smallest.scalars == {scalar.name: scalar.values[0] for scalar in context.scalars}


@pytest.mark.parametrize(("context", "arguments", "says"), [
    (BN, dict(m=1, d=2, eps=1e-5), "m=1, but context 'bn' needs m of at least 2"),
    (DROPOUT, dict(m=2, d=2, p=1.0), "p=1.0, but the drop probability must lie in [0, 1)"),
    (BN, dict(m=2, d=2), "eps=None, but"),
    (SOFTMAX, dict(m=2, n=2, edge="tiny_variance"), "edge='tiny_variance', but"),
    (SOFTMAX, dict(m=2, k=2), "dims ['k'], but"),
])
def test_invalid_cases_say_which_and_why(context, arguments, says):
    with pytest.raises(ValueError, match=says.replace("[", r"\[").replace("]", r"\]").replace("(", r"\(").replace(")", r"\)")):
        Case.of(context, **arguments)


def test_max_sizes_bound_each_named_axis_and_the_others_keep_theirs():
    drawn = find(cases(context=NET, max_sizes={"m": 3, "d_in": 2}, max_width=7),
                 lambda case: case.size["m"] > 3 or case.size["d_in"] > 2 or case.size["d_out"] == 7, settings=QUICK)
    assert drawn.size["m"] <= 3 and drawn.size["d_in"] <= 2 and drawn.size["d_out"] == 7


@pytest.mark.parametrize(("max_sizes", "says"), [
    ({"q": 3}, "max_sizes={'q': 3}, but 'q' is not an axis of context 'bn' (m, d)"),
    ({"m": 1}, "max_sizes={'m': 1}, but m must be an int of at least its minimum, 2"),
    ([("m", 3)], "max_sizes=[('m', 3)], but it must map axis names to their largest sizes"),
])
def test_bad_max_sizes_say_which_and_why(max_sizes, says):
    with pytest.raises(InvalidArgument) as raised:
        cases(context=BN, max_sizes=max_sizes)
    assert str(raised.value) == says
