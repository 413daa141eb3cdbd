"""A case: one context's dims, seed, scale and edge, and the leaf values they determine.

Values come from a numpy Generator seeded by the case, never from array elements
drawn one by one (those shrink to constant columns and zero variances), so a case
is small to print, cheap to shrink, and the same on every machine.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

import numpy as np

from checks.vocabulary import CONTEXT_AXES

EDGES: dict[str, tuple[str, ...]] = {
    "bn": ("tiny_variance",),
    "dropout": ("dropped_row",),
    "softmax": ("extreme_logits",),
    "net": ("tiny_variance", "dropped_row", "extreme_logits"),
}
"""Deliberate edge cases: a BN column of variance near 1e-6, a sample with every
unit dropped, logits spread over up to about ±50."""

NEEDS_BATCH_STATISTICS = frozenset({"bn", "net"})
TINY_STD = 1e-3
"""Standard deviation of a tiny-variance column, centred within a few of its own stds of zero:
a large offset would only add a cancellation that punishes correct formulas rounded differently."""
EXTREME_LOGIT = 45.0
"""The extreme-logits edge spreads logits over about ± this much (the network's through FC2B's
bias), so that the softmax saturates (probabilities near e^-100) without underflowing to zero."""


@dataclass(frozen=True)
class Case:
    context: str
    dims: tuple[tuple[str, int], ...]
    seed: int
    scale: float = 1.0
    p: float | None = None
    eps: float | None = None
    edge: str | None = None

    def __post_init__(self) -> None:
        if self.context not in CONTEXT_AXES:
            raise ValueError(f"context={self.context!r}, but it must be one of {sorted(CONTEXT_AXES)}")
        dims = dict(self.dims)
        if tuple(dims) != CONTEXT_AXES[self.context]:
            raise ValueError(f"dims={dims}, but context {self.context!r} takes exactly {CONTEXT_AXES[self.context]}")
        for axis, size in dims.items():
            if not isinstance(size, int) or size < 1:
                raise ValueError(f"{axis}={size!r}, but every size must be a positive int")
        if self.context in NEEDS_BATCH_STATISTICS and dims["m"] < 2:
            raise ValueError(f"m={dims['m']}, but context {self.context!r} takes batch statistics, so m must be at least 2")
        if not (np.isfinite(self.scale) and self.scale > 0):
            raise ValueError(f"scale={self.scale!r}, but the scale must be a positive finite float")
        if (self.p is not None) != (self.context in ("dropout", "net")):
            raise ValueError(f"p={self.p!r}, but p is given exactly in the dropout and net contexts")
        if self.p is not None and not 0 <= self.p < 1:
            raise ValueError(f"p={self.p!r}, but the drop probability must lie in [0, 1)")
        if (self.eps is not None) != (self.context in NEEDS_BATCH_STATISTICS):
            raise ValueError(f"eps={self.eps!r}, but eps is given exactly in the bn and net contexts")
        if self.eps is not None and not self.eps > 0:
            raise ValueError(f"eps={self.eps!r}, but BatchNorm's epsilon must be positive")
        if self.edge is not None and self.edge not in EDGES[self.context]:
            raise ValueError(f"edge={self.edge!r}, but context {self.context!r} has edges {EDGES[self.context]}")

    @classmethod
    def of(cls, context: str, *, seed: int = 0, scale: float = 1.0, p: float | None = None,
           eps: float | None = None, edge: str | None = None, **dims: int) -> Case:
        """`Case.of("bn", m=4, d=3, eps=1e-5)`: dims by keyword, in any order."""
        axes = CONTEXT_AXES.get(context, ())
        unknown = set(dims) - set(axes)
        if unknown:
            raise ValueError(f"dims {sorted(unknown)}, but context {context!r} has axes {axes}")
        return cls(context, tuple((axis, dims[axis]) for axis in axes if axis in dims), seed, scale, p, eps, edge)

    @property
    def size(self) -> dict[str, int]:
        return dict(self.dims)

    def describe(self) -> str:
        parts = [f"{axis}={size}" for axis, size in self.dims]
        parts += [f"{name}={value:g}" for name, value in (("p", self.p), ("eps", self.eps)) if value is not None]
        parts += [f"scale={self.scale:g}", f"seed={self.seed}"]
        if self.edge:
            parts.append(f"edge={self.edge}")
        return ", ".join(parts)

    def __repr__(self) -> str:
        return f"Case({self.context!r}: {self.describe()})"

    def _repr_pretty_(self, printer, cycle: bool) -> None:
        """How hypothesis prints a drawn case: on one line, as `repr` does."""
        printer.text(repr(self))

    @cached_property
    def leaves(self) -> dict[str, np.ndarray | float | int]:
        """The context's leaf values: data, parameters, mask, upstream gradient and scalars."""
        rng = np.random.default_rng(self.seed)
        leaves = _GENERATORS[self.context](rng, self)
        for value in leaves.values():
            if isinstance(value, np.ndarray):
                value.setflags(write=False)
        return leaves


