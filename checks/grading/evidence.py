"""The rubric's evidence policy `"writeup"`: an id earns credit only when the student's own write-up of it passes too.

Values cannot tell a derivation from numeric or automatic differentiation (see
the security model). A write-up can: it shows the closed form. Under
`evidence = "writeup"` the code is graded as usual, the hand-in's write-ups
(files beside the code, Moodle's online text, a notebook's Markdown cells) are
read and graded the same way, and each id the code answers keeps the lesser of
what the code earns and what the first write-up that answers it earns: a
`passed` or `partial` id no write-up answers, or whose write-up does not pass,
becomes an `error` tagged `unsupported`, with no points. Every attempted id
records what the code got and what the write-up got (`DerivationGrade.evidence`).
An id answered by a write-up alone is its own evidence.
"""
from __future__ import annotations

from checks.statuses import ERROR, GRADED, NOT_ATTEMPTED, PARTIAL, PASSED
from checks import tags
from checks.grading.grades import DerivationGrade, SubmissionGrade
from checks.sandbox.files import display

CODE, WRITEUP = "code", "writeup"
EVIDENCE = {
    CODE: "an id's credit is what its code earns: right values are enough",
    WRITEUP: "an id earns credit only when the student's own write-up of it also reads and passes (at most what the "
             "write-up earns): code alone earns nothing",
}
"""The rubric's `evidence` policies: what an id needs, besides right values, to earn credit."""
CREDITED = (PASSED, PARTIAL)
"""Statuses that earn points; of two, the lesser is `partial`."""
NO_WRITEUP = ("no write-up was handed in with the code: hand in the derivation beside it (a .md, .tex or .txt "
              "file) or in the notebook's Markdown cells")

__all__ = ["CODE", "CREDITED", "EVIDENCE", "WRITEUP", "require_writeup"]


def require_writeup(code: SubmissionGrade, written: list[tuple[str, SubmissionGrade]]) -> None:
    """Keep, per id `code` answers, the lesser of what the code and the first of the `written` write-ups (graded, by
    name) that answers it earn."""
    if code.status != GRADED:
        return
    used = []
    for row in code.derivations:
        if row.status == NOT_ATTEMPTED or row.origin == WRITEUP:
            continue
        name, other = next(((name, other) for name, read in written
                            if (other := _row(read, row.id)) is not None and other.status != NOT_ATTEMPTED),
                           (None, None))
        row.evidence = {CODE: {"status": row.status, "score": row.score},
                        WRITEUP: None if other is None else {"status": other.status, "score": other.score}}
        if name is not None and name not in used:
            used.append(name)
        if row.status not in CREDITED:
            continue
        if other is not None and other.status in CREDITED:
            _lessen(row, other)
        else:
            _unsupported(row, _why(written, name, other))
    code.writeup = ", ".join(display(name) for name in used) or None
    code.score = sum(row.score for row in code.derivations)
    code.message = f"{code.score:g} / {code.max_score:g}"


def _row(grade: SubmissionGrade, id: str) -> DerivationGrade | None:
    if grade.status != GRADED:
        return None
    return next((row for row in grade.derivations if row.id == id), None)


def _lessen(row: DerivationGrade, other: DerivationGrade) -> None:
    if other.score < row.score:
        row.message = (f"Its write-up earns less ({other.status}, {other.score:g} / {other.max_score:g}), and this "
                       f"rubric gives what the write-up earns.\n\n{row.message}")
        row.status, row.score = other.status, other.score
        row.tags = sorted({*row.tags, *(tag for tag in other.tags if tag == tags.ECF)})


def _unsupported(row: DerivationGrade, why: str) -> None:
    row.message = (f"Its code earns {row.score:g} / {row.max_score:g}, but {why}. Under this rubric (evidence = "
                   f"\"writeup\") code alone earns nothing.\n\n{row.message}")
    row.status, row.score = ERROR, 0.0
    row.tags = sorted({*row.tags, tags.UNSUPPORTED})


def _why(written: list[tuple[str, SubmissionGrade]], name: str | None, other: DerivationGrade | None) -> str:
    if not written:
        return NO_WRITEUP
    if name is None:
        unread = [f"{display(name)} ({read.message})" for name, read in written if read.status != GRADED]
        return "no write-up handed in derives it" + (f"; not graded: {'; '.join(unread)}" if unread else "")
    first = other.message.splitlines()[0] if other.message else other.status
    return f"its write-up {display(name)} does not earn it ({other.status}: {first})"
