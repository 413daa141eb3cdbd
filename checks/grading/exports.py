"""A class export as each LMS lays it out: which files are whose, and who the students are.

Recognised from the names the LMS writes (never from what students write inside
their files), as each system's documentation shows its download:

- `canvas`: "Download Submissions", one flat folder; every file named
  `lastfirst_userid_submissionid_filename`, `lastfirst_LATE_userid_...` when late,
  and a re-submitted file's name ending `-1`, `-2` before its extension.
- `moodle`: "Download all submissions", a folder per student and plugin,
  `Full Name_participantid_assignsubmission_file_` (the files) and
  `..._assignsubmission_onlinetext_` (the online text, `onlinetext.html`); or,
  without folders, flat files `Full Name_participantid_assignsubmission_file_filename`.
- `blackboard`: "Download Assignment", one flat folder; every file named
  `Assignment_username_attempt_YYYY-MM-DD-HH-MM-SS_filename`, beside one
  `Assignment_username_attempt_YYYY-MM-DD-HH-MM-SS.txt` per attempt that gives the
  student's name (`Name: Jane Smith (jsmith)`) and each file's original name.
- `gradescope`: "Export Submissions", `submission_metadata.yml` beside a folder
  `submission_<id>` per submission, the yml naming its submitters (`:name:`,
  `:sid:`, `:email:`), a group's several.
- `folders`: anything else: each subfolder is one student's, named by it, and
  each gradable file directly in the folder is one student's, named by its file
  name; a loose `.py` file that defines no id and that other loose files import is
  their helper module, not a student.

A layout is the export's when it names at least half of the folder's entries;
entries it does not name are listed as not graded, never made into students.
"""
from __future__ import annotations

import os
import re
import stat
from dataclasses import dataclass, field
from pathlib import Path

from checks.grading.students import Student
from checks.sandbox.files import Handed, Refused, display, walk

__all__ = ["LAYOUTS", "Handin", "Export", "is_folder", "read_export"]

LAYOUTS = {
    "canvas": "Canvas's Download Submissions: flat files lastfirst_[LATE_]userid_submissionid_filename",
    "moodle": "Moodle's Download all submissions: Full Name_id_assignsubmission_file_ (and _onlinetext_) folders",
    "blackboard": "Blackboard's Download Assignment: Assignment_username_attempt_date_filename, and a .txt per attempt",
    "gradescope": "Gradescope's Export Submissions: submission_<id> folders and submission_metadata.yml",
    "folders": "a folder or a file per student, named by it",
}
"""Every export layout recognised, with what it looks like."""
IGNORED = frozenset({"__pycache__", "__MACOSX", ".DS_Store", "Thumbs.db", ".ipynb_checkpoints"})
METADATA = "submission_metadata.yml"
METADATA_LIMIT = 16 * 2**20

CANVAS = re.compile(r"^(?P<name>[^_]+)_(?:(?P<late>LATE)_)?(?P<id>\d+)_(?P<submission>\d+)_(?P<file>.+)$")
CANVAS_COPY = re.compile(r"^(?P<stem>.+)-(?P<copy>\d+)(?P<suffix>\.[^.]+)$")
"""Canvas renames a file handed in again under the same name `name-1.ext`, `name-2.ext`, ...: the highest number is
the latest copy, which is graded."""
MOODLE = re.compile(r"^(?P<name>.+?)_(?P<id>\d+)_assignsubmission_(?P<plugin>[a-z]+)_(?P<file>.*)$")
BLACKBOARD = re.compile(r"^(?P<assignment>.+)_(?P<login>[^_]+)_attempt_(?P<date>\d{4}(?:-\d{2}){5})(?:_(?P<file>.+)|\.txt)$")
BLACKBOARD_NAME = re.compile(r"^Name:\s*(?P<name>.*?)\s*\((?P<login>[^()]+)\)\s*$", re.MULTILINE)
BLACKBOARD_FILES = re.compile(r"Original filename:\s*(?P<original>.+?)\s*\n\s*Filename:\s*(?P<stored>.+?)\s*$", re.MULTILINE)
GRADESCOPE_FOLDER = re.compile(r"^submission_\d+$")


