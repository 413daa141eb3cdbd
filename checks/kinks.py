"""Kinks: where a piecewise op switches pieces, declared once per op and named on every node that applies it.

A node that applies a ReLU, an absolute value, a clamp, a max over an axis or a
max-pool declares `kink=` one of the kinks below (or its own `Kink`). From the
node's inputs, a kink says:

- `piece`: which piece each output is on (the sign of a ReLU's input, the
  argmax of each pooling window). The numeric witness never uses a step at
  which some piece changes.
- `distance`: for each element of the node's first input, how far it may move
  on its own before some piece changes (a ReLU input's distance to 0; a
  window's maximum's lead over the runner-up). The witness's steps along that
  input never go further, and cases are drawn away from ties (a distance of 0,
  where the derivative is a convention) unless the context allows them.
- `at_tie`: what the gradient is at a tie, as PyTorch computes it: the truth
  there, which the witness cannot confirm (the one-sided derivatives differ).

All of it is PyTorch, evaluated on the model's float64 tensors.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from checks.lazy import torch

TIE_MARGIN = 1e-6
"""A case keeps every kink's distance at least this fraction of its input's root-mean-square size (unless its
context allows ties there): nearer than that is a tie, as far as float64 sums of a few hundred terms can tell. It is
far below the spacing of continuous draws (a ReLU over 10^4 inputs has its nearest about 1e-4 of their size from 0),
so honest draws are rarely drawn again; a tie built into the draw (rounded inputs, a copied maximum) always is. Nearer
kinks than the witness's steps are its own business: it caps the steps along a kink's input at its distance, and
drops the steps that cross a kink further down."""


@dataclass(frozen=True)
class Kink:
    """Where a piecewise op switches pieces: `piece` and `distance` are functions of the node's inputs."""

    name: str
    meaning: str
    piece: Callable[..., object]
    """`(*inputs) -> integer or boolean tensor`: which piece each output is on."""
    distance: Callable[..., object]
    """`(*inputs) -> tensor shaped like the first input`: how far each of its elements may move alone before a piece
    changes (infinite where it never does)."""
    at_tie: str
    """What the gradient is at a tie, as PyTorch computes it."""


RELU = Kink("relu", "max(x, 0): the piece is the sign of x", piece=lambda x, *rest: x > 0,
            distance=lambda x, *rest: x.abs(), at_tie="at x = 0 the gradient is 0, as PyTorch's relu takes it")
"""A ReLU, or anything whose pieces are the sign of its first input (a 0/1 mask `x > 0`, a leaky ReLU)."""

ABS = Kink("abs", "|x|: the piece is the sign of x", piece=lambda x, *rest: torch.sign(x),
           distance=lambda x, *rest: x.abs(), at_tie="at x = 0 the gradient is sign(0) = 0, as PyTorch's abs takes it")


def clamp(low: float, high: float) -> Kink:
    """`clamp(x, low, high)`: below, between or above the bounds."""
    if not low < high:
        raise ValueError(f"clamp(low={low!r}, high={high!r}), but low must lie below high")
    return Kink(f"clamp({low:g}, {high:g})", f"x clamped to [{low:g}, {high:g}]: below, between or above the bounds",
                piece=lambda x, *rest: (x > low).to(torch.int64) + (x > high).to(torch.int64),
                distance=lambda x, *rest: torch.minimum((x - low).abs(), (x - high).abs()),
                at_tie="at a bound the gradient passes, as PyTorch's clamp counts the bounds as inside")


def _lead(values, dim: int):
    """Per element of `values`, how far it may move alone before the argmax along `dim` changes."""
    if values.shape[dim] < 2:
        return torch.full_like(values, float("inf"))
    top = values.topk(2, dim=dim).values
    first, second = top.narrow(dim, 0, 1), top.narrow(dim, 1, 1)
    is_first = torch.zeros_like(values, dtype=torch.bool).scatter(dim, values.argmax(dim, keepdim=True), True)
    return torch.where(is_first, first - second, first - values)


def max_over(dim: int) -> Kink:
    """`torch.max(x, dim).values` (or `amax` where no two entries tie): the piece is the argmax along `dim`."""
    return Kink(f"max_over({dim})", f"the maximum along axis {dim}: the piece is its argmax",
                piece=lambda x, *rest: x.argmax(dim), distance=lambda x, *rest: _lead(x, dim),
                at_tie="at a tie the whole gradient goes to the one maximum PyTorch's max returns")


def _windows(x, kernel: int, stride: int):
    """`(..., H, W)` as its pooling windows `(..., Ho, Wo, kernel * kernel)`, each window row by row."""
    return x.unfold(-2, kernel, stride).unfold(-2, kernel, stride).flatten(-2)


def _pool_distance(x, kernel: int, stride: int):
    """Per input element: the least, over the windows holding it, of how far it may move before their argmax changes;
    infinite for an element no window holds."""
    leads = _lead(_windows(x, kernel, stride), -1)
    positions = _windows(torch.arange(x.shape[-2] * x.shape[-1]).view(x.shape[-2], x.shape[-1]), kernel, stride)
    flat = leads.flatten(-3)
    index = positions.flatten().expand_as(flat)
    nearest = torch.full((*x.shape[:-2], x.shape[-2] * x.shape[-1]), float("inf"), dtype=x.dtype)
    return nearest.scatter_reduce(-1, index, flat, reduce="amin").view(x.shape)


def max_pool(kernel: int, stride: int | None = None) -> Kink:
    """2-D max-pooling over the last two axes (`F.max_pool2d(x, kernel, stride)`): the piece is each window's argmax."""
    step = kernel if stride is None else stride
    if not (isinstance(kernel, int) and isinstance(step, int) and kernel >= 1 and step >= 1):
        raise ValueError(f"max_pool(kernel={kernel!r}, stride={stride!r}), but both must be positive ints")
    return Kink(f"max_pool({kernel}, {step})", f"{kernel}x{kernel} max-pooling with stride {step}: the piece is each "
                f"window's argmax",
                piece=lambda x, *rest: _windows(x, kernel, step).argmax(-1),
                distance=lambda x, *rest: _pool_distance(x, kernel, step),
                at_tie="at a tie the whole gradient goes to the window's first maximum, row by row, as PyTorch's "
                       "max_pool2d routes it")


TIES = {
    "avoid": "cases are drawn again until every kink is at least TIE_MARGIN of its input's size from a tie",
    "allow": "cases may hold ties (the gradient there is PyTorch's convention, which the witness cannot confirm)",
}
"""A context's policy on ties; a tuple of edge names allows them only in the cases of those edges, where ties are the
point."""

__all__ = ["ABS", "RELU", "TIES", "TIE_MARGIN", "Kink", "clamp", "max_over", "max_pool"]
