"""What is a submission: the paths given, read as files, packages, notebooks, zips, or class exports.

- A `.py` file, a notebook (`.ipynb`), a zip or a write-up (`.md`, `.markdown`,
  `.tex`, or `.txt`; inside a folder, a `.txt` file only when its content has
  math) is one submission; so is a folder with `__init__.py` (a package).
- Any other folder is a class export (`exports`): Canvas, Moodle, Blackboard or
  Gradescope as each lays out its download, or a folder or a file per student.
- One student's hand-in (their folder, their zip, their Canvas files) is one
  submission whose modules import each other under their own names. Its entry,
  the code that is graded, is the `.py` file, notebook or package `__init__.py`
  that defines the most ids; the other `.py` files are modules beside it; its
  write-ups (and a notebook's Markdown cells, and Moodle's online text) are
  read for the ids the code does not answer. A zip is listed from its central
  directory (`archives`), under its caps.
- Every student of the export and of the roster (`--roster`) is exactly one row,
  with a status that says what happened (`SUBMISSION_STATUSES`): one who handed
  in nothing gradable is `nothing_gradable`, with what they handed in; one on
  the roster with nothing in the export is `no_submission`. Helper files,
  second folders and files the layout does not name are never students.
- Every file that is not used is reported, with the reason; the list is capped
  (`SKIPPED_LISTED`) and the rest counted.

Nothing here imports or runs a submission, and nothing is parsed: sizes come
from `lstat` and zip headers, and a file's ids are counted by a linear pattern
over at most `RANKED` files of one hand-in, each read only up to its size cap,
so every usage error is found before torch is imported.
"""
from __future__ import annotations

import os
import re
import stat
import sys
from dataclasses import dataclass, field, replace
from pathlib import Path, PurePosixPath

from checks.statuses import NOTHING_GRADABLE, NO_SUBMISSION
from checks.errors import GradjudgeError
from checks.grading.exports import IGNORED, Handin, is_folder, read_export
from checks.grading.roster import Roster
from checks.grading.students import Student
from checks.sandbox.archives import is_archive, list_members
from checks.sandbox.files import FILE_LIMIT, NOTEBOOK_LIMIT, Handed, Refused, display, walk
from checks.sandbox.isolation import WORKER_PACKAGES
from checks.writeup.isolated import SUFFIXES as WRITEUP_SUFFIXES

__all__ = ["Entry", "Skipped", "Found", "NothingToGrade", "discover", "unique_names"]

TEXT = ".txt"
MATH = re.compile(r"\$[^$\n]+\$|\\\[|\\begin\{|\$\$")
"""A `.txt` file is a write-up when its text has math in Markdown or LaTeX form."""
NOTEBOOK = ".ipynb"
ONLINE_TEXT = "onlinetext.html"
"""Moodle's online text submission, read as a write-up when it has math (as a `.txt` file is)."""
RANKED = 20
"""Most files of one hand-in whose ids are counted to choose its entry; the rest count as defining none."""
SKIPPED_LISTED = 100
"""Most files not graded that are listed by name; the rest are counted."""
DEFINITION = re.compile(rb"^(?:async[ \t]+)?def[ \t]+([A-Za-z_]\w*)|^([A-Za-z_]\w*)[ \t]*(?::[^=\n]*)?=(?!=)", re.MULTILINE)
NOTEBOOK_DEFINITION = re.compile(rb'(?:"|(?<!\\)\\n)(?:async\s+)?def\s+([A-Za-z_]\w*)')
"""A `def` that starts a line of a code cell's JSON source: after the quote of a line (a source given as a list of
lines), or after an escaped newline (a source given as one string)."""
IMPORTED = re.compile(rb"^[ \t]*(?:from[ \t]+([A-Za-z_]\w*)[\w.]*[ \t]+import|import[ \t]+([A-Za-z_]\w*))", re.MULTILINE)


PROVIDED_MODULES = frozenset(sys.stdlib_module_names) | frozenset(WORKER_PACKAGES)
"""Modules a submission's `import` finds in the sandbox itself, never in a classmate's file."""

