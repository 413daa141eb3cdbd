"""Numeric differentiation: batched central differences with Ridders' extrapolation.

Every probe direction and every step size of a stage is evaluated in one batched
call (chunked to bound memory), never in a Python loop over elements. The first
stage takes the `COARSE` largest steps; the second takes the remaining, smaller
steps only for the probes whose error estimate has not converged there (to
`CONVERGED` of the derivative's size) or that cross a kink. A probe whose kink
signature (which piece each kink is on: a ReLU input's sign, a pooling window's
argmax) differs from the unperturbed one at some step cannot use that step; a probe left with fewer than `WINDOW` clean steps is
discarded and counted, never reported as a failure.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import NamedTuple

import torch

FIRST_STEP = 0.25
"""Largest step, in units of the direction, which the caller scales to each coordinate's length scale."""
SHRINK = 1.6
"""Ratio between successive steps (Ridders' CON)."""
STEPS = 20
"""Steps per probe: from 0.25 down to 0.25 / 1.6**19, about 3e-5 length scales. A length
scale guessed a thousand times too large still leaves good steps, and so does a ReLU
input a few thousandths from its kink."""
COARSE = 10
"""Steps of the first stage: 0.25 down to 0.25 / 1.6**9, about 0.004 length scales, room for five
windows. The window that wins almost always starts at one of the largest steps, so a probe that crosses
no kink converges here, at half the evaluations of all `STEPS`."""
STAGED_ELEMENTS = 2**20
"""Below this many elements in the second stage's evaluations (a few milliseconds of work), every step is
taken in one stage: a second tableau would cost more than the evaluations it saves."""
CONVERGED = 1e-9
"""The first stage is enough when every element's error estimate is within this fraction of the largest
derivative found: a hundred times below the `NUMERIC` tolerance (1e-7), so stopping there cannot decide a
case that the smaller steps would decide otherwise. The estimates that win are typically 2e-10 of it."""
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
    chunk = max(1, BATCH_ELEMENTS // (footprint or w.numel()))
    steps = FIRST_STEP / SHRINK ** torch.arange(STEPS, dtype=w.dtype)
    n_probes = directions.shape[0]
    staged = 2 * (STEPS - COARSE) * n_probes * (footprint or w.numel()) >= STAGED_ELEMENTS
    first = COARSE if staged else STEPS
    outputs, signatures = _chunked(f, torch.cat([w.unsqueeze(0), _points(w, directions, steps[:first])]), chunk)
    base_signature, tried = signatures[0], _by_step(outputs[1:], signatures[1:], first, n_probes)
    found = _estimate(*tried, steps[:first], base_signature, w.dtype)
    evaluations = outputs.shape[0]
    unsettled = _unsettled(found) if staged else torch.zeros(n_probes, dtype=torch.bool)
    if unsettled.any():
        fine_outputs, fine_signatures = _chunked(f, _points(w, directions[unsettled], steps[COARSE:]), chunk)
        fine = _by_step(fine_outputs, fine_signatures, STEPS - COARSE, int(unsettled.sum()))
        every = (torch.cat([coarse[:, :, unsettled], more], 1) for coarse, more in zip(tried, fine))
        again = _estimate(*every, steps, base_signature, w.dtype)
        found = _Estimate(*(_merged(old, new, unsettled) for old, new in zip(found, again)))
        evaluations += fine_outputs.shape[0]
    return Directional(found.values, found.error, discarded=found.first_clean > STEPS - WINDOW, evaluations=evaluations)


def _merged(old: torch.Tensor, new: torch.Tensor, replaced: torch.Tensor) -> torch.Tensor:
    merged = old.clone()
    merged[replaced] = new
    return merged


class _Estimate(NamedTuple):
    values: torch.Tensor
    """`(P, *out_shape)`"""
    error: torch.Tensor
    at_floor: torch.Tensor
    first_clean: torch.Tensor
    """`(P,)`"""


def _points(w: torch.Tensor, directions: torch.Tensor, steps: torch.Tensor) -> torch.Tensor:
    """`w + step · v` for every step and direction, then `w - step · v`: `(2 · S · P, *w.shape)`."""
    offsets = steps.view(-1, 1, *([1] * w.dim())) * directions.unsqueeze(0)
    return torch.cat([(w + offsets).reshape(-1, *w.shape), (w - offsets).reshape(-1, *w.shape)])


def _by_step(outputs: torch.Tensor, signatures: torch.Tensor, n_steps: int,
             n_probes: int) -> tuple[torch.Tensor, torch.Tensor]:
    """`_points`' values as `(2, S, P, *out_shape)` and their kink signatures as `(2, S, P, K)`."""
    return outputs.reshape(2, n_steps, n_probes, *outputs.shape[1:]), signatures.reshape(2, n_steps, n_probes, -1)


def _estimate(outputs: torch.Tensor, signatures: torch.Tensor, steps: torch.Tensor, base_signature: torch.Tensor,
              dtype: torch.dtype) -> _Estimate:
    """Ridders' best estimate and its error from these steps, and each probe's first step of its kink-free tail."""
    per_step = steps.view(-1, 1, *([1] * (outputs.dim() - 3)))
    differences = (outputs[0] - outputs[1]) / (2 * per_step)
    rounding = torch.finfo(dtype).eps * (outputs[0].abs() + outputs[1].abs()) / (2 * per_step)
    clean = (signatures == base_signature.view(1, 1, 1, -1)).all(-1).all(0)
    first_clean = _first_of_clean_tail(clean)
    return _Estimate(*_best_window(differences, rounding, first_clean), first_clean)


def _unsettled(found: _Estimate) -> torch.Tensor:
    """`(P,)`: the probes the coarse steps leave unsure: a kink crossed at some step, a non-finite value, or an
    element whose error estimate exceeds `CONVERGED` of the largest value found and is not yet at its rounding
    floor (where smaller steps could only do worse)."""
    finite = torch.isfinite(found.values)
    size = found.values[finite].abs().max() if finite.any() else found.values.new_tensor(0.0)
    improvable = ~(found.error <= CONVERGED * size) & ~found.at_floor
    return (found.first_clean > 0) | _any_per_probe(~finite) | _any_per_probe(improvable)


def _any_per_probe(mask: torch.Tensor) -> torch.Tensor:
    return mask.reshape(mask.shape[0], -1).any(1)


def _chunked(f: BatchedFunction, points: torch.Tensor, size: int) -> tuple[torch.Tensor, torch.Tensor]:
    parts = [f(chunk) for chunk in points.split(size)]
    return torch.cat([out for out, _ in parts]), torch.cat([sig for _, sig in parts])


def _first_of_clean_tail(clean: torch.Tensor) -> torch.Tensor:
    """`(P,)`: the first step from which every smaller step is kink-free (the number of steps if none is)."""
    dirty_from_end = (~clean).flip(0).to(torch.int64).cumsum(0).flip(0) > 0
    return dirty_from_end.sum(0)


def _best_window(differences: torch.Tensor, rounding: torch.Tensor,
                 first_clean: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    """Per element, the Ridders estimate of the kink-free window with the smallest error estimate (NaN if none),
    its error, and whether that error is the window's rounding floor.

    All windows go through one batched tableau. A window's estimate is at least its
    smallest step's rounding error times `NOISE_GAIN`: rounding shared by
    neighbouring steps can fool Ridders' own estimate. The floor grows as the steps
    shrink, so an estimate at its floor cannot be improved by smaller steps.
    """
    windows = differences.unfold(0, WINDOW, 1).movedim(-1, 0)
    values, estimates = _ridders(windows)
    floors = NOISE_GAIN * rounding[WINDOW - 1:]
    estimates = torch.maximum(estimates, floors)
    starts = torch.arange(differences.shape[0] - WINDOW + 1).view(-1, 1)
    usable = (starts >= first_clean.view(1, -1)).view(*starts.shape[:1], -1, *([1] * (differences.dim() - 2)))
    estimates = torch.where(usable, estimates, torch.inf)
    best = estimates.argmin(0, keepdim=True)
    error = estimates.gather(0, best).squeeze(0)
    value = values.gather(0, best).squeeze(0)
    at_floor = error <= floors.gather(0, best).squeeze(0)
    return torch.where(torch.isfinite(error), value, torch.nan), error, at_floor


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
