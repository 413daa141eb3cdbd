"""Pseudonyms for a report shared with the class: stable, unguessable, and scrubbed from every message.

A submission's pseudonym is `student-` and the first hex digits of
HMAC-SHA256(key, path), the path as the grades record it. The key is a secret
the instructor keeps, one per class (a file of random bytes, made on first use):

- stable: the same path under the same key always gives the same pseudonym, in
  every report, however the class changes (a late submission renames no one);
- unguessable: without the key, nobody who knows the class list can recompute
  them, as they could a plain hash of each name; nor does the order give names
  away, as numbering the sorted names would (student 1 is the alphabetically
  first): anonymised submissions are listed in the order of their pseudonyms.

The names in a path (every part below the class's common folder, and the file's
stem) are also replaced wherever they occur in the submission's messages: a
load error's file name, a traceback's. Text a student typed inside the file
(their name in an exception message) is not recognisable as a name, and stays.
"""
from __future__ import annotations

import dataclasses
import hashlib
import hmac
import re
from pathlib import Path, PurePath

from checks.grading.grades import SubmissionGrade
from checks.keyfiles import KeyFileError, config_file, read_or_create

__all__ = ["KeyFileError", "anonymise", "default_key_file", "pseudonym", "read_or_create_key", "scrub"]

PREFIX = "student-"
DIGITS = 10
"""Hex digits kept: 40 bits, so two pseudonyms of one class coincide with odds below one in a million for 1000 names."""
_TOKEN = re.compile(r"[^\s\"'`<>()\[\]{},;]+")
_SEPARATOR = re.compile(r"([/\\:])")


def default_key_file() -> Path:
    """Where the key lives unless one is named: `$XDG_CONFIG_HOME/gradjudge/pseudonym-key` (`~/.config` by default)."""
    return config_file("pseudonym-key")


def read_or_create_key(path: Path) -> tuple[bytes, bool]:
    """The key in `path`, and whether it was made just now (the file, readable only by its owner, holds it in hex)."""
    return read_or_create(path, what="pseudonym key", if_lost="every pseudonym changes")


def pseudonym(path: str, *, key: bytes) -> str:
    if not key:
        raise ValueError("key=b'', but a pseudonym needs a secret key")
    return PREFIX + hmac.new(key, path.encode("utf-8", "surrogatepass"), hashlib.sha256).hexdigest()[:DIGITS]


def anonymise(grades: list[SubmissionGrade], *, key: bytes) -> list[SubmissionGrade]:
    """Copies of `grades` under pseudonyms, with the names of their paths scrubbed, in the order of the pseudonyms."""
    who = [grade.path or grade.name for grade in grades]  # a roster student with no submission has no path
    names = {found: pseudonym(found, key=key) for found in who}
    if len(set(names.values())) < len(names):
        raise ValueError("two submissions have the same pseudonym under this key; make a new key")
    identifying = _identifying(who)
    anonymised = [_anonymised(grade, names[found], identifying[found]) for grade, found in zip(grades, who)]
    return sorted(anonymised, key=lambda grade: grade.path)


def _identifying(paths: list[str]) -> dict[str, frozenset[str]]:
    """Per path, the names that single it out: its parts below the folder all paths share, and their stems.

    With several submissions, a part every one of them has (`answers.py` in a
    class export of `alice/answers.py`, `bob/answers.py`) singles out no one, and is kept.
    """
    parts = {path: PurePath(path).parts for path in paths}
    common = min(len(found) - 1 for found in parts.values())
    first = next(iter(parts.values()))
    root = next((index for index in range(common) if any(found[index] != first[index] for found in parts.values())),
                common)
    below = {path: {name for part in found[root:] for name in (part, PurePath(part).stem) if name}
             for path, found in parts.items()}
    shared = set.intersection(*below.values()) if len(paths) > 1 else set()
    return {path: frozenset(names - shared) for path, names in below.items()}


def scrub(text: str, *, names: frozenset[str], replacement: str) -> str:
    """`text` with every path-like token that has one of `names` as a part rewritten to start at `replacement`.

    `/tmp/x/alice/answers.py:3` becomes `student-…/answers.py:3` for the name `alice`:
    whatever led to the name goes, and what follows it (shared by the class) stays.
    """
    def rewrite(match: re.Match) -> str:
        pieces = _SEPARATOR.split(match.group())
        hits = [index for index, piece in enumerate(pieces) if piece in names]
        return replacement + "".join(pieces[hits[-1] + 1:]) if hits else match.group()

    return _TOKEN.sub(rewrite, text) if names else text


def _anonymised(grade: SubmissionGrade, name: str, identifying: frozenset[str]) -> SubmissionGrade:
    def clean(text: str) -> str:
        return scrub(text, names=identifying, replacement=name)

    rows = [dataclasses.replace(row, message=clean(row.message)) for row in grade.derivations]
    unread = [{key: clean(value) if isinstance(value, str) else value for key, value in item.items()}
              for item in grade.unread]
    return dataclasses.replace(grade, path=name, name=name, student=None, submission=name, handed_in=[],
                               message=clean(grade.message), derivations=rows, unread=unread,
                               notes=[clean(note) for note in grade.notes])
