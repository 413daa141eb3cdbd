"""The registry: one declarative entry per derivation id.

An entry says what the id is the derivative of, with respect to what, in which
context, and how its returned array indexes the full Jacobian. Every check
iterates over `REGISTRY`, so a new entry gets every check and a new check covers
every entry. Adding a derivation means one function in `derivations/` and one
entry here.
"""
from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

import numpy as np

from checks.vocabulary import CONTEXTS

Magnitude = Callable[[Mapping[str, object]], float]


def absmax(value: object) -> float:
    return float(np.max(np.abs(value))) if np.size(value) else 0.0


@dataclass(frozen=True)
class Derivation:
    """One derivation id.

    kind is derived: no `wrt` means a forward value of node `of`; `of == "L"` means
    the gradient of the scalar loss (shaped like `wrt`); anything else is a
    Jacobian of node `of` with respect to `wrt`, of which the id returns the
    entries picked by `pattern`, an einsum over the full Jacobian's indices
    (`of` indices, then `wrt` indices; every entry it leaves out is zero).
    """

    id: str
    section: str
    context: str
    of: str
    wrt: str | None = None
    pattern: str | None = None
    rows_of: str | None = None
    """For a gradient that sums per-sample rows over the batch (a bias, a BatchNorm
    shift): the node whose per-sample gradient rows it sums. Diagnosis uses it to
    recognise a sum over the wrong axis."""
    magnitude: Magnitude | None = None
    """Size of the terms the id sums, where the true value can be far smaller than
    they are (a cancellation such as eq. (7), or saturated softmax probabilities):
    the absolute tolerance scales with it, as roundoff does."""

    def __post_init__(self) -> None:
        vocabulary = CONTEXTS[self.context]
        for name in filter(None, (self.of, self.wrt)):
            if name not in vocabulary:
                raise ValueError(f"{self.id}: {name!r} is not in the {self.context} vocabulary")
        if (self.pattern is not None) != (self.kind == "jacobian"):
            raise ValueError(f"{self.id}: a pattern is given exactly for Jacobians")
        if self.pattern is not None:
            inputs, _ = self.pattern.split("->")
            expected = len(vocabulary[self.of].shape) + len(vocabulary[self.wrt].shape)
            if len(inputs) != expected:
                raise ValueError(f"{self.id}: pattern {self.pattern!r} must index {expected} Jacobian axes")

    @property
    def kind(self) -> str:
        if self.wrt is None:
            return "value"
        return "gradient" if self.of == "L" else "jacobian"

    @property
    def shape(self) -> tuple[str, ...]:
        """The returned array's shape in axis names."""
        vocabulary = CONTEXTS[self.context]
        if self.kind == "value":
            return vocabulary[self.of].shape
        if self.kind == "gradient":
            return vocabulary[self.wrt].shape
        inputs, output = self.pattern.split("->")
        axes = dict(zip(inputs, vocabulary[self.of].shape + vocabulary[self.wrt].shape))
        return tuple(axes[letter] for letter in output)

    @property
    def jvp_pattern(self) -> str:
        """Einsum taking the returned array and a `wrt` direction to the directional derivative of `of`."""
        inputs, output = self.pattern.split("->")
        n_of = len(CONTEXTS[self.context][self.of].shape)
        return f"{output},{inputs[n_of:]}->{inputs[:n_of]}"

    @property
    def title(self) -> str:
        if self.kind == "value":
            return f"{self.of} (forward value)"
        return f"∂{self.of}/∂{self.wrt}"


def _net_upstream(values: Mapping[str, object]) -> float:
    """Terms of ∂L/∂z2B are (yB_hat - yB)/m, whose parts are each at most 1/m."""
    return 1 / values["m"]


def _bn_gain(values: Mapping[str, object]) -> float:
    """BatchNorm's input gradient scales its output gradient by |gamma| / sqrt(var + eps)."""
    return absmax(values["gamma"]) / float(np.sqrt(np.min(values["var"]) + values["eps"]))


def _into_bn(values: Mapping[str, object]) -> float:
    return _net_upstream(values) * absmax(values["theta2B"]) * _bn_gain(values)


