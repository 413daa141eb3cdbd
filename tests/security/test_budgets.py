"""Budgets that bind: a submission's import, every reload and the batch's probe count against `submission_seconds`.

Graded as staff grade a class, from inside its folder. Two submissions try to
cost the grader far more than their budget of `BUDGET` seconds: one whose import
sleeps longer than the budget (the per-call timeout does not bind an import),
and one whose import sleeps just under the timeout and whose every id crashes,
so that each id reloads it. Each must cost at most its budget plus the stated
allowance, end as `budget_exhausted`, and leave an honest classmate's grades as
they are alone.
"""
from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path

import pytest

from helpers import HW1

TIMEOUT = 2.0
BUDGET = 6.0
ALLOWANCE = 6.0
"""What a submission may cost beyond its budget: a (re)load may run 1 s past it (starting a sandbox is the
grader's work), one call may overrun its deadline before it is stopped, and starting and killing sandboxes takes
time on a loaded machine."""
GRADJUDGE = Path(sys.executable).with_name("gradjudge")
HONEST = "def dropout_dL_dx(dy, M):\n    return M * dy\n"
SLEEPS_ON_IMPORT = f"""import time
time.sleep({BUDGET + 3})


def dropout_dL_dx(dy, M):
    return M * dy
"""
"""Right, but its import alone outlasts the budget (and not the import's allowance of timeout + 10 s)."""
RELOADS_FOR_EVERY_ID = f"""import os
import time
time.sleep({TIMEOUT - 0.5})


def _crash(**anything):
    os._exit(3)


for _name in {sorted(HW1.ids)!r}:
    globals()[_name] = _crash
"""
"""Every id of the assignment crashes its worker, so that each id's first call reloads the slow import."""


def grade_as_staff(folder: Path, out: Path, rubric: Path) -> tuple[float, dict]:
    start = time.monotonic()
    done = subprocess.run([str(GRADJUDGE), "grade", ".", "--jobs", "1", "--rubric", str(rubric), "--json", str(out)],
                          cwd=folder, capture_output=True, text=True, timeout=1200)
    seconds = time.monotonic() - start
    assert done.returncode == 0, done.stdout + done.stderr
    return seconds, {Path(grade["path"]).stem: grade for grade in json.loads(out.read_text())["submissions"]}


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    base = tmp_path_factory.mktemp("budgets")
    rubric = base / "rubric.toml"
    rubric.write_text(f"[grading]\nexamples = 3\ntimeout_seconds = {TIMEOUT}\nsubmission_seconds = {BUDGET}\n"
                      "memory_mb = 512\n")
    alone, folder = base / "alone", base / "class"
    for made in (alone, folder):
        made.mkdir()
        (made / "honest.py").write_text(HONEST)
    (alone / "honest_too.py").write_text(HONEST)
    (folder / "sleeps_on_import.py").write_text(SLEEPS_ON_IMPORT)
    (folder / "reloads_for_every_id.py").write_text(RELOADS_FOR_EVERY_ID)
    baseline, _ = grade_as_staff(alone, base / "alone.json", rubric)
    seconds, grades = grade_as_staff(folder, base / "class.json", rubric)
    return {"baseline": baseline, "seconds": seconds, "grades": grades}


def tags_of(grade: dict) -> set[str]:
    return {tag for row in grade["derivations"] for tag in row["tags"]}


def test_the_two_cost_at_most_their_budgets_and_the_allowance(graded):
    """The class minus a class of two honest files: what the two cost, probe, imports and reloads included."""
    extra = graded["seconds"] - graded["baseline"]
    assert extra <= 2 * (BUDGET + ALLOWANCE), (graded["seconds"], graded["baseline"])


def test_an_import_that_outlasts_the_budget_is_stopped_by_it(graded):
    grade = graded["grades"]["sleeps_on_import"]
    assert grade["status"] == "load_error" and grade["score"] == 0
    assert "budget_exhausted" in tags_of(grade) and "budget" in grade["message"]


def test_reloading_for_every_failed_id_is_charged_until_the_budget_is_gone(graded):
    grade = graded["grades"]["reloads_for_every_id"]
    statuses = {row["id"]: row["status"] for row in grade["derivations"]}
    assert grade["score"] == 0 and "passed" not in statuses.values()
    exhausted = [row["id"] for row in grade["derivations"] if "budget_exhausted" in row["tags"]]
    assert len(exhausted) >= len(HW1.ids) - BUDGET / (TIMEOUT - 0.5), "at most budget / import time reloads"


def test_an_honest_classmate_is_graded_as_alone(graded):
    assert graded["grades"]["honest"]["score"] == 1
    assert {row["id"] for row in graded["grades"]["honest"]["derivations"] if row["status"] == "passed"} == {"dropout_dL_dx"}
