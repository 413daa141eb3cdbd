"""The class summary against a small class counted by hand, and the score bins at their edges."""
import pytest

from checks.grading.grades import DerivationGrade, SubmissionGrade
from checks.reports.class_summary import summarise

POINTS = {"a": 1.0, "b": 2.0, "c": 1.0}


def _grade(path: str, rows: dict[str, tuple[str, list[str]]], score: float, status: str = "graded") -> SubmissionGrade:
    return SubmissionGrade(path, status, "", score, 4.0,
                           [DerivationGrade(id, *rows[id], max_score=points) for id, points in POINTS.items()],
                           assignment="toy")


LOAD_ERROR = ("error", ["load_error"])
CLASS = [
    _grade("s1.py", {"a": ("passed", []), "b": ("failed", ["known_mistake:x", "transposed"]),
                     "c": ("not_attempted", ["not_attempted"])}, 1.0),
    _grade("s2.py", {"a": ("failed", ["transposed"]), "b": ("partial", ["ecf", "known_mistake:x"]),
                     "c": ("passed", [])}, 2.0),
    _grade("s3.py", {"a": LOAD_ERROR, "b": LOAD_ERROR, "c": LOAD_ERROR}, 0.0, status="load_error"),
    _grade("s4.py", {"a": ("passed", []), "b": ("failed", []), "c": ("timeout", ["timeout"])}, 1.0),
    _grade("s5.py", {"a": ("passed", []), "b": ("passed", []), "c": ("passed", [])}, 4.0),
]


@pytest.fixture(scope="module")
def summary():
    return summarise(CLASS)


def test_submission_statuses_and_scores(summary):
    assert summary["assignment"] == "toy" and summary["submissions"] == 5 and summary["max_score"] == 4.0
    assert summary["statuses"] == {"graded": 4, "load_error": 1, "grader_error": 0, "nothing_gradable": 0,
                                   "no_submission": 0}
    scores = summary["scores"]
    # Scores are of the graded submissions only (1, 2, 1, 4): the one that does not load is counted apart.
    assert scores["count"] == 4
    assert (scores["mean"], scores["median"], scores["min"], scores["max"]) == (2.0, 1.5, 1.0, 4.0)
    # Bins of 0.4 points: 1 (twice) in [0.8, 1.2), 2 in [2.0, 2.4), the full 4 in the last.
    assert [b["count"] for b in scores["histogram"]] == [0, 0, 2, 0, 0, 1, 0, 0, 0, 1]
    assert scores["histogram"][2]["from"] == pytest.approx(0.8) and scores["histogram"][-1]["to"] == 4.0


def test_statuses_per_id_count_every_submission(summary):
    assert summary["ids"]["a"]["statuses"] == {"passed": 3, "failed": 1, "partial": 0, "error": 1, "timeout": 0,
                                               "not_attempted": 0}
    assert summary["ids"]["b"]["statuses"] == {"passed": 1, "failed": 2, "partial": 1, "error": 1, "timeout": 0,
                                               "not_attempted": 0}
    assert summary["ids"]["c"]["statuses"] == {"passed": 2, "failed": 0, "partial": 0, "error": 1, "timeout": 1,
                                               "not_attempted": 1}
    assert [summary["ids"][id]["points"] for id in "abc"] == [1.0, 2.0, 1.0]


def test_causes_are_the_tags_of_graded_answers_that_lost_points(summary):
    b = summary["ids"]["b"]
    assert [(cause["tag"], cause["count"], cause["submissions"]) for cause in b["causes"]] == [
        ("known_mistake:x", 2, ["s1.py", "s2.py"]), ("ecf", 1, ["s2.py"]), ("transposed", 1, ["s1.py"])]
    assert b["causes"][0]["share"] == pytest.approx(2 / 5)
    assert b["undiagnosed"] == ["s4.py"]
    # Not attempted is no cause, and the submission that does not load is a cause of no id.
    assert [cause["tag"] for cause in summary["ids"]["c"]["causes"]] == ["timeout"]
    assert [cause["tag"] for cause in summary["ids"]["a"]["causes"]] == ["transposed"]


def test_tag_totals_count_rows_and_submissions_over_every_status(summary):
    assert summary["tags"] == {
        "ecf": {"rows": 1, "submissions": 1},
        "known_mistake:x": {"rows": 2, "submissions": 2},
        "load_error": {"rows": 3, "submissions": 1},
        "not_attempted": {"rows": 1, "submissions": 1},
        "timeout": {"rows": 1, "submissions": 1},
        "transposed": {"rows": 2, "submissions": 2},
    }


@pytest.mark.parametrize(("score", "expected_bin"), [(0.0, 0), (2.9, 1), (8.69, 2), (8.7, 3), (26.1, 9), (29.0, 9)])
def test_a_score_on_a_bin_edge_falls_in_the_bin_that_starts_there(score, expected_bin):
    grade = SubmissionGrade("one.py", "graded", "", score, 29.0, [], assignment="toy")
    counts = [b["count"] for b in summarise([grade])["scores"]["histogram"]]
    assert counts == [int(k == expected_bin) for k in range(10)]


def test_a_class_of_two_assignments_or_rubrics_is_refused():
    other = _grade("t.py", {"a": ("passed", []), "b": ("passed", []), "c": ("passed", [])}, 4.0)
    other.assignment = "another"
    with pytest.raises(ValueError, match="one assignment under one rubric"):
        summarise([CLASS[0], other])
    with pytest.raises(ValueError, match="at least one submission"):
        summarise([])
