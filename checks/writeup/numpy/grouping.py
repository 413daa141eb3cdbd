"""Grouping a chain of products by shape: `\\theta_{2A} M \\odot \\sin(\\cdot)` is `\\theta_{2A} (M \\odot \\sin(\\cdot))`.

Write-ups chain matrix products and `\\odot` without brackets. The chain is
first read left to right; if the shapes do not fit that way, every bracketing
is tried and the first that fits is kept (`reading:grouping_by_shape`).
"""
from __future__ import annotations

import functools
from collections.abc import Callable, Sequence

from checks.writeup.numpy.kinds import ShapeError, Value

Combine = Callable[[Value, str, Value], Value]
MOST_CANDIDATES = 8
"""Groupings kept per stretch of the chain: enough to find one that fits, few enough to stay fast."""


def group(operands: Sequence[Value], operators: Sequence[str], combine: Combine) -> tuple[Value, bool]:
    """The chain's value, and whether it had to be grouped other than left to right."""
    if len(operators) != len(operands) - 1 or not operands:
        raise ValueError(f"operators={list(operators)!r}, but a chain of {len(operands)} operands needs "
                         f"{max(len(operands) - 1, 0)}")
    try:
        value = operands[0]
        for operator, operand in zip(operators, operands[1:]):
            value = combine(value, operator, operand)
        return value, False
    except ShapeError as left_to_right:
        first_error = left_to_right

    @functools.cache
    def spans(start: int, stop: int) -> tuple[Value, ...]:
        if stop - start == 1:
            return (operands[start],)
        found = []
        for split in range(stop - 1, start, -1):
            for left in spans(start, split):
                for right in spans(split, stop):
                    try:
                        found.append(combine(left, operators[split - 1], right))
                    except ShapeError:
                        continue
        return tuple(dict.fromkeys(found))[:MOST_CANDIDATES]

    candidates = spans(0, len(operands))
    if not candidates:
        raise first_error
    return candidates[0], True
