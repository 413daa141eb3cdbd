"""How an input's values are drawn for each case: normal, positive, a probability, binary labels, indices along an axis.

Every generator draws from the case's own numpy `Generator`, so a case is
reproduced from its seed alone; `scale` is the case's input scale (1, 0.1 or 10),
which the unbounded generators multiply in and the bounded ones ignore.
"""
from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

import numpy as np

from checks.testing.validation import refuse

Draw = Callable[[np.random.Generator, tuple[int, ...], float, Mapping[str, int]], np.ndarray]
"""`draw(rng, shape, scale, sizes)`: an array of `shape`; `sizes` maps each axis of the case to its size."""


@dataclass(frozen=True)
class Values:
    """A named way of drawing an input's values; `floating` says whether they can be differentiated."""

    description: str
    draw: Draw
    floating: bool = True

    def __call__(self, rng: np.random.Generator, shape: tuple[int, ...], scale: float,
                 sizes: Mapping[str, int]) -> np.ndarray:
        return np.asarray(self.draw(rng, shape, scale, sizes))


def normal(*, std: float = 1.0) -> Values:
    """Normal with mean 0 and standard deviation `std` times the case's scale."""
    _positive("std", std)
    return Values(f"normal, std {std:g} times the case's scale",
                  lambda rng, shape, scale, sizes: std * scale * rng.standard_normal(shape))


def positive(*, low: float = 0.1, high: float = 10.0) -> Values:
    """Log-uniform in `[low, high]` times the case's scale: strictly positive, spread over orders of magnitude."""
    _positive("low", low)
    if not isinstance(high, (int, float)) or high <= low:
        raise refuse("high", high, f"it must be a number above low={low!r}")
    return Values(f"positive, log-uniform in [{low:g}, {high:g}] times the case's scale",
                  lambda rng, shape, scale, sizes: scale * np.exp(rng.uniform(np.log(low), np.log(high), shape)))


def probability(*, margin: float = 0.01) -> Values:
    """Uniform in `[margin, 1 - margin]`: a probability kept off 0 and 1, whatever the case's scale."""
    if not isinstance(margin, (int, float)) or not 0 < margin < 0.5:
        raise refuse("margin", margin, "it must lie strictly between 0 and 0.5")
    return Values(f"a probability, uniform in [{margin:g}, {1 - margin:g}]",
                  lambda rng, shape, scale, sizes: rng.uniform(margin, 1 - margin, shape))


def binary() -> Values:
    """0.0 or 1.0 with equal chance (labels, masks), as floats; not differentiated."""
    return Values("0 or 1, as floats", lambda rng, shape, scale, sizes: rng.integers(0, 2, shape).astype(np.float64),
                  floating=False)


def indices(axis: str) -> Values:
    """Integer indices into `axis` (0 to its size minus 1), as int64: for gather, scatter and embeddings."""
    if not isinstance(axis, str):
        raise refuse("axis", axis, "it must name an axis of `shapes`", TypeError)
    return Values(f"indices into axis {axis}",
                  lambda rng, shape, scale, sizes: rng.integers(0, sizes[axis], shape, dtype=np.int64), floating=False)


def _positive(name: str, value: object) -> None:
    if not isinstance(value, (int, float)) or isinstance(value, bool) or not value > 0:
        raise refuse(name, value, "it must be a positive number")
