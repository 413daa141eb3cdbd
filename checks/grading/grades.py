"""Grades as data: one row per derivation id, one record per submission. The JSON contract is their fields."""
from __future__ import annotations

from dataclasses import asdict, dataclass, field

STATUSES = {
    "passed": "matches autograd on every case",
    "failed": "returned an array, and it is wrong",
    "partial": "wrong for the reference model, right for the submission's own forward pass (error carried forward)",
    "error": "raised, crashed, ran out of memory, returned no usable array, asked for an unknown or forbidden name, "
             "broke the protocol, or was refused",
    "timeout": "a call took longer than timeout_seconds, or the submission's budget ran out",
    "not_attempted": "not defined, or still raising NotImplementedError",
}
"""Every status a derivation can have, with what it means."""
SUBMISSION_STATUSES = {
    "graded": "graded: every id has a status of its own",
    "load_error": "handed in, but it does not load, or was refused unread (links, sizes, a zip bomb)",
    "grader_error": "gradjudge itself failed on it: to be reported; the other submissions are not affected",
    "nothing_gradable": "handed in only files gradjudge does not grade (a PDF, an image); the message lists them",
    "no_submission": "on the roster, with nothing of theirs in the export",
}
"""Every status a submission (a row of the class) can have, with what it means."""
NOT_GRADED = ("load_error", "grader_error", "nothing_gradable", "no_submission")
"""Submission statuses whose rows were not graded: said apart in every output, never averaged with the graded."""
ORIGINS = {
    "code": "graded from code: a .py module, or a notebook's code cells",
    "writeup": "read from a write-up (a notebook's Markdown cells, or a write-up handed in with the code) and graded",
}
"""Where an id's answer was taken from: the code answers first, a write-up the ids the code leaves unanswered."""
LOST_POINTS = ("failed", "partial", "error", "timeout")
"""Statuses of an attempted id that lost points: each is explained, and its tags are its causes."""


@dataclass
class DerivationGrade:
    id: str
    status: str
    tags: list[str] = field(default_factory=list)
    score: float = 0.0
    max_score: float = 0.0
    message: str = ""
    counterexample: dict | None = None
    examples: int = 0
    seconds: float = 0.0
    source: dict | None = None
    """For a graded write-up: the `equation`, `section` and `latex` the id was read from, and the `readings` used."""
    witnessed: int = 0
    """Cases on which the numeric witness confirmed autograd (the witness policy's choice, `checks.engine.witnessing`)."""
    origin: str | None = None
    """Where the answer came from (`ORIGINS`): `code` or `writeup`; None when not answered."""
    evidence: dict | None = None
    """Under the rubric's `evidence = "writeup"`: what the `code` got and what the `writeup` got (each its `status`
    and `score`; the write-up's None when there is none), of which the row keeps the lesser."""


@dataclass
class SubmissionGrade:
    path: str
    status: str
    """One of `SUBMISSION_STATUSES`."""
    message: str
    score: float
    max_score: float
    derivations: list[DerivationGrade]
    isolation: str = ""
    assignment: str = ""
    name: str = ""
    """What the submission is reported by: its path relative to the folder graded (a student's folder's name)."""
    unread: list[dict] = field(default_factory=list)
    """For a graded write-up: every formula that could not be read, with its place and the reason."""
    seconds: float = 0.0
    student: dict | None = None
    """Who it is (`checks.grading.students.Student` as JSON: id, name, email, late, members, login, enrolled)."""
    submission: str = ""
    """The submission graded: the same for every member of a group, whose rows are copies of one grading."""
    handed_in: list[str] = field(default_factory=list)
    """Every file the student handed in, by the name they gave it."""
    notes: list[str] = field(default_factory=list)
    """What grading changed about the hand-in: magics dropped from a notebook, the write-up used for some ids."""
    writeup: str | None = None
    """Under the rubric's `evidence = "writeup"`: the student's own write-up graded beside the code, if one was found."""

    def to_json(self) -> dict:
        return asdict(self)
