"""Diagnosis's candidates, one module per kind of hypothesis, found here: a new kind is one new module.

A candidate is a truth the wrong answer may be, computed from the declared model
(`Candidate`); a kind (`Kind`) makes every candidate of its sort for a derivation
id: the declared variants, the variants generated from declared backward passes,
the gradient at a neighbouring node, ... Each module of this package defines
`KIND`; a course's package may add kinds of its own as entry points of the group
`gradjudge.hypotheses` (`NAME = "package.module:KIND"`). A kind declares the tags
its candidates carry, and they join the tag vocabulary (`checks.tags`) when the
kinds are loaded. Diagnosis (`checks.grading.diagnosis`) tries every kind's
candidates, in the kinds' `order`, and knows no kind by name.
"""
from __future__ import annotations

import functools
import importlib
import pkgutil
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from importlib.metadata import entry_points
from typing import TYPE_CHECKING

from checks import tags

if TYPE_CHECKING:
    import numpy as np

    from checks.assignment import Derivation, Variant
    from checks.grading.findings import Observation

GROUP = "gradjudge.hypotheses"

__all__ = ["GROUP", "Candidate", "Kind", "candidates", "registered"]


@dataclass(frozen=True)
class Candidate:
    """A candidate truth: its tags (none for the truth itself), the words that complete "Your <id> is ...", and its
    value on an observed case (None where it has none). `variant` is set for a model that can be paired."""

    tags: tuple[str, ...]
    says: str
    value: Callable[[Observation], np.ndarray | None]
    variant: Variant | None = None


@dataclass(frozen=True)
class Kind:
    """One kind of hypothesis: `make(entry)` yields its candidates for a derivation id; `tags` are the tag families
    it introduces (its candidates may also carry tags declared in `checks.tags`); `order` places it among the kinds,
    the plainest first."""

    name: str
    order: int
    make: Callable[[Derivation], Iterator[Candidate]]
    tags: tuple[tags.Tag, ...] = ()


@functools.lru_cache(maxsize=1)
def registered() -> tuple[Kind, ...]:
    """Every kind, in order: this package's modules', then installed entry points'; their tags declared."""
    modules = [importlib.import_module(f"{__name__}.{info.name}") for info in pkgutil.iter_modules(__path__)]
    kinds = [module.KIND for module in modules if isinstance(getattr(module, "KIND", None), Kind)]
    kinds += [point.load() for point in entry_points(group=GROUP)]
    names = [kind.name for kind in kinds]
    for kind in kinds:
        if not isinstance(kind, Kind):
            raise TypeError(f"{kind!r} is registered as a kind of hypothesis, but it is not a Kind")
        if names.count(kind.name) > 1:
            raise ValueError(f"two kinds of hypothesis are named {kind.name!r}")
        for tag in kind.tags:
            tags.declare(tag, explaining=True)
    return tuple(sorted(kinds, key=lambda kind: (kind.order, kind.name)))


def candidates(entry: Derivation) -> Iterator[Candidate]:
    """The truth itself, then every kind's candidates for `entry`, in the kinds' order."""
    yield Candidate((), "the truth", lambda o: o.truth)
    for kind in registered():
        yield from kind.make(entry)
