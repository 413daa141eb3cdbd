"""A student's zip, unpacked by the grader into memory under caps: never onto the disk, never past the caps.

A zip is hostile input like any submission file. Its size on disk is checked
(`stat`) before it is opened; its members are listed from the central directory
and refused as a whole, before anything is decompressed, when there are too
many, when their declared sizes sum past the cap, or when one declares a ratio
of unpacked to packed bytes no honest homework has. A member that is a link, a
device or a folder entry with a payload, or whose name is absolute, holds `..`,
or is not valid UTF-8, refuses the whole zip. Members are then read one by one,
never more than their declared size plus one byte, so a header that lies about
its size is caught too. A zip inside the zip is not unpacked: it is listed as
not graded.

Whatever is wrong with a zip is that student's `load_error` (`Refused`), with the
reason; nothing is written to disk.
"""
from __future__ import annotations

import os
import stat
import zipfile
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from checks.sandbox.files import Refused, checked_name, display

ARCHIVE_BYTES = 32 * 2**20
"""Largest zip file on disk: a homework with a notebook and a PDF scan is a few megabytes."""
UNPACKED_BYTES = 16 * 2**20
"""Largest sum of the members' declared unpacked sizes."""
MEMBERS = 200
"""Most members (files and folders) one zip may hold."""
RATIO = 100
"""Largest ratio of one member's unpacked to packed size; text compresses about 3-10 times, a zip bomb a million."""
RATIO_FLOOR = 64 * 2**10
"""Members smaller than this unpacked are not held to `RATIO` (a run of blanks compresses well and harms no one)."""
IGNORED_PARTS = frozenset({"__MACOSX", "__pycache__", ".DS_Store"})


@dataclass(frozen=True)
class Member:
    """One file of a zip: its name inside (a relative POSIX path) and its declared unpacked size."""

    name: str
    size: int


def is_archive(path: Path) -> bool:
    return path.suffix.lower() == ".zip"


def list_members(path: Path) -> list[Member]:
    """The regular files of the zip at `path`, checked against every cap before anything is decompressed."""
    info = _lstat(path)
    if not stat.S_ISREG(info.st_mode):
        raise Refused(f"{display(path)} is not a regular file")
    if info.st_size > ARCHIVE_BYTES:
        raise Refused(f"{display(path)} is {info.st_size:,} bytes, more than the {ARCHIVE_BYTES:,} a zip may have")
    try:
        with zipfile.ZipFile(path) as archive:
            infos = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError, NotImplementedError) as exc:
        raise Refused(f"{display(path)} is not a readable zip ({exc})") from None
    if len(infos) > MEMBERS:
        raise Refused(f"{display(path)} holds {len(infos):,} members, more than the {MEMBERS} a zip may have")
    members, total = [], 0
    for item in infos:
        name = _checked_name(path, item)
        kind = stat.S_IFMT(item.external_attr >> 16) if item.create_system == 3 else 0
        if kind and kind not in (stat.S_IFREG, stat.S_IFDIR):
            raise Refused(f"{display(path)}: {name} is a link or a device, which a zip may not hold")
        if item.is_dir():
            continue
        if item.file_size > RATIO_FLOOR and item.file_size > RATIO * max(item.compress_size, 1):
            raise Refused(f"{display(path)}: {name} unpacks {item.file_size:,} bytes from {item.compress_size:,}, "
                          f"more than {RATIO} times; a zip bomb is never unpacked")
        total += item.file_size
        if total > UNPACKED_BYTES:
            raise Refused(f"{display(path)} unpacks to more than {UNPACKED_BYTES:,} bytes")
        if not IGNORED_PARTS.intersection(PurePosixPath(name).parts):
            members.append(Member(name, item.file_size))
    return members


def read_member(path: Path, name: str, limit: int) -> bytes:
    """The bytes of member `name`, at most `limit` (and never more than it declared)."""
    try:
        with zipfile.ZipFile(path) as archive:
            item = archive.getinfo(name)
            if item.file_size > limit:
                raise Refused(f"{display(path)}: {name} is {item.file_size:,} bytes, more than the {limit:,} allowed")
            with archive.open(item) as stream:
                data = stream.read(item.file_size + 1)
    except (zipfile.BadZipFile, OSError, ValueError, NotImplementedError, KeyError, EOFError,
            zipfile.LargeZipFile) as exc:
        raise Refused(f"{display(path)}: {name} cannot be unpacked ({exc})") from None
    if len(data) > item.file_size:
        raise Refused(f"{display(path)}: {name} holds more than the size its header declares")
    return data


def _checked_name(path: Path, item: zipfile.ZipInfo) -> str:
    """A member's name (a folder's without its trailing /), refused as every staged name is (`checked_name`)."""
    name = item.filename.rstrip("/")
    return checked_name(name, f"{display(path)}: a member") if name else "."


def _lstat(path: Path) -> os.stat_result:
    try:
        return os.lstat(path)
    except OSError as exc:
        raise Refused(f"{display(path)} cannot be read ({exc.strerror})") from None