@dataclass
class Handin:
    """What one student (or one group) handed in, as the export lays it out, before anything is chosen to grade."""

    name: str
    """What the row is reported by: the student's label, or the folder's or file's name."""
    where: Path
    """The student's folder, or their first file, on disk."""
    files: list[Handed] = field(default_factory=list)
    """Every file, named as the student named it (the LMS's prefix taken off)."""
    students: tuple[Student, ...] = ()
    """Who handed it in: one student, or a group's members; empty when the layout does not say."""
    problem: str | None = None
    """Why its files cannot be listed (a link or a device among them, too many files)."""


@dataclass
class Export:
    layout: str
    handins: list[Handin]
    unclaimed: list[tuple[str, str]]
    """Entries of the folder that belong to no student, each with the reason."""


def read_export(folder: Path) -> Export:
    """The hand-ins of the export at `folder`, in the layout whose names it follows."""
    children = sorted((child for child in folder.iterdir() if child.name not in IGNORED),
                      key=lambda path: os.fsencode(path.name))
    if (folder / METADATA).is_file():
        return _gradescope(folder, children)
    names = [child.name for child in children]
    counts = {layout: sum(bool(pattern.match(name)) for name in names)
              for layout, pattern in (("moodle", MOODLE), ("blackboard", BLACKBOARD), ("canvas", CANVAS))}
    layout = max(counts, key=lambda layout: counts[layout])
    if counts[layout] and 2 * counts[layout] >= len(children):
        return {"moodle": _moodle, "blackboard": _blackboard, "canvas": _canvas}[layout](folder, children)
    return Export("folders", [], [])


def _canvas(folder: Path, children: list[Path]) -> Export:
    handins: dict[str, Handin] = {}
    copies: dict[tuple[str, str], list[tuple[int, Path]]] = {}
    unclaimed = []
    for child in children:
        found = CANVAS.match(child.name)
        if not found or not _is_file(child):
            unclaimed.append((display(child), "not named as Canvas names a student's file"))
            continue
        student = Student(id=found["id"], name=found["name"], late=bool(found["late"]))
        handin = handins.setdefault(found["id"], Handin(student.label, child, students=(student,)))
        if found["late"]:
            handin.students = (Student(id=found["id"], name=found["name"], late=True),)
        copy = CANVAS_COPY.match(found["file"])
        original = f"{copy['stem']}{copy['suffix']}" if copy else found["file"]
        copies.setdefault((found["id"], original), []).append((int(copy["copy"]) if copy else 0, child))
    for (student_id, original), found in copies.items():
        *earlier, (_, latest) = sorted(found, key=lambda copy: (copy[0], os.fsencode(copy[1].name)))
        handins[student_id].files.append(Handed(original, latest, os.lstat(latest).st_size))
        unclaimed += [(display(child), f"an earlier copy of {original}: the latest, {display(latest.name)}, is graded")
                      for _, child in earlier]
    for handin in handins.values():
        handin.name = handin.students[0].label
    return Export("canvas", list(handins.values()), unclaimed)


def _moodle(folder: Path, children: list[Path]) -> Export:
    handins: dict[str, Handin] = {}
    unclaimed = []
    for child in children:
        found = MOODLE.match(child.name)
        if not found:
            unclaimed.append((display(child), "not named as Moodle names a student's submission"))
            continue
        student = Student(id=found["id"], name=found["name"])
        handin = handins.setdefault(found["id"], Handin(student.label, child, students=(student,)))
        if is_folder(child):
            try:
                handin.files += walk(child)
            except Refused as problem:
                handin.problem = str(problem)
        elif _is_file(child):
            handin.files.append(Handed(found["file"] or child.name, child, os.lstat(child).st_size))
        else:
            handin.problem = f"{display(child)} is not a regular file or folder"
    return Export("moodle", list(handins.values()), unclaimed)


