"""A function evaluated one sample at a time under `torch.func.vmap`: for models vmap cannot batch.

The numeric witness evaluates a model at many points in one `vmap` call. A model
that calls `.item()`, writes in place, branches on values, leaves torch for numpy,
or applies an old-style `torch.autograd.Function` cannot be batched that way;
wrapped in `PerSample`, vmap runs it on each point in turn, and autograd
differentiates it by running it again with gradients on, so its own backward
pass (a custom Function's included) is the one used.
"""
from __future__ import annotations

from collections.abc import Callable

import torch


class PerSample(torch.autograd.Function):
    """`PerSample.apply(fn, *tensors) == fn(*tensors)`, differentiable, with a vmap rule that loops over samples."""

    @staticmethod
    def forward(fn: Callable[..., torch.Tensor], *tensors: torch.Tensor) -> torch.Tensor:
        return fn(*tensors)

    @staticmethod
    def setup_context(ctx, inputs, output) -> None:
        ctx.fn = inputs[0]
        ctx.save_for_backward(*inputs[1:])

    @staticmethod
    def backward(ctx, grad: torch.Tensor):
        tensors = ctx.saved_tensors
        with torch.enable_grad():
            leaves = [t.detach().requires_grad_(t.is_floating_point()) for t in tensors]
            output = ctx.fn(*leaves)
            wanted = [leaf for leaf in leaves if leaf.requires_grad]
            found = iter(torch.autograd.grad(output, wanted, grad, allow_unused=True, materialize_grads=True)
                         if output.requires_grad and wanted else [None] * len(wanted))
        return (None, *(next(found) if leaf.requires_grad else None for leaf in leaves))

    @staticmethod
    def vmap(info, in_dims, fn, *tensors):
        dims = in_dims[1:]
        results = [fn(*(t.select(d, i) if d is not None else t for t, d in zip(tensors, dims)))
                   for i in range(info.batch_size)]
        return torch.stack(results), 0


def per_sample(fn: Callable[..., torch.Tensor]) -> Callable[..., torch.Tensor]:
    """`fn`, made safe to call under vmap (one sample at a time) and differentiable through its own backward."""
    def wrapped(*tensors: torch.Tensor) -> torch.Tensor:
        return PerSample.apply(fn, *tensors)

    return wrapped
