"""Where grades are written: every target checked before grading starts, every file written whole or not at all."""
from __future__ import annotations

import contextlib
import os
import stat
import tempfile
from collections.abc import Sequence
from pathlib import Path

from checks.errors import GradjudgeError
from checks.sandbox.files import display


class OutputRefused(GradjudgeError):
    """An output target that cannot be used; the message says which and why."""


def check_file_target(target: Path, submissions: list[Path], inputs: Sequence[tuple[str, Path]] = ()) -> None:
    """Refuse, before any work, a target that is not (or cannot become) a regular file, or that is a submission or
    one of the other `inputs` (each with what it is: `("the roster", path)`)."""
    _check_not_an_input(target, submissions, inputs)
    if os.path.lexists(target):
        info = os.lstat(target)
        if stat.S_ISLNK(info.st_mode):
            raise OutputRefused(f"{display(target)} is a symbolic link; give the path of a regular file")
        if not stat.S_ISREG(info.st_mode):
            raise OutputRefused(f"{display(target)} exists and is not a regular file")
    _check_folder(target.parent if str(target.parent) else Path("."), target)


def check_folder_target(target: Path, submissions: list[Path], inputs: Sequence[tuple[str, Path]] = ()) -> None:
    """Refuse a target folder that exists as something else, lies where it would be graded next time, or is one of
    the other `inputs`."""
    _check_not_an_input(target, submissions, inputs)
    if os.path.lexists(target):
        if os.path.islink(target) or not target.is_dir():
            raise OutputRefused(f"{display(target)} exists and is not a folder")
        _check_folder(target, target)
    else:
        _check_folder(target.parent if str(target.parent) else Path("."), target)


def write_text(target: Path, text: str) -> None:
    """Write `text` as UTF-8 to a temporary file beside `target`, then rename it into place."""
    write_bytes(target, text.encode("utf-8"))


def write_bytes(target: Path, data: bytes) -> None:
    """Write `data` to a temporary file beside `target`, then rename it into place, with the usual permissions."""
    descriptor, temporary = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent or ".")
    try:
        with os.fdopen(descriptor, "wb") as stream:
            stream.write(data)
        os.chmod(temporary, 0o666 & ~_umask())
        os.replace(temporary, target)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temporary)
        raise


def _umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def _check_folder(folder: Path, target: Path) -> None:
    if not folder.is_dir():
        raise OutputRefused(f"{display(target)}: the folder {display(folder)} does not exist")
    if not os.access(folder, os.W_OK | os.X_OK):
        raise OutputRefused(f"{display(target)}: the folder {display(folder)} is not writable")


def _check_not_an_input(target: Path, submissions: list[Path], inputs: Sequence[tuple[str, Path]]) -> None:
    resolved = target.resolve()
    for submission in submissions:
        inside = submission.resolve()
        if resolved == inside or inside in resolved.parents:
            raise OutputRefused(f"{display(target)} would overwrite the submission {display(submission)}")
    for what, path in inputs:
        if resolved == path.resolve():
            raise OutputRefused(f"{display(target)} would overwrite {what} {display(path)}; write the output elsewhere")
