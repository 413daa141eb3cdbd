"""Which letters name the sample in a formula."""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Scope:
    """Letters that name the sample in a formula: as superscripts, and as subscripts bound to the batch by a sum."""

    batch_letters: frozenset[str]

    def with_letters(self, letters) -> Scope:
        return Scope(self.batch_letters | frozenset(letters))


NO_SCOPE = Scope(frozenset())
