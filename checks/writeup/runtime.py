"""What the write-up reader's child process needs at run time, declared in one place for whoever confines it.

The child (`python -m checks.writeup.isolated SPEC NAME`, the write-up on its
standard input) imports Python packages only: the standard library, `checks`,
`lark` (and `regex`, which lark uses when it is installed), `numpy` with the
libraries its wheel bundles beside it (`numpy.libs`), and the package of the
assignment it reads for (`derivations` for the shipped ones). It runs no
external program (no pandoc: the document stage is gradjudge's own), opens no
data file outside those packages (the grammar is
`checks/writeup/math/grammar.lark`), needs no network and no installed
distribution's metadata (it is given the assignment as `module:ATTRIBUTE`),
and sees nothing of the submission but its standard input.
"""
from __future__ import annotations

import importlib.util
from pathlib import Path

MODULES = ("checks", "lark", "numpy")
"""Top-level packages the child imports, besides the standard library and the assignment's package."""
OPTIONAL_MODULES = ("regex",)
"""Imported when installed (lark prefers it); the child reads without them."""
BUNDLED_BESIDE = {"numpy": "numpy.libs"}
"""Shared libraries a package's wheel installs next to it, which it loads at import."""


def child_paths(assignment_spec: str) -> tuple[Path, ...]:
    """Each folder the child imports from: the packages of `MODULES` (and of `OPTIONAL_MODULES` that are
    installed), what their wheels bundle beside them, and the top-level package of `assignment_spec`."""
    if not isinstance(assignment_spec, str) or ":" not in assignment_spec:
        raise ValueError(f"assignment_spec={assignment_spec!r}, but the child is given its assignment as "
                         "`module:ATTRIBUTE` (checks.assignments.spec_of)")
    top = assignment_spec.split(":", 1)[0].split(".", 1)[0]
    names = [*MODULES, *(name for name in OPTIONAL_MODULES if importlib.util.find_spec(name) is not None)]
    found: list[Path] = []
    for name in dict.fromkeys([*names, top]):
        spec = importlib.util.find_spec(name)
        if spec is None:
            raise LookupError(f"the write-up reader's child needs the package {name!r}, which is not importable")
        folder = Path(next(iter(spec.submodule_search_locations))) if spec.submodule_search_locations \
            else Path(spec.origin)
        found.append(folder.resolve())
        bundled = BUNDLED_BESIDE.get(name)
        if bundled is not None and (folder.parent / bundled).is_dir():
            found.append((folder.parent / bundled).resolve())
    return tuple(found)


__all__ = ["BUNDLED_BESIDE", "MODULES", "OPTIONAL_MODULES", "child_paths"]
