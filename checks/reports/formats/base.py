"""What an output format is: the interface every module of `checks.reports.formats` implements once."""
from __future__ import annotations

from argparse import Namespace
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from rich.console import Console

    from checks.assignment import Assignment
    from checks.grading.discovery import Skipped
    from checks.grading.grades import SubmissionGrade
    from checks.grading.rubric import Rubric

__all__ = ["Option", "OutputFormat", "Written"]


@dataclass(frozen=True)
class Option:
    """An option of a format's own, as `argparse.add_argument` takes it: `flag` and its keyword arguments."""

    flag: str
    settings: Mapping[str, Any] = field(default_factory=dict)

    @property
    def dest(self) -> str:
        return self.flag.lstrip("-").replace("-", "_")


@dataclass(frozen=True)
class Written:
    """Everything grading produced that a format may write: the grades and where they came from."""

    grades: list[SubmissionGrade]
    assignment: Assignment
    rubric: Rubric
    rubric_file: str | None
    skipped: list[Skipped]
    skipped_more: int
    layout: str | None
    options: Namespace
    """The command line's options, a format's own among them."""
    rows: int
    """The rows the run was asked to grade, known before grading (fewer are written if it was interrupted): a folder
    format decides "file or folder" from it, before grading and when writing alike."""


@dataclass(frozen=True)
class OutputFormat:
    """One output of `gradjudge grade`, asked for with `--NAME OUT`.

    `write(target, written, prepared)` writes it at `target`, the text given
    after the option (a trailing separator may say "a folder"); `prepare(options, console)` runs
    before any grading, once the format is asked for, and what it returns is
    `prepared` (a key read or made, say), so that a problem is found before the
    work. `folder` formats may write a folder of files (`folder_target` says when);
    `libraries` are imported modules it needs, checked before grading. Its own
    `options` are refused when the format is not asked for.
    """

    name: str
    help: str
    write: Callable[[str, Written, Any], None]
    options: tuple[Option, ...] = ()
    libraries: tuple[str, ...] = ()
    prepare: Callable[[Namespace, Console], Any] = lambda options, console: None
    folder_target: Callable[[str, int], bool] = lambda target, rows: False
    """Whether `--NAME target` names a folder of files, for this many rows (`Written.rows`)."""

    @property
    def flag(self) -> str:
        return f"--{self.name}"
