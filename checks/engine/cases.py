"""A case: one context's dims, scalars, seed, scale and edge, and the leaf values they determine.

Values come from a numpy Generator seeded by the case, never from array elements
drawn one by one (those shrink to constant columns and zero variances), so a case
is small to print, cheap to shrink, and the same on every machine.
"""
from __future__ import annotations

import itertools
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cached_property

import numpy as np

from checks.assignment import Context
from checks.engine.case_secret import CaseSecret
from checks.engine.ties import drawn_away_from_ties
from checks.sizes import SizeError, problem


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
            if size < context.sizes[axis].minimum:
                raise ValueError(f"{axis}={size}, but context {context.name!r} needs {axis} of at least "
                                 f"{context.sizes[axis].minimum}")
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
        known = {**params, **dims}
        for axis in context.computed_axes:
            size = context.sizes[axis]
            value = size.value(known)
            if problem(axis, size, value) is not None:
                raise ValueError(problem(axis, size, value))
            if dims[axis] != value:
                raise ValueError(f"{axis}={dims[axis]}, but context {context.name!r} computes {axis} = {size.computed} "
                                 f"= {value} here")

    @classmethod
    def of(cls, context: Context, *, seed: int = 0, scale: float = 1.0, edge: str | None = None, **values) -> Case:
        """`Case.of(BN, m=4, d=3, eps=1e-5)`: dims and scalars by keyword, in any order; computed sizes may be left out."""
        scalars = [scalar.name for scalar in context.scalars]
        unknown = set(values) - set(context.axes) - set(scalars)
        if unknown:
            raise ValueError(f"dims {sorted(unknown)}, but context {context.name!r} has axes {tuple(context.axes)}"
                             + (f" and scalars {tuple(scalars)}" if scalars else ""))
        values = {**_computed(context, values), **values}
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
        """The context's leaf values: from its generator, seeded by the case, plus the case's scalars; drawn again
        from the same generator while a kink lies near a tie (`checks.engine.ties`)."""
        rng = np.random.default_rng(self.seed)
        leaves = drawn_away_from_ties(self.context, lambda: {**self.context.generate(rng, self), **self.scalars}, self.edge)
        for value in leaves.values():
            if isinstance(value, np.ndarray):
                value.setflags(write=False)
        return leaves


def _computed(context: Context, values: Mapping[str, object]) -> dict[str, int]:
    """The computed sizes that `values` (drawn sizes and scalars) determine and do not give; one that comes out a
    fraction raises, saying from what."""
    known = dict(values)
    for axis in context.computed_axes:
        size = context.sizes[axis]
        if axis not in known and all(name in known for name in size.names):
            value = size.value(known)
            if problem(axis, size, value) is not None:
                raise ValueError(problem(axis, size, value) + f" (from {', '.join(f'{n}={known[n]}' for n in size.names)})")
            known[axis] = int(value)
    return {axis: known[axis] for axis in context.axes if axis in known and axis not in values}


SEARCH = 20_000
"""Most combinations of nearby ranged sizes tried to make every computed size whole."""


def sized(context: Context, wanted: Mapping[str, int], scalars: Mapping[str, object]) -> dict[str, int]:
    """Every axis's size: `wanted` for the drawn axes, the computed ones computed from them and the scalars.

    Where a computed size comes out a fraction or below its minimum (a stride
    that does not divide), the ranged sizes it reads move to the nearest ones
    that make every computed size whole: the least total move, upward first,
    within each axis's minimum and declared maximum.
    """
    order = context.computed_axes
    if not order:
        return {axis: wanted[axis] for axis in context.axes}

    def attempt(drawn: Mapping[str, int]) -> tuple[dict[str, int], list[str]]:
        known, problems = {**scalars, **drawn}, []
        for axis in order:
            size = context.sizes[axis]
            value = size.value(known)
            said = problem(axis, size, value)
            if said is not None:
                problems.append(said)
            known[axis] = int(value) if said is None else 0
        return {axis: known[axis] for axis in context.axes}, problems

    drawn = {axis: wanted[axis] for axis, size in context.sizes.items() if size.kind != "computed"}
    found, problems = attempt(drawn)
    if not problems:
        return found
    movable = [axis for axis in _ranged_inputs(context, order) if axis in drawn]
    for offsets in _moves(context, drawn, movable):
        found, left = attempt({**drawn, **dict(zip(movable, (drawn[a] + o for a, o in zip(movable, offsets))))})
        if not left:
            return found
    raise SizeError(f"context {context.name!r}: no sizes near {drawn} with {dict(scalars)} make every computed size "
                    f"whole ({'; '.join(problems)}); widen the ranges of {', '.join(movable) or 'the sizes it reads'}")


