"""The seed derivation as a real submission: its verdicts, pinned, and deterministic grading.

The verdicts were worked out by hand from the derivation: BatchNorm's forward
pass is mean-centring only (with FC1B's bias added twice), so the forward value
of task B, and equations (5) and (6) built on it, are wrong; equation (7) is
wrong for the real network, whose true ∂L/∂b1B is zero, but right for the
derivation's own forward pass, so it earns error-carried-forward credit.
"""
import json
import subprocess
import sys
from pathlib import Path

import pytest

from helpers import HW1, junit_outcomes

from checks.grading import rubric
from checks.grading.handins import grade_submission
from checks.reports import json_report as reports
from checks.sandbox.isolation import choose

SEED = Path(__file__).parent.parent / "examples" / "seed_submission.py"
PASSED = {"bn_dy_dgamma", "bn_dy_dbeta", "dropout_dy_dx", "softmax_jacobian", "forward_yA_hat", "eq01_dL_dyB_hat",
          "eq02_dyB_hat_dtheta2B", "eq03_dL_dtheta2B", "eq03_dL_db2B", "eq04_dL_dx2B", "eq08_dL_dtheta2A",
          "eq09_dL_db2A", "eq10_dL_dyA_hat", "eq11_dL_dzDP", "eq12_dL_dz1A", "eq13_dL_dtheta1A", "eq14_dL_db1A"}
WRONG = {"forward_yB_hat", "eq05_dL_dz1B", "eq06_dL_dtheta1B", "eq07_dL_db1B"}
NOT_ATTEMPTED = {"bn_dL_dgamma", "bn_dL_dbeta", "bn_dL_dx", "dropout_dL_dx", "softmax_dL_dx", "net_dL_dgamma",
                 "net_dL_dbeta", "net_dL_dx"}


@pytest.fixture(scope="module")
def seed_grades():
    """The seed graded twice with the shipped rubric."""
    return [grade_submission(SEED, HW1, rubric.load(HW1), choose()) for _ in range(2)]


def test_seed_verdicts(seed_grades):
    rows = {row.id: row for row in seed_grades[0].derivations}
    assert {id for id, row in rows.items() if row.status == "passed"} == PASSED
    assert {id for id, row in rows.items() if row.status == "not_attempted"} == NOT_ATTEMPTED
    assert {id: rows[id].status for id in WRONG} == {"forward_yB_hat": "failed", "eq05_dL_dz1B": "failed",
                                                     "eq06_dL_dtheta1B": "failed", "eq07_dL_db1B": "partial"}
    # (5) is (1 - 1/m)/m (dyB θ2B) ⊙ 1[H_BN > 0], and ∂L/∂H_BN = (1/m)(dyB θ2B) ⊙ 1[H_BN > 0]: (m-1)/m times it.
    assert {"known_mistake:seed_eq05", "wrong_node:H_BN", "scaled:(m-1)/m"} <= set(rows["eq05_dL_dz1B"].tags)
    # (6) is (5)ᵀ x. Through BatchNorm's declared backward pass, ∂L/∂z1B is a direct term gamma/sqrt(var+eps) ⊙
    # ∂L/∂H_BN plus the terms through the batch mean and variance; (5) is (m-1)/m times ∂L/∂H_BN, so (6) is the
    # direct term lacking gamma/sqrt(var+eps), times (m-1)/m, with both batch terms missing.
    assert {"known_mistake:seed_eq06", "term_missing:H_BN.batch_mean", "term_missing:H_BN.batch_variance",
            "term_scaled:H_BN.direct", "missing_factor:gamma·1/sqrt(var+eps)", "scaled:(m-1)/m"} <= set(rows["eq06_dL_dtheta1B"].tags)
    # (7) sums (1/m)(dyB θ2B) ⊙ sgn(zBN) over the batch, with zBN = relu(H_BN): that is ∂L/∂beta.
    assert {"ecf", "zero_expected", "known_mistake:seed_eq07", "wrong_node:beta"} <= set(rows["eq07_dL_db1B"].tags)
    assert seed_grades[0].score == len(PASSED) + 0.5


def test_grading_is_deterministic_apart_from_timing(seed_grades):
    first, second = (json.loads(reports.as_json([grade])) for grade in seed_grades)
    assert _without_timing(first) == _without_timing(second)


def _without_timing(value):
    if isinstance(value, dict):
        return {key: _without_timing(item) for key, item in value.items() if key not in reports.TIMING_FIELDS}
    if isinstance(value, list):
        return [_without_timing(item) for item in value]
    return value


def test_reference_package_grades_full_marks():
    grade = grade_submission(Path(__file__).parent.parent / "derivations" / "hw1", HW1, rubric.load(HW1), choose())
    assert [row.id for row in grade.derivations if row.status != "passed"] == []
    assert grade.score == grade.max_score


def test_pytest_with_the_seed_as_submission_fails_exactly_its_wrong_derivations(tmp_path):
    report = tmp_path / "report.xml"
    subprocess.run([sys.executable, "-m", "pytest", "checks/student_tests/test_derivations.py", "-k", "matches_both_oracles",
                    "--submission", str(SEED),
                    "-p", "no:cacheprovider", "-q", f"--junitxml={report}"],
                   cwd=SEED.parent.parent, capture_output=True, env={**_environment(), "HYPOTHESIS_PROFILE": "dev"})
    outcomes = junit_outcomes(report.read_text())
    assert {id for id, outcome in outcomes.items() if outcome == "failed"} == WRONG
    assert {id for id, outcome in outcomes.items() if outcome == "skipped"} == NOT_ATTEMPTED
    assert {id for id, outcome in outcomes.items() if outcome == "passed"} == PASSED


def _environment() -> dict:
    import os

    return dict(os.environ)


def test_the_docs_show_the_seed_table_as_grading_prints_it(seed_grades):
    readme = (Path(__file__).parent.parent / "docs" / "grading.md").read_text()
    block = readme.split("prints a table", 1)[1].split("```", 2)[1]
    rows = {row.id: row for row in seed_grades[0].derivations}
    shown, tags = {}, {}
    last = None
    for line in block.splitlines():
        words = line.split()
        if words and words[0] in rows:
            last = words[0]
            shown[last] = (words[1], words[2])
            tags[last] = " ".join(words[3:])
        elif last is not None and len(line) - len(line.lstrip()) > 30:  # a wrapped tags cell
            tags[last] += " " + line.strip()
    assert shown == {id: (row.status, f"{row.score:g}/{row.max_score:g}") for id, row in rows.items()}
    for id, text in tags.items():
        assert text.replace(" ", "").replace("\n", "") == ",".join(rows[id].tags), id
