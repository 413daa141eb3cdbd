"""Grades as JSON, Gradescope `results.json`, CSV, and terminal tables."""
from __future__ import annotations

import csv
import io
import json
from pathlib import Path

from rich import box
from rich.console import Console
from rich.table import Table

from checks.assignment import Assignment
from checks.grading.grades import SubmissionGrade
from checks.reports.outputs import write_text
from checks.reports.text import fenced, literal, printable

TIMING_FIELDS = ("seconds",)
"""Fields that change from run to run; everything else is deterministic."""

STYLE = {"passed": "green", "partial": "yellow", "failed": "red", "error": "red", "timeout": "red",
         "not_attempted": "dim"}



def as_json(grades: list[SubmissionGrade]) -> str:
    return json.dumps({"submissions": [grade.to_json() for grade in grades]}, indent=2, ensure_ascii=False) + "\n"


def as_gradescope(grade: SubmissionGrade, assignment: Assignment) -> str:
    """Gradescope's `results.json` for one submission, with Markdown output per derivation."""
    tests = [{
        "name": row.id,
        "number": f"{index}",
        "score": row.score,
        "max_score": row.max_score,
        "status": "passed" if row.status == "passed" else "failed",
        "output": _markdown(row, assignment),
        "output_format": "md",
        "visibility": "visible",
    } for index, row in enumerate(grade.derivations, start=1)]
    output = f"{printable(grade.message)}\n\nIsolation: {grade.isolation}."
    results = {"score": grade.score, "output": output, "output_format": "md", "visibility": "visible",
               "execution_time": round(grade.seconds, 3), "tests": tests}
    return json.dumps(results, indent=2, ensure_ascii=False) + "\n"


def _markdown(row, assignment: Assignment) -> str:
    entry = assignment.by_id[row.id]
    head = f"**{row.status}** ({row.score:g} / {row.max_score:g}): {entry.title}, section {entry.section}"
    tags = f"\n\nTags: {', '.join(f'`{printable(t)}`' for t in row.tags)}" if row.tags else ""
    return f"{head}{tags}\n\n{fenced(row.message)}"


def as_csv(grades: list[SubmissionGrade], assignment: Assignment) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["path", "status", *(entry.id for entry in assignment.derivations), "total", "max_score"])
    for grade in grades:
        scores = {row.id: row.score for row in grade.derivations}
        writer.writerow([spreadsheet_safe(grade.path), grade.status, *(f"{scores[entry.id]:g}" for entry in assignment.derivations),
                         f"{grade.score:g}", f"{grade.max_score:g}"])
    return out.getvalue()


def spreadsheet_safe(text: str) -> str:
    """A cell a spreadsheet will not run as a formula: text starting with `=`, `+`, `-` or `@` gets a leading `'`."""
    text = printable(text)
    return f"'{text}" if text[:1] in ("=", "+", "-", "@") else text


def write_gradescope(grades: list[SubmissionGrade], assignment: Assignment, target: Path) -> list[Path]:
    """One submission: `target` is the file. Several: `target` is a folder of `<name>.json` files."""
    if len(grades) == 1 and not target.is_dir():
        write_text(target, as_gradescope(grades[0], assignment))
        return [target]
    target.mkdir(parents=True, exist_ok=True)
    written = []
    for grade in grades:
        path = target / f"{Path(grade.path).stem}.json"
        write_text(path, as_gradescope(grade, assignment))
        written.append(path)
    return written


def print_grade(grade: SubmissionGrade, assignment: Assignment, console: Console) -> None:
    table = Table(title=literal(f"{grade.path}: {grade.score:g} / {grade.max_score:g}"), title_justify="left",
                  box=box.SIMPLE_HEAD)
    table.add_column("id", no_wrap=True)
    table.add_column("status", no_wrap=True)
    table.add_column("score", justify="right", no_wrap=True)
    table.add_column("tags")
    for row in grade.derivations:
        style = STYLE[row.status]
        table.add_row(row.id, literal(row.status, style), f"{row.score:g}/{row.max_score:g}", literal(", ".join(row.tags)))
    console.print(table)
    console.print(literal(f"isolation: {grade.isolation}", "dim"))
    if grade.status in ("load_error", "grader_error"):
        console.print(literal("Does not load: " if grade.status == "load_error" else "", "red"), literal(grade.message),
                      highlight=False)
        return
    for row in grade.derivations:
        if row.status in ("failed", "partial", "error", "timeout"):
            console.rule(literal(f"{row.id}: {row.status}", STYLE[row.status]))
            console.print(literal(row.message), highlight=False)
