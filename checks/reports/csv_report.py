"""Grades as CSV: one row per submission, one column per id, the total; no cell a spreadsheet runs as a formula."""
from __future__ import annotations

import csv
import io

from checks.assignment import Assignment
from checks.grading.grades import SubmissionGrade
from checks.reports.text import spreadsheet_safe


def as_csv(grades: list[SubmissionGrade], assignment: Assignment) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["name", "path", "status", *(entry.id for entry in assignment.derivations), "total", "max_score"])
    for grade in grades:
        scores = {row.id: row.score for row in grade.derivations}
        writer.writerow([spreadsheet_safe(grade.name), spreadsheet_safe(grade.path), grade.status,
                         *(f"{scores[entry.id]:g}" for entry in assignment.derivations),
                         f"{grade.score:g}", f"{grade.max_score:g}"])
    return out.getvalue()
