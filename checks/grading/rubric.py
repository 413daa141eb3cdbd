"""The grading rubric: points per id, error-carried-forward credit, limits. TOML, in three layers.

gradjudge's own `[grading]` defaults (`checks/grading/default_rubric.toml`), then
the assignment's default `[points]` (its `rubric.toml`), then a course's file
given with `--rubric`, each overriding the one before key by key. An id that no
layer gives points to is worth 1.
"""
from __future__ import annotations

import difflib
import math
import sys
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

from hypothesis import HealthCheck, settings

from checks.errors import GradjudgeError
from checks.grading.evidence import CODE, EVIDENCE
from checks.engine.case_secret import CaseSecret
from checks.engine.profiles import PHASES
from checks.assignment import Assignment
from checks.sandbox.client import Limits

if sys.version_info >= (3, 11):
    import tomllib
else:
    import tomli as tomllib

GRADING_KEYS = {"examples", "ecf_fraction", "timeout_seconds", "submission_seconds", "memory_mb", "forbidden_imports",
                "numeric_differentiation", "case_secret", "evidence"}
NUMERIC_DIFFERENTIATION = {
    "flag": "tag the ids whose functions evidently differentiate numerically, and grade them as usual",
    "refuse": "tag them, and give them no points",
}
"""What grading does with a function that evidently differentiates numerically (found by the source scan)."""
VISIBILITIES = ("visible", "hidden", "after_due_date", "after_published")
"""Gradescope's visibility of a result or of one test."""
SECTIONS = ("grading", "points", "gradescope", "visibility")


class RubricError(GradjudgeError, ValueError):
    """A rubric file that cannot be used, with the reason."""


@dataclass(frozen=True)
class Rubric:
    points: dict[str, float]
    examples: int
    ecf_fraction: float
    limits: Limits
    numeric_differentiation: str
    visibility: str
    """Gradescope's visibility of the whole result, and of every test the rubric does not set on its own."""
    test_visibility: dict[str, str]
    """Gradescope's visibility of each id's test."""
    evidence: str = CODE
    """The evidence policy (`EVIDENCE`)."""
    case_secret_file: Path | None = None
    """The course's case secret file the rubric names (`case_secret`, relative to the rubric's folder), if it names one."""
    secret: CaseSecret | None = field(default=None, repr=False)
    """The course secret the cases are derived from; None: the public stream (a student's own checks)."""

    @property
    def profile(self) -> settings:
        """Derandomized, no database, no deadline: the same file gets the same cases everywhere."""
        return settings(max_examples=self.examples, derandomize=True, database=None, deadline=None, phases=PHASES,
                        suppress_health_check=[HealthCheck.too_slow])

    @property
    def max_score(self) -> float:
        return sum(self.points.values())


DEFAULT_POINTS = 1.0


def default_text() -> str:
    return resources.files("checks.grading").joinpath("default_rubric.toml").read_text()


def load(assignment: Assignment, path: Path | None = None) -> Rubric:
    """The rubric for `assignment`: gradjudge's defaults, the assignment's points, then the file at `path`, if any."""
    defaults = tomllib.loads(default_text())
    table = {"grading": defaults["grading"], "points": {}, "gradescope": defaults["gradescope"], "visibility": {}}
    layers = ([(assignment.rubric, "the assignment's rubric")] if assignment.rubric is not None else []) + \
             ([(path, "the rubric")] if path is not None else [])
    secret_file = None
    for layer, what in layers:
        override = _read(layer, what)
        _validate(override, layer, assignment)
        for section in SECTIONS:
            table[section].update(override.get(section, {}))
        if "case_secret" in override.get("grading", {}):
            secret_file = Path(layer).parent / override["grading"]["case_secret"]
    grading = table["grading"]
    visibility = table["gradescope"]["visibility"]
    return Rubric(
        points={id: float(table["points"].get(id, DEFAULT_POINTS)) for id in assignment.by_id},
        examples=grading["examples"],
        ecf_fraction=float(grading["ecf_fraction"]),
        limits=Limits(timeout=float(grading["timeout_seconds"]), memory_mb=grading["memory_mb"],
                      forbidden=tuple(grading["forbidden_imports"]), budget=float(grading["submission_seconds"])),
        numeric_differentiation=grading["numeric_differentiation"],
        evidence=grading["evidence"],
        visibility=visibility,
        test_visibility={id: table["visibility"].get(id, visibility) for id in assignment.by_id},
        case_secret_file=secret_file,
    )


