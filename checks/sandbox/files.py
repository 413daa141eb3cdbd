"""Reading a submission's files as hostile input: regular files only, every size capped before anything is read.

Nothing of a submission is followed, opened blocking or read before it has been
checked: a symbolic link (to a classmate's file, or to `/dev/zero`), a named
pipe, a device or a socket anywhere in it refuses the whole submission with a
clear reason. Sizes are known before any byte is read (from `lstat` for a file
on disk, from the central directory for a member of a zip) and summed first: a
file or a set of files past the size caps is refused unread. What is read is
copied into a private folder, which is all the sandbox ever sees of it.

Source text is taken as students' editors write it: UTF-8 with or without a
byte-order mark, UTF-16 with a byte-order mark (Windows Notepad), and CRLF line
ends all load; UTF-16 is re-encoded as UTF-8 before anything parses it.
"""
from __future__ import annotations

import codecs
import os
import shutil
import stat
import tempfile
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

FILE_LIMIT = 1 * 2**20
"""Largest source file: a homework is a few kilobytes; a megabyte is far past any honest one."""
PACKAGE_LIMIT = 4 * 2**20
"""Largest submission of several files (a package, a folder, a zip), all of its `.py` files together."""
NOTEBOOK_LIMIT = 16 * 2**20
"""Largest notebook: its outputs (plots as images) make it far larger than its code."""
MAX_FILES = 200
"""Most `.py` files of one submission."""
WALK_LIMIT = 1000
"""Most files of any kind below one folder that is a submission (each only `lstat`ed)."""
MAX_DEPTH = 8
SKIPPED_FOLDERS = frozenset({"__pycache__", "__MACOSX", ".ipynb_checkpoints"})


from checks.errors import GradjudgeError


class Refused(GradjudgeError):
    """The submission's files cannot be accepted; the message says which and why."""


@dataclass(frozen=True)
class Handed:
    """One file a student handed in: the name they gave it, where its bytes are, and its size, known unread.

    `name` is a relative POSIX path as the student named it (an LMS's prefix
    taken off); `path` is the file on disk, or the zip that holds it as `member`.
    """

    name: str
    path: Path
    size: int
    member: str | None = None

    @property
    def suffix(self) -> str:
        return PurePosixPath(self.name).suffix.lower()

    @property
    def where(self) -> str:
        """Where it is, for a message: `folder/file.py`, or `work.zip: file.py`."""
        return f"{display(self.path)}: {self.member}" if self.member is not None else display(self.path)

    def read(self, limit: int) -> bytes:
        """Its bytes, refused unread when its known size is past `limit`."""
        if self.size > limit:
            raise Refused(f"{self.where} is {self.size:,} bytes, more than the {limit:,} a file may have")
        if self.member is not None:
            from checks.sandbox.archives import read_member

            return read_member(self.path, self.member, limit)
        return _read(self.path, limit)


