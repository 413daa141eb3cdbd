"""Grading one hand-in: its code first, then its write-ups for the ids the code leaves unanswered.

A hand-in (`discovery.Entry`) is code (a `.py` file and the modules beside it, a
package, or a notebook's code cells) and write-ups (files, Moodle's online text,
a notebook's Markdown cells). An id the code answers (defines, and does not
leave raising `NotImplementedError`) is graded from the code; every other id is
taken from the first write-up that answers it. Each row says which (`origin`).
Under the rubric's `evidence = "writeup"`, an id the code answers keeps the
lesser of what the code and the first write-up that answers it earn
(`checks.grading.evidence`). Every path given to grade, one file or one
student's folder, goes through here (`grade_submission`).

A notebook's lines are placed in their cells: a load error, a syntax error or a
forbidden import names the cell and the line in it; a formula the reader could
not read names its cell too.
"""
from __future__ import annotations

import html
import re
import time
from dataclasses import dataclass, replace
from html.parser import HTMLParser
from pathlib import Path, PurePosixPath

from checks.statuses import GRADED, NO_SUBMISSION, NOT_ATTEMPTED
from checks import tags
from checks.assignment import Assignment
from checks.grading import evidence
from checks.grading.discovery import ONLINE_TEXT, Entry, discover
from checks.grading.grade import grade_code, unloadable
from checks.grading.grades import DerivationGrade, SubmissionGrade
from checks.grading.rubric import Rubric
from checks.grading.writeups import grade_writeup_text
from checks.grading.code import code_files, notebook_of
from checks.sandbox.client import Prior, Sandboxed
from checks.sandbox.files import FILE_LIMIT, Refused, display
from checks.sandbox.isolation import Isolation
from checks.sandbox.notebooks import Notebook

__all__ = ["Writeup", "read_writeups", "grade_entry", "grade_submission", "not_graded", "shown_path"]


@dataclass(frozen=True)
class Writeup:
    """One write-up of a hand-in as text: its name, its bytes, and, for a notebook's Markdown, where each line is."""

    name: str
    text: bytes
    notebook: Notebook | None = None


def read_writeups(entry: Entry) -> list[Writeup]:
    """Every write-up of the hand-in as text: its write-up files (Moodle's online text as plain text) and, for a
    notebook entry, the notebook's Markdown cells. Unreadable ones are left out (grading says why)."""
    found = []
    chosen = next((item for item in entry.code if item.name == entry.entry), None)
    if chosen is not None:
        try:
            notebook = notebook_of(chosen)
        except Refused:
            notebook = None
        if notebook is not None and notebook.markdown.strip():
            found.append(Writeup(chosen.name, notebook.markdown.encode("utf-8"), notebook))
    for item in entry.writeups:
        try:
            text = item.read(FILE_LIMIT)
        except Refused:
            continue
        if PurePosixPath(item.name).name == ONLINE_TEXT:
            text = _html_text(text.decode("utf-8", errors="replace")).encode("utf-8")
        found.append(Writeup(item.name, text))
    return found


def not_graded(entry: Entry, assignment: Assignment, rubric: Rubric) -> SubmissionGrade:
    """The row of a student with nothing to grade: every id not attempted, the status and message say why."""
    rows = [DerivationGrade(item.id, NOT_ATTEMPTED, [tags.NOT_ATTEMPTED], 0.0, rubric.points[item.id],
                            f"Not graded: {entry.problem}.") for item in assignment.derivations]
    return SubmissionGrade(shown_path(entry), entry.status, entry.problem or "", 0.0, rubric.max_score, rows,
                           assignment=assignment.name, handed_in=list(entry.handed_in))


def shown_path(entry: Entry) -> str:
    """The row's `path`: the path as given on the command line (or below the folder given), the same however many
    jobs grade; empty for a roster student with no submission, who has none."""
    return "" if entry.status == NO_SUBMISSION else display(entry.path)


