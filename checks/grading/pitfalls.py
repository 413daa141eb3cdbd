"""Numpy pitfalls, recognised from what they produce: whole-number values, broadcast errors, a one-hot left in.

Each is a tag of `checks.tags` with a hint here, in words that say what numpy
did, never what the answer is. `np.diag` of a `(1, n)` row is generated as a
model (`checks.grading.generated`), since its values follow from a declared
diagonal term; integer division of a factor is named with the case's factors
(`checks.grading.findings.floored_expressions`).
"""
from __future__ import annotations

import re
from collections.abc import Sequence

import numpy as np

from checks import tags
from checks.grading.findings import Finding, Observation

__all__ = ["HINTS", "broadcast_errors", "one_hot", "whole_numbers"]

HINTS = {
    tags.INTEGER_DIVISION: "Floor division (//) and integer arrays truncate: 1 // (1 - p) is 1 when p = 0.2, and "
                           "np.zeros(d, dtype=int) stores every value written into it as a whole number.",
    tags.KEEPDIMS_DROPPED: "A sum or mean over the last axis without keepdims=True has one axis fewer, so numpy "
                           "lines it up with the last axis of the other operand: keep the axis to broadcast per row.",
    tags.FANCY_INDEX_COPY: "Indexing with an array or a list (a[rows], a[[i]]) returns a copy, so a[rows][cols] -= 1 "
                           "changes the copy and leaves a as it was; index once, a[rows, cols] -= 1.",
    tags.DIAG_OF_ROW: "np.diag of a 2-D array returns its diagonal, so np.diag of a (1, n) row is one number; "
                      "np.diagflat (or np.diag of a 1-D array) builds the matrix.",
}
"""What each pitfall does, as the hint its explanation ends with."""

_BROADCAST = re.compile(r"could not be broadcast together with (?:remapped )?shapes? \(([\d, ]*)\)\s*\(([\d, ]*)\)")


def whole_numbers(observations: Sequence[Observation]) -> list[Finding]:
    """Every entry of every answer a whole number, where the truth's are not: truncated by // or an int array."""
    valued = [o for o in observations if o.closed is not None and o.closed.shape == o.truth.shape]
    if not valued or not all(np.all(o.closed == np.round(o.closed)) for o in valued):
        return []
    if all(np.all(o.truth == np.round(o.truth)) for o in valued):
        return []
    return [Finding((tags.INTEGER_DIVISION,), "Every entry of the answer is a whole number, where the truth's are "
                                              f"not. {HINTS[tags.INTEGER_DIVISION]}")]


def broadcast_errors(errors: Sequence[str]) -> list[Finding]:
    """A numpy broadcast error between an array and the same array's shape without its last axis."""
    for error in errors:
        for first, second in _BROADCAST.findall(error):
            shapes = sorted((_shape(first), _shape(second)), key=len)
            if len(shapes[1]) == len(shapes[0]) + 1 and shapes[1][:-1] == shapes[0]:
                return [Finding((tags.KEEPDIMS_DROPPED,),
                                f"On some cases it raises \"operands could not be broadcast together with shapes "
                                f"{_shown(shapes[1])} {_shown(shapes[0])}\": a reduction over the last axis lost it. "
                                f"{HINTS[tags.KEEPDIMS_DROPPED]}")]
    return []


def one_hot(values: Sequence[np.ndarray], dim: int) -> bool:
    """Every value, along `dim`, has exactly one non-zero entry per slice, all of one value (a one-hot times a
    constant)."""
    for value in values:
        scale = float(np.max(np.abs(value))) if value.size else 0.0
        if scale == 0:
            return False
        nonzero = np.abs(value) > 1e-12 * scale
        if not np.all(nonzero.sum(axis=dim) == 1):
            return False
        entries = value[nonzero]
        if not np.all(np.abs(entries - entries[0]) <= 1e-8 * abs(entries[0])):
            return False
    return bool(values)


def _shape(text: str) -> tuple[int, ...]:
    return tuple(int(part) for part in text.replace(" ", "").split(",") if part)


def _shown(shape: tuple[int, ...]) -> str:
    return "(" + ",".join(str(size) for size in shape) + ("," if len(shape) == 1 else "") + ")"