@dataclass(frozen=True)
class SubmissionFiles:
    """What is read of one submission: its `.py` sources, by path relative to its root."""

    name: str
    """The file's stem or the package folder's name, as it is imported in the sandbox."""
    package: bool
    sources: tuple[tuple[str, bytes], ...]
    entry: str = ""
    """The source that defines the ids (default: the first); the others are modules it may import by their names."""

    @property
    def main(self) -> str:
        """The source that defines the ids: the entry file, or the package's `__init__.py`."""
        return "__init__.py" if self.package else self.entry or self.sources[0][0]

    def stage(self) -> Path:
        """A private copy in a fresh folder: every source at `<folder>/<its path>`, a package's under `<folder>/<name>/`.

        Every path was checked when the sources were read (`checked_name`); a target outside the folder is still
        refused here, so that no name, however it was made, writes anywhere else.
        """
        folder = Path(tempfile.mkdtemp(prefix="gradjudge-submission-"))
        try:
            for relative, data in self.sources:
                target = folder / self.name / relative if self.package else folder / relative
                if not target.resolve().is_relative_to(folder.resolve()):
                    raise Refused(f"{display(relative)}: staged outside the submission's folder")
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_bytes(data)
        except (Refused, OSError) as problem:
            shutil.rmtree(folder, ignore_errors=True)
            raise problem if isinstance(problem, Refused) else Refused(
                f"{self.name}: its files cannot be laid out side by side ({problem.strerror})") from None
        return folder

    def staged_path(self, folder: Path) -> Path:
        """The staged file keeps its own name, so that messages name the student's file."""
        return folder / self.name if self.package else folder / self.main


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
        return SubmissionFiles(module_name(path.stem), False, ((name, source_text(_read(path, FILE_LIMIT))),))
    if not stat.S_ISDIR(info.st_mode):
        raise Refused(f"{display(path)} is {_kind(info.st_mode)}, not a file or a folder")
    if not (path / "__init__.py").is_file() or (path / "__init__.py").is_symlink():
        raise Refused(f"{display(path)} is a folder without __init__.py, not a package")
    return collect_package(module_name(path.name), walk(path), display(path))


def collect_package(name: str, handed: list[Handed], where: str) -> SubmissionFiles:
    """A package of the files `handed` (names relative to the package folder), its `.py` sizes summed before reading."""
    return SubmissionFiles(name, True, _read_sources(handed, where, lambda item: (item.name != "__init__.py", item.name)))


def collect_modules(handed: list[Handed], entry: str, where: str, *, replaced: dict[str, bytes] | None = None) -> SubmissionFiles:
    """The `.py` files of a hand-in, staged side by side under their own names, `entry` the one that defines the ids.

    `replaced` gives sources made from other files (a notebook's code cells, as `name.py`), staged with the rest.
    """
    renamed = {entry: "submission.py"} if display(entry) != entry else {}  # staged as a single file is
    handed = [Handed(renamed.get(item.name, item.name), item.path, item.size, item.member) for item in handed]
    entry = renamed.get(entry, entry)
    sources = _read_sources(handed, where, lambda item: (item.name != entry, item.name))
    made = tuple((name, data) for name, data in (replaced or {}).items())
    ordered = sorted((*made, *(item for item in sources if item[0] not in (replaced or {}))),
                     key=lambda item: (item[0] != entry, item[0]))
    return SubmissionFiles(module_name(PurePosixPath(entry).stem), False, tuple(ordered), entry)


def _read_sources(handed: list[Handed], where: str, order) -> tuple[tuple[str, bytes], ...]:
    python = sorted((item for item in handed if item.suffix == ".py"), key=order)
    if len(python) > MAX_FILES:
        raise Refused(f"{where} holds {len(python)} .py files, more than the {MAX_FILES} allowed")
    total = sum(item.size for item in python)
    if total > PACKAGE_LIMIT:
        raise Refused(f"{where} holds {total:,} bytes of Python, more than the {PACKAGE_LIMIT:,} allowed")
    names = [checked_name(item.name, item.where) for item in python]
    folders = {str(parent) for name in names for parent in PurePosixPath(name).parents}
    clashing = sorted(set(names) & folders)
    if clashing:
        raise Refused(f"{where}: {clashing[0]} is both a file and a folder of other files")
    return tuple((item.name, source_text(item.read(FILE_LIMIT))) for item in python)


def checked_name(name: str, where: str) -> str:
    """`name`, a path relative to a submission's folder, if it stays inside it; else `Refused`.

    Valid UTF-8 and printable, no NUL or backslash, not absolute, and no empty, `.` or `..` part: every name a
    submission's file is read and staged under passes here, whether it came from a folder, a zip, or an export's
    listing of original names.
    """
    if display(name) != name or not name.isprintable():
        raise Refused(f"{where}: the file name is not valid UTF-8 text")
    if "\x00" in name or "\\" in name:
        raise Refused(f"{where}: the name {name} holds a NUL or a backslash")
    if name.startswith("/") or (len(name) > 1 and name[1] == ":"):
        raise Refused(f"{where}: the name {name} is an absolute path")
    if ".." in name.split("/"):
        raise Refused(f"{where}: the name {name} climbs out of its folder with ..")
    if any(part in ("", ".") for part in name.split("/")):
        raise Refused(f"{where}: the name {name} has an empty or . part")
    return name