def _ranged_inputs(context: Context, order: tuple[str, ...]) -> list[str]:
    """The ranged axes the computed sizes read, directly or through other computed sizes."""
    found: list[str] = []
    for axis in order:
        for name in context.sizes[axis].names:
            size = context.sizes.get(name)
            if size is not None and size.kind == "range" and name not in found:
                found.append(name)
    return found


def _moves(context: Context, drawn: Mapping[str, int], movable: list[str]):
    """Offsets of the movable axes, least total move first, upward before downward, each axis within its bounds."""
    if not movable:
        return
    reach = max(2, int(SEARCH ** (1 / len(movable))) // 2)
    ranges = []
    for axis in movable:
        size = context.sizes[axis]
        top = reach if size.maximum is None else min(reach, size.maximum - drawn[axis])
        ranges.append([o for o in range(-reach, top + 1) if drawn[axis] + o >= size.minimum])
    yield from sorted(itertools.product(*ranges), key=lambda o: (sum(map(abs, o)), sum(x < 0 for x in o), o))


def smallest_case(context: Context, secret: CaseSecret | None = None) -> Case:
    """Every axis at its smallest, every scalar at its first value, seed 0 (with a `secret`, the seed it derives from
    0): where shrinking lands."""
    scalars = {scalar.name: scalar.values[0] for scalar in context.scalars}
    wanted = {axis: size.smallest for axis, size in context.sizes.items()}
    seed = 0 if secret is None else secret.case_seed(context.name, 0)
    return Case.of(context, seed=seed, **sized(context, wanted, scalars), **scalars)


DIAGNOSTIC_SHAPES = ((2, 1.0), (3, 0.5), (5, 2.0), (4, 1.0), (6, 1.0))
"""(batch, scale) of the extra cases diagnosis and error carried forward run: batches from 2 to 6 and
several values of each scalar tell scale expressions such as m, m-1 and 1/(1-p) apart."""


def _width(context: Context, axis: str, size: int) -> int:
    """`size` for a ranged axis, within its minimum and declared maximum; for a chosen one, the choice nearest it."""
    declared = context.sizes[axis]
    if declared.kind == "choices":
        return min(declared.choices, key=lambda choice: (abs(choice - size), choice))
    at_least = max(declared.minimum, size)
    return at_least if declared.maximum is None else min(at_least, declared.maximum)


def diagnostic_cases(context: Context, secret: CaseSecret | None = None) -> list[Case]:
    """Five cases of varied sizes (widths 2 to 4), scales and scalars, seeded 1000 on (with a `secret`, by the seeds
    it derives for them)."""
    cases = []
    for index, (batch, scale) in enumerate(DIAGNOSTIC_SHAPES):
        wanted = {axis: _width(context, axis, batch if axis == context.batch_axis else 2 + (index + position) % 3)
                  for position, axis in enumerate(context.axes)}
        scalars = {scalar.name: scalar.diagnostic[index % len(scalar.diagnostic)] for scalar in context.scalars}
        seed = 1000 + index if secret is None else secret.diagnostic_seed(context.name, index)
        cases.append(Case.of(context, seed=seed, scale=scale, **sized(context, wanted, scalars), **scalars))
    return cases


def edge_cases(context: Context) -> list[Case]:
    """Each deliberate edge at two sizes (batch 4 and widths 3; the smallest batch and widths 2), and each value of
    each scalar, seeds 1 on.

    Every edge of the context is drawn by hypothesis too; these make sure each
    is met, whatever the example budget.
    """
    batch = context.batch_axis
    small = {axis: _width(context, axis, 4 if axis == batch else 3) for axis in context.axes}
    smallest = {axis: context.sizes[axis].smallest if axis == batch else _width(context, axis, 2) for axis in context.axes}
    first = {scalar.name: scalar.values[0] for scalar in context.scalars}
    variations = [(dims, {}, edge) for edge in context.edges for dims in (small, smallest)]
    variations += [(small, {scalar.name: value}, None) for scalar in context.scalars for value in scalar.values[1:]]
    return [Case.of(context, seed=seed, edge=edge, **sized(context, dims, {**first, **changed}), **{**first, **changed})
            for seed, (dims, changed, edge) in enumerate(variations, start=1)]
