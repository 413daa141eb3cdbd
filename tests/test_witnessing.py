"""The witness policy: which cases the numeric witness confirms autograd on, while grading and while proving."""
import pytest

from helpers import HW1, small_case

from checks.engine import witnessing

EDGE = next(iter(HW1.context("bn").edges))


def stream(count: int) -> list:
    """`count` cases of one regime (no edge, scale 1), seeds 0 to count - 1."""
    return [small_case("bn", seed=seed) for seed in range(count)]


def chosen(policy, cases, agrees=lambda index: True) -> list[int]:
    return [index for index, case in enumerate(cases) if policy(case, agrees(index))]


def test_every_case_is_witnessed_under_every():
    assert chosen(witnessing.policy(witnessing.EVERY), stream(25)) == list(range(25))


def test_sampled_takes_the_first_of_a_regime_then_one_in_ten_by_place():
    # 25 agreeing cases of one regime: the first (place 0) and places 10 and 20.
    assert chosen(witnessing.policy(witnessing.SAMPLED), stream(25)) == [0, 10, 20]


def test_sampled_always_witnesses_a_disagreement():
    disagreeing = {3, 7, 14}
    found = chosen(witnessing.policy(witnessing.SAMPLED), stream(25), agrees=lambda index: index not in disagreeing)
    assert found == [0, 3, 7, 10, 14, 20]


def test_sampled_takes_the_first_case_of_each_new_regime():
    cases = [*stream(3), small_case("bn", seed=3, scale=10.0), small_case("bn", seed=4, scale=10.0),
             small_case("bn", seed=5, edge=EDGE), small_case("bn", seed=6, scale=10.0, edge=EDGE)]
    assert chosen(witnessing.policy(witnessing.SAMPLED), cases) == [0, 3, 5, 6]


def test_a_fresh_policy_chooses_the_same_cases_and_dims_are_not_a_regime():
    cases = [small_case("bn", seed=seed, m=2 + seed % 5) for seed in range(25)]
    first, second = (chosen(witnessing.policy(witnessing.SAMPLED), cases) for _ in range(2))
    assert first == second == [0, 10, 20]


def test_an_unknown_policy_names_the_known_ones():
    with pytest.raises(ValueError, match=r"witness='often', but the policies are every, sampled"):
        witnessing.policy("often")


def test_never_witnesses_no_case_not_even_a_disagreement():
    assert chosen(witnessing.policy(witnessing.NEVER), stream(25), agrees=lambda index: index % 2 == 0) == []