def _normal(rng: np.random.Generator, *shape: int, std: float = 1.0) -> np.ndarray:
    return std * rng.standard_normal(shape)


def _mask(rng: np.random.Generator, case: Case, m: int, d: int) -> np.ndarray:
    """Dropout mask: each entry 0 with probability p, else 1/(1-p); a dropped row if asked."""
    keep = rng.random((m, d)) >= case.p
    if case.edge == "dropped_row":
        keep[0] = False
    return keep / (1 - case.p)


def _bn_leaves(rng: np.random.Generator, case: Case) -> dict:
    m, d = case.size["m"], case.size["d"]
    x = _normal(rng, d, std=case.scale) + _normal(rng, m, d, std=case.scale)
    if case.edge == "tiny_variance":
        x[:, 0] = _normal(rng, 1, std=TINY_STD) + _normal(rng, m, std=TINY_STD)
    return {"x": x, "gamma": _normal(rng, d), "beta": _normal(rng, d), "eps": case.eps,
            "dy": _normal(rng, m, d), "m": m}


def _dropout_leaves(rng: np.random.Generator, case: Case) -> dict:
    m, d = case.size["m"], case.size["d"]
    return {"x": _normal(rng, m, d, std=case.scale), "p": case.p, "M": _mask(rng, case, m, d),
            "dy": _normal(rng, m, d), "m": m}


def _softmax_leaves(rng: np.random.Generator, case: Case) -> dict:
    m, n = case.size["m"], case.size["n"]
    if case.edge == "extreme_logits":
        x = rng.uniform(-EXTREME_LOGIT, EXTREME_LOGIT, (m, n))
    else:
        x = _normal(rng, m, n, std=case.scale) + _normal(rng, m, 1, std=case.scale)
    return {"x": x, "dy": _normal(rng, m, n), "m": m}


def _net_leaves(rng: np.random.Generator, case: Case) -> dict:
    m, d_in, d_hidden, d_out, n_classes = (case.size[a] for a in CONTEXT_AXES["net"])
    leaves = {
        "x": _normal(rng, m, d_in, std=case.scale),
        "yA": _normal(rng, m, d_out),
        "yB": np.eye(n_classes)[rng.integers(0, n_classes, m)],
        "theta1A": _normal(rng, d_hidden, d_in, std=d_in**-0.5),
        "b1A": _normal(rng, d_hidden, std=0.5),
        "theta2A": _normal(rng, d_out, d_hidden, std=d_hidden**-0.5),
        "b2A": _normal(rng, d_out, std=0.5),
        "theta1B": _normal(rng, d_out, d_in, std=d_in**-0.5),
        "b1B": _normal(rng, d_out),
        "gamma": _normal(rng, d_out),
        "beta": _normal(rng, d_out, std=0.5),
        "theta2B": _normal(rng, n_classes, d_out, std=d_out**-0.5),
        "b2B": _normal(rng, n_classes, std=0.5),
        "M": _mask(rng, case, m, d_hidden),
        "p": case.p,
        "eps": case.eps,
        "m": m,
    }
    if case.edge == "tiny_variance":
        leaves["theta1B"][0] *= TINY_STD / case.scale
        leaves["b1B"][0] *= TINY_STD
    if case.edge == "extreme_logits":
        leaves["b2B"] = rng.uniform(-EXTREME_LOGIT, EXTREME_LOGIT, n_classes)
    return leaves


_GENERATORS = {"bn": _bn_leaves, "dropout": _dropout_leaves, "softmax": _softmax_leaves, "net": _net_leaves}
