"""Grading a write-up: read it (in the capped child process) into a submission file, and keep where each id came from.

Grading calls down into the reader and never back: `read_writeup` reads,
`generated_submission` writes what was read to a temporary `.py` file that is
graded as any submission, and `with_provenance` attaches each id's source and
the equations not read to the grade. An equation the reader could not read
leaves its id not attempted, and the id's message says which equation and why.
"""
from __future__ import annotations

import contextlib
import tempfile
from collections.abc import Iterator
from pathlib import Path

from checks import assignments
from checks.assignment import Assignment
from checks.grading.grades import SubmissionGrade
from checks.sandbox.files import Refused, display, read_text
from checks.writeup.isolated import ReadResult, Unreadable, read_isolated


class WriteupUnreadable(Exception):
    """The write-up cannot be read at all (not UTF-8, no math, refused as a file, the child failed); says why."""


def read_writeup(path: Path, assignment: Assignment) -> ReadResult:
    """`path` read by the write-up reader in its child process; raises `WriteupUnreadable` saying why not."""
    try:
        spec = assignments.spec_of(assignments.name_of(assignment))
        return read_isolated(read_text(path), spec, display(path.name))
    except (Refused, Unreadable) as problem:
        raise WriteupUnreadable(f"the write-up cannot be read: {problem}") from None


@contextlib.contextmanager
def generated_submission(path: Path, result: ReadResult) -> Iterator[Path]:
    """The submission read from `path`, as a `.py` file in a temporary folder, for as long as it is graded."""
    with tempfile.TemporaryDirectory(prefix="gradjudge-writeup-") as folder:
        generated = Path(folder) / f"{path.stem if path.stem.isidentifier() else 'writeup'}.py"
        generated.write_text(result.source, encoding="utf-8")
        yield generated


def with_provenance(grade: SubmissionGrade, path: Path, result: ReadResult) -> SubmissionGrade:
    """`grade` of the generated file as the write-up's: its path, each id's source, and what was not read."""
    grade.path = display(path)
    grade.unread = result.unread
    sources = result.sources
    unread = {item.id: item for item in result.not_read if item.id}
    for row in grade.derivations:
        row.source = sources.get(row.id)
        if row.status == "not_attempted" and row.id in unread:
            item = unread[row.id]
            row.message = f"Not read from the write-up ({item.quote.cite()}): {item.reason}\n    {item.quote.latex}"
    return grade
