"""Where the code under test comes from: one interface for every kind of submission, and one way to call it.

`reference(assignment)` imports the assignment's own reference closed forms in
this process (trusted project code). Untrusted files go through
`checks.sandbox.client.Sandboxed`, which runs them in a worker process;
`Overlay` swaps individual ids of another submission, which is how the catalog of
wrong variants is checked. Every call of a derivation function goes through
`call_derivation`: it picks the names the function asks for, and caps the reply.
"""
from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Protocol

import numpy as np

from checks.assignment import Assignment, Derivation
from checks.sandbox.calling import Arguments, Outcome, Signature, call, signature_of

REPLY_FLOOR = 2**20
REPLY_FACTOR = 4
"""A call may return at most 4 times the bytes of every quantity of its case together, and at
least 1 MiB: room for a wrong shape or a dict of intermediates, none for a memory bomb."""


class Submission(Protocol):
    label: str

    def signature(self, id: str) -> Signature | None:
        """The names the id's function asks for, or None if the submission does not define it."""

    def call_many(self, id: str, batch: Sequence[Arguments], *, reply_limit: int) -> list[Outcome]:
        """Call the id's function once per argument set; each may return at most `reply_limit` bytes."""


def reply_limit(values: Arguments) -> int:
    """The most bytes of arrays one call on a case with these values may return."""
    total = sum(value.size if isinstance(value, np.ndarray) else np.asarray(value).size for value in values.values())
    return max(REPLY_FLOOR, REPLY_FACTOR * 8 * total)


def arguments(entry: Derivation, signature: Signature, values: Mapping[str, object]) -> dict[str, object]:
    """Exactly the names the function asks for (everything it may ask for, for `**kwargs`), from `values`."""
    names = entry.offered if signature.takes_all else signature.names
    return {name: values[name] for name in names}


def call_derivation(submission: Submission, entry: Derivation, batch: Sequence[Mapping[str, object]]) -> list[Outcome]:
    """Call `entry`'s function once per set of values, in one request, each with exactly the names it asks for."""
    signature = submission.signature(entry.id)
    limit = max(reply_limit(values) for values in batch)
    return submission.call_many(entry.id, [arguments(entry, signature, values) for values in batch], reply_limit=limit)


class Functions:
    """A submission made of functions held in this process, looked up by id."""

    def __init__(self, label: str, functions: Mapping[str, Callable], *, is_reference: bool = False):
        self.label = label
        self.is_reference = is_reference
        self._functions = dict(functions)
        self._signatures: dict[str, Signature] = {}

    def signature(self, id: str) -> Signature | None:
        function = self._functions.get(id)
        if function is None:
            return None
        if id not in self._signatures:
            self._signatures[id] = signature_of(function)
        return self._signatures[id]

    def call_many(self, id: str, batch: Sequence[Arguments], *, reply_limit: int) -> list[Outcome]:
        return [call(self._functions[id], arguments) for arguments in batch]


def reference(assignment: Assignment) -> Functions:
    """The assignment's own reference derivations, imported in this process."""
    module = assignment.reference_module()
    return Functions(assignment.reference, {id: getattr(module, id) for id in assignment.ids if hasattr(module, id)},
                     is_reference=True)


class Overlay:
    """`base`, with some ids answered by other functions instead."""

    def __init__(self, base: Submission, overrides: Mapping[str, Callable], label: str):
        self.label = label
        self.is_reference = False
        self._base = base
        self._overrides = Functions(label, overrides)

    def signature(self, id: str) -> Signature | None:
        return self._overrides.signature(id) or self._base.signature(id)

    def call_many(self, id: str, batch: Sequence[Arguments], *, reply_limit: int) -> list[Outcome]:
        if self._overrides.signature(id) is not None:
            return self._overrides.call_many(id, batch, reply_limit=reply_limit)
        return self._base.call_many(id, batch, reply_limit=reply_limit)
