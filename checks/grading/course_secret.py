"""Which course secret `gradjudge grade` and the autograder derive their cases from.

In order: the file `--case-secret` names, the file the rubric names
(`case_secret`, relative to the rubric's folder), or the default file
`$XDG_CONFIG_HOME/gradjudge/case-secret` (`~/.config/...`), made on first use.
The file holds random bytes in hex, readable only by its owner; the same file
gives the same cases, so the same grades. `gradjudge check` and
`pytest --submission` use none: they meet the public stream.
"""
from __future__ import annotations

import dataclasses
from pathlib import Path

from checks.engine.case_secret import CaseSecret
from checks.grading.rubric import Rubric
from checks.keyfiles import config_file, read_or_create

DEFAULT_NAME = "case-secret"

__all__ = ["DEFAULT_NAME", "Chosen", "choose", "default_file"]


@dataclasses.dataclass(frozen=True)
class Chosen:
    """The rubric with its secret in place, the file it came from, and whether that file was made just now."""

    rubric: Rubric
    path: Path
    made: bool


def default_file() -> Path:
    """`$XDG_CONFIG_HOME/gradjudge/case-secret`: the course secret unless one is named."""
    return config_file(DEFAULT_NAME)


def choose(rubric: Rubric, given: Path | None) -> Chosen:
    """`rubric` with the secret of `given`, else of the rubric's `case_secret`, else of the default file.

    Raises `checks.keyfiles.KeyFileError` (or `OSError`) for a file that cannot be used.
    """
    path = given or rubric.case_secret_file or default_file()
    key, made = read_or_create(path, what="case secret", if_lost="the cases, and so the grades, change")
    return Chosen(dataclasses.replace(rubric, secret=CaseSecret(key)), path, made)
