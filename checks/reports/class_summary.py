"""What a class got wrong, counted: the one place the class report's numbers come from.

The JSON's `class` section and the HTML report are both made from `summarise`,
a pure function of the grades. Tags are counted as opaque strings: whatever
diagnosis writes, this counts.
"""
from __future__ import annotations

import bisect
import statistics
from fractions import Fraction

from checks.grading.grades import LOST_POINTS, STATUSES, SUBMISSION_STATUSES, SubmissionGrade

HISTOGRAM_BINS = 10
"""Score bins, each a tenth of the maximum score: comparable across rubrics. Bin k holds the scores from its
`from` up to, but not including, its `to`; the last bin also holds the full score."""


def summarise(grades: list[SubmissionGrade]) -> dict:
    """The class's counts: per submission status, per score bin, per id (statuses and causes), and per tag.

    An id's causes are the tags of its rows that lost points (`LOST_POINTS`), counted over the submissions
    that were graded: one that does not load (or that gradjudge failed on) is an error on every id, counted
    in the statuses, and is not a cause of any one id.

    Every submission must list the same ids, in the same order, with the same
    points (one assignment, one rubric), as one `gradjudge grade` run gives.
    """
    if not grades:
        raise ValueError("grades=[], but a class summary needs at least one submission")
    first = grades[0]
    points = {row.id: row.max_score for row in first.derivations}
    for grade in grades:
        if grade.assignment != first.assignment or [(row.id, row.max_score) for row in grade.derivations] != list(points.items()):
            raise ValueError(f"grades[path={grade.path!r}] is of another assignment, or lists other ids or points, than "
                             f"{first.path!r}, but a class summary counts one assignment under one rubric")
    size = len(grades)
    return {
        "assignment": first.assignment,
        "submissions": size,
        "max_score": first.max_score,
        "statuses": {status: sum(grade.status == status for grade in grades) for status in SUBMISSION_STATUSES},
        "scores": _scores(grades),
        "ids": {id: _id_summary(id, value, grades) for id, value in points.items()},
        "tags": _tag_totals(grades),
    }


def _scores(grades: list[SubmissionGrade]) -> dict:
    scores = [grade.score for grade in grades]
    width = Fraction(grades[0].max_score) / HISTOGRAM_BINS
    edges = [float(k * width) for k in range(HISTOGRAM_BINS + 1)]
    counts = [0] * HISTOGRAM_BINS
    for score in scores:
        counts[bisect.bisect_right(edges, score, 1, HISTOGRAM_BINS) - 1] += 1
    return {
        "mean": statistics.fmean(scores),
        "median": statistics.median(scores),
        "min": min(scores),
        "max": max(scores),
        "histogram": [{"from": edges[k], "to": edges[k + 1], "count": count} for k, count in enumerate(counts)],
    }


def _id_summary(id: str, points: float, grades: list[SubmissionGrade]) -> dict:
    rows = [(grade, row) for grade in grades for row in grade.derivations if row.id == id]
    statuses = {status: sum(row.status == status for _, row in rows) for status in STATUSES}
    lost = [(grade.path, row) for grade, row in rows if grade.status == "graded" and row.status in LOST_POINTS]
    sharing: dict[str, list[str]] = {}
    for path, row in lost:
        for tag in row.tags:
            sharing.setdefault(tag, []).append(path)
    causes = [{"tag": tag, "count": len(paths), "share": len(paths) / len(grades), "submissions": paths}
              for tag, paths in sorted(sharing.items(), key=lambda item: (-len(item[1]), item[0]))]
    undiagnosed = [path for path, row in lost if not row.tags]
    return {"points": points, "statuses": statuses, "causes": causes, "undiagnosed": undiagnosed}


def _tag_totals(grades: list[SubmissionGrade]) -> dict:
    rows: dict[str, int] = {}
    submissions: dict[str, set[int]] = {}
    for index, grade in enumerate(grades):
        for row in grade.derivations:
            for tag in row.tags:
                rows[tag] = rows.get(tag, 0) + 1
                submissions.setdefault(tag, set()).add(index)
    return {tag: {"rows": rows[tag], "submissions": len(submissions[tag])} for tag in sorted(rows)}
