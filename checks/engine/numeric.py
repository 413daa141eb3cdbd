"""Numeric differentiation: batched central differences with Ridders' extrapolation.

`directional_derivatives(f, w, U)` estimates `J u` for each direction `u` of `U`,
or, given covectors `V`, the scalars `vᵀ J u`. Every probe and step of a stage is
evaluated in one batched call (chunked to bound memory; past a size, one point at
a time, each made when it is due), never in a Python loop over elements; the
extrapolation that follows runs in numpy, whose operations on the few values of a
directional probe cost a fraction of torch's. Steps shrink geometrically from
`FIRST_STEP`, or from the first below how far along the directions the caller
knows a kink to lie (`reach`); the first stage takes the `COARSE` largest, and
each further stage the next `STAGE` steps for the probes still unsettled: no
kink-free window yet, or an error estimate not yet within `CONVERGED` of the
derivative's size and not at its rounding floor. A probe whose kink signature
(which piece each kink is on, as the caller's function reports it: a ReLU
input's sign, a pooling window's argmax) differs from the unperturbed one at
some step cannot use that step; a probe left with fewer than `WINDOW` clean
steps is discarded and counted, never reported as a failure.
"""
from __future__ import annotations

import functools
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import NamedTuple

import numpy as np
import torch

FIRST_STEP = 0.25
"""Largest step, in units of the direction, which the caller scales to each coordinate's length scale."""
SHRINK = 1.6
"""Ratio between successive steps (Ridders' CON)."""
STEPS = 20
"""Steps at most per probe: from 0.25 down to 0.25 / 1.6**19, about 3e-5 length scales. A length
scale guessed a thousand times too large still leaves good steps, and so does a ReLU
input a few thousandths from its kink."""
SMALLEST_STEP = FIRST_STEP / SHRINK ** (STEPS - 1)
"""The last step of every probe."""
WINDOW = 6
"""Consecutive steps in one Ridders tableau; every window is tried and the one with the
smallest error estimate wins, element by element."""
COARSE = WINDOW
"""Steps of the first stage: 0.25 down to 0.25 / 1.6**5, about 0.024 length scales, one window. On a
smooth function the window of the largest steps wins, so most probes settle here: 12 evaluations."""
STAGE = WINDOW
"""Steps added per further stage, for the probes still unsettled: one more window's worth."""
CONVERGED = 1e-9
"""A probe is settled when every element's error estimate is within this fraction of the largest
derivative found: a hundred times below the `NUMERIC` tolerance (1e-7), so stopping there cannot decide a
case that the smaller steps would decide otherwise. The estimates that win are typically 2e-10 of it."""
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
    """Directional derivatives along each probe: `values[p] ≈ J @ directions[p]`, or `covectors[p] · J @ directions[p]`."""

    values: torch.Tensor
    """`(P, *out_shape)`, or `(P,)` with covectors; NaN where the probe was discarded."""
    error: torch.Tensor
    """Shaped as `values`: Ridders' error estimate, at least the rounding floor."""
    discarded: torch.Tensor
    """`(P,)` bool: the probe crossed a kink at all but its smallest steps."""
    evaluations: int


