"""Reading back a grades file that `gradjudge grade --json` wrote: checked field by field, refused with the reason.

A class report is made from one assignment's grades, so a file that mixes
assignments, or lists other ids or points for one submission than another, is
refused as well as one that is not a gradjudge grades file at all.
"""
from __future__ import annotations

import json
from dataclasses import dataclass, fields
from pathlib import Path

from checks.errors import GradjudgeError
from checks.grading.grades import DerivationGrade, SubmissionGrade
from checks.statuses import STATUSES, SUBMISSION_STATUSES
from checks.sandbox.files import display

REQUIRED = {"path": str, "status": str, "message": str, "score": (int, float), "max_score": (int, float),
            "derivations": list, "assignment": str}
REQUIRED_ROW = {"id": str, "status": str, "tags": list, "score": (int, float), "max_score": (int, float), "message": str}


class NotAGradesFile(GradjudgeError, ValueError):
    """A file `gradjudge report` cannot report on; the message says which and why."""


@dataclass(frozen=True)
class GradesFile:
    grades: list[SubmissionGrade]
    rubric_file: str | None
    """The `--rubric` file the grades were made with, as it was given; None for the assignment's defaults."""

    @property
    def assignment(self) -> str:
        return self.grades[0].assignment

    def check_ids(self, declared: frozenset[str]) -> None:
        """Refuse grades whose ids are not the ones the assignment installed here declares."""
        found = {row.id for row in self.grades[0].derivations}
        if found != declared:
            extra, missing = sorted(found - declared), sorted(declared - found)
            raise NotAGradesFile(f"the grades of {self.assignment} list other ids than the assignment installed here "
                                 f"declares (not declared: {', '.join(extra) or 'none'}; missing: "
                                 f"{', '.join(missing) or 'none'}); report them with the gradjudge that graded them")


def load(path: Path) -> GradesFile:
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise NotAGradesFile(f"{display(path)}: no such file") from None
    except (OSError, UnicodeDecodeError) as problem:
        raise NotAGradesFile(f"{display(path)} cannot be read as a grades file: {problem}") from None
    try:
        data = json.loads(text)
    except (json.JSONDecodeError, RecursionError) as problem:
        raise NotAGradesFile(f"{display(path)} is not JSON ({problem}), so not a gradjudge grades file") from None
    where = display(path)
    if not isinstance(data, dict) or not isinstance(data.get("submissions"), list):
        raise NotAGradesFile(f"{where} is not a gradjudge grades file: it has no list of \"submissions\" "
                             "(make one with gradjudge grade --json)")
    if not data["submissions"]:
        raise NotAGradesFile(f"{where} lists no submissions, so there is no class to report on")
    grades = [_submission(item, f"{where}: submissions[{index}]") for index, item in enumerate(data["submissions"])]
    names = sorted({grade.assignment for grade in grades})
    if len(names) > 1:
        raise NotAGradesFile(f"{where} mixes the assignments {', '.join(map(repr, names))}; a class report covers one "
                             "assignment, so grade each into its own file")
    first = grades[0]
    for grade in grades[1:]:
        if [(row.id, row.max_score) for row in grade.derivations] != [(row.id, row.max_score) for row in first.derivations]:
            raise NotAGradesFile(f"{where}: {grade.path!r} lists other ids or points than {first.path!r}; a class "
                                 "report covers one rubric, so grade the class in one run")
    rubric = data.get("rubric", {})
    rubric_file = rubric.get("file") if isinstance(rubric, dict) else None
    return GradesFile(grades, rubric_file if isinstance(rubric_file, str) else None)


def _submission(item: object, where: str) -> SubmissionGrade:
    _check(item, REQUIRED, where)
    if item["status"] not in SUBMISSION_STATUSES:
        raise NotAGradesFile(f"{where}: status={item['status']!r}, but a submission's status is one of "
                             f"{', '.join(SUBMISSION_STATUSES)}")
    if not item["assignment"]:
        raise NotAGradesFile(f"{where}: no assignment is recorded; grade the class again with this gradjudge")
    rows = [_row(row, f"{where}.derivations[{index}]") for index, row in enumerate(item["derivations"])]
    return SubmissionGrade(**_known(SubmissionGrade, item), derivations=rows)


def _row(item: object, where: str) -> DerivationGrade:
    _check(item, REQUIRED_ROW, where)
    if item["status"] not in STATUSES:
        raise NotAGradesFile(f"{where}: status={item['status']!r}, but a derivation's status is one of "
                             f"{', '.join(STATUSES)}")
    if not all(isinstance(tag, str) for tag in item["tags"]):
        raise NotAGradesFile(f"{where}: its tags must all be strings")
    return DerivationGrade(**_known(DerivationGrade, item))


def _check(item: object, required: dict, where: str) -> None:
    if not isinstance(item, dict):
        raise NotAGradesFile(f"{where} is {type(item).__name__}, not an object; this is not a gradjudge grades file")
    for key, kind in required.items():
        if key not in item:
            raise NotAGradesFile(f"{where} has no {key!r}; this is not a gradjudge grades file")
        if not isinstance(item[key], kind) or isinstance(item[key], bool):
            raise NotAGradesFile(f"{where}.{key} is {type(item[key]).__name__}, which a gradjudge grades file never has")


def _known(kind: type, item: dict) -> dict:
    """The fields of `kind` that `item` has, but `derivations`, which are read row by row."""
    return {field.name: item[field.name] for field in fields(kind) if field.name in item and field.name != "derivations"}
