"""Error carried forward pays only for a genuine forward pass, decided by the forward pass, not by its loss moving.

Expected outcomes, written down before running:

- `zero_effort`: the forward pass `yA_hat = yA + s`, `s` the sum of every leaf,
  and the 11 gradients of the net context with respect to a leaf, each
  `sum(yA_hat - yA) / m` everywhere (exact for that loss): on a grader that
  only asks whether the loss moves, 11 x 0.5 = 5.5 points. Graded as staff
  grade: 0 points, no `partial`, no `ecf`; each such row says its forward pass
  moves with leaves (`yA`, `yB`, ...) the model's `yA_hat` is not computed from.
- `zero_effort_without_targets`: `yA_hat = s` everywhere, `s` the sum of only
  the leaves the model's `yA_hat` is computed from, with the same gradients:
  there the 5 ids of task A's leaves (the others' own loss does not move) would
  take 2.5 points; graded as staff grade, 0, since one sample's output moves
  with another sample's inputs, which the model keeps apart.
- `forgot_the_mask`: an honest forward pass with dropout's mask forgotten,
  arrays only, and eq. (8) right for it: eq. (8) keeps `partial` with `ecf`.
- The reference's own forward passes are genuine, on every assignment.
"""
from __future__ import annotations

import json
import os

import pytest

from helpers import ASSIGNMENTS

from checks import cli
from checks.engine.cases import diagnostic_cases
from checks.engine.submission import reference

ELIGIBLE = ("eq03_dL_dtheta2B", "eq03_dL_db2B", "eq06_dL_dtheta1B", "eq07_dL_db1B", "eq08_dL_dtheta2A", "eq09_dL_db2A",
            "eq13_dL_dtheta1A", "eq14_dL_db1A", "net_dL_dgamma", "net_dL_dbeta", "net_dL_dx")
"""hw1's gradients of the loss with respect to a leaf of the net context: the ids error carried forward may pay."""

ZERO_EFFORT = '''import numpy as np

LEAVES = {leaves}


def _s(q):
    return sum(float(np.sum(q[name])) for name in LEAVES)


def forward_yA_hat(**q):
    return {forward}


def _trivial(wrt):
    def gradient(**q):
        # L = (1/m) sum_i 1/2 |yA_hat_i - yA_i|^2 + (task B, untouched), and every entry of yA_hat moves one for one
        # with s: dL/dleaf = sum of dL/dyA_hat = sum(yA_hat - yA) / m, everywhere
        return float(np.sum({forward} - q["yA"])) / q["m"] * np.ones_like(np.asarray(q[wrt], dtype=float))
    return gradient


for _id, _wrt in {gradients}.items():
    globals()[_id] = _trivial(_wrt)
'''

FORGOT_THE_MASK = '''import numpy as np


def forward_yA_hat(x, theta1A, b1A, theta2A, b2A):
    return np.sin(x @ theta1A.T + b1A) @ theta2A.T + b2A


def eq08_dL_dtheta2A(yA_hat, yA, z1A, m):
    return (yA_hat - yA).T @ z1A / m
'''
"""Dropout's mask forgotten in the forward pass, and eq. (8) derived for that forward pass: a genuine attempt."""


def _gradients() -> dict[str, str]:
    hw1 = next(assignment for assignment in ASSIGNMENTS if assignment.name == "hw1")
    return {id: hw1.by_id[id].wrt for id in ELIGIBLE}


@pytest.fixture(scope="module")
def class_grades(tmp_path_factory) -> dict:
    """The three students graded as staff grade them: `gradjudge grade` of their folder, from inside it."""
    base = tmp_path_factory.mktemp("ecf")
    folder = base / "class"
    folder.mkdir()
    everything = ["x", "yA", "yB", "theta1A", "b1A", "theta2A", "b2A", "theta1B", "b1B", "gamma", "beta", "theta2B",
                  "b2B", "M", "m", "p", "eps"]
    own = ["x", "theta1A", "b1A", "theta2A", "b2A", "M"]
    (folder / "zero_effort.py").write_text(ZERO_EFFORT.format(leaves=everything, gradients=_gradients(),
                                                              forward='q["yA"] + _s(q)'))
    (folder / "zero_effort_without_targets.py").write_text(
        ZERO_EFFORT.format(leaves=own, gradients=_gradients(), forward='np.full((q["x"].shape[0], q["b2A"].shape[0]), _s(q))'))
    (folder / "forgot_the_mask.py").write_text(FORGOT_THE_MASK)
    (base / "rubric.toml").write_text("[grading]\nexamples = 10\n")
    target = base / "grades.json"
    previous = os.getcwd()
    os.chdir(folder)
    try:
        assert cli.main(["grade", ".", "--rubric", str(base / "rubric.toml"), "--json", str(target)]) == 0
    finally:
        os.chdir(previous)
    return {grade["path"].rsplit("/", 1)[-1].removesuffix(".py"): grade for grade in json.loads(target.read_text())["submissions"]}


def _rows(grade: dict) -> dict[str, dict]:
    return {row["id"]: row for row in grade["derivations"]}


@pytest.mark.parametrize("name", ["zero_effort", "zero_effort_without_targets"])
def test_a_made_up_forward_pass_with_trivial_gradients_earns_nothing(class_grades, name):
    grade = class_grades[name]
    rows = _rows(grade)
    assert {id: rows[id]["status"] for id in ELIGIBLE} == dict.fromkeys(ELIGIBLE, "failed")
    assert not any("ecf" in row["tags"] for row in rows.values())
    assert grade["score"] == 0
    said = "b2B, beta, gamma, theta1B, theta2B, yA, yB, which the model's yA_hat is not computed from" \
        if name == "zero_effort" else \
        "entries at other indices of axis m, which the model keeps apart"
    assert all(said in rows[id]["message"] for id in ELIGIBLE), rows["eq08_dL_dtheta2A"]["message"][:400]


def test_an_honest_forward_pass_with_a_forgotten_mask_keeps_its_credit(class_grades):
    rows = _rows(class_grades["forgot_the_mask"])
    assert rows["forward_yA_hat"]["status"] == "failed"
    assert (rows["eq08_dL_dtheta2A"]["status"], "ecf" in rows["eq08_dL_dtheta2A"]["tags"]) == ("partial", True)


@pytest.mark.parametrize("assignment", ASSIGNMENTS, ids=lambda assignment: assignment.name)
def test_the_reference_forward_passes_are_genuine(assignment):
    from checks.grading.ecf import genuine_forward

    for context in assignment.contexts:
        verdict = genuine_forward(assignment, context, reference(assignment), diagnostic_cases(context)[:2])
        assert verdict.holds, (context.name, verdict.detail)
