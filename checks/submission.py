"""Where the code under test comes from: one interface for every kind of submission.

`Reference` imports the project's own `derivations` package in this process (it is
trusted project code). Untrusted files go through `checks.sandbox.client.Sandboxed`,
which runs them in a separate worker process; `Overlay` swaps individual ids of
another submission, which is how the catalog of wrong variants is checked.
"""
from __future__ import annotations

import importlib
from collections.abc import Callable, Mapping
from typing import Protocol

import numpy as np

from checks.registry import BY_ID
from checks.sandbox.calling import Arguments, Outcome, Signature, call, signature_of

REFERENCE_PACKAGE = "derivations"
REPLY_FLOOR = 2**20
REPLY_FACTOR = 4
"""A call may return at most 4 times the bytes of every quantity of its case together, and at
least 1 MiB: room for a wrong shape or a dict of intermediates, none for a memory bomb."""


def reply_limit(values: Arguments) -> int:
    """The most bytes of arrays one call on a case with these values may return."""
    total = sum(np.asarray(value).size * 8 for value in values.values())
    return max(REPLY_FLOOR, REPLY_FACTOR * total)


class Submission(Protocol):
    label: str

    def signature(self, id: str) -> Signature | None:
        """The names the id's function asks for, or None if the submission does not define it."""

    def call(self, id: str, arguments: Arguments, *, reply_limit: int) -> Outcome:
        """Call the id's function with exactly the names its signature asked for; it may return at most `reply_limit` bytes."""


class Functions:
    """A submission made of functions held in this process, looked up by id."""

    def __init__(self, label: str, functions: Mapping[str, Callable]):
        self.label = label
        self._functions = dict(functions)

    def signature(self, id: str) -> Signature | None:
        function = self._functions.get(id)
        return None if function is None else signature_of(function)

    def call(self, id: str, arguments: Arguments, *, reply_limit: int) -> Outcome:
        return call(self._functions[id], arguments)


def reference() -> Functions:
    """The project's own derivations, imported in this process."""
    module = importlib.import_module(REFERENCE_PACKAGE)
    return Functions(REFERENCE_PACKAGE, {id: getattr(module, id) for id in BY_ID if hasattr(module, id)})


class Overlay:
    """`base`, with some ids answered by other functions instead."""

    def __init__(self, base: Submission, overrides: Mapping[str, Callable], label: str):
        self.label = label
        self._base = base
        self._overrides = Functions(label, overrides)

    def signature(self, id: str) -> Signature | None:
        return self._overrides.signature(id) or self._base.signature(id)

    def call(self, id: str, arguments: Arguments, *, reply_limit: int) -> Outcome:
        if self._overrides.signature(id) is not None:
            return self._overrides.call(id, arguments, reply_limit=reply_limit)
        return self._base.call(id, arguments, reply_limit=reply_limit)