def _read(path: Path, what: str) -> dict:
    try:
        return tomllib.loads(path.read_text())
    except FileNotFoundError:
        raise RubricError(f"{path}: no such rubric file") from None
    except IsADirectoryError:
        raise RubricError(f"{path}: {what} is a folder, not a TOML file") from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise RubricError(f"{path}: not valid TOML: {exc}") from None


def _validate(table: dict, path: Path, assignment: Assignment) -> None:
    def fail(message: str) -> None:
        raise RubricError(f"{path}: {message}")

    for section in set(table) - set(SECTIONS):
        fail(f"[{section}] is not a rubric section; the sections are {', '.join(f'[{name}]' for name in SECTIONS)}")
    for section in SECTIONS:
        if not isinstance(table.get(section, {}), dict):
            fail(f"{section} = {table[section]!r}, but [{section}] must be a table")
    grading = table.get("grading", {})
    for key in set(grading) - GRADING_KEYS:
        close = difflib.get_close_matches(key, GRADING_KEYS, n=1)
        fail(f"grading.{key} is not a setting" + (f"; did you mean {close[0]}?" if close else ""))
    checks = {
        "examples": (lambda v: isinstance(v, int) and not isinstance(v, bool) and v >= 1, "a whole number of at least 1"),
        "ecf_fraction": (lambda v: _number(v) and 0 <= v <= 1, "a number from 0 to 1"),
        "timeout_seconds": (lambda v: _number(v) and v > 0, "a positive number of seconds"),
        "submission_seconds": (lambda v: _number(v) and v > 0, "a positive number of seconds"),
        "numeric_differentiation": (lambda v: v in NUMERIC_DIFFERENTIATION, f"one of {', '.join(map(repr, NUMERIC_DIFFERENTIATION))}"),
        "evidence": (lambda v: v in EVIDENCE, f"one of {', '.join(map(repr, EVIDENCE))}"),
        "memory_mb": (lambda v: isinstance(v, int) and not isinstance(v, bool) and v >= 256, "a whole number of MiB, at least 256"),
        "forbidden_imports": (lambda v: isinstance(v, list) and all(isinstance(m, str) and m for m in v), "a list of module names"),
        "case_secret": (lambda v: isinstance(v, str) and v.strip() != "", "the path of a case secret file (relative to "
                                                                         "the rubric's folder)"),
    }
    for key, value in grading.items():
        valid, expected = checks[key]
        if not valid(value):
            fail(f"grading.{key} = {value!r}, but it must be {expected}")
    def known(section: str, id: str) -> None:
        if id not in assignment.by_id:
            close = difflib.get_close_matches(id, assignment.by_id, n=2, cutoff=0.3)
            fail(f"{section}.{id} names no derivation of {assignment.name}"
                 + (f"; did you mean {' or '.join(close)}?" if close else ""))

    for id, value in table.get("points", {}).items():
        known("points", id)
        if not (_number(value) and value >= 0):
            fail(f"points.{id} = {value!r}, but points must be a number of at least 0")
    for key, value in table.get("gradescope", {}).items():
        if key != "visibility":
            fail(f"gradescope.{key} is not a setting; the one setting is gradescope.visibility")
        if value not in VISIBILITIES:
            fail(f"gradescope.visibility = {value!r}, but it must be one of {', '.join(VISIBILITIES)}")
    for id, value in table.get("visibility", {}).items():
        known("visibility", id)
        if value not in VISIBILITIES:
            fail(f"visibility.{id} = {value!r}, but it must be one of {', '.join(VISIBILITIES)}")


def _number(value: object) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)
