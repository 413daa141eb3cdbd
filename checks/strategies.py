"""Hypothesis strategies for cases: small dims, a seed, a scale, and the deliberate edges."""
from __future__ import annotations

import math
from collections.abc import Sequence

from hypothesis import strategies as st
from hypothesis.errors import InvalidArgument

from checks.cases import EDGES, NEEDS_BATCH_STATISTICS, Case
from checks.vocabulary import CONTEXT_AXES

DROP_PROBABILITIES = (0.5, 0.0, 0.2, 0.8)
"""First is where shrinking lands: 0.5 keeps a missing 1/(1-p) visible; 0 is the p=0 edge."""
EPSILONS = (1e-5, 1e-3)
"""1e-5 is BatchNorm's default; 1e-3 catches an epsilon hard-coded instead of read from `eps`."""
SCALES = (1.0, 0.1, 10.0)
"""Input scales. At 0.1 the variance is near 1e-2 and a missing eps shows at about 5e-4 relative."""


def cases(
    *,
    context: str,
    min_m: int | None = None,
    max_m: int = 6,
    max_width: int = 5,
    scales: Sequence[float] = SCALES,
    edges: bool = True,
) -> st.SearchStrategy[Case]:
    """Cases of `context` with `min_m <= m <= max_m` and every other width in `[1, max_width]`.

    Shrinks towards the smallest dims, seed 0, the first scale and no edge.
    """
    _validate(context, min_m, max_m, max_width, scales, edges)
    lowest_m = (2 if context in NEEDS_BATCH_STATISTICS else 1) if min_m is None else min_m
    return _cases(context, lowest_m, max_m, max_width, tuple(scales), edges)


@st.composite
def _cases(draw: st.DrawFn, context: str, min_m: int, max_m: int, max_width: int,
           scales: tuple[float, ...], edges: bool) -> Case:
    axes = CONTEXT_AXES[context]
    dims = tuple((axis, draw(st.integers(min_m, max_m) if axis == "m" else st.integers(1, max_width))) for axis in axes)
    p = draw(st.sampled_from(DROP_PROBABILITIES)) if context in ("dropout", "net") else None
    eps = draw(st.sampled_from(EPSILONS)) if context in NEEDS_BATCH_STATISTICS else None
    scale = draw(st.sampled_from(scales))
    edge = draw(st.one_of(st.none(), st.sampled_from(EDGES[context]))) if edges else None
    return Case(context, dims, draw(st.integers(0, 2**32 - 1)), scale, p, eps, edge)


def _validate(context: object, min_m: object, max_m: object, max_width: object, scales: object, edges: object) -> None:
    if context not in CONTEXT_AXES:
        raise InvalidArgument(f"context={context!r}, but it must be one of {sorted(CONTEXT_AXES)}")
    for name, value in (("max_m", max_m), ("max_width", max_width)) + ((("min_m", min_m),) if min_m is not None else ()):
        if not isinstance(value, int) or isinstance(value, bool):
            raise InvalidArgument(f"{name}={value!r}, but it must be an int")
    if min_m is not None and min_m < 1:
        raise InvalidArgument(f"min_m={min_m}, but a batch holds at least one sample")
    if min_m is not None and min_m < 2 and context in NEEDS_BATCH_STATISTICS:
        raise InvalidArgument(f"min_m={min_m}, but context {context!r} takes batch statistics, which need m >= 2")
    if max_m < (min_m if min_m is not None else 2 if context in NEEDS_BATCH_STATISTICS else 1):
        raise InvalidArgument(f"max_m={max_m}, but it must be at least min_m "
                              f"({min_m if min_m is not None else 'm >= 2 here' if context in NEEDS_BATCH_STATISTICS else 1})")
    if max_width < 1:
        raise InvalidArgument(f"max_width={max_width}, but every width must be at least 1")
    if isinstance(scales, (str, bytes)) or not isinstance(scales, Sequence) or not scales:
        raise InvalidArgument(f"scales={scales!r}, but it must be a non-empty sequence of floats")
    for scale in scales:
        if not isinstance(scale, (int, float)) or not math.isfinite(scale) or scale <= 0:
            raise InvalidArgument(f"scales={scales!r}, but {scale!r} is not a positive finite number")
    if not isinstance(edges, bool):
        raise InvalidArgument(f"edges={edges!r}, but it must be a bool")
