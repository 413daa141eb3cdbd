"""Grading a write-up: read it into a submission file, grade that file, and keep where each id came from.

The generated file is what gets graded. An equation the reader could not read
leaves its id not attempted, and the id's message says which equation and why.
A text that is no write-up at all is the submission's `load_error`.
"""
from __future__ import annotations

import tempfile
from pathlib import Path

from checks import assignments
from checks.assignment import Assignment
from checks.grading.grade import grade_code, unloadable
from checks.grading.grades import SubmissionGrade
from checks.grading.rubric import Rubric
from checks.sandbox.client import Prior
from checks.sandbox.files import display
from checks.sandbox.isolation import Isolation
from checks.writeup.isolated import Unreadable, read_isolated

__all__ = ["grade_writeup_text"]


def grade_writeup_text(text: bytes, path: Path, assignment: Assignment, rubric: Rubric, isolation: Isolation,
                       prior: Prior) -> SubmissionGrade:
    """Read the write-up `text` (handed in as `path`), then grade the generated file as any other submission."""
    try:
        result = read_isolated(text, assignments.name_of(assignment), display(path.name), isolation=isolation)
    except Unreadable as problem:
        return unloadable(path, assignment, f"the write-up cannot be read: {problem}", rubric)
    with tempfile.TemporaryDirectory(prefix="gradjudge-writeup-") as folder:
        generated = Path(folder) / f"{path.stem if path.stem.isidentifier() else 'writeup'}.py"
        generated.write_text(result.source, encoding="utf-8")
        grade = grade_code(generated, assignment, rubric, isolation, prior)
    grade.path = display(path)
    grade.unread = result.unread
    unread = {item["id"]: item for item in result.unread if item["id"]}
    for row in grade.derivations:
        row.source = result.sources.get(row.id)
        if row.status == "not_attempted" and row.id in unread:
            item = unread[row.id]
            number = f"eq. ({item['equation']}), " if item["equation"] else ""
            row.message = (f"Not read from the write-up ({number}line {item['line']}, section {item['section']}): "
                           f"{item['reason']}\n    {item['latex']}")
    return grade
