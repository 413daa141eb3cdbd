"""A closed form as a `torch.autograd.Function`, the way a gradcheck user would wrap it; and the physical limit.

The forward pass is the assignment's own PyTorch model (`Context.graph`),
re-entered at the id's `wrt` tensor; the backward pass is the closed form,
called on the values that forward pass computed at that very input:

- a block-one loss gradient (context bn, dropout or softmax, `of` the loss) wraps
  the layer, `wrt -> y`, and its backward is the closed form with
  `dy = grad_output`: gradcheck then checks the whole `(y, wrt)` Jacobian;
- a network loss gradient wraps `wrt -> L` (a scalar) and its backward is
  `grad_output * closed form`;
- a Jacobian id wraps `wrt -> of`, and its backward contracts the returned
  entries with `grad_output` (the transpose of `Derivation.jvp_pattern`);
- a forward value (`wrt is None`) has no backward at all: gradcheck never
  checks forward values, so such an id is not expressible.

`physical_limit` times the least work any checker of a gradient id must do on
a case: draw its leaves, one forward pass (with only `wrt` tracked), one VJP
(autograd) of the loss to `wrt`, and one call of the closed form.

Also: the benchmark's case sizes, shared by every method so that all of them
see the same seeds, and counters of forward and backward calls.
"""
from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import torch

from checks import assignments
from checks.assignment import Assignment, Context, Derivation
from checks.engine.cases import Case
from checks.engine.oracles import evaluate
from checks.engine.submission import arguments
from checks.model import as_tensors
from checks.sandbox.calling import signature_of

ASSIGNMENT = "hw1"
"""The assignment whose ids and catalog the benchmark runs (its contexts bn, dropout, softmax, net)."""
BLOCK_ONE = ("bn", "dropout", "softmax")
SCALARS = {"p": 0.5, "eps": 1e-5}
"""Each case's scalars: whichever of these its context declares."""

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


def assignment() -> Assignment:
    return assignments.load(ASSIGNMENT)


def make_case(context: Context, size: str, seed: int) -> Case:
    """A fresh Case (its leaves are generated on first use, inside whatever is being timed)."""
    scalars = {scalar.name: SCALARS[scalar.name] for scalar in context.scalars}
    return Case.of(context, seed=seed, **scalars, **SIZES[size][context.name])


def wrt_numel(entry: Derivation, size: str) -> int:
    dims = SIZES[size][entry.context.name]
    return int(np.prod([dims[axis] for axis in entry.context.vocabulary[entry.wrt].shape]))


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
    if entry.kind == "gradient" and entry.context.name in BLOCK_ONE:
        return "y"
    return entry.of


def backward_of(entry: Derivation, function: Callable) -> Callable[[dict, torch.Tensor], torch.Tensor]:
    """Given the values a forward pass computed and grad_output, the closed form's contribution to the input gradient."""
    signature = signature_of(function)
    if signature.problem:
        raise NotExpressible(signature.problem)
    vocabulary = entry.context.vocabulary

    def closed_form(values: dict, replace: dict | None = None) -> np.ndarray:
        merged = {**values, **(replace or {})}
        arrays = {name: value.detach().numpy().copy() if isinstance(value, torch.Tensor) else value
                  for name, value in arguments(entry, signature, merged).items()}
        return np.asarray(function(**arrays), dtype=np.float64)

    if entry.kind == "gradient" and entry.context.name in BLOCK_ONE:
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
    graph = entry.context.graph
    values = evaluate(case).tensors

    class ClosedForm(torch.autograd.Function):
        @staticmethod
        def forward(ctx, w):
            COUNTS.count_forward()
            fresh = graph.reenter(values, entry.wrt, w)
            ctx.fresh = fresh
            return fresh[out].clone()

        @staticmethod
        def backward(ctx, grad_output):
            COUNTS.backward += 1
            return backward_values(ctx.fresh, grad_output.detach())

    w = values[entry.wrt].detach().clone().requires_grad_(True)
    return ClosedForm.apply, w


# --------------------------------------------------------------------------- the physical limit

PHASES = ("leaves", "forward", "vjp", "closed form")


def physical_limit(entry: Derivation, function: Callable, case: Case) -> dict[str, float]:
    """Seconds of each phase of the least work a check of gradient id `entry` needs on `case`.

    `leaves`: the case's random leaves drawn and turned into tensors; `forward`: one
    pass through the model, tracking only `wrt` (every node above it is computed
    without a graph); `vjp`: one `torch.autograd.grad` of the loss to `wrt`;
    `closed form`: one call of `function` on numpy views of the values it asks for.
    `case` must be fresh (its leaves not drawn yet), as the checks' cases are.
    """
    if entry.kind != "gradient":
        raise NotExpressible("the physical limit is defined here for loss gradients only")
    context = entry.context
    graph = context.graph
    signature = signature_of(function)
    begin = time.perf_counter()
    values: dict[str, object] = as_tensors(case.leaves)
    leaves_done = time.perf_counter()
    with torch.enable_grad():
        if entry.wrt in values:
            values[entry.wrt] = values[entry.wrt].requires_grad_(True)
        for node in graph.nodes:
            value = node.fn(*(values[name] for name in node.inputs))
            if node.name == entry.wrt:
                value = value.detach().requires_grad_(True)
            values[node.name] = value
        forward_done = time.perf_counter()
        (gradient,) = torch.autograd.grad(values[context.loss], values[entry.wrt])
    vjp_done = time.perf_counter()
    arrays = {name: value.detach().numpy() if isinstance(value, torch.Tensor) else value
              for name, value in arguments(entry, signature, values).items()}
    closed = np.asarray(function(**arrays))
    end = time.perf_counter()
    if closed.shape != tuple(gradient.shape):
        raise ValueError(f"{entry.id}: the closed form returned {closed.shape}, autograd {tuple(gradient.shape)}")
    return {"leaves": leaves_done - begin, "forward": forward_done - leaves_done, "vjp": vjp_done - forward_done,
            "closed form": end - vjp_done, "total": end - begin}
