"""Grades as JSON: the contract other tools read (see the README). Everything but `seconds` is deterministic."""
from __future__ import annotations

import json

from checks.engine.case_secret import CaseSecret
from checks.grading.discovery import Skipped
from checks.grading.grades import SubmissionGrade
from checks.statuses import NOT_GRADED
from checks.reports.class_summary import summarise

TIMING_FIELDS = ("seconds",)
"""Fields that change from run to run; everything else is deterministic."""


def as_json(grades: list[SubmissionGrade], skipped: list[Skipped] = (), *, rubric_file: str | None = None,
            skipped_more: int = 0, layout: str | None = None, secret: CaseSecret | None = None) -> str:
    """Every grade, who was `not_graded` and why, the files not graded (`skipped`, capped, `skipped_more` the rest),
    the export `layout`, the `rubric` file used (None: the assignment's defaults), the `cases` (the course secret's
    fingerprint, or None for the public stream), and the `class` summary."""
    document = {"submissions": [grade.to_json() for grade in grades],
                "not_graded": [{"name": grade.name, "status": grade.status, "reason": grade.message,
                                "student": grade.student} for grade in grades if grade.status in NOT_GRADED],
                "skipped": [{"path": item.path, "reason": item.reason} for item in skipped],
                "skipped_more": skipped_more,
                "layout": layout,
                "rubric": {"file": rubric_file},
                "cases": {"secret": None if secret is None else secret.fingerprint}}
    if grades:
        document["class"] = summarise(grades)
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"
