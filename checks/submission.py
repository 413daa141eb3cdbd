"""Where the code under test comes from: one interface for every kind of submission.

`Reference` imports the project's own `derivations` package in this process (it is
trusted project code). Untrusted files go through `checks.sandbox.Sandboxed`,
which runs them in a separate worker process; `Overlay` swaps individual ids of
another submission, which is how the catalog of wrong variants is checked.
"""
from __future__ import annotations

import importlib
from collections.abc import Callable, Mapping
from typing import Protocol

from checks.calling import Arguments, Outcome, Signature, call, signature_of
from checks.registry import BY_ID

REFERENCE_PACKAGE = "derivations"


class Submission(Protocol):
    label: str

    def signature(self, id: str) -> Signature | None:
        """The names the id's function asks for, or None if the submission does not define it."""

    def call(self, id: str, arguments: Arguments) -> Outcome:
        """Call the id's function with exactly the names its signature asked for."""


class Functions:
    """A submission made of functions held in this process, looked up by id."""

    def __init__(self, label: str, functions: Mapping[str, Callable]):
        self.label = label
        self._functions = dict(functions)

    def signature(self, id: str) -> Signature | None:
        function = self._functions.get(id)
        return None if function is None else signature_of(function)

    def call(self, id: str, arguments: Arguments) -> Outcome:
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

    def call(self, id: str, arguments: Arguments) -> Outcome:
        if self._overrides.signature(id) is not None:
            return self._overrides.call(id, arguments)
        return self._base.call(id, arguments)
