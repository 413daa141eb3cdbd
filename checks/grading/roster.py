"""`--roster FILE`: the class list, a CSV of enrolled students, and how its rows are matched to an export's.

The header names the columns; any order, any case, with these names (the ones
LMS exports use): an id (`id`, `student id`, `sid`, `student number`, `user id`,
`identifier`, `id number`, `sis user id`), a login (`username`, `login`, `netid`,
`sis login id`), a name (`name`, `student`, `full name`, `student name`, or
`first name` and `last name`), an e-mail (`email`, `e-mail`, `email address`) and
a group (`group`, `team`, `group name`). Without an id column, a student's id
is their login (Blackboard names students by username). A Canvas gradebook export's `Student`
(`Smith, Jane`) and its `Points Possible` row, and a Moodle grading worksheet's
`Identifier` (`Participant 123456`), are read as those systems write them.

A student of the export is the roster's row that shares an id, login or e-mail
with it, else the one whose name has the same letters (Canvas's `smithjane` is
`Jane Smith`).
"""
from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from pathlib import Path

from checks.errors import GradjudgeError
from checks.grading.students import Student, folded_name
from checks.sandbox.files import Refused, display, read_text

__all__ = ["Roster", "RosterError", "read_roster"]

COLUMNS = {
    "id": ("id", "student id", "studentid", "sid", "student number", "user id", "userid", "identifier", "id number",
           "sis user id"),
    "login": ("username", "login", "netid", "sis login id", "user name"),
    "name": ("name", "student", "full name", "student name"),
    "first": ("first name", "firstname", "given name"),
    "last": ("last name", "lastname", "surname", "family name"),
    "email": ("email", "e-mail", "email address", "e-mail address"),
    "group": ("group", "team", "group name"),
}
"""Each field of a roster row, and the header names (compared without case) that give it."""
NOT_STUDENTS = ("points possible",)
"""Rows a gradebook export puts among the students that are not students."""


class RosterError(GradjudgeError):
    """The roster cannot be read; the message says which line and why."""


@dataclass(frozen=True)
class Roster:
    students: tuple[Student, ...]
    groups: dict[str, tuple[int, ...]]
    """Each group named in the roster, with the indices of its students."""

    def match(self, student: Student) -> int | None:
        """The index of the roster's row for `student`: by a shared id, login or e-mail, else by the same name."""
        keys = student.identifiers()
        for index, enrolled in enumerate(self.students):
            if keys & enrolled.identifiers():
                return index
        name = folded_name(student.name)
        if name:
            for index, enrolled in enumerate(self.students):
                if name in _name_forms(enrolled.name):
                    return index
        return None

    def group_of(self, index: int) -> str | None:
        return next((group for group, members in self.groups.items() if index in members), None)


def read_roster(path: Path) -> Roster:
    """The students of the roster CSV at `path`, checked before any grading starts."""
    try:
        data = read_text(path)
    except Refused as problem:
        raise RosterError(f"--roster {problem}") from None
    rows = _rows(path, data.decode("utf-8-sig", errors="replace"))
    if not rows:
        raise RosterError(f"--roster {display(path)} is empty; it needs a header row and one row per student")
    header = [cell.strip().lower() for cell in rows[0]]
    columns = {field: next((header.index(name) for name in names if name in header), None) for field, names in COLUMNS.items()}
    if columns["id"] is None and columns["login"] is None and columns["email"] is None:
        raise RosterError(f"--roster {display(path)}: its header ({', '.join(rows[0][:8])}) names no id, username or "
                          "e-mail column; name one of them (id, sid, username, email)")
    students, groups, seen = [], {}, {}
    for number, row in enumerate(rows[1:], start=2):  # a row a line: `_rows` refuses cells over several lines
        cell = {field: (row[index].strip() if index is not None and index < len(row) else "") for field, index in columns.items()}
        name = _name(cell)
        if not any(cell.values()) or (name or "").strip().lower() in NOT_STUDENTS:
            continue
        identity = re.sub(r"^participant\s*", "", cell["id"], flags=re.IGNORECASE) or cell["login"] or None
        student = Student(id=identity, name=name, email=cell["email"] or None, login=cell["login"] or None, enrolled=True)
        key = identity or cell["login"] or cell["email"]
        if not key:
            raise RosterError(f"--roster {display(path)}, line {number}: a student with no id, username or e-mail")
        if key.lower() in seen:
            raise RosterError(f"--roster {display(path)}, line {number}: {key!r} is listed twice (first on line "
                              f"{seen[key.lower()]}); each student once")
        seen[key.lower()] = number
        if cell["group"]:
            groups.setdefault(cell["group"], []).append(len(students))
        students.append(student)
    if not students:
        raise RosterError(f"--roster {display(path)} lists no students")
    return Roster(tuple(students), {group: tuple(members) for group, members in groups.items()})


def _rows(path: Path, text: str) -> list[list[str]]:
    """The roster's rows, one a line: a stray or unclosed quote, or a cell that holds a line break, is refused with
    the line its row starts on, never read as one student swallowing the lines after it."""
    reader = csv.reader(io.StringIO(text), strict=True)
    rows: list[list[str]] = []
    while True:
        start = reader.line_num + 1
        try:
            row = next(reader)
        except StopIteration:
            return rows
        except csv.Error as problem:
            raise RosterError(f"--roster {display(path)}, line {start}: not valid CSV ({problem}); check its quotes") \
                from None
        if any("\n" in cell or "\r" in cell for cell in row):
            raise RosterError(f"--roster {display(path)}, line {start}: a quoted cell runs over several lines; put "
                              "each student on one line")
        rows.append(row)


def _name(cell: dict[str, str]) -> str | None:
    name = cell["name"]
    if "," in name:
        last, _, first = name.partition(",")
        name = f"{first.strip()} {last.strip()}"
    if not name and (cell["first"] or cell["last"]):
        name = f"{cell['first']} {cell['last']}".strip()
    return name or None


def _name_forms(name: str | None) -> set[str]:
    """A roster name's letters in the orders exports write them: `janesmith` and Canvas's `smithjane`."""
    parts = (name or "").split()
    if not parts:
        return set()
    return {folded_name(" ".join(parts)), folded_name(" ".join([parts[-1], *parts[:-1]]))}

