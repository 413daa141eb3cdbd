"""Grades on a terminal: a summary row per submission, a table and explanations per submission, within 80 columns.

Everything a student controls is printed literally (`literal`); formulas are
shown as Unicode (`∂L/∂θ_2B`), never as raw LaTeX.
"""
from __future__ import annotations

import re

from rich import box
from rich.console import Console
from rich.table import Table

from checks.grading.discovery import Skipped
from checks.grading.grades import LOST_POINTS, SubmissionGrade
from checks.reports.text import literal

STYLE = {"passed": "green", "partial": "yellow", "failed": "red", "error": "red", "timeout": "red",
         "not_attempted": "dim"}
_MATH = re.compile(r"\$([^$]+)\$")


def unicode_math(text: str) -> str:
    """`$\\partial L / \\partial b_{1B}$` as `∂ L / ∂ b_1B`: every `$...$` formula of a message as Unicode."""
    if not _MATH.search(text):
        return text
    from pylatexenc.latex2text import LatexNodes2Text

    converter = LatexNodes2Text(math_mode="text")
    return _MATH.sub(lambda match: converter.latex_to_text(match.group(1)), text)


def print_summary(grades: list[SubmissionGrade], skipped: list[Skipped], console: Console) -> None:
    """One row per submission: its score, how many ids passed, failed, were partial or errors, and its time."""
    table = Table(title=f"{len(grades)} submissions", title_justify="left", box=box.SIMPLE_HEAD)
    table.add_column("submission", overflow="fold", ratio=1)
    table.add_column("score", justify="right", no_wrap=True)
    for header in ("pass", "fail", "part", "err"):
        table.add_column(header, justify="right", no_wrap=True)
    table.add_column("time", justify="right", no_wrap=True)
    for grade in grades:
        counts = {status: sum(row.status == status for row in grade.derivations) for status in STYLE}
        style = "red" if grade.status != "graded" else ""
        table.add_row(literal(grade.name or grade.path, style), f"{grade.score:g}/{grade.max_score:g}",
                      str(counts["passed"]), str(counts["failed"]), str(counts["partial"]),
                      str(counts["error"] + counts["timeout"]), f"{grade.seconds:.1f} s")
    console.print(table)
    print_skipped(skipped, console)


def print_skipped(skipped: list[Skipped], console: Console) -> None:
    if skipped:
        console.print(literal(f"Not graded ({len(skipped)}):", "yellow"))
        for item in skipped:
            console.print(literal(f"  {item.path}: {item.reason}"), highlight=False)


def print_details(grade: SubmissionGrade, console: Console) -> None:
    """The submission's table, then an explanation for every id that is not right."""
    table = Table(title=literal(f"{grade.name or grade.path}: {grade.score:g} / {grade.max_score:g}"),
                  title_justify="left", box=box.SIMPLE_HEAD)
    table.add_column("id", no_wrap=True)
    table.add_column("status", no_wrap=True)
    table.add_column("score", justify="right", no_wrap=True)
    table.add_column("tags", overflow="fold", ratio=1)
    for row in grade.derivations:
        table.add_row(row.id, literal(row.status, STYLE[row.status]), f"{row.score:g}/{row.max_score:g}",
                      literal(", ".join(row.tags)))
    console.print(table)
    console.print(literal(f"isolation: {grade.isolation}", "dim"))
    if grade.status != "graded":
        console.print(literal("Does not load: " if grade.status == "load_error" else "Not graded: ", "red")
                      + literal(grade.message), highlight=False)
        return
    for item in grade.unread:
        console.print(literal(f"Not read from the write-up: line {item['line']}: {item['reason']}", "yellow"),
                      highlight=False)
    for row in grade.derivations:
        if row.status in LOST_POINTS:
            console.rule(literal(f"{row.id}: {row.status}", STYLE[row.status]))
            console.print(literal(unicode_math(row.message)), highlight=False)
