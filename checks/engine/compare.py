"""Elementwise comparison in the manner of `torch.testing.assert_close`."""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from checks.engine.tolerances import Tolerance


@dataclass(frozen=True)
class Comparison:
    label: str
    tolerance: Tolerance
    scale: float
    mismatched: int
    total: int
    worst: tuple[int, ...] | None
    """Index that exceeds its allowance by the largest factor (or the largest gap, if none does)."""
    max_abs: float
    max_abs_at: tuple[int, ...] | None
    max_rel: float
    max_rel_at: tuple[int, ...] | None

    @property
    def passed(self) -> bool:
        return self.mismatched == 0

    @property
    def error(self) -> float:
        """Normwise relative error: the largest gap over the tolerance scale."""
        return self.max_abs / self.scale if self.scale > 0 else (0.0 if self.max_abs == 0 else np.inf)

    def describe(self) -> str:
        allowed_abs = self.tolerance.atol * self.scale
        return "\n".join((
            f"Mismatched elements: {self.mismatched} / {self.total} ({100 * self.mismatched / max(self.total, 1):.1f}%)",
            f"Greatest absolute difference: {self.max_abs:.6g} at index {self.max_abs_at} "
            f"(up to {allowed_abs:.3g} allowed, {self.tolerance.atol:g} of scale {self.scale:.3g})",
            f"Greatest relative difference: {self.max_rel:.6g} at index {self.max_rel_at} "
            f"(up to {self.tolerance.rtol:g} allowed)",
        ))


def compare(actual: np.ndarray, expected: np.ndarray, *, tolerance: Tolerance, scale: float, label: str,
            slack: np.ndarray | float = 0.0) -> Comparison:
    """Entries where `expected` is NaN (discarded numeric probes) are skipped.

    `slack` widens each entry's allowance by the expected value's own error
    estimate, for numeric differentiation.
    """
    actual = np.asarray(actual, dtype=np.float64)
    expected = np.asarray(expected, dtype=np.float64)
    magnitude = np.asarray(np.abs(expected))
    skipped = np.isnan(magnitude)
    unusable = int(np.count_nonzero(skipped))
    gap = np.asarray(np.abs(actual - expected))
    if unusable:
        gap[skipped] = 0.0
        magnitude = np.where(skipped, 0.0, magnitude)
    finite = np.isfinite(actual)
    if np.count_nonzero(finite) < finite.size:
        gap[~finite & ~skipped] = np.inf
    allowed = tolerance.rtol * magnitude + tolerance.atol * scale
    if not (np.isscalar(slack) and slack == 0.0):
        allowed += np.nan_to_num(slack)
    over = gap > allowed
    mismatched = int(np.count_nonzero(over))
    total = gap.size - unusable
    if total == 0:
        return Comparison(label, tolerance, scale, 0, 0, None, 0.0, None, 0.0, None)
    with np.errstate(divide="ignore", invalid="ignore"):
        relative = np.asarray(np.where(gap > 0, gap / magnitude, 0.0))
        relative[np.isnan(relative)] = 0.0
        worst = _argmax(np.where(over, np.where(allowed > 0, gap / allowed, np.inf), 0.0)) if mismatched else None
    largest = _argmax(gap)
    nearest = _argmax(relative)
    return Comparison(label, tolerance, scale, mismatched, total, worst or largest, float(gap[largest]), largest,
                      float(relative[nearest]), nearest)


def _argmax(values: np.ndarray) -> tuple[int, ...]:
    """The index of the first largest entry, as a tuple of ints (`()` for a scalar)."""
    flat = int(values.argmax())
    index = []
    for size in reversed(values.shape):
        flat, position = divmod(flat, size)
        index.append(position)
    return tuple(reversed(index))
