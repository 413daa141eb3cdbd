"""Homework 2's example submission graded as a real one: its verdicts, worked out by hand from its source, pinned.

Three of its helpers carry a mistake, and every id built on one inherits it:

- its LayerNorm backward takes `gamma` out of the means, so `ln_dL_dx` is the
  catalog's `ln_gamma_outside`, and `block_dL_dx`, which runs `∂L/∂u` through
  the same helper, is wrong too;
- its softmax backward is `A * dA`, without the row-sum term: `block_dL_dS` is
  the catalog's `softmax_backward_missing_row_sum`, and `block_dL_dWq` and
  `block_dL_dx`, built on it, are wrong in a way no catalog entry describes;
- its `block_dL_dW2` is the transpose, `(d_ff, d)`.

Everything else it defines is right, `forward_y` included, so no error is
carried forward; `block_dA_dS` and `block_dL_db1` are not attempted. With the
shipped rubric (2 points for `ln_dL_dx`, `block_dL_dS` and `block_dL_dWq`, 3 for
`block_dL_dx`, 1 for the other 11) it scores the 8 points of its 8 right ids, of 20.
"""
import ast
import os
import subprocess
import sys
from pathlib import Path

import pytest
from helpers import HW2, junit_outcomes

from checks import cli
from checks.grading import rubric
from checks.grading.handins import grade_submission
from checks.sandbox.isolation import choose

ROOT = Path(__file__).parent.parent
EXAMPLE = ROOT / "examples" / "hw2_submission.py"
PASSED = {"ln_dL_dgamma", "ln_dL_dbeta", "forward_y", "block_dL_db2", "block_dL_dW1", "block_dL_dr", "block_dL_dWo",
          "block_dL_dA"}
FAILED = {"ln_dL_dx", "block_dL_dW2", "block_dL_dS", "block_dL_dWq", "block_dL_dx"}
NOT_ATTEMPTED = {"block_dA_dS", "block_dL_db1"}


@pytest.fixture(scope="module")
def example_rows():
    grade = grade_submission(EXAMPLE, HW2, rubric.load(HW2), choose())
    assert (grade.score, grade.max_score) == (8, 20)
    return {row.id: row for row in grade.derivations}


def test_every_id_has_the_verdict_worked_out_by_hand(example_rows):
    assert PASSED | FAILED | NOT_ATTEMPTED == HW2.ids
    assert {id: row.status for id, row in example_rows.items()} == {
        **{id: "passed" for id in PASSED}, **{id: "failed" for id in FAILED},
        **{id: "not_attempted" for id in NOT_ATTEMPTED}}


def test_each_mistake_is_named_where_the_catalog_knows_it(example_rows):
    assert "known_mistake:ln_gamma_outside" in example_rows["ln_dL_dx"].tags
    assert {"shape_mismatch", "transposed", "known_mistake:transposed_weight_gradient"} <= set(
        example_rows["block_dL_dW2"].tags)
    assert "known_mistake:softmax_backward_missing_row_sum" in example_rows["block_dL_dS"].tags


def test_inherited_mistakes_are_not_misnamed(example_rows):
    for id in ("block_dL_dWq", "block_dL_dx"):
        assert not [tag for tag in example_rows[id].tags if tag.startswith("known_mistake:")], example_rows[id].tags
        assert "ecf" not in example_rows[id].tags


def test_reference_package_grades_full_marks():
    grade = grade_submission(ROOT / "derivations" / "hw2", HW2, rubric.load(HW2), choose())
    assert [row.id for row in grade.derivations if row.status != "passed"] == []
    assert grade.score == grade.max_score == 20


def test_pytest_with_the_example_as_submission_fails_exactly_its_wrong_ids(tmp_path):
    report = tmp_path / "report.xml"
    subprocess.run([sys.executable, "-m", "pytest", "checks/student_tests/test_derivations.py", "-k", "matches_both_oracles",
                    "--assignment", "hw2", "--submission", str(EXAMPLE), "-p", "no:cacheprovider", "-q",
                    f"--junitxml={report}"], cwd=ROOT, capture_output=True,
                   env={**os.environ, "HYPOTHESIS_PROFILE": "dev"})
    outcomes = junit_outcomes(report.read_text())
    assert {id for id, outcome in outcomes.items() if outcome == "failed"} == FAILED
    assert {id for id, outcome in outcomes.items() if outcome == "skipped"} == NOT_ATTEMPTED
    assert {id for id, outcome in outcomes.items() if outcome == "passed"} == PASSED


def test_the_template_is_a_blank_hw2_submission(tmp_path, capsys):
    out = tmp_path / "hw2.py"
    assert cli.main(["template", "--assignment", "hw2", str(out)]) == 0
    functions = {node.name: node for node in ast.parse(out.read_text()).body if isinstance(node, ast.FunctionDef)}
    assert set(functions) == HW2.ids
    assert all(not function.args.args for function in functions.values())
    assert "`(m, t, t, t)`" in ast.get_docstring(functions["block_dA_dS"])
