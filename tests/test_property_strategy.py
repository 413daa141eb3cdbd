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
    assert {case.dims for case in case_stream(BN, DERANDOMIZED, narrow)} == {(("m", 2), ("d", 1))}
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
