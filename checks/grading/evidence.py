"""The rubric's evidence policy `"writeup"`: an id earns credit only when the student's own write-up of it passes too.

Values cannot tell a derivation from numeric or automatic differentiation (see
the security model). A write-up can: it shows the closed form. Under
`evidence = "writeup"` the code is graded as usual, its companion write-up
(`companion.find`) is read and graded the same way, and each id keeps the lesser
of the two: a `passed` or `partial` id whose write-up does not read, is missing,
or does not pass becomes an `error` tagged `unsupported`, with no points. Every
attempted id records what the code got and what the write-up got
(`DerivationGrade.evidence`). A write-up submitted alone is its own evidence.
"""
from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from checks import tags
from checks.grading.companion import Companion
from checks.grading.grades import DerivationGrade, SubmissionGrade
from checks.sandbox.files import display

CREDITED = ("passed", "partial")
"""Statuses that earn points; of two, the lesser is `partial`."""

__all__ = ["CREDITED", "require_writeup"]


def require_writeup(code: SubmissionGrade, found: Companion, grade_writeup: Callable[[Path], SubmissionGrade]) -> None:
    """Keep, per id of `code`, the lesser of what the code and its write-up (graded by `grade_writeup`) earn."""
    if code.status != "graded":
        return
    writeup = grade_writeup(found.path) if found.path is not None else None
    code.writeup = None if found.path is None else display(found.path)
    written = {row.id: row for row in writeup.derivations} if writeup is not None else {}
    for row in code.derivations:
        if row.status == "not_attempted":
            continue
        other = written.get(row.id)
        row.evidence = {"code": {"status": row.status, "score": row.score},
                        "writeup": None if other is None else {"status": other.status, "score": other.score}}
        if row.status not in CREDITED:
            continue
        if other is not None and other.status in CREDITED:
            _lessen(row, other)
        else:
            _unsupported(row, _why(found, writeup, other))
    code.score = sum(row.score for row in code.derivations)
    code.message = f"{code.score:g} / {code.max_score:g}"


def _lessen(row: DerivationGrade, other: DerivationGrade) -> None:
    if other.score < row.score:
        row.message = (f"Its write-up earns less ({other.status}, {other.score:g} / {other.max_score:g}), and this "
                       f"rubric gives what the write-up earns.\n\n{row.message}")
        row.status, row.score = other.status, other.score
        row.tags = sorted({*row.tags, *(tag for tag in other.tags if tag == tags.ECF)})


def _unsupported(row: DerivationGrade, why: str) -> None:
    row.message = (f"Its code earns {row.score:g} / {row.max_score:g}, but {why}. Under this rubric (evidence = "
                   f"\"writeup\") code alone earns nothing.\n\n{row.message}")
    row.status, row.score = "error", 0.0
    row.tags = sorted({*row.tags, tags.UNSUPPORTED})


def _why(found: Companion, writeup: SubmissionGrade | None, other: DerivationGrade | None) -> str:
    if found.path is None:
        return found.reason
    name = display(found.path.name)
    if writeup is None or writeup.status != "graded" or other is None:
        return f"its write-up {name} cannot be graded ({writeup.message if writeup is not None else 'not read'})"
    first = other.message.splitlines()[0] if other.message else other.status
    return f"its write-up {name} does not earn it ({other.status}: {first})"
