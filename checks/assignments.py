"""Finding an assignment by name: the only place that turns a name into a declaration.

Assignments are registered as entry points of the group `gradjudge.assignments`
(`NAME = "package.module:ATTRIBUTE"` in a pyproject.toml; gradjudge registers its
own, and a course's package registers its own the same way), or named directly
as `module:ATTRIBUTE`. The one declared with `default=True` is used when none is
named. The command line and the pytest plugin look one up here and hand it down;
nothing else in the engine knows any assignment by name.
"""
from __future__ import annotations

import functools
import importlib
import sys
from importlib.metadata import entry_points
from pathlib import Path

if sys.version_info >= (3, 11):
    import tomllib
else:
    import tomli as tomllib

from checks.errors import GradjudgeError
from checks.assignment import Assignment, DeclarationError, ReferencesMissing

GROUP = "gradjudge.assignments"


class UnknownAssignment(GradjudgeError, LookupError):
    """A name that is neither a registered assignment nor an importable `module:ATTRIBUTE`."""


def known() -> dict[str, str]:
    """Registered assignment names, each with the `module:ATTRIBUTE` it stands for."""
    return dict(_registered())


@functools.lru_cache(maxsize=1)
def _registered() -> tuple[tuple[str, str], ...]:
    """The entry points, read once per process: reading them scans every installed distribution."""
    return tuple((point.name, point.value) for point in entry_points(group=GROUP))


def registered_by(project: Path) -> tuple[str, ...]:
    """The assignment names a project's own `pyproject.toml` registers (none if it has no such file or table): what
    that project's tests are about, whatever else is installed."""
    path = project / "pyproject.toml"
    if not path.is_file():
        return ()
    table = tomllib.loads(path.read_text()).get("project", {}).get("entry-points", {}).get(GROUP, {})
    return tuple(sorted(table))


def spec_of(name: str) -> str:
    """The `module:ATTRIBUTE` a name stands for, checked without importing anything."""
    registered = known()
    if name in registered:
        return registered[name]
    if ":" in name:
        return name
    listing = ", ".join(sorted(registered)) or "none are installed"
    raise UnknownAssignment(f"assignment={name!r}, but it is not a known assignment ({listing}) "
                            "nor a `module:ATTRIBUTE` naming one")


@functools.lru_cache(maxsize=1)
def default() -> str:
    """The name of the registered assignment declared `default=True` (read without running any model)."""
    found = [name for name, spec in known().items() if getattr(_imported(name, spec), "default", False)]
    if len(found) != 1:
        raise UnknownAssignment(f"{len(found)} registered assignments are declared default ({', '.join(found) or 'none'}); "
                                "name one with --assignment")
    return found[0]


def _imported(name: str, spec: str) -> object:
    module_name, _, attribute = spec.partition(":")
    try:
        module = importlib.import_module(module_name)
    except ImportError as exc:
        raise UnknownAssignment(f"assignment={name!r}: cannot import {module_name} ({exc})") from None
    return getattr(module, attribute, None)


def declared(name: str) -> Assignment:
    """The assignment `name` stands for, imported but not run (no model is evaluated, torch is not imported)."""
    found = _imported(name, spec_of(name))
    if not isinstance(found, Assignment):
        raise UnknownAssignment(f"assignment={name!r}: {spec_of(name)} is {type(found).__name__}, not an Assignment")
    return found


_LOADED: dict[str, Assignment] = {}


def load(name: str) -> Assignment:
    """The assignment `name` stands for, imported and checked once per process."""
    if name not in _LOADED:
        from checks.engine.truths import TRUTHS
        from checks.engine.validation import validate

        found = declared(name)
        validate(found)
        TRUTHS.know(found.derivations)
        _LOADED[name] = found
    return _LOADED[name]


def name_of(assignment: Assignment) -> str:
    """The name an assignment was loaded by here, for another process to load it by (a registered name or a spec)."""
    return next((name for name, found in _LOADED.items() if found is assignment), assignment.name)


__all__ = ["DeclarationError", "ReferencesMissing", "UnknownAssignment", "declared", "default", "known", "load",
           "name_of", "registered_by", "spec_of"]