def walk(root: Path, *, limit: int = WALK_LIMIT) -> list[Handed]:
    """Every regular file below `root` with its size, from `lstat` alone: nothing is opened.

    A link, pipe, socket or device anywhere refuses the whole folder; so do more
    than `limit` files or more than `MAX_DEPTH` levels of folders.
    """
    found: list[Handed] = []
    _walk(root, root, found, 0, limit)
    return found


def _walk(root: Path, folder: Path, found: list[Handed], depth: int, limit: int) -> None:
    if depth > MAX_DEPTH:
        raise Refused(f"{display(folder)} is nested more than {MAX_DEPTH} folders deep")
    with os.scandir(folder) as entries:
        for entry in sorted(entries, key=lambda e: e.name):
            path = Path(entry.path)
            info = _lstat(path)
            if stat.S_ISDIR(info.st_mode):
                if entry.name not in SKIPPED_FOLDERS:
                    _walk(root, path, found, depth + 1, limit)
                continue
            if not stat.S_ISREG(info.st_mode):
                raise Refused(f"{display(path)} is {_kind(info.st_mode)}; a submission may hold only regular files")
            if len(found) >= limit:
                raise Refused(f"{display(root)} holds more than {limit} files")
            found.append(Handed(path.relative_to(root).as_posix(), path, info.st_size))


def source_text(data: bytes) -> bytes:
    """Source bytes as Python reads them: UTF-16 (with its byte-order mark) re-encoded as UTF-8, the rest as it is.

    UTF-8 with a byte-order mark and CRLF line ends already load; a byte-order
    mark is kept, since Python skips it. A UTF-16 file without its mark is not
    guessed at: it stays a load error that says it is not UTF-8.
    """
    for mark, codec in ((codecs.BOM_UTF16_LE, "utf-16-le"), (codecs.BOM_UTF16_BE, "utf-16-be")):
        if data.startswith(mark) and not data.startswith(codecs.BOM_UTF32_LE):
            try:
                return data[len(mark):].decode(codec).encode("utf-8")
            except UnicodeDecodeError:
                return data
    return data


def read_text(path: Path) -> bytes:
    """A write-up's bytes: a regular file, read without following links, at most `FILE_LIMIT` bytes."""
    info = _lstat(path)
    if not stat.S_ISREG(info.st_mode):
        raise Refused(f"{display(path)} is {_kind(info.st_mode)}; a write-up must be a regular file")
    if info.st_size > FILE_LIMIT:
        raise Refused(f"{display(path)} is {info.st_size:,} bytes, more than the {FILE_LIMIT:,} a file may have")
    return _read(path, FILE_LIMIT)


def _read(path: Path, limit: int) -> bytes:
    """At most `limit` bytes of a regular file, opened without following links or blocking on a pipe."""
    try:
        descriptor = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | getattr(os, "O_NOCTTY", 0))
    except OSError as exc:
        raise Refused(f"{display(path)} cannot be opened ({exc.strerror})") from None
    with os.fdopen(descriptor, "rb") as stream:
        info = os.fstat(stream.fileno())
        if not stat.S_ISREG(info.st_mode):
            raise Refused(f"{display(path)} is not a regular file")
        if info.st_size > limit:
            raise Refused(f"{display(path)} is larger than the {limit:,} bytes a source file may have")
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


def module_name(stem: str) -> str:
    """The name a module is imported by in the sandbox: its own, if Python can import it by that name."""
    return stem if stem.isidentifier() and stem.isascii() else "submission"
