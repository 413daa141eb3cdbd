"""Comparison semantics: tolerance scale, true zeros, NaN handling."""
import numpy as np

from checks.engine.compare import compare
from checks.engine.tolerances import CLOSED_FORM, closed_form_tolerance

FLOAT64 = CLOSED_FORM[np.dtype(np.float64)]


def test_true_zero_passes_with_zeros_and_roundoff_and_fails_when_visibly_nonzero():
    truth = np.array([1e-17, -2e-17, 0.0])
    terms = 0.5
    assert compare(np.zeros(3), truth, tolerance=FLOAT64, scale=terms, label="x").passed
    assert not compare(np.array([0.0, 1e-6, 0.0]), truth, tolerance=FLOAT64, scale=terms, label="x").passed


def test_relative_error_of_a_missing_eps_is_caught():
    truth = np.array([0.7, -1.3, 2.1])
    assert not compare(truth * (1 + 5e-6), truth, tolerance=FLOAT64, scale=2.1, label="x").passed


def test_nan_in_the_answer_fails_and_nan_in_the_witness_is_skipped():
    truth = np.array([1.0, 2.0])
    assert not compare(np.array([1.0, np.nan]), truth, tolerance=FLOAT64, scale=2.0, label="x").passed
    skipped = compare(np.array([1.0, 99.0]), np.array([1.0, np.nan]), tolerance=FLOAT64, scale=2.0, label="x")
    assert skipped.passed and skipped.total == 1


def test_worst_index_is_the_one_furthest_past_its_allowance():
    result = compare(np.array([[1.0, 2.5], [3.0, 4.0]]), np.array([[1.0, 2.0], [3.0, 4.1]]),
                     tolerance=FLOAT64, scale=4.1, label="x")
    assert (result.mismatched, result.worst, result.max_abs_at) == (2, (0, 1), (0, 1))


def test_lower_precisions_have_their_own_looser_rows_for_the_low_precision_tag():
    assert closed_form_tolerance(np.float32).rtol > closed_form_tolerance(np.float64).rtol
    assert closed_form_tolerance(np.int64) == FLOAT64
