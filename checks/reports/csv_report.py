"""Grades as CSV: one row per student, in gradjudge's own columns or a gradebook's import layout.

No cell is one a spreadsheet runs as a formula. `--csv-format` chooses the
layout (`CSV_FORMATS`):

- `gradjudge`: the row's name, the student's id, name, e-mail, late flag and
  group, the status, the path, one column per id, the total, the maximum, and
  why a row was not graded.
- `canvas`: Canvas's gradebook import: `Student`, `ID` (Canvas's user id, as its
  Download Submissions names it), `SIS User ID`, `SIS Login ID`, `Section`, and
  one column titled by the assignment, after a `Points Possible` row.
- `moodle`: Moodle's offline grading worksheet: `Identifier` (`Participant
  <id>`, as its Download all submissions names it), `Full name`, `Email address`,
  `Status`, `Grade`, `Maximum Grade`, `Grade can be changed`, the two `Last
  modified` columns and `Feedback comments`.
- `gradescope`: Gradescope's score upload: `Name`, `SID`, `Email`, `Total Score`.

In a gradebook layout a row with nothing gradjudge could grade (`nothing_gradable`,
`no_submission`, `grader_error`) has an empty score, so that an import leaves
that student's grade to staff; a file that does not load scores 0.
"""
from __future__ import annotations

import csv
import io

from checks.statuses import LEFT_TO_STAFF, NOT_GRADED
from checks.assignment import Assignment
from checks.grading.grades import SubmissionGrade
from checks.reports.text import spreadsheet_safe

__all__ = ["CSV_FORMATS", "as_csv"]

CSV_FORMATS = {
    "gradjudge": "one column per id, the student's identity and the status",
    "canvas": "Canvas's gradebook import (Student, ID, SIS User ID, SIS Login ID, Section, the assignment)",
    "moodle": "Moodle's offline grading worksheet (Identifier Participant <id>, Full name, ..., Grade)",
    "gradescope": "Gradescope's score upload (Name, SID, Email, Total Score)",
}
"""Every layout `--csv-format` writes, with what it is."""


def as_csv(grades: list[SubmissionGrade], assignment: Assignment, layout: str = "gradjudge") -> str:
    if layout not in CSV_FORMATS:
        raise ValueError(f"layout={layout!r}, but it must be one of {', '.join(CSV_FORMATS)}")
    out = io.StringIO()
    writer = csv.writer(out)
    for row in LAYOUTS[layout](grades, assignment):
        writer.writerow([spreadsheet_safe(cell) for cell in row])
    return out.getvalue()


def _gradjudge(grades: list[SubmissionGrade], assignment: Assignment):
    yield ["name", "student_id", "student_name", "email", "late", "group", "status", "path",
           *(entry.id for entry in assignment.derivations), "total", "max_score", "not_graded_because"]
    for grade in grades:
        student = grade.student or {}
        scores = {row.id: row.score for row in grade.derivations}
        late = student.get("late")
        yield [grade.name, student.get("id") or "", student.get("name") or "", student.get("email") or "",
               "" if late is None else "yes" if late else "no", "; ".join(student.get("members") or ()), grade.status,
               grade.path, *(f"{scores[entry.id]:g}" for entry in assignment.derivations), f"{grade.score:g}",
               f"{grade.max_score:g}", grade.message if grade.status in NOT_GRADED else ""]


def _canvas(grades: list[SubmissionGrade], assignment: Assignment):
    yield ["Student", "ID", "SIS User ID", "SIS Login ID", "Section", assignment.title]
    if grades:
        yield ["Points Possible", "", "", "", "", f"{grades[0].max_score:g}"]
    for grade in grades:
        student = grade.student or {}
        yield [student.get("name") or grade.name, student.get("id") or "", "", student.get("login") or "", "",
               _score(grade)]


def _moodle(grades: list[SubmissionGrade], assignment: Assignment):
    yield ["Identifier", "Full name", "Email address", "Status", "Grade", "Maximum Grade", "Grade can be changed",
           "Last modified (submission)", "Last modified (grade)", "Feedback comments"]
    for grade in grades:
        student = grade.student or {}
        identifier = f"Participant {student['id']}" if student.get("id") else ""
        yield [identifier, student.get("name") or grade.name, student.get("email") or "", grade.status, _score(grade),
               f"{grade.max_score:g}", "Yes", "", "", grade.message if grade.status in NOT_GRADED else ""]


def _gradescope(grades: list[SubmissionGrade], assignment: Assignment):
    yield ["Name", "SID", "Email", "Total Score"]
    for grade in grades:
        student = grade.student or {}
        yield [student.get("name") or grade.name, student.get("id") or "", student.get("email") or "", _score(grade)]


def _score(grade: SubmissionGrade) -> str:
    return "" if grade.status in LEFT_TO_STAFF else f"{grade.score:g}"


LAYOUTS = {"gradjudge": _gradjudge, "canvas": _canvas, "moodle": _moodle, "gradescope": _gradescope}