@dataclass(frozen=True)
class Entry:
    """One submission as handed in: whose it is, the files that make its code, its write-ups, what it cannot be."""

    path: Path
    """Where it lives: the file given, or the student's folder or first file."""
    name: str
    """What it is reported by: the student's label, or its path below the folder graded."""
    problem: str | None = None
    """Why it cannot be graded at all (a `load_error`), if it cannot."""
    status: str | None = None
    """`no_submission` or `nothing_gradable` for a row with nothing to grade; None for one to grade."""
    students: tuple[Student, ...] = ()
    """Who it is: one student, a group's members (each gets the row), or nobody known (a loose file)."""
    code: tuple[Handed, ...] = ()
    """The files of its code: the entry and every `.py` module beside it."""
    entry: str | None = None
    """The name (as handed in) of the file whose ids are graded: a `.py` file, a notebook or a package's `__init__.py`."""
    writeups: tuple[Handed, ...] = ()
    """The student's write-ups: every write-up handed in with the code (Moodle's online text included). A notebook
    entry's Markdown cells are a write-up too: `checks.grading.handins.read_writeups` gives them all as text."""
    handed_in: tuple[str, ...] = ()
    """Every file the student handed in, by the name they gave it."""

    @property
    def runs(self) -> bool:
        """Whether it has code to start in a sandbox: no problem, no status, and an entry file."""
        return self.problem is None and self.status is None and self.entry is not None

    @property
    def package(self) -> str | None:
        """The package folder, when the entry is a package's `__init__.py`."""
        if self.entry and PurePosixPath(self.entry).name == "__init__.py" and PurePosixPath(self.entry).parent.parts:
            return str(PurePosixPath(self.entry).parent)
        return None


@dataclass(frozen=True)
class Skipped:
    """A file that is not graded, with the reason."""

    path: str
    reason: str


@dataclass
class Found:
    entries: list[Entry]
    skipped: list[Skipped] = field(default_factory=list)
    skipped_more: int = 0
    """Files not graded beyond the `SKIPPED_LISTED` listed."""
    layout: str | None = None
    """The export layout recognised (`exports.LAYOUTS`), for a class export."""

    @property
    def rows(self) -> int:
        """The rows grading these entries makes: one per student of a group's hand-in (`handins.for_each_student`),
        one for any other."""
        return sum(max(1, len(entry.students)) for entry in self.entries)

    def skip(self, path: str, reason: str) -> None:
        if len(self.skipped) < SKIPPED_LISTED:
            self.skipped.append(Skipped(path, reason))
        else:
            self.skipped_more += 1


class NothingToGrade(GradjudgeError):
    """A path given on the command line that holds no submission at all; the message says why."""


def discover(paths: list[str | Path], ids: frozenset[str], *, roster: Roster | None = None,
             one_submission: bool = False) -> Found:
    """The submissions among `paths` (each a file, a package, a hand-in or an export), and every file not graded.

    With `one_submission`, a folder given is one student's hand-in, not a class.
    """
    found = Found([])
    for given in map(Path, paths):
        if not os.path.lexists(given):
            raise NothingToGrade(f"{display(given)}: no such file or folder")
        if is_folder(given) and not (given / "__init__.py").exists() and not one_submission:
            before = len(found.entries)
            _export(given, ids, found)
            if len(found.entries) == before:
                raise NothingToGrade(f"{display(given)}: a folder with no submission in it (no .py file, notebook, zip, "
                                     "write-up, package or student's folder)")
        elif is_folder(given):
            found.entries.append(_entry(_folder_handin(given, display(given), package=(given / "__init__.py").exists()),
                                        ids, found))
        elif _gradable(given) or _named_kind(given) or os.path.islink(given):
            found.entries.append(_entry(_file_handin(given, display(given)), ids, found))
        else:
            raise NothingToGrade(f"{display(given)}: not a .py file, a notebook, a zip, a write-up (.md, .tex, or .txt "
                                 "with math) or a folder")
    if roster is not None:
        _enrol(found, roster)
    _unique_names(found.entries)
    return found