def directional_derivatives(f: BatchedFunction, w: torch.Tensor, directions: torch.Tensor, *,
                            covectors: torch.Tensor | None = None, footprint: int | None = None,
                            one_at_a_time: bool = False, reach: np.ndarray | None = None,
                            signature: np.ndarray | None = None) -> Directional:
    """`J v` for each direction `v` in `directions` `(P, *w.shape)`, with Ridders' error estimate; with `covectors`
    `(P, *out_shape)`, the scalar `covectors[p] · J v` for each probe instead.

    `footprint` is how many elements one evaluation of `f` computes (default: `w`'s
    own size); it sets how many points go into each batched chunk, or, with
    `one_at_a_time`, each point is made and given to `f` alone (no stage's points
    are ever held together). `reach` `(P,)`, in units of each direction, is how far
    along it some kink lies as far as the caller can tell: steps are taken from the
    first below every probe's reach (`first_step`). `signature` is the kink
    signature at `w` where the caller knows it; else `f` is evaluated at `w` for it.
    """
    chunk = 1 if one_at_a_time else max(1, BATCH_ELEMENTS // (footprint or w.numel()))
    steps = FIRST_STEP / SHRINK ** np.arange(first_step(reach), STEPS, dtype=np.float64)
    weights = None if covectors is None else covectors.numpy()
    with_base = signature is None
    outputs, signatures = _evaluated(f, _points(w, directions, steps[:COARSE], chunk, with_base=with_base))
    evaluations = len(outputs)
    if with_base:
        signature, outputs, signatures = signatures[0], outputs[1:], signatures[1:]
    tried = _by_step(outputs, signatures, COARSE, weights, signature)
    found = _estimate(*tried, steps[:COARSE])
    taken = np.full(directions.shape[0], COARSE)
    refined = np.arange(directions.shape[0])
    while taken.max() < len(steps):
        unsettled = _unsettled(found)[refined]
        if not unsettled.any():
            break
        refined, tried = refined[unsettled], tuple(part[:, :, unsettled] for part in tried)
        start = int(taken[refined[0]])
        more = steps[start:start + STAGE]
        fine_outputs, fine_signatures = _evaluated(f, _points(w, directions[torch.from_numpy(refined)], more, chunk))
        fresh = _by_step(fine_outputs, fine_signatures, len(more), None if weights is None else weights[refined],
                         signature)
        tried = tuple(np.concatenate([old, new], 1) for old, new in zip(tried, fresh))
        taken[refined] = start + len(more)
        again = _estimate(*tried, steps[:start + len(more)])
        for old, new in zip(found, again):
            old[refined] = new
        evaluations += len(fine_outputs)
    return Directional(torch.from_numpy(found.values), torch.from_numpy(found.error),
                       discarded=torch.from_numpy(found.first_clean > taken - WINDOW), evaluations=evaluations)


class _Estimate(NamedTuple):
    values: np.ndarray
    """`(P, *out_shape)`"""
    error: np.ndarray
    at_floor: np.ndarray
    first_clean: np.ndarray
    """`(P,)`"""


def first_step(reach: np.ndarray | None) -> int:
    """The index of the first step to take: the first shorter than every probe's `reach` (a step that long would
    move some kink's input past its kink), and at most `STEPS - WINDOW`, so that one window is always left."""
    if reach is None or not len(reach):
        return 0
    shorter = FIRST_STEP / SHRINK ** np.arange(STEPS - WINDOW + 1, dtype=np.float64) < np.min(reach)
    return int(np.argmax(shorter)) if shorter.any() else STEPS - WINDOW


def _points(w: torch.Tensor, directions: torch.Tensor, steps: np.ndarray, size: int, *,
            with_base: bool = False) -> Iterator[torch.Tensor]:
    """`w + step · v` for every step and direction, then `w - step · v`, after `w` itself `with_base`: `size` points
    at a time, each chunk `(size, *w.shape)` made only when it is due."""
    n_probes = directions.shape[0]
    signed = np.concatenate([steps, -steps])
    coefficients = np.concatenate([[0.0] * with_base, np.repeat(signed, n_probes)])
    probes = np.concatenate([[-1] * with_base, np.tile(np.arange(n_probes), len(signed))]).astype(np.int64)
    for begin in range(0, len(coefficients), size):
        along, scaled = probes[begin:begin + size], coefficients[begin:begin + size]
        if size == 1:
            yield (w if along[0] < 0 else torch.add(w, directions[along[0]], alpha=scaled[0])).unsqueeze(0)
            continue
        points = w + torch.from_numpy(scaled).view(-1, *([1] * w.dim())) * directions[torch.from_numpy(along.clip(0))]
        if along[0] < 0:
            points[0] = w
        yield points


def _evaluated(f: BatchedFunction, chunks: Iterator[torch.Tensor]) -> tuple[np.ndarray, np.ndarray]:
    """`f` on every chunk of points, as numpy arrays."""
    parts = [f(chunk) for chunk in chunks]
    if len(parts) == 1:
        return parts[0][0].detach().numpy(), parts[0][1].numpy()
    return torch.cat([out for out, _ in parts]).detach().numpy(), torch.cat([sig for _, sig in parts]).numpy()


def _by_step(outputs: np.ndarray, signatures: np.ndarray, n_steps: int, covectors: np.ndarray | None,
             base_signature: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """`_points`' values as `(2, S, P, *out_shape)` (or `(2, S, P)` contracted with `covectors`), the size each
    value's rounding scales with (its magnitude, or the sum of the magnitudes contracted), and `(2, S, P)`: whether
    each point's kink signature is the unperturbed one's (reduced here, so a stage carries one flag per point forward,
    not a signature as long as the kinks' outputs)."""
    n_probes = len(outputs) // (2 * n_steps)
    values = outputs.reshape(2, n_steps, n_probes, *outputs.shape[1:])
    clean = (signatures.reshape(2, n_steps, n_probes, -1) == base_signature.reshape(1, 1, 1, -1)).all(-1)
    if covectors is None:
        return values, np.abs(values), clean
    flat, weights = values.reshape(2, n_steps, n_probes, -1), covectors.reshape(1, 1, n_probes, -1)
    return (flat * weights).sum(-1), (np.abs(flat) * np.abs(weights)).sum(-1), clean


def _estimate(outputs: np.ndarray, sizes: np.ndarray, clean: np.ndarray, steps: np.ndarray) -> _Estimate:
    """Ridders' best estimate and its error from these steps, and each probe's first step of its kink-free tail
    (`clean`: `(2, S, P)`, whether each point is on the unperturbed point's pieces)."""
    per_step = steps.reshape(-1, 1, *([1] * (outputs.ndim - 3)))
    differences = (outputs[0] - outputs[1]) / (2 * per_step)
    rounding = np.finfo(outputs.dtype).eps * (sizes[0] + sizes[1]) / (2 * per_step)
    first_clean = _first_of_clean_tail(clean.all(0))
    return _Estimate(*_best_window(differences, rounding, first_clean), first_clean)


def _unsettled(found: _Estimate) -> np.ndarray:
    """`(P,)`: the probes left unsure so far: no kink-free window yet (a non-finite value), or an element whose
    error estimate exceeds `CONVERGED` of the largest value found and is not yet at its rounding floor (where
    smaller steps could only do worse). A probe that crossed a kink at its largest steps is settled by a kink-free
    window of its smaller ones that converged."""
    finite = np.isfinite(found.values)
    size = np.abs(found.values[finite]).max() if finite.any() else 0.0
    improvable = ~(found.error <= CONVERGED * size) & ~found.at_floor
    return _any_per_probe(~finite) | _any_per_probe(improvable)


def _any_per_probe(mask: np.ndarray) -> np.ndarray:
    return mask.reshape(mask.shape[0], -1).any(1)


def _first_of_clean_tail(clean: np.ndarray) -> np.ndarray:
    """`(P,)`: the first step from which every smaller step is kink-free (the number of steps if none is)."""
    dirty_from_end = np.cumsum((~clean)[::-1], axis=0)[::-1] > 0
    return dirty_from_end.sum(0)


def _best_window(differences: np.ndarray, rounding: np.ndarray,
                 first_clean: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per element, the Ridders estimate of the kink-free window with the smallest error estimate (NaN if none),
    its error, and whether that error is the window's rounding floor.

    All windows go through one batched tableau. A window's estimate is at least its
    smallest step's rounding error times `NOISE_GAIN`: rounding shared by
    neighbouring steps can fool Ridders' own estimate. The floor grows as the steps
    shrink, so an estimate at its floor cannot be improved by smaller steps.
    """
    starts = np.arange(len(differences) - WINDOW + 1)
    values, estimates = _ridders(differences[starts + np.arange(WINDOW).reshape(-1, 1)])
    floors = np.broadcast_to(NOISE_GAIN * rounding[WINDOW - 1:], estimates.shape)
    usable = (starts.reshape(-1, 1) >= first_clean).reshape(len(starts), -1, *([1] * (differences.ndim - 2)))
    estimates = np.where(usable, np.maximum(estimates, floors), np.inf)
    best = estimates.argmin(0)
    error, value, floor = (np.choose(best, part) for part in (estimates, values, floors)) if len(starts) > 1 else \
        (estimates[0], values[0], floors[0])
    return np.where(np.isfinite(error), value, np.nan), error, error <= floor


def _ridders(differences: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Ridders' polynomial extrapolation of central differences to zero step, elementwise.

    Each of `differences` `(W, ...)` was taken with a step `SHRINK` times smaller
    than the one before. Returns the best tableau entry and its error estimate for
    every element, as the classic loop does: row by row, the entry of smallest error
    estimate so far wins (a later one on a tie), and the rows stop after the first
    whose diagonal grows by `SAFE` times the best error. The tableau is built a
    column at a time for every row at once, and the loop's choices are a few
    reductions over it.
    """
    size = len(differences)
    tableau = np.full((size, size, *differences.shape[1:]), np.nan)
    tableau[:, 0] = differences
    rows, columns = _tableau_entries(size)
    with np.errstate(invalid="ignore", over="ignore"):
        for j in range(1, size):
            factor = SHRINK ** (2 * j)
            tableau[j:, j] = (tableau[j:, j - 1] * factor - tableau[j - 1:-1, j - 1]) / (factor - 1)
        entries = tableau[rows, columns]
        estimates = np.maximum(np.abs(entries - tableau[rows, columns - 1]), np.abs(entries - tableau[rows - 1, columns - 1]))
        grid = np.full((size - 1, size - 1, *estimates.shape[1:]), np.inf)
        grid[rows - 1, columns - 1] = np.where(np.isnan(estimates), np.inf, estimates)
        best_so_far = np.minimum.accumulate(grid.min(1), axis=0)
        diagonal = tableau[np.arange(size), np.arange(size)]
        stops = ~(np.abs(diagonal[1:] - diagonal[:-1]) < SAFE * best_so_far)
    open_rows = np.concatenate([np.ones_like(stops[:1]), np.cumsum(stops[:-1], axis=0) == 0])
    usable = open_rows[rows - 1] & ~np.isnan(estimates)
    masked = np.where(usable, estimates, np.inf)
    smallest = masked.min(0, keepdims=True)
    chosen = usable & (masked == smallest)
    last = len(rows) - 1 - np.argmax(chosen[::-1], axis=0)[None]
    found = chosen.any(0)
    best = np.where(found, np.take_along_axis(entries, last, 0)[0], differences[0])
    return best, np.where(found, smallest[0], np.inf)


@functools.lru_cache(maxsize=None)
def _tableau_entries(size: int) -> tuple[np.ndarray, np.ndarray]:
    """The (row, column) of every extrapolated entry of a tableau of `size` rows, in the classic loop's order."""
    pairs = [(i, j) for i in range(1, size) for j in range(1, i + 1)]
    return np.array([i for i, _ in pairs]), np.array([j for _, j in pairs])
