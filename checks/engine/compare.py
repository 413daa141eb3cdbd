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
    considered = ~np.isnan(expected)
    gap = np.where(considered, np.abs(actual - expected), 0.0)
    gap = np.where(considered & ~np.isfinite(actual), np.inf, gap)
    allowed = tolerance.rtol * np.abs(expected) + tolerance.atol * scale + np.nan_to_num(slack)
    with np.errstate(divide="ignore", invalid="ignore"):
        relative = np.where(gap > 0, gap / np.abs(expected), 0.0)
        excess = np.where(gap > allowed, np.where(allowed > 0, gap / allowed, np.inf), 0.0)
    mismatched = int(np.count_nonzero(gap > allowed))
    total = int(np.count_nonzero(considered))
    if total == 0:
        return Comparison(label, tolerance, scale, 0, 0, None, 0.0, None, 0.0, None)
    worst = _argmax(excess) if mismatched else _argmax(gap)
    return Comparison(label, tolerance, scale, mismatched, total, worst,
                      float(gap.max()), _argmax(gap), float(np.nanmax(relative)), _argmax(np.nan_to_num(relative, nan=0.0)))


def _argmax(values: np.ndarray) -> tuple[int, ...]:
    return tuple(int(i) for i in np.unravel_index(int(np.argmax(values)), values.shape))
