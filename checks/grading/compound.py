"""Two independent mistakes at once: pairs of variants (declared or generated) on different nodes, bounded.

Tried only when no single candidate, no joint fit of the declared paths and no
weighting of a declared backward's terms explains the answer. Each pair of
variants that change the id and replace disjoint nodes is one model,
differentiated by autograd, read through the answer's mis-shapings and a
factor of the case like any single candidate. A pair is first tried on the
failing case alone, and only a pair that fits there is computed on the other
cases; at most `MAX_PAIRS` pairs are tried, in declared order. A pair is said
only when each part is needed: its value differs from each part's alone.
"""
from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from itertools import combinations

import numpy as np

from checks.assignment import Derivation, Variant
from checks.engine.truths import TRUTHS
from checks.grading import hypotheses
from checks.grading.findings import Finding, Observation

__all__ = ["MAX_PAIRS", "Single", "explain"]

MAX_PAIRS = 600
"""Pairs tried per failing id at most: a bound on the cost (each is one forward and one backward pass on the
first case), above every pair of disjoint variants of the shipped declarations (590 in the largest context). A
first-order guess (the two effects added) ranks right pairs too low to cut on: a path cut and a local derivative
swapped compose multiplicatively."""


@dataclass(frozen=True)
class Single:
    """One variant that changes the id, with its tags and the words that complete "Your <id> is ..."."""

    variant: Variant
    tags: tuple[str, ...]
    says: str


def explain(entry: Derivation, observations: Sequence[Observation], singles: Sequence[Single],
            read: Callable[[list[Observation], list[np.ndarray]], list[tuple[tuple[str, ...], str]]]) -> list[Finding]:
    """The pairs that explain the answer; `read(observations, values)` gives the readings (extra tags, words) under
    which the answers on those cases fit a candidate's values there."""
    observed = [o for o in observations if o.closed is not None]
    if not observed:
        return []
    first = observed[0]
    changing = [single for single in singles
                if not hypotheses.close(TRUTHS.exact(entry, first.case, single.variant), first.truth, first.scale)]
    found = []
    pairs = [(a, b) for a, b in combinations(changing, 2) if not set(a.variant.replaces) & set(b.variant.replaces)]
    for a, b in pairs[:MAX_PAIRS]:
        both = Variant("local_derivative", f"{a.variant.name}+{b.variant.name}",
                       {**a.variant.replaces, **b.variant.replaces}, "")
        value = TRUTHS.exact(entry, first.case, both)
        if not read([first], [value]) or _same_as_a_part(entry, first, value, a, b):
            continue
        values = [TRUTHS.exact(entry, o.case, both) for o in observed]
        if not all(np.all(np.isfinite(v)) for v in values):
            continue
        for extra, reading in read(observed, values):
            words = f"Your {entry.id} has two mistakes at once: it is {a.says}; and {b.says}"
            found.append(Finding((*a.tags, *b.tags, *extra), words + (f"; {reading}" if reading else "") + "."))
    return found


def _same_as_a_part(entry: Derivation, observation: Observation, value: np.ndarray, a: Single, b: Single) -> bool:
    """The pair's value is one part's alone: the other part changes nothing here."""
    return any(hypotheses.close(value, TRUTHS.exact(entry, observation.case, part.variant), observation.scale)
               for part in (a, b))
