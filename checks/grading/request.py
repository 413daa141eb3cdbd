"""What one `gradjudge grade` (or `check`) run is asked to do, as data: the paths, the settings, the outputs.

`grade` and `check` share it by construction: a request is made from the
command line's options by field name, and every option a command does not
have takes the field's default, so an option added to `grade` never breaks
`check`.
"""
from __future__ import annotations

import argparse
from dataclasses import dataclass, field, fields
from pathlib import Path

__all__ = ["GradeRequest"]


@dataclass(frozen=True)
class GradeRequest:
    """One grading run: what to grade, under which assignment and rubric, how, and which outputs to write."""

    paths: tuple[str, ...]
    assignment: str
    rubric: Path | None = None
    isolation: str = "auto"
    jobs: int = 1
    roster: Path | None = None
    one_submission: bool = False
    case_secret: Path | None = None
    public_cases: bool = False
    """The public stream of cases (a student's own check) instead of the course secret's."""
    allow_weak_isolation: bool = False
    details: bool = False
    no_cache: bool = False
    """Neither read nor add to the truths store (`checks.engine.store`)."""
    outputs: dict[str, str] = field(default_factory=dict)
    """The output formats asked for (`checks.reports.formats`), by name, each with its target."""
    options: argparse.Namespace = field(default_factory=argparse.Namespace)
    """The command line's options as given: the formats' own options are read from it."""

    @classmethod
    def from_options(cls, options: argparse.Namespace, *, outputs: dict[str, str], **fixed) -> GradeRequest:
        """The request the `options` of a command make: each field from the option of its name, if the command has
        one; `fixed` values as given; every other field its default."""
        given = {item.name: getattr(options, item.name) for item in fields(cls)
                 if hasattr(options, item.name) and item.name not in ("outputs", "options")}
        return cls(**{**given, **fixed, "outputs": outputs, "options": options})
