"""The fitting behind diagnosis, on arrays built by hand: plain numpy, no model, no submission."""
import numpy as np

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