def grade_submission(path: Path, assignment: Assignment, rubric: Rubric, isolation: Isolation,
                     prior: Prior = Prior()) -> SubmissionGrade:
    """Grade one submission at `path`: a `.py` file, a notebook, a zip, a write-up, a package or one student's folder.

    `prior` is what an earlier opening of it used of the submission's budget and found, or that opening itself.
    """
    (entry,) = discover([path], assignment.ids, one_submission=True).entries
    return grade_entry(entry, assignment, rubric, isolation, prior)


def grade_entry(entry: Entry, assignment: Assignment, rubric: Rubric, isolation: Isolation,
                prior: Prior | Sandboxed = Prior()) -> SubmissionGrade:
    """Grade the hand-in: its code, then its write-ups for the ids the code leaves unanswered (and, under the
    rubric's `evidence = "writeup"`, for every id the code answers)."""
    start = time.perf_counter()
    if entry.status is not None:
        return not_graded(entry, assignment, rubric)
    if entry.problem is not None:
        grade = _handed(unloadable(entry.path, assignment, entry.problem, rubric), entry)
        grade.isolation = isolation.level
        return grade
    notes: list[str] = []
    grade = None
    try:
        code = code_files(entry)
    except Refused as refused:
        code, grade = None, unloadable(entry.path, assignment, str(refused), rubric)
    if code is not None:
        grade = grade_code(entry.path, assignment, rubric, isolation, prior, files=code.files)
        grade.path = display(entry.path)
        if code.notebook is not None:
            _place_in_cells(grade, code.staged, entry.entry, code.notebook)
            notes += [f"dropped from {entry.entry}: {note}" for note in code.notebook.dropped]
    unanswered = _unanswered(grade, assignment)
    written = _graded_writeups(entry, assignment, rubric, isolation, notes) \
        if unanswered or rubric.evidence == evidence.WRITEUP else []
    if unanswered:
        grade = _from_writeups(grade, written, unanswered, entry, notes)
    if grade is None:
        grade = unloadable(entry.path, assignment, "nothing in it could be read", rubric)
    if rubric.evidence == evidence.WRITEUP:
        evidence.require_writeup(grade, written)
    for row in grade.derivations:
        if row.origin is None and row.status != NOT_ATTEMPTED and tags.LOAD_ERROR not in row.tags:
            row.origin = "code"
    grade.notes = notes
    grade.seconds = time.perf_counter() - start
    grade.isolation = isolation.level
    return _handed(grade, entry)


def _handed(grade: SubmissionGrade, entry: Entry) -> SubmissionGrade:
    grade.handed_in = list(entry.handed_in)
    return grade


def _unanswered(grade: SubmissionGrade | None, assignment: Assignment) -> set[str]:
    """Ids the code does not answer: not attempted, or all of them when the code does not load or is absent."""
    if grade is None or grade.status != GRADED:
        return set(assignment.ids)
    return {row.id for row in grade.derivations if row.status == NOT_ATTEMPTED}


def _graded_writeups(entry: Entry, assignment: Assignment, rubric: Rubric, isolation: Isolation,
                     notes: list[str]) -> list[tuple[str, SubmissionGrade]]:
    """Each write-up of the hand-in, read and graded, by name; one that is not graded says why in `notes`."""
    graded = []
    for writeup in read_writeups(entry):
        read = grade_writeup_text(writeup.text, Path(writeup.name), assignment, rubric, isolation, Prior())
        if writeup.notebook is not None:
            _place_writeup_in_cells(read, writeup.notebook)
        if read.status != GRADED:
            notes.append(f"the write-up {writeup.name} is not graded: {read.message}")
        graded.append((writeup.name, read))
    return graded


