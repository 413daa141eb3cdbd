"""A case: one context's dims, scalars, seed, scale and edge, and the leaf values they determine.

Values come from a numpy Generator seeded by the case, never from array elements
drawn one by one (those shrink to constant columns and zero variances), so a case
is small to print, cheap to shrink, and the same on every machine.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

import numpy as np

from checks.assignment import Context
from checks.engine.case_secret import CaseSecret


@dataclass(frozen=True)
class Case:
    context: Context
    dims: tuple[tuple[str, int], ...]
    seed: int
    scale: float = 1.0
    params: tuple[tuple[str, float], ...] = ()
    """The context's scalars, in its declared order."""
    edge: str | None = None

    def __post_init__(self) -> None:
        context = self.context
        dims = dict(self.dims)
        if tuple(dims) != tuple(context.axes):
            raise ValueError(f"dims={dims}, but context {context.name!r} takes exactly {tuple(context.axes)}")
        for axis, size in dims.items():
            if not isinstance(size, int) or size < 1:
                raise ValueError(f"{axis}={size!r}, but every size must be a positive int")
            if size < context.axes[axis]:
                raise ValueError(f"{axis}={size}, but context {context.name!r} needs {axis} of at least "
                                 f"{context.axes[axis]}")
        if not (np.isfinite(self.scale) and self.scale > 0):
            raise ValueError(f"scale={self.scale!r}, but the scale must be a positive finite float")
        params = dict(self.params)
        for scalar in context.scalars:
            if params.get(scalar.name) is None:
                raise ValueError(f"{scalar.name}=None, but context {context.name!r} takes {scalar.name}")
            if not scalar.valid(params[scalar.name]):
                raise ValueError(f"{scalar.name}={params[scalar.name]!r}, but {scalar.rule}")
        extra = set(params) - {scalar.name for scalar in context.scalars}
        if extra:
            raise ValueError(f"{', '.join(sorted(extra))} given, but context {context.name!r} takes no such scalar")
        if self.edge is not None and self.edge not in context.edges:
            raise ValueError(f"edge={self.edge!r}, but context {context.name!r} has edges {tuple(context.edges)}")

    @classmethod
    def of(cls, context: Context, *, seed: int = 0, scale: float = 1.0, edge: str | None = None, **values) -> Case:
        """`Case.of(BN, m=4, d=3, eps=1e-5)`: dims and scalars by keyword, in any order."""
        scalars = [scalar.name for scalar in context.scalars]
        unknown = set(values) - set(context.axes) - set(scalars)
        if unknown:
            raise ValueError(f"dims {sorted(unknown)}, but context {context.name!r} has axes {tuple(context.axes)}"
                             + (f" and scalars {tuple(scalars)}" if scalars else ""))
        dims = tuple((axis, values[axis]) for axis in context.axes if axis in values)
        params = tuple((name, values.get(name)) for name in scalars)
        return cls(context, dims, seed, scale, params, edge)

    @property
    def size(self) -> dict[str, int]:
        return dict(self.dims)

    @cached_property
    def scalars(self) -> dict[str, float]:
        return dict(self.params)

    def describe(self) -> str:
        parts = [f"{axis}={size}" for axis, size in self.dims]
        parts += [f"{name}={value:g}" for name, value in self.params]
        parts += [f"scale={self.scale:g}", f"seed={self.seed}"]
        if self.edge:
            parts.append(f"edge={self.edge}")
        return ", ".join(parts)

    def as_dict(self) -> dict:
        """The case as plain data, for JSON: its context, dims, scalars, scale, seed and edge."""
        return {"context": self.context.name, **self.size, **self.scalars, "scale": self.scale, "seed": self.seed,
                "edge": self.edge}

    @property
    def key(self) -> tuple:
        """What identifies the case's values: equal keys, equal leaves."""
        return (self.context.name, self.dims, self.params, self.seed, self.scale, self.edge)

    def __repr__(self) -> str:
        return f"Case({self.context.name!r}: {self.describe()})"

    def _repr_pretty_(self, printer, cycle: bool) -> None:
        """How hypothesis prints a drawn case: on one line, as `repr` does."""
        printer.text(repr(self))

    @cached_property
    def leaves(self) -> dict[str, np.ndarray | float | int]:
        """The context's leaf values: from its generator, seeded by the case, plus the case's scalars."""
        rng = np.random.default_rng(self.seed)
        leaves = {**self.context.generate(rng, self), **self.scalars}
        for value in leaves.values():
            if isinstance(value, np.ndarray):
                value.setflags(write=False)
        return leaves


def smallest_case(context: Context, secret: CaseSecret | None = None) -> Case:
    """Every axis at its minimum, every scalar at its first value, seed 0 (with a `secret`, the seed it derives from
    0): where shrinking lands."""
    seed = 0 if secret is None else secret.case_seed(context.name, 0)
    return Case.of(context, seed=seed, **dict(context.axes), **{scalar.name: scalar.values[0] for scalar in context.scalars})


DIAGNOSTIC_SHAPES = ((2, 1.0), (3, 0.5), (5, 2.0), (4, 1.0), (6, 1.0))
"""(batch, scale) of the extra cases diagnosis and error carried forward run: batches from 2 to 6 and
several values of each scalar tell scale expressions such as m, m-1 and 1/(1-p) apart."""


def diagnostic_cases(context: Context, secret: CaseSecret | None = None) -> list[Case]:
    """Five cases of varied sizes (widths 2 to 4), scales and scalars, seeded 1000 on (with a `secret`, by the seeds
    it derives for them)."""
    cases = []
    for index, (batch, scale) in enumerate(DIAGNOSTIC_SHAPES):
        widths = {axis: max(minimum, 2 + (index + position) % 3)
                  for position, (axis, minimum) in enumerate(context.axes.items()) if axis != context.batch_axis}
        scalars = {scalar.name: scalar.diagnostic[index % len(scalar.diagnostic)] for scalar in context.scalars}
        seed = 1000 + index if secret is None else secret.diagnostic_seed(context.name, index)
        cases.append(Case.of(context, seed=seed, scale=scale, **{context.batch_axis: max(batch, context.axes[context.batch_axis])},
                             **widths, **scalars))
    return cases


def edge_cases(context: Context) -> list[Case]:
    """Each deliberate edge at two sizes (batch 4 and widths 3; the smallest batch and widths 2), and each value of
    each scalar, seeds 1 on.

    Every edge of the context is drawn by hypothesis too; these make sure each
    is met, whatever the example budget.
    """
    small = {axis: max(minimum, 4 if axis == context.batch_axis else 3) for axis, minimum in context.axes.items()}
    smallest = {axis: minimum if axis == context.batch_axis else max(minimum, 2) for axis, minimum in context.axes.items()}
    first = {scalar.name: scalar.values[0] for scalar in context.scalars}
    variations = [(dims, {}, edge) for edge in context.edges for dims in (small, smallest)]
    variations += [(small, {scalar.name: value}, None) for scalar in context.scalars for value in scalar.values[1:]]
    return [Case.of(context, seed=seed, edge=edge, **dims, **{**first, **changed})
            for seed, (dims, changed, edge) in enumerate(variations, start=1)]
