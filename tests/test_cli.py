"""`gradjudge verify`: a table for a subset, a clear error for unknown ids, a non-zero exit on failure."""
from helpers import with_variant

import numpy as np

from checks import cli
from checks.engine.numeric import STEPS


def test_verify_subset_prints_table_and_exits_zero(capsys):
    assert cli.main(["verify", "bn_dL_dbeta", "eq07_dL_db1B", "--profile", "dev"]) == 0
    out = capsys.readouterr().out
    assert "bn_dL_dbeta" in out and "eq07_dL_db1B" in out and "passed" in out
    assert "softmax_jacobian" not in out


def test_unknown_id_is_refused_with_the_closest_ids(capsys):
    assert cli.main(["verify", "eq5"]) == 2
    assert "eq05_dL_dz1B" in capsys.readouterr().out


def test_verify_exits_nonzero_and_explains_a_failure(capsys, monkeypatch):
    monkeypatch.setattr("checks.engine.submission.reference", lambda assignment: with_variant("bn_unbiased_variance"))
    assert cli.main(["verify", "bn_dL_dx", "--profile", "dev"]) == 1
    out = capsys.readouterr().out
    assert "failed" in out and "Worst index" in out


def test_verify_shows_cases_left_without_a_numeric_witness(capsys, monkeypatch):
    every_step_crosses_a_kink = lambda clean: np.full(clean.shape[1:], STEPS)  # noqa: E731
    monkeypatch.setattr("checks.engine.numeric._first_of_clean_tail", every_step_crosses_a_kink)
    assert cli.main(["verify", "eq05_dL_dz1B", "--profile", "dev"]) == 0
    assert "cases without a witness" in capsys.readouterr().out


def test_an_unknown_assignment_is_refused_with_the_known_ones(capsys):
    assert cli.main(["verify", "--assignment", "hw9"]) == 2
    out = capsys.readouterr().out
    assert "hw9" in out and "hw1" in out