REGISTRY: tuple[Derivation, ...] = (
    Derivation("bn_dy_dgamma", "1.1", "bn", of="y", wrt="gamma", pattern="ijj->ij"),
    Derivation("bn_dy_dbeta", "1.1", "bn", of="y", wrt="beta", pattern="ijj->ij"),
    Derivation("bn_dL_dgamma", "1.1", "bn", of="L", wrt="gamma",
               magnitude=lambda v: absmax(v["dy"]) * absmax(v["xhat"])),
    Derivation("bn_dL_dbeta", "1.1", "bn", of="L", wrt="beta", rows_of="y"),
    Derivation("bn_dL_dx", "1.1", "bn", of="L", wrt="x",
               magnitude=lambda v: absmax(v["dy"]) * _bn_gain(v)),
    Derivation("dropout_dy_dx", "1.2", "dropout", of="y", wrt="x", pattern="ijij->ij"),
    Derivation("dropout_dL_dx", "1.2", "dropout", of="L", wrt="x"),
    Derivation("softmax_jacobian", "1.3", "softmax", of="y", wrt="x", pattern="iaib->iab",
               magnitude=lambda v: absmax(v["y"]) ** 2),
    Derivation("softmax_dL_dx", "1.3", "softmax", of="L", wrt="x",
               magnitude=lambda v: absmax(v["y"]) * absmax(v["dy"])),
    Derivation("forward_yA_hat", "2.1", "net", of="yA_hat"),
    Derivation("forward_yB_hat", "2.1", "net", of="yB_hat"),
    Derivation("eq01_dL_dyB_hat", "(1)", "net", of="L", wrt="yB_hat"),
    Derivation("eq02_dyB_hat_dtheta2B", "(2)", "net", of="yB_hat", wrt="theta2B", pattern="ikjl->ikjl",
               magnitude=lambda v: absmax(v["yB_hat"]) ** 2 * absmax(v["x2B"])),
    Derivation("eq03_dL_dtheta2B", "(3)", "net", of="L", wrt="theta2B",
               magnitude=lambda v: _net_upstream(v) * absmax(v["x2B"])),
    Derivation("eq03_dL_db2B", "(3)", "net", of="L", wrt="b2B", rows_of="z2B", magnitude=_net_upstream),
    Derivation("eq04_dL_dx2B", "(4)", "net", of="L", wrt="x2B",
               magnitude=lambda v: _net_upstream(v) * absmax(v["theta2B"])),
    Derivation("eq05_dL_dz1B", "(5)", "net", of="L", wrt="z1B", magnitude=_into_bn),
    Derivation("eq06_dL_dtheta1B", "(6)", "net", of="L", wrt="theta1B",
               magnitude=lambda v: _into_bn(v) * absmax(v["x"])),
    Derivation("eq07_dL_db1B", "(7)", "net", of="L", wrt="b1B", rows_of="z1B", magnitude=_into_bn),
    Derivation("eq08_dL_dtheta2A", "(8)", "net", of="L", wrt="theta2A"),
    Derivation("eq09_dL_db2A", "(9)", "net", of="L", wrt="b2A", rows_of="yA_hat"),
    Derivation("eq10_dL_dyA_hat", "(10)", "net", of="L", wrt="yA_hat"),
    Derivation("eq11_dL_dzDP", "(11)", "net", of="L", wrt="zDP"),
    Derivation("eq12_dL_dz1A", "(12)", "net", of="L", wrt="z1A"),
    Derivation("eq13_dL_dtheta1A", "(13)", "net", of="L", wrt="theta1A"),
    Derivation("eq14_dL_db1A", "(14)", "net", of="L", wrt="b1A", rows_of="H1A"),
    Derivation("net_dL_dgamma", "beyond (14)", "net", of="L", wrt="gamma",
               magnitude=lambda v: _net_upstream(v) * absmax(v["theta2B"]) * absmax(v["xhat"])),
    Derivation("net_dL_dbeta", "beyond (14)", "net", of="L", wrt="beta", rows_of="H_BN",
               magnitude=lambda v: _net_upstream(v) * absmax(v["theta2B"])),
    Derivation("net_dL_dx", "beyond (14)", "net", of="L", wrt="x",
               magnitude=lambda v: _into_bn(v) * absmax(v["theta1B"])),
)

BY_ID: dict[str, Derivation] = {entry.id: entry for entry in REGISTRY}
assert len(BY_ID) == len(REGISTRY), "duplicate derivation ids"


def lookup(ids: list[str] | tuple[str, ...]) -> list[Derivation]:
    """The entries for `ids`, in registry order; an unknown id raises with the closest valid ones."""
    import difflib

    unknown = [i for i in ids if i not in BY_ID]
    if unknown:
        hints = {i: difflib.get_close_matches(i, BY_ID, n=3, cutoff=0.3) for i in unknown}
        detail = "; ".join(f"{i!r} (did you mean {', '.join(h) or 'none close'}?)" for i, h in hints.items())
        raise KeyError(f"unknown derivation id {detail}")
    return [entry for entry in REGISTRY if entry.id in ids]
