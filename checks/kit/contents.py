"""What goes into a kit: the files of the course's modules that the declaration imports, and its rubric.

Which modules those are is found by importing the declaration in a separate
process (`probe.trace`), so that what this process has imported (the reference,
say, for `verify`) does not count. The staff's own modules are left out: the
reference and every module a catalog entry is defined in, with everything below
them.
"""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from checks.assignment import Assignment
from checks.kit.errors import KitRefused


@dataclass(frozen=True)
class Contents:
    files: dict[str, Path]
    """Each file of the kit, by its path inside the wheel."""
    left_out: tuple[str, ...]
    """The staff's modules, which the kit does not hold."""


def staff_only(assignment: Assignment) -> tuple[str, ...]:
    """The modules that hold answers: the reference, and each module a catalog entry's wrong formula is defined in."""
    return tuple(sorted({assignment.reference} | {variant.function.__module__ for variant in assignment.catalog}))


def select(assignment: Assignment, module: str, imported: Mapping[str, str]) -> Contents:
    """The kit's files, given each module of the declaration's top-level package that importing `module` imports."""
    top = module.split(".")[0]
    left_out = staff_only(assignment)
    holding = [other for other in left_out if within(module, other)]
    if holding:
        raise KitRefused(f"the declaration {module} is part of {holding[0]}, which holds answers (the reference or the "
                         f"catalog) and stays out of a kit: put the reference closed forms, and the catalog, in modules "
                         f"of their own, such as {top}.reference, and name them (reference=\"{top}.reference\", "
                         f"catalog=\"{top}.catalog:CATALOG\")")
    if top not in imported:
        raise KitRefused(f"{top} is a namespace package (it has no __init__.py); a kit is made from a regular package")
    first = Path(imported[top])
    root = first.parent.parent if first.name == "__init__.py" else first.parent
    files = {Path(file).relative_to(root).as_posix(): Path(file)
             for name, file in imported.items() if not any(within(name, other) for other in left_out)}
    if assignment.rubric is not None:
        rubric = Path(assignment.rubric).resolve()
        if root.resolve() not in rubric.parents:
            raise KitRefused(f"the rubric {assignment.rubric} of {assignment.name} lies outside the package {top}, so a "
                             "kit cannot hold it: keep it beside the declaration")
        files[rubric.relative_to(root.resolve()).as_posix()] = rubric
    return Contents(files, left_out)


def within(module: str, package: str) -> bool:
    """Whether `module` is `package` or lies below it."""
    return module == package or module.startswith(package + ".")
