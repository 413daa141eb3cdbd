"""Numeric differentiation: batched central differences with Ridders' extrapolation.

Every probe direction and every step size is evaluated in one batched call
(chunked to bound memory), never in a Python loop over elements. A probe whose
kink signature (the sign pattern of ReLU inputs) differs from the unperturbed one
at some step cannot use that step; a probe left with fewer than `WINDOW` clean steps is
discarded and counted, never reported as a failure.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import torch

FIRST_STEP = 0.25
"""Largest step, in units of the direction, which the caller scales to each coordinate's length scale."""
SHRINK = 1.6
"""Ratio between successive steps (Ridders' CON)."""
STEPS = 20
"""Steps per probe: from 0.25 down to 0.25 / 1.6**19, about 3e-5 length scales. A length
scale guessed a thousand times too large still leaves good steps, and so does a ReLU
input a few thousandths from its kink."""
WINDOW = 6
"""Consecutive steps in one Ridders tableau; every window is tried and the one with the
smallest error estimate wins, element by element."""
NOISE_GAIN = ((SHRINK**2 + 1) / (SHRINK**2 - 1)) ** (WINDOW - 1)
"""Worst-case growth of independent rounding noise through a tableau of `WINDOW` steps (about 50)."""
SAFE = 2.0
"""Stop extrapolating once the tableau's diagonal grows by this factor of the best error (Ridders' SAFE)."""
BATCH_ELEMENTS = 2**22
"""Largest number of elements (summed over everything one point computes) evaluated in one chunk:
about 32 MB of float64, so the witness stays far below 2 GB even at m=256 and widths of 128."""

BatchedFunction = Callable[[torch.Tensor], tuple[torch.Tensor, torch.Tensor]]
"""Takes `(B, *w_shape)` points, returns `(B, *out_shape)` values and a `(B, K)` kink signature."""


@dataclass(frozen=True)
class Directional:
    """Directional derivatives along each probe: `values[p] ≈ J @ directions[p]`."""

    values: torch.Tensor
    """`(P, *out_shape)`, NaN where the probe was discarded."""
    error: torch.Tensor
    """`(P, *out_shape)`, Ridders' error estimate, at least the rounding floor."""
    discarded: torch.Tensor
    """`(P,)` bool: the probe crossed a kink at all but its smallest steps."""
    evaluations: int


def directional_derivatives(f: BatchedFunction, w: torch.Tensor, directions: torch.Tensor, *,
                            footprint: int | None = None) -> Directional:
    """`J v` for each direction `v` in `directions` `(P, *w.shape)`, with Ridders' error estimate.

    `footprint` is how many elements one evaluation of `f` computes (default: `w`'s
    own size); it sets how many points go into each batched chunk.
    """
    n_probes = directions.shape[0]
    steps = FIRST_STEP / SHRINK ** torch.arange(STEPS, dtype=w.dtype)
    offsets = steps.view(-1, 1, *([1] * w.dim())) * directions.unsqueeze(0)
    points = torch.cat([w.unsqueeze(0), (w + offsets).reshape(-1, *w.shape), (w - offsets).reshape(-1, *w.shape)])
    everything, signatures = _chunked(f, points, max(1, BATCH_ELEMENTS // (footprint or w.numel())))
    base_signature = signatures[0]
    outputs = everything[1:].reshape(2, STEPS, n_probes, *everything.shape[1:])
    signatures = signatures[1:].reshape(2, STEPS, n_probes, -1)
    per_step = steps.view(-1, 1, *([1] * (outputs.dim() - 3)))
    differences = (outputs[0] - outputs[1]) / (2 * per_step)
    rounding = torch.finfo(w.dtype).eps * (outputs[0].abs() + outputs[1].abs()) / (2 * per_step)
    clean = (signatures == base_signature.view(1, 1, 1, -1)).all(-1).all(0)
    first_clean = _first_of_clean_tail(clean)
    values, error = _best_window(differences, rounding, first_clean)
    discarded = first_clean > STEPS - WINDOW
    return Directional(values, error, discarded, evaluations=points.shape[0])


def _chunked(f: BatchedFunction, points: torch.Tensor, size: int) -> tuple[torch.Tensor, torch.Tensor]:
    parts = [f(chunk) for chunk in points.split(size)]
    return torch.cat([out for out, _ in parts]), torch.cat([sig for _, sig in parts])


def _first_of_clean_tail(clean: torch.Tensor) -> torch.Tensor:
    """`(P,)`: the first step from which every smaller step is kink-free (STEPS if none is)."""
    dirty_from_end = (~clean).flip(0).to(torch.int64).cumsum(0).flip(0) > 0
    return dirty_from_end.sum(0)


def _best_window(differences: torch.Tensor, rounding: torch.Tensor, first_clean: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    """Per element, the Ridders estimate of the kink-free window with the smallest error estimate (NaN if none).

    All windows go through one batched tableau. A window's estimate is at least its
    smallest step's rounding error times `NOISE_GAIN`: rounding shared by
    neighbouring steps can fool Ridders' own estimate.
    """
    windows = differences.unfold(0, WINDOW, 1).movedim(-1, 0)
    values, estimates = _ridders(windows)
    estimates = torch.maximum(estimates, NOISE_GAIN * rounding[WINDOW - 1:])
    starts = torch.arange(STEPS - WINDOW + 1).view(-1, 1)
    usable = (starts >= first_clean.view(1, -1)).view(*starts.shape[:1], -1, *([1] * (differences.dim() - 2)))
    estimates = torch.where(usable, estimates, torch.inf)
    best = estimates.argmin(0, keepdim=True)
    error = estimates.gather(0, best).squeeze(0)
    value = values.gather(0, best).squeeze(0)
    return torch.where(torch.isfinite(error), value, torch.nan), error


def _ridders(differences: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    """Ridders' polynomial extrapolation of central differences to zero step, elementwise.

    Each of `differences` was taken with a step `SHRINK` times smaller than the one
    before. Returns the best tableau entry and its error estimate for every element.
    """
    best = differences[0].clone()
    error = torch.full_like(best, torch.inf)
    stopped = torch.zeros_like(best, dtype=torch.bool)
    previous = [differences[0]]
    for i in range(1, len(differences)):
        row = [differences[i]]
        factor = SHRINK**2
        for j in range(1, i + 1):
            extrapolated = (row[j - 1] * factor - previous[j - 1]) / (factor - 1)
            factor *= SHRINK**2
            estimate = torch.maximum((extrapolated - row[j - 1]).abs(), (extrapolated - previous[j - 1]).abs())
            better = (estimate <= error) & ~stopped
            best = torch.where(better, extrapolated, best)
            error = torch.where(better, estimate, error)
            row.append(extrapolated)
        growth = (row[i] - previous[i - 1]).abs()
        stopped |= ~(growth < SAFE * error)
        previous = row
    return best, error
