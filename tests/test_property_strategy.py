"""`check_property(strategy=...)`: the cases come from the strategy given, in the derandomized stream and otherwise."""
from helpers import HW1
from hypothesis import settings

from checks.engine.properties import case_stream, check_property
from checks.engine.strategies import cases
from checks.engine.submission import reference

BN = HW1.context("bn")
DERANDOMIZED = settings(max_examples=15, derandomize=True, database=None, deadline=None)


def test_the_derandomized_stream_is_drawn_from_the_strategy_given():
    narrow = cases(context=BN, max_sizes={"m": 2, "d": 1})
    assert {case.dims for case in case_stream(BN, DERANDOMIZED, strategy=narrow)} == {(("m", 2), ("d", 1))}
    assert len({case.dims for case in case_stream(BN, DERANDOMIZED)}) > 1


def test_the_property_checks_the_cases_of_the_strategy_given():
    entry = next(entry for entry in HW1.derivations if entry.context is BN and entry.kind == "gradient")
    seen = []
    narrow = cases(context=BN, max_sizes={"m": 3, "d": 2}).map(lambda case: seen.append(case.dims) or case)
    for profile in (DERANDOMIZED, settings(max_examples=10, database=None, deadline=None)):
        seen.clear()
        report = check_property(entry, reference(HW1), profile=profile, strategy=narrow)
        assert report.failure is None and seen
        assert all(dict(dims)["m"] <= 3 and dict(dims)["d"] <= 2 for dims in seen)


def test_every_declared_value_of_every_scalar_is_in_the_stream_however_short():
    """A mistake that shows at one value of a scalar only (1 // (1 - p) is whole at p = 0.5 and 0.8, not at 0.2) must
    meet that value, on a case that is not a deliberate edge (a sample with every unit dropped hides it): the stream
    adds a case for each value its plain draws miss."""
    from hypothesis import settings

    from checks import assignments

    for assignment in map(assignments.load, ("hw1", "hw3")):
        for context in assignment.contexts:
            for examples in (1, 5):
                stream = case_stream(context, settings(DERANDOMIZED, max_examples=examples))
                plain = [case for case in stream if case.edge is None]
                for scalar in context.scalars:
                    assert {case.scalars[scalar.name] for case in plain} >= set(scalar.values), (context.name, examples)


def test_a_mistake_that_shows_only_on_an_added_case_is_reported():
    """`1 // (1 - p)` is right at p = 0, 0.5 and 0.8; a stream of 2 draws meets p = 0.2 only on the case added for it.
    Hypothesis, replaying its own draws to shrink, never meets it: the failure must still be reported."""
    import pytest

    from checks.engine.properties import CheckFailed
    from checks.engine.submission import Functions

    entry = HW1.by_id["dropout_dL_dx"]
    truncated = Functions("truncated", {"dropout_dL_dx": lambda dy, M: dy * M.astype(int)})
    with pytest.raises(CheckFailed) as failed:
        check_property(entry, truncated, profile=settings(DERANDOMIZED, max_examples=2))
    assert failed.value.result.case.scalars["p"] == 0.2
