"""The class report: one self-contained HTML page of what a class got right, and what it misunderstood.

Made to stay usable for a class of hundreds: the summary comes first (who was
graded, and who was not and why), causes are counted once per submission, a
submission that does not load or was refused is shown apart from derivation
mistakes, every long part is folded (`<details>`), and students are named by
their row's name (their name and id, or a pseudonym), never by a path.

The numbers come from `class_summary.summarise`, the charts from `charts`, the
page from a Jinja2 template with autoescaping on: every string a submission
controls (its name, messages, tags) is HTML-escaped, and first made printable
(control and direction-changing characters shown as escapes). The page loads
nothing: its style is inline, its charts are inline SVG, and its
Content-Security-Policy forbids scripts and every fetch.
"""
from __future__ import annotations

from datetime import datetime
from pathlib import PurePath

from checks.statuses import GRADED, LOST_POINTS, NOT_GRADED, STATUSES, SUBMISSION_STATUSES
from checks.assignment import Assignment
from checks.grading.grades import SubmissionGrade
from checks.reports import charts
from checks.reports.class_summary import summarise
from checks.reports.text import printable

TOP_CAUSES = 10
"""Causes listed in the overview, across all ids, most common first."""


def render(grades: list[SubmissionGrade], *, assignment: Assignment, rubric_file: str | None, made: datetime,
           version: str) -> str:
    """The page for `grades`, all of `assignment`, graded under `rubric_file` (None: the assignment's defaults)."""
    if not grades:
        raise ValueError("grades=[], but a class report needs at least one submission")
    wrong = sorted({grade.assignment for grade in grades} - {assignment.name})
    if wrong:
        raise ValueError(f"assignment={assignment.name!r}, but the grades are of {', '.join(map(repr, wrong))}")
    if any({row.id for row in grade.derivations} != assignment.ids for grade in grades):
        raise ValueError(f"assignment={assignment.name!r}, but the grades list other ids than it declares")
    from markupsafe import Markup

    summary = summarise(grades)
    anchors = {_name(grade): f"submission-{index}" for index, grade in enumerate(grades, start=1)}
    derivations = [_derivation(id, summary, grades, assignment, anchors) for id in summary["ids"]]
    page = _environment().get_template("class_report.html")
    return page.render(
        assignment=assignment,
        summary=summary,
        histogram=Markup(charts.histogram_svg(summary)),
        statuses_chart=Markup(charts.statuses_svg(summary)),
        top_causes=summary["causes"][:TOP_CAUSES],
        not_graded=[{"name": _name(grade), "anchor": anchors[_name(grade)], "status": grade.status,
                     "reason": grade.message} for grade in grades if grade.status in NOT_GRADED],
        refused=[{"name": name, "anchor": anchors[name]} for name in summary["refused"]],
        derivations=derivations,
        submissions=[_submission(grade, anchors[_name(grade)]) for grade in grades],
        statuses=STATUSES,
        submission_statuses=SUBMISSION_STATUSES,
        colours=charts.STATUS_COLOURS,
        isolation=_counted(grade.isolation or "unknown" for grade in grades),
        rubric=f"{PurePath(rubric_file).name} over the assignment's default points" if rubric_file
               else "the assignment's default points",
        version=version,
        made=made.strftime("%Y-%m-%d %H:%M %Z").strip(),
    )


def describe(tag: str, assignment: Assignment) -> str | None:
    """What the engine declares about a tag: for `known_mistake:<name>`, the hint of that catalog entry."""
    family, _, detail = tag.partition(":")
    if family == "known_mistake":
        return next((variant.hint for variant in assignment.catalog if variant.name == detail), None)
    return None


def explanation(message: str) -> str:
    """What a row's message says about why: its diagnosis, else its last line (the error, for an exception)."""
    head, found, diagnosis = message.partition("\nDiagnosis:\n")
    return diagnosis.strip() if found else (head.strip().splitlines() or [""])[-1]


def _environment():
    from jinja2 import Environment, PackageLoader, StrictUndefined
    from markupsafe import Markup

    def finalize(value: object) -> object:
        return printable(value) if isinstance(value, str) and not isinstance(value, Markup) else value

    environment = Environment(loader=PackageLoader("checks.reports", "templates"), autoescape=True,
                              undefined=StrictUndefined, finalize=finalize, trim_blocks=True, lstrip_blocks=True)
    environment.filters["percent"] = lambda share: f"{100 * share:.0f}%"
    environment.filters["points"] = lambda value: f"{value:g}"
    return environment


def _name(grade: SubmissionGrade) -> str:
    """How a row is shown: its name (the student, or a pseudonym), never its path."""
    return grade.name or grade.path


def _derivation(id: str, summary: dict, grades: list[SubmissionGrade], assignment: Assignment,
                anchors: dict[str, str]) -> dict:
    """One id's causes, most common first; tags found on exactly the same submissions are shown as one cause.

    A cause lists its submissions grouped by what their messages say; a tag's
    declared hint is shown too, unless every one of those messages says it already.
    """
    entry, found = assignment.by_id[id], summary["ids"][id]
    rows = {_name(grade): row for grade in grades for row in grade.derivations if row.id == id}
    blocks: dict[tuple[str, ...], list[str]] = {}
    for cause in found["causes"]:
        blocks.setdefault(tuple(cause["submissions"]), []).append(cause["tag"])
    if found["undiagnosed"]:
        blocks[tuple(found["undiagnosed"])] = []
    causes = []
    for sharing, tags in blocks.items():
        groups: dict[str, list[dict]] = {}
        for path in sharing:
            groups.setdefault(explanation(rows[path].message), []).append({"name": path, "anchor": f"{anchors[path]}-{id}"})
        hints = {tag: describe(tag, assignment) for tag in tags}
        causes.append({"tags": tags, "count": len(sharing), "share": len(sharing) / summary["submissions"],
                       "hints": {tag: hint for tag, hint in hints.items() if hint and not all(hint in text for text in groups)},
                       "groups": sorted(groups.items(), key=lambda group: -len(group[1]))})
    return {"id": id, "title": entry.title, "section": entry.section, "context": entry.context.name,
            "statuses": found["statuses"], "points": found["points"], "causes": causes}


def _submission(grade: SubmissionGrade, anchor: str) -> dict:
    explained = [row for row in grade.derivations if row.status in LOST_POINTS] if grade.status == GRADED else []
    counts = {status: sum(row.status == status for row in grade.derivations) for status in STATUSES}
    return {"grade": grade, "name": _name(grade), "anchor": anchor, "explained": explained,
            "counts": {status: count for status, count in counts.items() if count}}


def _counted(values) -> str:
    counts: dict[str, int] = {}
    for value in values:
        counts[value] = counts.get(value, 0) + 1
    if len(counts) == 1:
        return next(iter(counts))
    return ", ".join(f"{value} ({count})" for value, count in sorted(counts.items()))