def _export(folder: Path, ids: frozenset[str], found: Found) -> None:
    try:
        export = read_export(folder)
    except Refused as problem:
        raise NothingToGrade(str(problem)) from None
    found.layout = export.layout
    for path, reason in export.unclaimed:
        found.skip(path, reason)
    handins = export.handins if export.layout != "folders" else _folders(folder, ids, found)
    for handin in handins:
        found.entries.append(_entry(handin, ids, found))


def _folders(folder: Path, ids: frozenset[str], found: Found) -> list[Handin]:
    """A folder or a gradable file per student; loose helper modules go with the loose files that import them."""
    handins, loose = [], []
    for child in sorted(folder.iterdir(), key=lambda path: os.fsencode(path.name)):
        name = display(child.name)
        if child.name in IGNORED:
            continue
        if is_folder(child):
            handins.append(_folder_handin(child, name, package=(child / "__init__.py").exists()))
        elif _gradable(child) or os.path.islink(child):
            handin = _file_handin(child, name)
            handins.append(handin)
            if child.suffix == ".py":
                loose.append(handin)
        else:
            found.skip(display(child), _why_not(child))
    for helper, importers in _helpers(loose, ids):
        handins.remove(helper)
        if len(importers) == 1:
            importers[0].files += helper.files
            found.skip(display(helper.where), f"a helper module imported by {importers[0].name}: graded with it, "
                                              "not a student's submission")
        else:
            found.skip(display(helper.where), f"a module imported by {', '.join(i.name for i in importers)}: "
                                              "attached to none of them, since it can be the own file of one at most "
                                              "and would run inside the others")
    return handins


def _helpers(loose: list[Handin], ids: frozenset[str]) -> list[tuple[Handin, list[Handin]]]:
    """Loose `.py` files that define no id and that other loose files import, with the files that import them.

    A file named like a module the sandbox provides (`json.py`, `numpy.py`) is never a helper: a classmate's
    `import json` means the standard library's, and attaching the file to it would let one student's code run
    inside another's submission. For the same reason a helper several files import is attached to none of them.
    """
    stems = {PurePosixPath(handin.files[0].name).stem: handin for handin in loose if handin.files and not handin.problem
             and PurePosixPath(handin.files[0].name).stem not in PROVIDED_MODULES}
    texts = {handin.name: _peek(handin.files[0], FILE_LIMIT) for handin in stems.values()}
    helpers = []
    for stem, helper in stems.items():
        if _defined(texts[helper.name], ids):
            continue
        importers = [handin for handin in stems.values() if handin is not helper
                     and stem.encode() in {a or b for a, b in IMPORTED.findall(texts[handin.name])}]
        if importers:
            helpers.append((helper, importers))
    return helpers


def _folder_handin(folder: Path, name: str, *, package: bool) -> Handin:
    handin = Handin(name, folder)
    try:
        files = walk(folder)
    except Refused as problem:
        handin.problem = str(problem)
        return handin
    prefix = f"{folder.name}/" if package else ""
    handin.files = [Handed(prefix + item.name, item.path, item.size) for item in files]
    return handin


def _file_handin(path: Path, name: str) -> Handin:
    handin = Handin(name, path)
    info = os.lstat(path)
    if not stat.S_ISREG(info.st_mode):
        handin.problem = f"{display(path)} is a symbolic link or not a regular file; a submission must be a regular file"
    else:
        handin.files = [Handed(path.name, path, info.st_size)]
    return handin


