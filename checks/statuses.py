"""Every status a grade can have, declared once with what it means: a derivation id's, and a submission's.

An id's status says how its answer fared (`passed`, `failed`, ...); a
submission's, whether it was graded at all (`graded`, `load_error`, ...). Code
names a status by the constants below, never by a bare string; the docs' tables
are generated from these declarations.
"""
from __future__ import annotations

from checks.vocabulary import Word, vocabulary

__all__ = ["CREDITED", "ERROR", "FAILED", "GRADED", "GRADER_ERROR", "LEFT_TO_STAFF", "LOAD_ERROR", "LOST_POINTS",
           "NOTHING_GRADABLE",
           "NOT_ATTEMPTED", "NOT_GRADED", "NO_SUBMISSION", "PARTIAL", "PASSED", "STATUSES", "SUBMISSION_STATUSES",
           "TIMEOUT", "Status"]


class Status(Word):
    """A status: its name, and what it means."""


PASSED = Status("passed", "matches autograd on every case")
FAILED = Status("failed", "returned an array, and it is wrong")
PARTIAL = Status("partial", "wrong for the reference model, right for the submission's own forward pass (error "
                            "carried forward)")
ERROR = Status("error", "raised, crashed, ran out of memory, returned no usable array, asked for an unknown or "
                        "forbidden name, broke the protocol, or was refused")
TIMEOUT = Status("timeout", "a call took longer than timeout_seconds, or the submission's budget ran out")
NOT_ATTEMPTED = Status("not_attempted", "not defined, or still raising NotImplementedError")
STATUSES = vocabulary((PASSED, FAILED, PARTIAL, ERROR, TIMEOUT, NOT_ATTEMPTED))
"""Every status a derivation id can have."""

GRADED = Status("graded", "graded: every id has a status of its own")
LOAD_ERROR = Status("load_error", "handed in, but it does not load, or was refused unread (links, sizes, a zip bomb)")
GRADER_ERROR = Status("grader_error", "gradjudge itself failed on it: to be reported; the other submissions are not "
                                      "affected")
NOTHING_GRADABLE = Status("nothing_gradable", "handed in only files gradjudge does not grade (a PDF, an image); the "
                                              "message lists them")
NO_SUBMISSION = Status("no_submission", "on the roster, with nothing of theirs in the export")
SUBMISSION_STATUSES = vocabulary((GRADED, LOAD_ERROR, GRADER_ERROR, NOTHING_GRADABLE, NO_SUBMISSION))
"""Every status a submission (a row of the class) can have."""

NOT_GRADED = frozenset({LOAD_ERROR, GRADER_ERROR, NOTHING_GRADABLE, NO_SUBMISSION})
"""Submission statuses whose rows were not graded: said apart in every output, never averaged with the graded."""
LEFT_TO_STAFF = NOT_GRADED - {LOAD_ERROR}
"""Submission statuses whose score a gradebook layout leaves empty: staff decide (a file that does not load scores 0)."""
LOST_POINTS = (FAILED, PARTIAL, ERROR, TIMEOUT)
"""Statuses of an attempted id that lost points: each is explained, and its tags are its causes."""
CREDITED = (PASSED, PARTIAL)
"""Statuses that earn points; of the two, the lesser is `partial`."""
