"""A closed form as a `torch.autograd.Function`, the way a gradcheck user would wrap it.

The forward pass is the project's own PyTorch model (`checks.models.MODELS`),
re-entered at the id's `wrt` tensor; the backward pass is the closed form,
called on the values that forward pass computed at that very input:

- a block-one loss gradient (context bn, dropout or softmax, `of == "L"`) wraps
  the layer, `wrt -> y`, and its backward is the closed form with
  `dy = grad_output`: gradcheck then checks the whole `(y, wrt)` Jacobian;
- a network loss gradient wraps `wrt -> L` (a scalar) and its backward is
  `grad_output * closed form`;
- a Jacobian id wraps `wrt -> of`, and its backward contracts the returned
  entries with `grad_output` (the transpose of `Derivation.jvp_pattern`);
- a forward value (`wrt is None`) has no backward at all: gradcheck never
  checks forward values, so such an id is not expressible.

Also: the benchmark's case sizes, shared by every method so that all three see
the same seeds, and counters of forward and backward calls.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import torch

from checks.sandbox.calling import signature_of
from checks.cases import Case
from checks.models import MODELS
from checks.oracles import evaluate
from checks.registry import Derivation
from checks.vocabulary import CONTEXTS

BLOCK_ONE = ("bn", "dropout", "softmax")
P, EPS = 0.5, 1e-5

SIZES: dict[str, dict[str, dict[str, int]]] = {
    # every width the same
    "small": {"bn": dict(m=8, d=16), "dropout": dict(m=8, d=16), "softmax": dict(m=8, n=16),
              "net": dict(m=8, d_in=16, d_hidden=16, d_out=16, n_classes=16)},
    "large": {"bn": dict(m=256, d=128), "dropout": dict(m=256, d=128), "softmax": dict(m=256, n=128),
              "net": dict(m=256, d_in=128, d_hidden=128, d_out=128, n_classes=128)},
    # detection only: four samples and widths that all differ, so that a transposed result has the wrong shape
    "m4": {"bn": dict(m=4, d=5), "dropout": dict(m=4, d=5), "softmax": dict(m=4, n=5),
           "net": dict(m=4, d_in=3, d_hidden=5, d_out=4, n_classes=6)},
}


def make_case(context: str, size: str, seed: int) -> Case:
    """A fresh Case (its leaves are generated on first use, inside whatever is being timed)."""
    scalars = {"p": P if context in ("dropout", "net") else None, "eps": EPS if context in ("bn", "net") else None}
    return Case.of(context, seed=seed, **scalars, **SIZES[size][context])


def wrt_numel(entry: Derivation, size: str) -> int:
    dims = SIZES[size][entry.context]
    return int(np.prod([dims[axis] for axis in CONTEXTS[entry.context][entry.wrt].shape]))


class NotExpressible(Exception):
    """The id cannot be written as a custom backward."""


@dataclass
class Counts:
    forward: int = 0
    backward: int = 0
    listener: Callable[[Counts], None] | None = None
    """Called every `every` forward calls (progress of a long gradcheck)."""
    every: int = 4096

    def reset(self) -> None:
        self.forward = self.backward = 0

    def count_forward(self) -> None:
        self.forward += 1
        if self.listener is not None and self.forward % self.every == 0:
            self.listener(self)


COUNTS = Counts()


def output_node(entry: Derivation) -> str:
    if entry.kind == "value":
        raise NotExpressible("n/a (gradcheck checks no forward values)")
    if entry.kind == "gradient" and entry.context in BLOCK_ONE:
        return "y"
    return entry.of


def backward_of(entry: Derivation, function: Callable) -> Callable[[dict, torch.Tensor], torch.Tensor]:
    """Given the values a forward pass computed and grad_output, the closed form's contribution to the input gradient."""
    signature = signature_of(function)
    if signature.problem:
        raise NotExpressible(signature.problem)
    vocabulary = CONTEXTS[entry.context]
    names = tuple(vocabulary) if signature.takes_all else signature.names

    def closed_form(values: dict, replace: dict | None = None) -> np.ndarray:
        arrays = {}
        for name in names:
            value = (replace or {}).get(name, values[name])
            arrays[name] = value.detach().numpy().copy() if isinstance(value, torch.Tensor) else value
        return np.asarray(function(**arrays), dtype=np.float64)

    if entry.kind == "gradient" and entry.context in BLOCK_ONE:
        def backward(values, grad_output):
            return torch.from_numpy(closed_form(values, {"dy": grad_output.contiguous()}))
    elif entry.kind == "gradient":
        def backward(values, grad_output):
            return grad_output * torch.from_numpy(closed_form(values))
    else:
        inputs, returned = entry.pattern.split("->")
        n_of = len(vocabulary[entry.of].shape)
        transpose = f"{returned},{inputs[:n_of]}->{inputs[n_of:]}"

        def backward(values, grad_output):
            return torch.einsum(transpose, torch.from_numpy(closed_form(values)), grad_output)
    return backward


def wrap(entry: Derivation, function: Callable, case: Case) -> tuple[Callable[[torch.Tensor], torch.Tensor], torch.Tensor]:
    """`(f, w)`: f is `Function.apply`, checked by `gradcheck(f, (w,))`."""
    out = output_node(entry)
    backward_values = backward_of(entry, function)
    model = MODELS[entry.context]
    values = evaluate(case).tensors

    class ClosedForm(torch.autograd.Function):
        @staticmethod
        def forward(ctx, w):
            COUNTS.count_forward()
            fresh = model.reenter(values, entry.wrt, w)
            ctx.fresh = fresh
            return fresh[out].clone()

        @staticmethod
        def backward(ctx, grad_output):
            COUNTS.backward += 1
            return backward_values(ctx.fresh, grad_output.detach())

    w = values[entry.wrt].detach().clone().requires_grad_(True)
    return ClosedForm.apply, w
