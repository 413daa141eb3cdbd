"""Fitting a wrong answer to candidate truths, case by case: plain numpy, no model, no submission.

A *basis* is one candidate truth per observed case: the true value, the exact
value of a variant of the model, or the gradient at another quantity. A
*transform* reads the answer another way first (transposed, reshaped, its
diagonal, its per-sample rows summed). A hypothesis (basis, transform) holds
when on every case the transformed answer is one factor times the basis, to a
relative agreement far looser than roundoff and far tighter than chance; the
factor may vary with the case, and is named if an expression of the case fits
it everywhere. Path contributions are fitted jointly: the answer as the truth
with each declared path scaled by its own factor.
"""
from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

AGREEMENT = 1e-8
"""Relative agreement for a hypothesis to hold: far looser than roundoff, far tighter than chance."""


@dataclass(frozen=True)
class Transform:
    """A way of reading the answer: `apply(answer, truth_shape, batch)` gives an array to compare, or None."""

    tag: str | None
    says: str
    apply: Callable[[np.ndarray, tuple[int, ...], int], np.ndarray | None]


def _identity(answer, shape, batch):
    return answer if answer.shape == shape else None


def _transposed(answer, shape, batch):
    """A matrix transposed, or each matrix of a batch-first stack (one per sequence, say) transposed."""
    if answer.ndim < 2:
        return None
    swapped = np.swapaxes(answer, -1, -2)
    return swapped if swapped.shape == shape else None


def _reshaped(answer, shape, batch):
    return answer.reshape(shape) if answer.shape != shape and answer.size == int(np.prod(shape)) else None


def _diagonal(answer, shape, batch):
    if len(shape) >= 1 and answer.shape == (*shape, shape[-1]):
        return np.diagonal(answer, axis1=-2, axis2=-1)
    return None


def _batch_sum(answer, shape, batch):
    """Per-sample rows (one per sample, or one per sample and token, ...) where their sum was due."""
    extra = answer.ndim - len(shape)
    if extra >= 1 and answer.shape[0] == batch and answer.shape[extra:] == shape:
        return answer.sum(axis=tuple(range(extra)))
    return None


def transforms(*, transposed: str, reshaped: str, diagonal: str, batch_sum: str) -> tuple[Transform, ...]:
    """The readings of an answer, with the tags that name them: as it is first, then the others."""
    return (Transform(None, "", _identity),
            Transform(transposed, "transposed", _transposed),
            Transform(reshaped, "in the wrong shape", _reshaped),
            Transform(diagonal, "written as a full matrix whose diagonal it is", _diagonal),
            Transform(batch_sum, "as one row per sample, not summed over the batch", _batch_sum))


def close(actual: np.ndarray, expected: np.ndarray, scale: float) -> bool:
    return actual.shape == expected.shape and bool(np.all(np.abs(actual - expected) <= AGREEMENT * (np.abs(expected) + scale)))


def factors(answers: Sequence[np.ndarray | None], bases: Sequence[np.ndarray], scales: Sequence[float]) -> list[float] | None:
    """Per case, the factor f with answer = f * basis (least squares), if it holds on every case; else None.

    A case whose basis is zero (or roundoff: within `AGREEMENT` of the scale, as
    when a normalisation over two entries makes a derivative vanish exactly) says
    nothing about the factor unless the answer is not zero there too, which
    refutes the hypothesis.
    """
    found = []
    for answer, basis, scale in zip(answers, bases, scales):
        if answer is None or answer.shape != basis.shape:
            return None
        norm = float(np.sum(basis * basis))
        if norm == 0 or np.all(np.abs(basis) <= AGREEMENT * scale):
            if not close(answer, basis, scale):
                return None
            continue
        factor = float(np.sum(answer * basis)) / norm
        if not close(answer, factor * basis, abs(factor) * scale):
            return None
        found.append(factor)
    return found or None


def path_weights(answers: Sequence[np.ndarray], truths: Sequence[np.ndarray],
                 contributions: Sequence[Sequence[np.ndarray]], scales: Sequence[float]) -> list[np.ndarray] | None:
    """Per case, the weight of each path with answer = truth + Σ_j (w_j − 1) c_j, if that holds on every case.

    `contributions[c][j]` is path j's share of the truth on case c (the truth
    minus the truth with that path cut). A path whose contribution is zero on a
    case gets weight 1 there (it says nothing).
    """
    found = []
    for answer, truth, parts, scale in zip(answers, truths, contributions, scales):
        if answer.shape != truth.shape:
            return None
        live = [j for j, part in enumerate(parts) if np.any(np.abs(part) > AGREEMENT * scale)]
        weights = np.ones(len(parts))
        if live:
            design = np.stack([parts[j].ravel() for j in live], axis=1)
            beta, *_ = np.linalg.lstsq(design, (answer - truth).ravel(), rcond=None)
            weights[live] += beta
        fitted = truth + sum((weights[j] - 1) * parts[j] for j in range(len(parts)))
        if not close(answer, fitted, scale):
            return None
        found.append(weights)
    return found


def name_factor(values: Sequence[float], cases: Sequence, expressions: Sequence[tuple[str, Callable]]) -> str | None:
    """The expression that gives every case's factor (such as `m` or `1/(1-p)`), or the constant they share."""
    for name, expression in expressions:
        if all(_matches(value, expression(case)) for value, case in zip(values, cases)):
            return name
    if values and all(abs(value - values[0]) <= AGREEMENT * abs(values[0]) for value in values):
        return f"{values[0]:.6g}"
    return None


def _matches(value: float, expected: float | None) -> bool:
    return expected is not None and abs(value - expected) <= AGREEMENT * abs(expected)
