"""Shrinking a derandomized failure: batched rounds reach a case no one-step simplification of which fails,
without replaying hypothesis."""
import pytest
from helpers import HW1, small_case

from checks.engine import profiles, witnessing
from checks.engine.cases import Case
from checks.engine.properties import CheckFailed, case_stream, check_property
from checks.engine.shrinking import simplest, simplifications
from checks.engine.submission import Overlay, reference

DROPOUT = HW1.context("dropout")


def shrunk(case: Case, fails) -> tuple[Case, int]:
    """The simplest case `fails` admits from `case`, and how many requests that took."""
    requests = []

    def failing(cases: list[Case]) -> list[Case]:
        requests.append(len(cases))
        return [candidate for candidate in cases if fails(candidate)]

    return simplest(case, failing), len(requests)


def test_a_failure_needing_a_batch_of_three_and_two_features_ends_there_on_seed_0():
    start = Case.of(DROPOUT, m=6, d=5, p=0.8, seed=123456789, scale=10.0, edge="dropped_row")
    found, requests = shrunk(start, lambda case: case.size["m"] >= 3 and case.size["d"] >= 2)
    assert (found.size, found.seed, found.scale, found.edge, found.scalars) == ({"m": 3, "d": 2}, 0, 1.0, None, {"p": 0.5})
    assert requests <= 12, requests


def test_a_failure_only_on_odd_seeds_keeps_the_smallest_odd_seed():
    start = Case.of(DROPOUT, m=4, d=3, p=0.5, seed=2**31 + 7)
    found, _ = shrunk(start, lambda case: case.seed % 2 == 1)
    assert (found.size, found.seed) == (dict(DROPOUT.axes), 1)  # every axis at its declared minimum


def test_the_result_is_locally_simplest():
    start = Case.of(DROPOUT, m=5, d=4, p=0.2, seed=99, scale=0.1)
    fails = lambda case: case.size["m"] + case.size["d"] >= 6 and case.scale == 0.1  # noqa: E731
    found, _ = shrunk(start, fails)
    assert fails(found)
    assert not [candidate for tier in simplifications(found) for candidate in tier if fails(candidate)]


def test_a_derandomized_failure_is_shrunk_without_replaying_hypothesis(monkeypatch):
    def hypothesis_replayed(*arguments, **keywords):
        raise AssertionError("hypothesis ran again to shrink the failure")

    case_stream(DROPOUT, profiles.PROFILES["ci"])  # the stream drawn (by hypothesis), before it may not run again
    monkeypatch.setattr("checks.engine.properties._on_every_case", hypothesis_replayed)
    wrong = Overlay(reference(HW1), {"dropout_dL_dx": lambda dy, M: M * dy if dy.shape[0] < 3 else 2 * M * dy}, "x")
    with pytest.raises(CheckFailed) as failure:
        check_property(HW1.by_id["dropout_dL_dx"], wrong, profile=profiles.PROFILES["ci"], witness_must_agree=False,
                       witness=witnessing.SAMPLED)
    assert failure.value.result.case.size == {"m": 3, "d": DROPOUT.axes["d"]} and failure.value.result.case.seed == 0
    assert failure.value.result.witnessed  # a reported failure carries the numeric witness


def test_simplifications_never_include_the_case_itself_or_an_invalid_one():
    case = small_case("dropout")
    for tier in simplifications(case):
        assert case.key not in {candidate.key for candidate in tier}
        assert all(candidate.size["m"] >= DROPOUT.axes["m"] for candidate in tier)
