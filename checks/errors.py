"""The one base of every error a user sees: bad input, or a request refused, whose message says what and why.

Each is raised where the problem is found, with a message that reads on its own
("`--rubric x.toml`: ...", "assignment='hw9', but ..."), and caught in one place,
`checks.cli.main`, which prints it and exits with status 2. Anything else that
escapes is gradjudge's own fault, shown with its traceback to be reported.
"""
from __future__ import annotations

__all__ = ["GradjudgeError"]


class GradjudgeError(Exception):
    """Bad input, or a request refused, with a message that says what and why (and, where it can, what to do)."""
