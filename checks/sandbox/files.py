"""Reading a submission's files as hostile input: regular files only, every size capped.

Nothing of a submission is followed, opened blocking or read whole before it has
been checked: a symbolic link (to a classmate's file, or to `/dev/zero`), a named
pipe, a device or a socket anywhere in it refuses the whole submission with a
clear reason, and so does a file or a package past the size caps. What is read
is copied into a private folder, which is all the sandbox ever sees of it.
"""
from __future__ import annotations

import os
import stat
import tempfile
from dataclasses import dataclass
from pathlib import Path

FILE_LIMIT = 1 * 2**20
"""Largest source file: a homework is a few kilobytes; a megabyte is far past any honest one."""
PACKAGE_LIMIT = 4 * 2**20
"""Largest package, all of its `.py` files together."""
MAX_FILES = 200
MAX_DEPTH = 8
SKIPPED_FOLDERS = frozenset({"__pycache__"})


class Refused(Exception):
    """The submission's files cannot be accepted; the message says which and why."""


@dataclass(frozen=True)
class SubmissionFiles:
    """What is read of one submission: its `.py` sources, by path relative to its root."""

    name: str
    """The file's stem or the package folder's name, as it is imported in the sandbox."""
    package: bool
    sources: tuple[tuple[str, bytes], ...]

    @property
    def main(self) -> str:
        """The source that defines the ids: the file itself, or the package's `__init__.py`."""
        return "__init__.py" if self.package else self.sources[0][0]

    def stage(self) -> Path:
        """A private copy in a fresh folder: `<folder>/<file>.py`, or `<folder>/<name>/...` for a package."""
        folder = Path(tempfile.mkdtemp(prefix="gradjudge-submission-"))
        for relative, data in self.sources:
            target = folder / self.name / relative if self.package else self.staged_path(folder)
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(data)
        return folder

    def staged_path(self, folder: Path) -> Path:
        """The staged file keeps its own name, so that messages name the student's file."""
        return folder / self.name if self.package else folder / self.sources[0][0]


def display(path: os.PathLike | str) -> str:
    """A path as text that is always valid UTF-8: undecodable bytes are shown as `\\xNN` escapes."""
    return os.fsdecode(path).encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")


def collect(path: Path) -> SubmissionFiles:
    """Read a submission (`.py` file or package folder), refusing anything that is not plainly a regular file."""
    info = _lstat(path)
    if stat.S_ISLNK(info.st_mode):
        raise Refused(f"{display(path)} is a symbolic link; a submission must be a regular file or folder")
    if stat.S_ISREG(info.st_mode):
        if path.suffix != ".py":
            raise Refused(f"{display(path)} is not a .py file or a package folder")
        name = path.name if display(path.name) == os.fsdecode(path.name) else "submission.py"
        return SubmissionFiles(_module_name(path.stem), False, ((name, _read(path, FILE_LIMIT)),))
    if not stat.S_ISDIR(info.st_mode):
        raise Refused(f"{display(path)} is {_kind(info.st_mode)}, not a file or a folder")
    if not (path / "__init__.py").is_file() or (path / "__init__.py").is_symlink():
        raise Refused(f"{display(path)} is a folder without __init__.py, not a package")
    sources: list[tuple[str, bytes]] = []
    _walk(path, path, sources, 0)
    total = sum(len(data) for _, data in sources)
    if total > PACKAGE_LIMIT:
        raise Refused(f"{display(path)} holds {total:,} bytes of Python, more than the {PACKAGE_LIMIT:,} allowed")
    sources.sort(key=lambda item: (item[0] != "__init__.py", item[0]))
    return SubmissionFiles(_module_name(path.name), True, tuple(sources))


def read_text(path: Path) -> bytes:
    """A write-up's bytes: a regular file, read without following links, at most `FILE_LIMIT` bytes."""
    info = _lstat(path)
    if not stat.S_ISREG(info.st_mode):
        raise Refused(f"{display(path)} is {_kind(info.st_mode)}; a write-up must be a regular file")
    return _read(path, FILE_LIMIT)


def _walk(root: Path, folder: Path, sources: list[tuple[str, bytes]], depth: int) -> None:
    if depth > MAX_DEPTH:
        raise Refused(f"{display(folder)} is nested more than {MAX_DEPTH} folders deep")
    with os.scandir(folder) as entries:
        for entry in sorted(entries, key=lambda e: e.name):
            path = Path(entry.path)
            info = _lstat(path)
            if stat.S_ISDIR(info.st_mode):
                if entry.name not in SKIPPED_FOLDERS:
                    _walk(root, path, sources, depth + 1)
                continue
            if not stat.S_ISREG(info.st_mode):
                raise Refused(f"{display(path)} is {_kind(info.st_mode)}; a submission may hold only regular files")
            if path.suffix != ".py":
                continue
            relative = path.relative_to(root)
            if display(relative) != os.fsdecode(relative):
                raise Refused(f"{display(path)}: the file name is not valid UTF-8")
            if len(sources) >= MAX_FILES:
                raise Refused(f"{display(root)} holds more than {MAX_FILES} .py files")
            sources.append((str(relative), _read(path, FILE_LIMIT)))


def _read(path: Path, limit: int) -> bytes:
    """At most `limit` bytes of a regular file, opened without following links or blocking on a pipe."""
    try:
        descriptor = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | getattr(os, "O_NOCTTY", 0))
    except OSError as exc:
        raise Refused(f"{display(path)} cannot be opened ({exc.strerror})") from None
    with os.fdopen(descriptor, "rb") as stream:
        if not stat.S_ISREG(os.fstat(stream.fileno()).st_mode):
            raise Refused(f"{display(path)} is not a regular file")
        data = stream.read(limit + 1)
    if len(data) > limit:
        raise Refused(f"{display(path)} is larger than the {limit:,} bytes a source file may have")
    return data


def _lstat(path: Path) -> os.stat_result:
    try:
        return os.lstat(path)
    except FileNotFoundError:
        raise Refused(f"{display(path)} does not exist") from None
    except OSError as exc:
        raise Refused(f"{display(path)} cannot be read ({exc.strerror})") from None


def _kind(mode: int) -> str:
    for test, name in ((stat.S_ISLNK, "a symbolic link"), (stat.S_ISFIFO, "a named pipe"),
                       (stat.S_ISSOCK, "a socket"), (stat.S_ISCHR, "a character device"), (stat.S_ISBLK, "a block device")):
        if test(mode):
            return name
    return "not a regular file"


def _module_name(stem: str) -> str:
    """The name a package is imported by in the sandbox: its own, if Python can import it by that name."""
    return stem if stem.isidentifier() and stem.isascii() else "submission"