def _from_writeups(grade: SubmissionGrade | None, written: list[tuple[str, SubmissionGrade]], unanswered: set[str],
                   entry: Entry, notes: list[str]) -> SubmissionGrade | None:
    """`grade` with each unanswered id taken from the first graded write-up that answers it."""
    for name, read in written:
        if not unanswered:
            break
        if grade is None:
            grade = read
            grade.path = display(entry.path)
        if read.status != GRADED:
            continue
        used = [row for row in read.derivations if row.id in unanswered and row.status != NOT_ATTEMPTED]
        rows = {row.id: index for index, row in enumerate(grade.derivations)}
        for row in used:
            row.origin = "writeup"
            grade.derivations[rows[row.id]] = row
            unanswered.discard(row.id)
        grade.unread += [{**item, "writeup": name} for item in read.unread if item.get("id") in unanswered]
        for row in read.derivations:
            if row.id in unanswered and row.status == NOT_ATTEMPTED and row.message.startswith("Not read"):
                grade.derivations[rows[row.id]] = row
        if used:
            notes.append(f"{len(used)} id(s) read from the write-up {display(name)}: "
                         f"{', '.join(row.id for row in used)}")
    if grade is None:
        return None
    if grade.status != GRADED and any(row.origin == "writeup" for row in grade.derivations):
        notes.append(f"the code does not load ({grade.message}); the ids its write-up answers are graded from it")
        grade.status = GRADED
    grade.score = sum(row.score for row in grade.derivations)
    if grade.status == GRADED and not grade.message.startswith("Refused"):
        grade.message = f"{grade.score:g} / {grade.max_score:g}"
    return grade


def _place_in_cells(grade: SubmissionGrade, staged: str, original: str, notebook: Notebook) -> None:
    """Messages that name a line of the generated module name the notebook's cell and its line instead."""
    pattern = re.compile(rf"{re.escape(PurePosixPath(staged).name)}, line (\d+)")

    def placed(match: re.Match) -> str:
        place = notebook.code_place(int(match.group(1)))
        return f"{original}, {place.describe()}" if place else match.group(0)

    grade.message = pattern.sub(placed, grade.message)
    for row in grade.derivations:
        row.message = pattern.sub(placed, row.message)


def _place_writeup_in_cells(grade: SubmissionGrade, notebook: Notebook) -> None:
    """Each unread formula, and each id read, with the Markdown cell it is in."""
    for item in grade.unread:
        place = notebook.markdown_place(item.get("line") or 0)
        if place is not None:
            item.update(cell=place.cell, line=place.line)
    for row in grade.derivations:
        if row.source:
            row.source = {**row.source, "cell": notebook.cell_of(row.source.get("latex", ""))}
        found = re.match(r"Not read from the write-up \((.*?)line (\d+),", row.message)
        place = notebook.markdown_place(int(found.group(2))) if found else None
        if place is not None:
            row.message = row.message.replace(f"line {found.group(2)},", f"{place.describe()},", 1)


class _Text(HTMLParser):
    """The text of an HTML page as Markdown: tags dropped, entities decoded, blocks on lines, headings `#`."""

    BLOCKS = frozenset({"p", "div", "br", "li", "tr", "h1", "h2", "h3", "h4", "h5", "h6", "pre"})

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag in self.BLOCKS:
            self.parts.append("\n")
        if len(tag) == 2 and tag[0] == "h" and tag[1].isdigit():
            self.parts.append("#" * int(tag[1]) + " ")

    def handle_endtag(self, tag):
        if tag in self.BLOCKS:
            self.parts.append("\n")

    def handle_data(self, data):
        self.parts.append(data)


def _html_text(page: str) -> str:
    parser = _Text()
    parser.feed(page)
    parser.close()
    return html.unescape("".join(parser.parts))


def for_each_student(grade: SubmissionGrade, entry: Entry) -> list[SubmissionGrade]:
    """One row per student of the hand-in: a group's members each get a copy, named by themselves."""
    grade.name = entry.name
    grade.submission = entry.name
    if len(entry.students) <= 1:
        grade.student = entry.students[0].to_json() if entry.students else None
        return [grade]
    rows = []
    for student in entry.students:
        row = replace(grade, derivations=[replace(item) for item in grade.derivations], name=student.label,
                      student=student.to_json())
        rows.append(row)
    return rows