def _blackboard(folder: Path, children: list[Path]) -> Export:
    handins: dict[str, Handin] = {}
    originals: dict[str, dict[str, str]] = {}
    """By login: each stored file's original name, as that student's own attempt text gives it."""
    unclaimed = []
    for child in children:
        found = BLACKBOARD.match(child.name)
        if not found or not _is_file(child):
            unclaimed.append((display(child), "not named as Blackboard names a student's file"))
            continue
        handin = handins.setdefault(found["login"], Handin(found["login"], child, students=(Student(id=found["login"]),)))
        if found["file"] is None:
            text = Handed(child.name, child, os.lstat(child).st_size).read(2**20).decode("utf-8", errors="replace")
            named = BLACKBOARD_NAME.search(text)
            if named and named["login"].strip() == found["login"]:
                handin.students = (Student(id=found["login"], name=named["name"] or None, login=found["login"]),)
            originals.setdefault(found["login"], {}).update(
                {stored: _base_name(original) for original, stored in BLACKBOARD_FILES.findall(text)})
            continue
        handin.files.append(Handed(found["file"], child, os.lstat(child).st_size))
    for login, handin in handins.items():
        own = originals.get(login, {})
        handin.files = [Handed(own.get(item.path.name) or item.name, item.path, item.size) for item in handin.files]
        handin.name = handin.students[0].label
    return Export("blackboard", list(handins.values()), unclaimed)


def _base_name(original: str) -> str:
    """The last part of an uploaded file's original name (the student's browser may send a whole path); empty
    where that is no file name. The attempt text is the student's own writing, so it names nothing else."""
    name = original.strip().replace("\\", "/").rsplit("/", 1)[-1]
    return "" if name in ("", ".", "..") else name


def _gradescope(folder: Path, children: list[Path]) -> Export:
    import yaml

    try:
        metadata = yaml.safe_load(Handed(METADATA, folder / METADATA, os.lstat(folder / METADATA).st_size)
                                  .read(METADATA_LIMIT).decode("utf-8", errors="replace")) or {}
    except (Refused, yaml.YAMLError) as problem:
        raise Refused(f"{display(folder / METADATA)} cannot be read: {problem}") from None
    if not isinstance(metadata, dict):
        raise Refused(f"{display(folder / METADATA)} is not Gradescope's submission metadata (no submissions in it)")
    handins, unclaimed = [], []
    for key, entry in metadata.items():
        submitters = _field(entry, "submitters") if isinstance(entry, dict) else None
        students = tuple(Student(id=_text(_field(person, "sid")), name=_text(_field(person, "name")),
                                 email=_text(_field(person, "email")))
                         for person in (submitters if isinstance(submitters, list) else []) if isinstance(person, dict))
        if students and len(students) > 1:
            labels = tuple(student.label for student in students)
            students = tuple(Student(**{**student.to_json(), "members": labels}) for student in students)
        where = folder / str(key)
        handin = Handin(" & ".join(student.label for student in students) or str(key), where, students=students)
        if is_folder(where):
            try:
                handin.files = walk(where)
            except Refused as problem:
                handin.problem = str(problem)
        handins.append(handin)
    listed = {str(key) for key in metadata}
    for child in children:
        if child.name != METADATA and child.name not in listed:
            why = "a submission folder the metadata does not list" if GRADESCOPE_FOLDER.match(child.name) else \
                "not a submission folder of the export"
            unclaimed.append((display(child), why))
    return Export("gradescope", handins, unclaimed)


def _field(mapping: dict, name: str):
    """Gradescope writes Ruby symbols as keys (`:sid:`); YAML reads them as `:sid`."""
    return mapping.get(f":{name}", mapping.get(name))


def _text(value) -> str | None:
    return None if value is None else str(value).strip() or None


def is_folder(path: Path) -> bool:
    """A folder itself, not a link to one."""
    return os.path.lexists(path) and stat.S_ISDIR(os.lstat(path).st_mode)


def _is_file(path: Path) -> bool:
    return stat.S_ISREG(os.lstat(path).st_mode)
