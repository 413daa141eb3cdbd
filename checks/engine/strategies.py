"""Hypothesis strategies for cases: dims sized as the context declares, a seed, a scale, its scalars and its deliberate edges."""
from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from hypothesis import strategies as st
from hypothesis.errors import InvalidArgument

from checks.assignment import Context
from checks.engine.case_secret import CaseSecret
from checks.engine.cases import Case, sized
from checks.sizes import BATCH_MAXIMUM, WIDTH_MAXIMUM

SCALES = (1.0, 0.1, 10.0)
"""Input scales. At 0.1 a BatchNorm's variance is near 1e-2 and a missing eps shows at about 5e-4 relative."""


def cases(
    *,
    context: Context,
    min_batch: int | None = None,
    max_batch: int | None = None,
    max_width: int | None = None,
    scales: Sequence[float] = SCALES,
    edges: bool = True,
    secret: CaseSecret | None = None,
    max_sizes: Mapping[str, int] | None = None,
) -> st.SearchStrategy[Case]:
    """Cases of `context`, each axis sized as it declares (`checks.sizes`): the batch from `min_batch` (default: its
    minimum) to `max_batch`, every other ranged axis from its minimum to `max_width`, chosen axes from their choices,
    computed axes computed.

    `max_batch` and `max_width` default to what the axes declare as their
    maximum, else `BATCH_MAXIMUM` (6) and `WIDTH_MAXIMUM` (5); `max_sizes` gives
    some ranged axes their own largest size instead (the batch axis included).
    Shrinks towards the smallest dims, seed 0 (with a `secret`, the seed it
    derives from 0), the first scale, each scalar's first value and no edge. With
    a course `secret`, a case's value seed is derived from the number drawn for
    it (`CaseSecret.case_seed`), so that the seed a message shows gives away no
    other case.
    """
    _validate(context, min_batch, max_batch, max_width, scales, edges)
    _validate_max_sizes(context, max_sizes)
    if secret is not None and not isinstance(secret, CaseSecret):
        raise InvalidArgument(f"secret={type(secret).__name__}, but it must be a CaseSecret or None")
    batch = context.sizes[context.batch_axis]
    lowest = batch.minimum if min_batch is None else min_batch
    highest = max_batch if max_batch is not None else batch.maximum or BATCH_MAXIMUM
    largest = dict(max_sizes or {})
    drawn = _Drawn(
        sizes=tuple((axis, _size(context, axis, lowest, highest, max_width, largest))
                    for axis, size in context.sizes.items() if size.kind != "computed"),
        scalars=tuple((scalar.name, st.sampled_from(scalar.values)) for scalar in context.scalars),
        scale=st.sampled_from(tuple(scales)),
        edge=st.one_of(st.none(), st.sampled_from(tuple(context.edges))) if edges and context.edges else None)
    return _cases(context, drawn, secret)


def _size(context: Context, axis: str, min_batch: int, max_batch: int, max_width: int | None,
          max_sizes: Mapping[str, int]) -> st.SearchStrategy[int]:
    size = context.sizes[axis]
    if axis == context.batch_axis:
        return st.integers(min_batch, max_sizes.get(axis, max_batch))
    if size.kind == "choices":
        return st.sampled_from(size.choices)
    top = max_width if max_width is not None else size.maximum or WIDTH_MAXIMUM
    return st.integers(size.minimum, max(size.minimum, max_sizes.get(axis, top)))


@dataclass(frozen=True)
class _Drawn:
    """What a case draws, in order, each from its strategy: made once per call of `cases`, not once per draw."""

    sizes: tuple[tuple[str, st.SearchStrategy[int]], ...]
    scalars: tuple[tuple[str, st.SearchStrategy], ...]
    scale: st.SearchStrategy[float]
    edge: st.SearchStrategy[str | None] | None


_SEEDS = st.integers(0, 2**32 - 1)
"""The number a case's value seed is drawn as (derived from it with a course secret)."""


@st.composite
def _cases(draw: st.DrawFn, context: Context, drawn: _Drawn, secret: CaseSecret | None) -> Case:
    wanted = {axis: draw(strategy) for axis, strategy in drawn.sizes}
    params = tuple((name, draw(strategy)) for name, strategy in drawn.scalars)
    scale = draw(drawn.scale)
    edge = draw(drawn.edge) if drawn.edge is not None else None
    dims = tuple(sized(context, wanted, dict(params)).items())
    number = draw(_SEEDS)
    seed = number if secret is None else secret.case_seed(context.name, number)
    return Case(context, dims, seed, scale, params, edge)


def _validate(context: object, min_batch: object, max_batch: object, max_width: object, scales: object,
              edges: object) -> None:
    if not isinstance(context, Context):
        raise InvalidArgument(f"context={context!r}, but it must be a Context of an assignment")
    for name, value in (("min_batch", min_batch), ("max_batch", max_batch), ("max_width", max_width)):
        if value is not None and (not isinstance(value, int) or isinstance(value, bool)):
            raise InvalidArgument(f"{name}={value!r}, but it must be an int")
    batch = context.sizes[context.batch_axis]
    needed = batch.minimum
    if min_batch is not None and min_batch < needed:
        raise InvalidArgument(f"min_batch={min_batch}, but context {context.name!r} needs a batch of at least {needed}")
    lowest = needed if min_batch is None else min_batch
    if max_batch is not None and max_batch < lowest:
        raise InvalidArgument(f"max_batch={max_batch}, but it must be at least min_batch ({lowest})")
    if max_batch is None and (batch.maximum or BATCH_MAXIMUM) < lowest:
        raise InvalidArgument(f"min_batch={min_batch}, but context {context.name!r} draws batches of at most "
                              f"{batch.maximum or BATCH_MAXIMUM}")
    if max_width is not None and max_width < 1:
        raise InvalidArgument(f"max_width={max_width}, but every width must be at least 1")
    if isinstance(scales, (str, bytes)) or not isinstance(scales, Sequence) or not scales:
        raise InvalidArgument(f"scales={scales!r}, but it must be a non-empty sequence of floats")
    for scale in scales:
        if not isinstance(scale, (int, float)) or not math.isfinite(scale) or scale <= 0:
            raise InvalidArgument(f"scales={scales!r}, but {scale!r} is not a positive finite number")
    if not isinstance(edges, bool):
        raise InvalidArgument(f"edges={edges!r}, but it must be a bool")


def _validate_max_sizes(context: Context, max_sizes: object) -> None:
    if max_sizes is None:
        return
    if not isinstance(max_sizes, Mapping):
        raise InvalidArgument(f"max_sizes={max_sizes!r}, but it must map axis names to their largest sizes")
    for axis, size in max_sizes.items():
        if axis not in context.axes:
            raise InvalidArgument(f"max_sizes={dict(max_sizes)!r}, but {axis!r} is not an axis of context "
                                  f"{context.name!r} ({', '.join(context.axes)})")
        if context.sizes[axis].kind != "range":
            raise InvalidArgument(f"max_sizes={dict(max_sizes)!r}, but {axis} is {context.sizes[axis].kind}, not drawn "
                                  "from a range")
        if not isinstance(size, int) or isinstance(size, bool) or size < context.sizes[axis].minimum:
            raise InvalidArgument(f"max_sizes={dict(max_sizes)!r}, but {axis} must be an int of at least its minimum, "
                                  f"{context.sizes[axis].minimum}")
