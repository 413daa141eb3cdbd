"""What a class got wrong, counted: the one place the class report's numbers come from.

The JSON's `class` section and the HTML report are both made from `summarise`,
a pure function of the grades. Tags are counted as opaque strings: whatever
diagnosis writes, this counts.
"""
from __future__ import annotations

import bisect
import statistics
from fractions import Fraction

from checks.statuses import (ERROR, GRADED, GRADER_ERROR, LOAD_ERROR, LOST_POINTS, NOT_ATTEMPTED, STATUSES,
                             SUBMISSION_STATUSES)
from checks import tags as tag_names
from checks.grading.grades import SubmissionGrade

HISTOGRAM_BINS = 10
"""Score bins, each a tenth of the maximum score: comparable across rubrics. Bin k holds the scores from its
`from` up to, but not including, its `to`; the last bin also holds the full score."""


HANDED_IN = (GRADED, LOAD_ERROR, GRADER_ERROR)
"""Submission statuses of code or write-ups handed in: an id's statuses count these, not the students with nothing."""


def summarise(grades: list[SubmissionGrade]) -> dict:
    """The class's counts: per submission status, per score bin, per id (statuses and causes), and per tag.

    Scores (mean, median, histogram) are of the graded submissions only; the others are counted by status.
    An id's causes are the tags of its rows that lost points (`LOST_POINTS`), counted over the submissions
    that were graded: one that does not load (or that gradjudge failed on, or that was refused for a
    forbidden import) fails on every id for one reason, is counted apart (`refused`, `statuses`), and is
    not a cause of any one id. `causes` counts each tag once per submission that has it, over all ids.

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
    refused = [grade for grade in grades if _refused(grade)]
    mistakes = [grade for grade in grades if grade.status == GRADED and grade not in refused]
    handed = [grade for grade in grades if grade.status in HANDED_IN]
    return {
        "assignment": first.assignment,
        "submissions": size,
        GRADED: sum(grade.status == GRADED for grade in grades),
        "max_score": first.max_score,
        "statuses": {status: sum(grade.status == status for grade in grades) for status in SUBMISSION_STATUSES},
        "refused": [grade.name or grade.path for grade in refused],
        "scores": _scores([grade for grade in grades if grade.status == GRADED], first.max_score),
        "ids": {id: _id_summary(id, value, mistakes, handed, size) for id, value in points.items()},
        "causes": _causes(mistakes, size),
        "tags": _tag_totals(grades),
    }


def _refused(grade: SubmissionGrade) -> bool:
    """Graded, but refused whole for a forbidden import: every attempted id is an error for that one reason."""
    attempted = [row for row in grade.derivations if row.status != NOT_ATTEMPTED]
    return grade.status == GRADED and bool(attempted) and all(
        row.status == ERROR and tag_names.FORBIDDEN_IMPORT in row.tags for row in attempted) and \
        grade.message.startswith("Refused")


def _causes(grades: list[SubmissionGrade], size: int) -> list[dict]:
    """Each tag of a row that lost points, counted once per submission whatever the number of its ids."""
    found: dict[str, list[str]] = {}
    for grade in grades:
        for tag in sorted({tag for row in grade.derivations if row.status in LOST_POINTS for tag in row.tags}):
            found.setdefault(tag, []).append(grade.name or grade.path)
    return [{"tag": tag, "count": len(names), "share": len(names) / size, "submissions": names}
            for tag, names in sorted(found.items(), key=lambda item: (-len(item[1]), item[0]))]


def _scores(grades: list[SubmissionGrade], max_score: float) -> dict:
    """Mean, median, range and histogram of the graded submissions' scores (all None, and empty bins, without any)."""
    scores = [grade.score for grade in grades]
    width = Fraction(max_score) / HISTOGRAM_BINS
    edges = [float(k * width) for k in range(HISTOGRAM_BINS + 1)]
    counts = [0] * HISTOGRAM_BINS
    for score in scores:
        counts[bisect.bisect_right(edges, score, 1, HISTOGRAM_BINS) - 1] += 1
    return {
        "count": len(scores),
        "mean": statistics.fmean(scores) if scores else None,
        "median": statistics.median(scores) if scores else None,
        "min": min(scores, default=None),
        "max": max(scores, default=None),
        "histogram": [{"from": edges[k], "to": edges[k + 1], "count": count} for k, count in enumerate(counts)],
    }


def _id_summary(id: str, points: float, mistakes: list[SubmissionGrade], handed: list[SubmissionGrade],
                size: int) -> dict:
    """Statuses over every submission handed in; causes over the graded ones (not refused), shares of the class."""
    statuses = {status: sum(row.status == status for grade in handed for row in grade.derivations if row.id == id)
                for status in STATUSES}
    lost = [(grade.name or grade.path, row) for grade in mistakes for row in grade.derivations
            if row.id == id and row.status in LOST_POINTS]
    sharing: dict[str, list[str]] = {}
    for name, row in lost:
        for tag in row.tags:
            sharing.setdefault(tag, []).append(name)
    causes = [{"tag": tag, "count": len(names), "share": len(names) / size, "submissions": names}
              for tag, names in sorted(sharing.items(), key=lambda item: (-len(item[1]), item[0]))]
    undiagnosed = [name for name, row in lost if not row.tags]
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
