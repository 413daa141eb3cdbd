"""Where a code submission's own write-up is: the one place that pairs code with the write-up that goes with it.

Under the rubric's `evidence = "writeup"`, an id earns credit only when the
student's own write-up of it also reads and passes. The write-up that goes
with code at `DIR/NAME.py` (or a package `DIR/NAME/`) is, in this order:

1. the write-up named like it beside it: `DIR/NAME.md`, `.markdown`, `.tex` or `.txt`;
2. for a package, the one write-up at the top of the package folder;
3. when the code is the only code in its folder (a student's own folder of
   a class export), the one write-up in that folder, whatever its name.

Only regular files count (no links), and no hidden ones. Two candidates at the
same step are ambiguous, and then none is taken: the reason says which to keep.
"""
from __future__ import annotations

import os
import stat
from dataclasses import dataclass
from pathlib import Path

from checks.sandbox.files import display
from checks.writeup.isolated import SUFFIXES

__all__ = ["Companion", "find"]


@dataclass(frozen=True)
class Companion:
    """The write-up that goes with some code, or None and why there is none."""

    path: Path | None
    reason: str = ""


def find(code: Path) -> Companion:
    """The student's own write-up that goes with the code file or package folder at `code`."""
    folder = code.parent
    named = [folder / f"{code.stem if code.suffix == '.py' else code.name}{suffix}" for suffix in SUFFIXES]
    steps = [[path for path in named if _regular(path)]]
    if _is_folder(code):
        steps.append(_writeups(code))
    if not any(_is_code(path) for path in _visible(folder) if path != code):
        steps.append(_writeups(folder))
    for found in steps:
        if len(found) == 1:
            return Companion(found[0])
        if len(found) > 1:
            return Companion(None, f"several write-ups could be its ({', '.join(display(path.name) for path in found)});"
                                   " keep one, or name it like the code")
    like = code.stem if code.suffix == ".py" else code.name
    return Companion(None, f"no write-up beside it: name it like the code ({like}.md, {like}.tex or {like}.txt)")


def _visible(folder: Path) -> list[Path]:
    try:
        return sorted(path for path in folder.iterdir() if not path.name.startswith("."))
    except OSError:
        return []


def _writeups(folder: Path) -> list[Path]:
    return [path for path in _visible(folder) if path.suffix.lower() in SUFFIXES and _regular(path)]


def _is_code(path: Path) -> bool:
    return (path.suffix == ".py" and _regular(path)) or (_is_folder(path) and (path / "__init__.py").is_file())


def _regular(path: Path) -> bool:
    try:
        return stat.S_ISREG(os.lstat(path).st_mode)
    except OSError:
        return False


def _is_folder(path: Path) -> bool:
    try:
        return stat.S_ISDIR(os.lstat(path).st_mode)
    except OSError:
        return False
