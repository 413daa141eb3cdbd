"""The fitting behind diagnosis, on arrays built by hand: plain numpy, no model, no submission."""
import itertools

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from checks.grading import hypotheses


def _transform(name: str) -> hypotheses.Transform:
    readings = hypotheses.transforms(transposed="transposed", reshaped="reshaped", diagonal="diagonal",
                                     batch_sum="batch_sum")
    return next(reading for reading in readings if reading.says == name)


def test_a_factor_is_read_from_the_cases_where_the_basis_is_not_roundoff():
    rng = np.random.default_rng(0)
    basis = rng.normal(size=(4, 3))
    # On the second case the basis is roundoff (1e-15 at scale 1, as autograd gives for a derivative that
    # vanishes exactly); the answer there is zero, so that case says nothing about the factor.
    roundoff = 1e-15 * rng.normal(size=(4, 3))
    found = hypotheses.factors([2.5 * basis, np.zeros((4, 3))], [basis, roundoff], [1.0, 1.0])
    assert found is not None and len(found) == 1 and abs(found[0] - 2.5) <= 1e-12  # least squares, to roundoff


def test_an_answer_that_is_not_zero_where_the_basis_is_roundoff_refutes_the_factor():
    rng = np.random.default_rng(1)
    basis = rng.normal(size=(4, 3))
    roundoff = 1e-15 * rng.normal(size=(4, 3))
    assert hypotheses.factors([2.5 * basis, 0.1 * np.ones((4, 3))], [basis, roundoff], [1.0, 1.0]) is None


def test_each_matrix_of_a_batch_first_stack_is_read_transposed():
    stack = np.arange(2 * 3 * 4, dtype=float).reshape(2, 3, 4)
    read = _transform("transposed").apply(stack, (2, 4, 3), 2)
    assert read.shape == (2, 4, 3)
    assert read[1, 3, 2] == stack[1, 2, 3]


def test_a_vector_has_no_transpose():
    assert _transform("transposed").apply(np.ones(3), (3,), 1) is None


@given(st.integers(1, 4), st.integers(2, 30), st.integers(0, 2**32 - 1), st.sampled_from([0.0, 1e-12, 3e-9, 1e-6]))
@settings(max_examples=300, deadline=None, derandomize=True)
def test_no_subset_that_term_weights_fits_is_ever_ruled_out(count, size, seed, noise):
    """`may_be_weighted` says False only where no choice of live parts fits: whatever subset `term_weights` fits (an
    answer built from some of the parts, with noise up to and past the agreement), the prefilter lets through."""
    rng = np.random.default_rng(seed)
    scale = float(10.0 ** rng.integers(-3, 4))
    parts = [scale * rng.standard_normal(size) for _ in range(count)]
    if rng.random() < 0.3:
        parts.append(parts[0] * 2.0)  # a part the others span: the design is singular
    chosen = [part for part in parts if rng.random() < 0.6] or parts[:1]
    answer = sum(rng.normal(0.0, 3.0) * part for part in chosen) + noise * scale * rng.standard_normal(size)
    for size_ in range(1, len(parts) + 1):
        for subset in itertools.combinations(parts, size_):
            if hypotheses.term_weights(answer, list(subset), scale) is not None:
                assert hypotheses.may_be_weighted(answer, parts, scale)


def test_an_answer_no_part_reaches_is_ruled_out_with_one_solve():
    rng = np.random.default_rng(3)
    parts = [rng.standard_normal(40) for _ in range(3)]
    unrelated = rng.standard_normal(40)
    assert not hypotheses.may_be_weighted(unrelated, parts, 1.0)
    assert hypotheses.may_be_weighted(parts[0] - 2 * parts[2], parts, 1.0)
