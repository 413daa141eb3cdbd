"""Grades as Gradescope's `results.json`: one test per id, Markdown output, visibility from the rubric.

`--gradescope OUT` is a folder when it ends with a path separator, already is a
folder, or several submissions were graded; then each submission's file is named
by its name, with `/` as `__`, made unique. Otherwise OUT is the file itself.
"""
from __future__ import annotations

import json
import os
import re
from pathlib import Path

from checks.assignment import Assignment
from checks.grading.grades import SubmissionGrade
from checks.grading.rubric import Rubric
from checks.reports.outputs import write_text
from checks.reports.text import fenced, printable


def as_gradescope(grade: SubmissionGrade, assignment: Assignment, rubric: Rubric) -> str:
    tests = [{
        "name": row.id,
        "number": f"{index}",
        "score": row.score,
        "max_score": row.max_score,
        "status": "passed" if row.status == "passed" else "failed",
        "output": _markdown(row, assignment),
        "output_format": "md",
        "visibility": rubric.test_visibility[row.id],
    } for index, row in enumerate(grade.derivations, start=1)]
    output = f"{fenced(grade.message)}\n\nIsolation: {grade.isolation}."
    results = {"score": grade.score, "output": output, "output_format": "md",
               "visibility": rubric.visibility, "execution_time": round(grade.seconds, 3), "tests": tests}
    return json.dumps(results, indent=2, ensure_ascii=False) + "\n"


def _markdown(row, assignment: Assignment) -> str:
    entry = assignment.by_id[row.id]
    head = f"**{row.status}** ({row.score:g} / {row.max_score:g}): {entry.title}, section {entry.section}"
    tags = f"\n\nTags: {', '.join(f'`{printable(t)}`' for t in row.tags)}" if row.tags else ""
    return f"{head}{tags}\n\n{fenced(row.message)}"


def is_folder_target(target: str | Path, submissions: int) -> bool:
    """Whether `--gradescope target` names a folder of files rather than one file."""
    text = os.fspath(target)
    return submissions > 1 or text.endswith(os.sep) or text.endswith("/") or Path(text).is_dir()


def write_gradescope(grades: list[SubmissionGrade], assignment: Assignment, rubric: Rubric, target: str | Path) -> list[Path]:
    if not is_folder_target(target, len(grades)):
        write_text(Path(target), as_gradescope(grades[0], assignment, rubric))
        return [Path(target)]
    folder = Path(target)
    folder.mkdir(parents=True, exist_ok=True)
    written, used = [], set()
    for grade in grades:
        stem = re.sub(r"[^A-Za-z0-9._-]+", "_", (grade.name or grade.path).replace("/", "__")).strip("._") or "submission"
        name, number = stem, 2
        while name in used:
            name, number = f"{stem}_{number}", number + 1
        used.add(name)
        write_text(folder / f"{name}.json", as_gradescope(grade, assignment, rubric))
        written.append(folder / f"{name}.json")
    return written