def _entry(handin: Handin, ids: frozenset[str], found: Found) -> Entry:
    """The submission a hand-in makes: its entry, its modules and write-ups; every other file reported."""
    files, problems = _unpacked(handin, found)
    names = tuple(display(item.name) for item in files)
    base = Entry(handin.where, handin.name, students=handin.students, handed_in=names)
    python = [item for item in files if item.suffix == ".py"]
    notebooks = [item for item in files if item.suffix == NOTEBOOK]
    one_file = len(files) == 1 and not is_folder(handin.where)
    writeups = [item for item in files if _is_writeup(item) or (one_file and item.suffix in WRITEUP_SUFFIXES)]
    ranked = python + notebooks
    ranks = {item: _rank(item, ids, ranked) for item in ranked}
    chosen = max(ranked, key=ranks.__getitem__, default=None)
    for item in files:
        if item not in python and item not in writeups and item is not chosen:
            tie = chosen is not None and item in ranks and ranks[item][0] == ranks[chosen][0]
            found.skip(item.where, _why_not_handed(item, chosen, tie))
    problem = handin.problem or ("; ".join(problems) if problems else None)
    if chosen is None and not writeups:
        if problem:
            return replace(base, problem=problem)
        held = ", ".join(names[:10]) + (f" and {len(names) - 10} more" if len(names) > 10 else "") if names else "nothing"
        return replace(base, status=NOTHING_GRADABLE,
                       problem=f"nothing gradable was handed in: {held} (gradjudge grades .py files, notebooks, zips "
                               "of them, and Markdown or LaTeX write-ups)")
    code: tuple[Handed, ...] = ()
    if chosen is not None:
        root = _package_root(chosen)
        code = tuple(item for item in python if root is None or item.name.startswith(f"{root}/"))
        code = code if chosen in code else (chosen, *code)
    return replace(base, code=code, entry=None if chosen is None else chosen.name, writeups=tuple(writeups))


def _unpacked(handin: Handin, found: Found) -> tuple[list[Handed], list[str]]:
    """The hand-in's files with every zip replaced by its members; a zip that is refused is a problem, said once."""
    files, problems = [], []
    for item in handin.files:
        if set(PurePosixPath(item.name).parts) & IGNORED:
            continue
        if item.suffix != ".zip" or not is_archive(Path(item.name)):
            files.append(item)
            continue
        if item.member is not None:
            found.skip(item.where, "a zip inside a zip is not unpacked")
            continue
        try:
            members = list_members(item.path)
        except Refused as problem:
            problems.append(str(problem))
            found.skip(item.where, f"refused: {problem}")
            continue
        files += [Handed(member.name, item.path, member.size, member.name) for member in members]
    return files, problems


def _rank(item: Handed, ids: frozenset[str], ranked: list[Handed]) -> tuple[int, int, str]:
    """The ids a file defines (a package's `__init__.py`: the ids its package's modules define, which it exports),
    counted on the first `RANKED` files only, then a package's `__init__.py`, then its name."""
    path = PurePosixPath(item.name)
    inside = path.parent.parts
    members = [other for other in ranked if PurePosixPath(other.name).parts[:len(inside)] == inside] \
        if path.name == "__init__.py" else [item]
    defined: set[str] = set()
    for member in members:
        if ranked.index(member) < RANKED:
            text = _peek(member, NOTEBOOK_LIMIT if member.suffix == NOTEBOOK else FILE_LIMIT)
            defined |= _defined(text, ids, notebook=member.suffix == NOTEBOOK)
    return len(defined), path.name == "__init__.py", item.name


def _defined(text: bytes, ids: frozenset[str], *, notebook: bool = False) -> set[str]:
    if notebook:
        return {name.decode() for name in NOTEBOOK_DEFINITION.findall(text)} & ids
    return {(a or b).decode() for a, b in DEFINITION.findall(text)} & ids


def _peek(item: Handed, limit: int) -> bytes:
    """A file's bytes for counting, or none when it cannot be read (grading says why, later)."""
    try:
        return item.read(limit)
    except Refused:
        return b""


def _package_root(chosen: Handed) -> str | None:
    path = PurePosixPath(chosen.name)
    return str(path.parent) if path.name == "__init__.py" and path.parent.parts else None


def _is_writeup(item: Handed) -> bool:
    """A write-up by its name; a `.txt` file, or Moodle's online text, only when its text has math."""
    if PurePosixPath(item.name).name != ONLINE_TEXT and item.suffix not in WRITEUP_SUFFIXES:
        return False
    return not _needs_math(item) or bool(MATH.search(_peek(item, FILE_LIMIT).decode("utf-8", errors="replace")))


def _needs_math(item: Handed) -> bool:
    """Text that is a write-up only when it has math: a `.txt` file, or Moodle's online text."""
    return item.suffix == TEXT or PurePosixPath(item.name).name == ONLINE_TEXT


