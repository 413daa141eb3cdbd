"""Fitting a wrong answer to candidate truths, case by case: plain numpy, no model, no submission.

A *basis* is one candidate truth per observed case: the true value, the exact
value of a variant of the model, or the gradient at another quantity. A
*transform* reads the answer another way first (transposed, reshaped, its
diagonal, its per-sample rows summed). A hypothesis (basis, transform) holds
when on every case the transformed answer is one factor times the basis, to a
relative agreement far looser than roundoff and far tighter than chance; the
factor may vary with the case, and is named if an expression of the case fits
it everywhere. Path and term contributions are fitted jointly: the answer as
a sum of parts, each with its own weight, on every case.
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


def fits(answer: np.ndarray | None, basis: np.ndarray, scale: float) -> bool:
    """Whether one case allows the reading: the answer is a factor times the basis, or the basis is roundoff there
    and the answer is too (a case that says nothing about the factor)."""
    if answer is None or answer.shape != basis.shape:
        return False
    if np.all(np.abs(basis) <= AGREEMENT * scale):
        return close(answer, basis, scale)
    return factors([answer], [basis], [scale]) is not None


def name_factor(values: Sequence[float], cases: Sequence, expressions: Sequence[tuple[str, Callable]], *,
                constant: bool = True) -> str | None:
    """The expression that gives every case's factor (such as `m` or `1/(1-p)`), or (with `constant`) the constant
    they share."""
    for name, expression in expressions:
        if all(_matches(value, expression(case)) for value, case in zip(values, cases)):
            return name
    if constant and values and all(abs(value - values[0]) <= AGREEMENT * abs(values[0]) for value in values):
        return f"{values[0]:.6g}"
    return None


def _matches(value: float, expected: float | None) -> bool:
    return expected is not None and abs(value - expected) <= AGREEMENT * abs(expected)


def may_be_weighted(answer: np.ndarray, parts: Sequence[np.ndarray], scale: float) -> bool:
    """Whether `term_weights` might fit `answer` with some of `parts`: False only where it fits none of their subsets.

    The least-squares residual with every part is at most any subset's, and a
    subset's fit that holds leaves at most `AGREEMENT (|answer| + scale) / (1 −
    AGREEMENT)` in each entry; past twice that norm (a margin for roundoff), no
    subset fits. One least-squares solve rules out every choice of live parts.
    """
    if not parts or any(part.shape != answer.shape for part in parts):
        return True
    design = np.stack([part.ravel() for part in parts], axis=1)
    weights = np.linalg.lstsq(design, answer.ravel(), rcond=None)[0]
    residual = np.linalg.norm(answer.ravel() - design @ weights)
    allowed = AGREEMENT / (1 - AGREEMENT) * np.linalg.norm(np.abs(answer).ravel() + scale)
    return not residual > 2 * allowed


CONDITIONED = 1e-6
"""A least-squares design whose smallest singular value is below this share of its largest is ill-conditioned:
its weights are not determined (BatchNorm over two samples, where the terms nearly cancel)."""


def term_weights(answer: np.ndarray, parts: Sequence[np.ndarray], scale: float) -> tuple[np.ndarray, bool] | None:
    """The weights w with answer = Σ_j w_j parts_j (least squares), if that holds to `AGREEMENT`, and whether they
    are determined (the design well-conditioned); None if no weights fit."""
    if not parts or any(part.shape != answer.shape for part in parts):
        return None
    design = np.stack([part.ravel() for part in parts], axis=1)
    weights, _, _, singular = np.linalg.lstsq(design, answer.ravel(), rcond=None)
    if not close(answer, (design @ weights).reshape(answer.shape), scale):
        return None
    return weights, bool(singular.size == len(parts) and singular.min() > CONDITIONED * singular.max())
