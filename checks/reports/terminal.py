"""Grades on a terminal: a summary row per submission, a table and explanations per submission, within 80 columns.

Everything a student controls is printed literally (`literal`); formulas are
shown as Unicode (`∂L/∂θ_2B`), never as raw LaTeX.
"""
from __future__ import annotations

import re

from rich import box
from rich.console import Console
from rich.table import Table

from checks.statuses import ERROR, FAILED, GRADED, LOAD_ERROR, LOST_POINTS, NOT_ATTEMPTED, NOT_GRADED, PARTIAL, PASSED, TIMEOUT
from checks.grading.discovery import Skipped
from checks.grading.grades import SubmissionGrade
from checks.reports.text import literal

STYLE = {PASSED: "green", PARTIAL: "yellow", FAILED: "red", ERROR: "red", TIMEOUT: "red",
         NOT_ATTEMPTED: "dim"}
_MATH = re.compile(r"\$([^$]+)\$")


def unicode_math(text: str) -> str:
    """`$\\partial L / \\partial b_{1B}$` as `∂ L / ∂ b_1B`: every `$...$` formula of a message as Unicode."""
    if not _MATH.search(text):
        return text
    from pylatexenc.latex2text import LatexNodes2Text

    converter = LatexNodes2Text(math_mode="text")
    return _MATH.sub(lambda match: converter.latex_to_text(match.group(1)), text)


def print_summary(grades: list[SubmissionGrade], skipped: list[Skipped], console: Console, skipped_more: int = 0) -> None:
    """One row per student: its score, how many ids passed, failed, were partial or errors, and its time; then who
    was not graded and why, and the files not graded."""
    not_graded = [grade for grade in grades if grade.status in NOT_GRADED]
    title = f"{len(grades)} submissions" + (f", {len(not_graded)} not graded" if not_graded else "")
    table = Table(title=title, title_justify="left", box=box.SIMPLE_HEAD)
    table.add_column("submission", overflow="fold", ratio=1)
    table.add_column("score", justify="right", no_wrap=True)
    for header in ("pass", "fail", "part", "err"):
        table.add_column(header, justify="right", no_wrap=True)
    table.add_column("time", justify="right", no_wrap=True)
    for grade in grades:
        counts = {status: sum(row.status == status for row in grade.derivations) for status in STYLE}
        style = "red" if grade.status != GRADED else ""
        table.add_row(literal(grade.name or grade.path, style), f"{grade.score:g}/{grade.max_score:g}",
                      str(counts[PASSED]), str(counts[FAILED]), str(counts[PARTIAL]),
                      str(counts[ERROR] + counts[TIMEOUT]), f"{grade.seconds:.1f} s")
    console.print(table)
    if not_graded:
        console.print(literal(f"Students not graded ({len(not_graded)}):", "red"))
        for grade in not_graded:
            console.print(literal(f"  {grade.name or grade.path}: {grade.status}: {grade.message}"), highlight=False)
    print_skipped(skipped, console, skipped_more)


def print_skipped(skipped: list[Skipped], console: Console, more: int = 0) -> None:
    if skipped:
        console.print(literal(f"Files not graded ({len(skipped) + more}):", "yellow"))
        for item in skipped:
            console.print(literal(f"  {item.path}: {item.reason}"), highlight=False)
        if more:
            console.print(literal(f"  and {more} more, not listed"), highlight=False)


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
    if grade.status != GRADED:
        console.print(literal("Does not load: " if grade.status == LOAD_ERROR else f"Not graded ({grade.status}): ",
                              "red") + literal(grade.message), highlight=False)
        return
    for note in grade.notes:
        console.print(literal(f"Note: {note}", "dim"), highlight=False)
    for item in grade.unread:
        console.print(literal(f"Not read from the write-up ({item['cited']}): {item['reason']}", "yellow"),
                      highlight=False)
    for row in grade.derivations:
        if row.status in LOST_POINTS:
            console.rule(literal(f"{row.id}: {row.status}", STYLE[row.status]))
            console.print(literal(unicode_math(row.message)), highlight=False)
