"""Sums by recursive halving, and a recursive product of masks."""
import numpy as np


def _total(rows):
    if len(rows) == 1:
        return rows[0]
    half = len(rows) // 2
    return _total(rows[:half]) + _total(rows[half:])


def bn_dL_dbeta(dy):
    return _total(list(dy))


def _apply(masks, value):
    return value if not masks else _apply(masks[1:], value * masks[0])


def dropout_dL_dx(dy, M):
    return _apply([M], dy)
