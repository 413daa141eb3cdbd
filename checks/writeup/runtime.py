"""What the write-up reader's child process needs at run time, declared in one place for whoever confines it.

The child (`checks.writeup.isolated`, given the assignment's `ReadingSpec` and the
write-up on its standard input) imports Python packages only: the standard
library, `checks`, `lark` (and `regex`, which lark uses when it is installed) and
`numpy`. It never sees the assignment's own package (its reference among it): all
it knows of the assignment is the `ReadingSpec` it is handed. It runs no external
program (no pandoc: the document stage is gradjudge's own), opens no data file
outside those packages (the grammar is `checks/writeup/math/grammar.lark`), needs
no network and no installed distribution's metadata, and sees nothing of the
submission but its standard input.
"""
from __future__ import annotations

import importlib.util
from pathlib import Path

MODULES = ("checks", "lark", "numpy")
"""Top-level packages the child imports, besides the standard library."""
OPTIONAL_MODULES = ("regex",)
"""Imported when installed (lark prefers it); the child reads without them."""
PATHS: tuple[str, ...] = ()
"""Host files or folders the child needs besides packages (a converter's binary, say): none."""


def packages() -> tuple[str, ...]:
    """The top-level packages the child may import: `MODULES`, and those of `OPTIONAL_MODULES` installed here."""
    return (*MODULES, *(name for name in OPTIONAL_MODULES if importlib.util.find_spec(name) is not None))


def child_paths() -> tuple[Path, ...]:
    """The folder of each package of `packages()`, as installed here."""
    found = []
    for name in packages():
        spec = importlib.util.find_spec(name)
        if spec is None:
            raise LookupError(f"the write-up reader's child needs the package {name!r}, which is not importable")
        found.append(Path(next(iter(spec.submodule_search_locations))).resolve())
    return tuple(found)


__all__ = ["MODULES", "OPTIONAL_MODULES", "PATHS", "child_paths", "packages"]