def _why_not_handed(item: Handed, chosen: Handed | None, tie: bool) -> str:
    """Why `item` is not graded; `tie`: it defines as many ids as `chosen`, which won on the order of `_rank`."""
    if item.suffix == NOTEBOOK and chosen is not None:
        return f"not graded: {display(chosen.name)} defines {'as many' if tie else 'more'} ids; one notebook or file " \
               "is graded per student"
    if _needs_math(item):
        return f"{'a .txt file' if item.suffix == TEXT else 'an online text'} without math is not a write-up"
    return f"a {item.suffix or '(no extension)'} file is not gradable: gradjudge grades .py files, notebooks and " \
           "Markdown or LaTeX write-ups"


def _enrol(found: Found, roster: Roster) -> None:
    """Every roster student gets a row: matched to their hand-in (or their group's), or `no_submission`."""
    claimed: dict[int, int] = {}
    seconds: list[int] = []
    for number, entry in enumerate(found.entries):
        students = entry.students or (Student(name=entry.name, login=PurePosixPath(entry.name).stem),)
        matches = [roster.match(student) for student in students]
        if len(students) == 1 and matches[0] is not None and matches[0] in claimed:
            first = found.entries[claimed[matches[0]]]
            found.skip(display(entry.path), f"a second hand-in of {roster.students[matches[0]].label}: not graded, "
                                            f"since a student has one row ({first.name} is graded)")
            seconds.append(number)
            continue
        merged = []
        for student, index in zip(students, matches):
            if index is None:
                merged.append(replace(student, enrolled=False))
            else:
                claimed.setdefault(index, number)
                merged.append(student.merged(roster.students[index]) if entry.students else
                              replace(roster.students[index], enrolled=True))
        named = merged[0].label if entry.students and len(merged) == 1 else entry.name
        found.entries[number] = replace(entry, students=tuple(merged), name=named)
    for index, student in enumerate(roster.students):
        if index in claimed:
            continue
        group = roster.group_of(index)
        mates = [claimed[mate] for mate in roster.groups.get(group, ()) if mate in claimed] if group else []
        if mates:
            entry = found.entries[mates[0]]
            labels = tuple(s.label for s in entry.students) + (student.label,)
            members = tuple(replace(s, members=labels) for s in (*entry.students, student))
            found.entries[mates[0]] = replace(entry, students=members)
            claimed[index] = mates[0]
            continue
        found.entries.append(Entry(Path(student.label), student.label, "nothing of theirs is in the export",
                                   NO_SUBMISSION, (student,)))
    for number in reversed(seconds):
        del found.entries[number]


def _unique_names(entries: list[Entry]) -> None:
    for index, name in enumerate(unique_names([entry.name for entry in entries])):
        if name != entries[index].name:
            entries[index] = replace(entries[index], name=name)


def unique_names(names: list[str]) -> list[str]:
    """Row names made unique (outputs are named by them): a name met again gets ` #2`, ` #3`, ..."""
    seen: set[str] = set()
    unique = []
    for given in names:
        name, number = given, 2
        while name in seen:
            name, number = f"{given} #{number}", number + 1
        seen.add(name)
        unique.append(name)
    return unique


def _named_kind(path: Path) -> bool:
    """A file of a gradable kind by its name: named on the command line, it is graded, and says why if it cannot be."""
    return path.suffix.lower() in (".py", NOTEBOOK, ".zip", *WRITEUP_SUFFIXES)


def _gradable(path: Path) -> bool:
    """A file of a gradable kind whose content is what its name says (a `.txt` must hold math to be a write-up)."""
    return _named_kind(path) and (path.suffix.lower() != TEXT or _is_writeup(
        Handed(path.name, path, os.lstat(path).st_size)))


def _why_not(path: Path) -> str:
    mode = os.lstat(path).st_mode
    if stat.S_ISLNK(mode) or not (stat.S_ISREG(mode) or stat.S_ISDIR(mode)):
        return "not a regular file (a link, pipe or device) is never read"
    suffix = path.suffix.lower() or "(no extension)"
    if suffix == TEXT:
        return "a .txt file without math is not a write-up"
    return f"a {suffix} file is not gradable: submit a .py file, a notebook or a Markdown/LaTeX write-up"

