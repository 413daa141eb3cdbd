"""Grades as Gradescope's `results.json`: one test per id, Markdown output, visibility from the rubric.

`--gradescope OUT` is a folder when it ends with a path separator, already is a
folder, or the run grades several rows (each roster student and each group
member is a row); then each row's file is named by the row's name through `file_names.file_stem`, which no two rows can share
(`x y.py` and `x_y.py` get `x_y.py.json` and `x%5Fy.py.json`). Otherwise OUT is
the file itself. Every file names its row inside: `extra_data.gradjudge` holds
the row's name, path, status and student, and the output's first line says whom
it grades, so a file moved or renamed still says whose it is.
"""
from __future__ import annotations

import json
import os
from pathlib import Path

from checks.assignment import Assignment
from checks.grading.grades import SubmissionGrade
from checks.grading.rubric import Rubric
from checks.statuses import NOT_GRADED, PASSED
from checks.reports.file_names import file_stem
from checks.reports.outputs import write_text
from checks.reports.text import fenced, printable


def as_gradescope(grade: SubmissionGrade, assignment: Assignment, rubric: Rubric) -> str:
    tests = [{
        "name": row.id,
        "number": f"{index}",
        "score": row.score,
        "max_score": row.max_score,
        "status": "passed" if row.status == PASSED else "failed",  # Gradescope's own two test statuses
        "output": _markdown(row, assignment),
        "output_format": "md",
        "visibility": rubric.test_visibility[row.id],
    } for index, row in enumerate(grade.derivations, start=1)]
    output = f"Graded for:\n\n{fenced(identity_line(grade))}\n\n{fenced(grade.message)}\n\nIsolation: {grade.isolation}."
    if grade.status in NOT_GRADED:
        output = f"Graded for:\n\n{fenced(identity_line(grade))}\n\nNot graded ({grade.status}):\n\n{fenced(grade.message)}"
    results = {"score": grade.score, "output": output, "output_format": "md",
               "visibility": rubric.visibility, "execution_time": round(grade.seconds, 3), "tests": tests,
               "extra_data": {"gradjudge": identity(grade)}}
    return json.dumps(results, indent=2, ensure_ascii=False) + "\n"


def identity(grade: SubmissionGrade) -> dict:
    """Whose result a file is: the row's name, path, status, the submission graded and the student."""
    return {"name": grade.name, "path": grade.path, "status": grade.status, "submission": grade.submission or grade.name,
            "assignment": grade.assignment, "student": grade.student}


def identity_line(grade: SubmissionGrade) -> str:
    student = grade.student or {}
    found = [grade.name or grade.path]
    found += [f"{key} {student[key]}" for key in ("id", "email") if student.get(key)]
    return ", ".join(found)


def _markdown(row, assignment: Assignment) -> str:
    entry = assignment.by_id[row.id]
    head = f"**{row.status}** ({row.score:g} / {row.max_score:g}): {entry.title}, section {entry.section}"
    tags = f"\n\nTags: {', '.join(f'`{printable(t)}`' for t in row.tags)}" if row.tags else ""
    return f"{head}{tags}\n\n{fenced(row.message)}"


def is_folder_target(target: str | Path, rows: int) -> bool:
    """Whether `--gradescope target` names a folder of files rather than one file, for a run of this many rows."""
    text = os.fspath(target)
    return rows > 1 or text.endswith(os.sep) or text.endswith("/") or Path(text).is_dir()


def write_gradescope(grades: list[SubmissionGrade], assignment: Assignment, rubric: Rubric, target: str | Path,
                     rows: int) -> list[Path]:
    """Each grade's results, in `target` as one file or a folder of them, as `is_folder_target` decides for `rows`
    (the rows asked for, decided before grading, whether or not grading was interrupted)."""
    if not is_folder_target(target, rows):
        write_text(Path(target), as_gradescope(grades[0], assignment, rubric))
        return [Path(target)]
    folder = Path(target)
    folder.mkdir(parents=True, exist_ok=True)
    names = [grade.name or grade.path for grade in grades]
    if len(set(names)) != len(names):
        raise ValueError("grades share a name, but every row's results file is named by its row's unique name")
    written = []
    for place, (grade, name) in enumerate(zip(grades, names), start=1):
        path = folder / f"{file_stem(name, place)}.json"
        write_text(path, as_gradescope(grade, assignment, rubric))
        written.append(path)
    return written
