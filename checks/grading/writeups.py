"""Grading a write-up: read it (in the capped child process) into a submission file, and keep where each id came from.

It calls down into the reader and into code grading, never back: the text is
read in the child, what was read is written to a temporary `.py` file graded as
any submission (`grade.grade_code`), and `with_provenance` attaches each id's
source and the equations not read to the grade. An equation the reader could
not read leaves its id not attempted, and the id's message says which equation
and why. A text that is no write-up at all is the submission's `load_error`.
"""
from __future__ import annotations

import tempfile
from pathlib import Path

from checks.statuses import NOT_ATTEMPTED
from checks import assignments
from checks.assignment import Assignment
from checks.grading.grade import grade_code, unloadable
from checks.grading.grades import SubmissionGrade
from checks.grading.rubric import Rubric
from checks.sandbox.client import Prior
from checks.sandbox.files import display
from checks.sandbox.isolation import Isolation
from checks.writeup.isolated import ReadResult, WriteupUnreadable, read_isolated

__all__ = ["grade_writeup_text", "with_provenance"]


def grade_writeup_text(text: bytes, path: Path, assignment: Assignment, rubric: Rubric, isolation: Isolation,
                       prior: Prior) -> SubmissionGrade:
    """Read the write-up `text` (handed in as `path`), then grade the generated file as any other submission."""
    try:
        result = read_isolated(text, assignments.name_of(assignment), display(path.name), isolation=isolation)
    except WriteupUnreadable as problem:
        return unloadable(path, assignment, f"the write-up cannot be read: {problem}", rubric)
    with tempfile.TemporaryDirectory(prefix="gradjudge-writeup-") as folder:
        generated = Path(folder) / f"{path.stem if path.stem.isidentifier() else 'writeup'}.py"
        generated.write_text(result.source, encoding="utf-8")
        return with_provenance(grade_code(generated, assignment, rubric, isolation, prior), path, result)


def with_provenance(grade: SubmissionGrade, path: Path, result: ReadResult) -> SubmissionGrade:
    """`grade` of the generated file as the write-up's: its path, each id's source, and what was not read."""
    grade.path = display(path)
    grade.unread = result.unread
    sources = result.sources
    unread = {item.id: item for item in result.not_read if item.id}
    for row in grade.derivations:
        row.source = sources.get(row.id)
        if row.status == NOT_ATTEMPTED and row.id in unread:
            item = unread[row.id]
            row.message = f"Not read from the write-up ({item.quote.cite()}): {item.reason}\n    {item.quote.latex}"
    return grade
