"""What is a submission: the paths given, read as files, packages, folders of files, or class exports.

- A `.py` file is one submission; so is a write-up (`.md`, `.markdown`, `.tex`,
  or `.txt`; inside a folder, a `.txt` file only when its content has math).
- A folder with `__init__.py` is one submission: a package.
- Any other folder is a class. Each `.py` file and write-up directly in it is a
  submission, named by its file name. Each subfolder is a package, or a
  student's folder (the usual LMS and Gradescope export): one submission, named
  by the subfolder. In a student's folder the submission is its one `.py` file,
  write-up or package; where there are several, the `.py` file that defines the
  most derivation ids, then write-ups, then packages. A student's folder with
  nothing gradable is still a row: a `load_error` saying what it holds.
- Every file that is not graded is reported, with the reason.

Nothing here imports or runs a submission: files are only listed, and a `.py`
file's ids counted by the static scan, so every usage error is found before
torch is imported.
"""
from __future__ import annotations

import os
import re
import stat
from dataclasses import dataclass
from pathlib import Path

from checks.sandbox.files import Refused, collect, display
from checks.sandbox.source_scan import scan
from checks.writeup.isolated import SUFFIXES as WRITEUP_SUFFIXES

TEXT = ".txt"
MATH = re.compile(r"\$[^$\n]+\$|\\\[|\\begin\{|\$\$")
"""A `.txt` file is a write-up when its text has math in Markdown or LaTeX form."""
IGNORED = frozenset({"__pycache__", "__MACOSX"})


@dataclass(frozen=True)
class Entry:
    """One submission: its path, the name it is reported by, and why it cannot be graded, if it cannot."""

    path: Path
    name: str
    problem: str | None = None


@dataclass(frozen=True)
class Skipped:
    """A file that is not graded, with the reason."""

    path: str
    reason: str


@dataclass(frozen=True)
class Found:
    entries: list[Entry]
    skipped: list[Skipped]


class NothingToGrade(Exception):
    """A path given on the command line that holds no submission at all; the message says why."""


def discover(paths: list[str | Path], ids: frozenset[str]) -> Found:
    """The submissions among `paths` (each a file, a package or a folder), and every file not graded."""
    entries: list[Entry] = []
    skipped: list[Skipped] = []
    for given in map(Path, paths):
        if not os.path.lexists(given):
            raise NothingToGrade(f"{display(given)}: no such file or folder")
        if _is_folder(given) and not (given / "__init__.py").exists():
            before = len(entries)
            _class(given, ids, entries, skipped)
            if len(entries) == before:
                raise NothingToGrade(f"{display(given)}: a folder with no submission in it (no .py file, write-up, "
                                     "package or student's folder)")
        elif _is_folder(given) or given.suffix.lower() in (".py", *WRITEUP_SUFFIXES) or os.path.islink(given):
            entries.append(Entry(given, display(given)))
        else:
            raise NothingToGrade(f"{display(given)}: not a .py file, a write-up (.md, .tex, or .txt with math) or a folder")
    return Found(entries, skipped)


def _class(folder: Path, ids: frozenset[str], entries: list[Entry], skipped: list[Skipped]) -> None:
    for child in sorted(folder.iterdir(), key=lambda path: os.fsencode(path.name)):
        name = display(child.name)
        if child.name in IGNORED:
            continue
        if _is_folder(child):
            entries.append(_student(child, name, ids, skipped) if not (child / "__init__.py").exists()
                           else Entry(child, name))
        elif child.suffix == ".py" or _is_writeup(child) or os.path.islink(child):
            entries.append(Entry(child, name))
        else:
            skipped.append(Skipped(display(child), _why_not(child)))


def _student(folder: Path, name: str, ids: frozenset[str], skipped: list[Skipped]) -> Entry:
    """A student's folder of a class export: its one submission, the rest reported as not graded."""
    candidates, others = [], []
    for child in sorted(folder.iterdir(), key=lambda path: os.fsencode(path.name)):
        if child.name in IGNORED:
            continue
        if child.suffix == ".py" or _is_writeup(child) or (_is_folder(child) and (child / "__init__.py").exists()):
            candidates.append(child)
        else:
            others.append(child)
    chosen = max(candidates, key=lambda path: _rank(path, ids), default=None)
    for child in candidates:
        if child is not chosen:
            skipped.append(Skipped(display(child), f"not graded: {display(chosen.name)} is this student's submission "
                                                   "(one per student's folder)"))
    for child in others:
        skipped.append(Skipped(display(child), _why_not(child)))
    if chosen is None:
        held = ", ".join(display(child.name) for child in others) or "nothing"
        return Entry(folder, name, f"nothing to grade in this student's folder: it holds {held}")
    return Entry(chosen, name)


def _rank(path: Path, ids: frozenset[str]) -> tuple[int, int]:
    """Code before write-ups before packages; among `.py` files, the one defining the most ids."""
    if path.suffix == ".py" and not _is_folder(path):
        try:
            defined = len(scan(collect(path), frozenset(), own_name_allowed=True).defined & ids)
        except Refused:
            defined = 0
        return 2, defined
    return (1, 0) if _is_writeup(path) else (0, 0)


def _is_folder(path: Path) -> bool:
    return stat.S_ISDIR(os.lstat(path).st_mode)


def _is_writeup(path: Path) -> bool:
    if not stat.S_ISREG(os.lstat(path).st_mode):
        return False
    suffix = path.suffix.lower()
    if suffix not in WRITEUP_SUFFIXES:
        return False
    if suffix != TEXT:
        return True
    with open(path, "rb") as stream:
        return bool(MATH.search(stream.read(2**20).decode("utf-8", errors="replace")))


def _why_not(path: Path) -> str:
    mode = os.lstat(path).st_mode
    if stat.S_ISLNK(mode) or not (stat.S_ISREG(mode) or stat.S_ISDIR(mode)):
        return "not a regular file (a link, pipe or device) is never read"
    if _is_folder(path):
        return "a folder inside a student's folder is not graded; a package needs __init__.py"
    suffix = path.suffix.lower() or "(no extension)"
    if suffix == TEXT:
        return "a .txt file without math is not a write-up"
    if suffix == ".ipynb":
        return "a notebook is not graded: export its derivations as a .py file"
    return f"a {suffix} file is not gradable: submit a .py file or a Markdown/LaTeX write-up"
