"""Grades as data: one row per derivation id, one record per submission. The JSON contract is their fields."""
from __future__ import annotations

from dataclasses import asdict, dataclass, field

from checks.vocabulary import Word, vocabulary

FROM_CODE = Word("code", "graded from code: a .py module, or a notebook's code cells")
FROM_WRITEUP = Word("writeup", "read from a write-up (a notebook's Markdown cells, or a write-up handed in with the "
                               "code) and graded")
ORIGINS = vocabulary((FROM_CODE, FROM_WRITEUP))
"""Where an id's answer was taken from: the code answers first, a write-up the ids the code leaves unanswered."""


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
    """The submission's path as given (relative stays relative); empty for a roster student with no submission."""
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
