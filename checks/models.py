"""The ground truth: each context's forward pass, built from PyTorch's own layers.

A model is a list of nodes in topological order. `Model.evaluate` computes every
node from the case's leaves; `Model.reenter` recomputes only what lies downstream
of one named node (or leaf) from a new value for it, which is how both oracles
differentiate with respect to intermediate nodes.
"""
from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from functools import cached_property

import torch
import torch.nn.functional as F

from checks.vocabulary import CONTEXTS

Value = torch.Tensor | float | int


@dataclass(frozen=True)
class Node:
    name: str
    inputs: tuple[str, ...]
    fn: Callable[..., torch.Tensor]


@dataclass(frozen=True)
class Model:
    context: str
    leaves: tuple[str, ...]
    nodes: tuple[Node, ...]
    kinks: tuple[str, ...] = ()
    """Nodes whose sign pattern must not change inside a numeric probe (ReLU inputs)."""
    length_scale: Callable[[str, Mapping[str, Value]], torch.Tensor] = field(default=lambda name, values: _rms_scale(values[name]))
    """Per-coordinate distance over which a quantity may be moved and stay in the same local regime."""

    def evaluate(self, leaves: Mapping[str, Value]) -> dict[str, Value]:
        values = dict(leaves)
        for node in self.nodes:
            values[node.name] = node.fn(*(values[name] for name in node.inputs))
        return values

    def reenter(self, values: Mapping[str, Value], name: str, value: torch.Tensor,
                targets: tuple[str, ...] | None = None) -> dict[str, Value]:
        """Every value, with `name` replaced by `value` and everything downstream recomputed.

        With `targets`, only the nodes that lie between `name` and them are recomputed.
        """
        needed = self.downstream[name]
        if targets is not None:
            needed = needed & frozenset().union(*(self.ancestors[t] | {t} for t in targets))
        fresh = dict(values)
        fresh[name] = value
        for node in self.nodes:
            if node.name in needed:
                fresh[node.name] = node.fn(*(fresh[n] for n in node.inputs))
        return fresh

    @cached_property
    def ancestors(self) -> dict[str, frozenset[str]]:
        """For each leaf and node, everything it is computed from."""
        found: dict[str, frozenset[str]] = {leaf: frozenset() for leaf in self.leaves}
        for node in self.nodes:
            found[node.name] = frozenset(node.inputs).union(*(found[name] for name in node.inputs))
        return found

    @cached_property
    def downstream(self) -> dict[str, frozenset[str]]:
        """For each leaf and node, the nodes that depend on it."""
        return {name: frozenset(n for n, above in self.ancestors.items() if name in above) for name in self.ancestors}

    @property
    def names(self) -> tuple[str, ...]:
        return self.leaves + tuple(node.name for node in self.nodes)


def _rms_scale(value: Value) -> torch.Tensor:
    """Default length scale: the root-mean-square size of the tensor, or 1 if it is zero."""
    rms = value.square().mean().sqrt() if isinstance(value, torch.Tensor) else torch.tensor(abs(float(value)))
    return torch.where(rms > 0, rms, torch.ones_like(rms))


def _bn_column_scale(x: torch.Tensor, eps: float) -> torch.Tensor:
    """BatchNorm's input moves through its nonlinearity over about one column std: `(d,)`."""
    return (x.var(0, correction=0) + eps).sqrt()


def _batch_norm(x: torch.Tensor, gamma: torch.Tensor | None, beta: torch.Tensor | None, eps: float) -> torch.Tensor:
    return F.batch_norm(x, None, None, gamma, beta, training=True, momentum=0.0, eps=eps)


def _upstream_loss(dy: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
    """`L = sum(dy * y)`: a random upstream gradient, never `.sum()`, which hides errors."""
    return (dy * y).sum()


def _bn_length_scale(name: str, values: Mapping[str, Value]) -> torch.Tensor:
    if name == "x":
        return _bn_column_scale(values["x"], values["eps"])
    return _rms_scale(values[name])


def _net_length_scale(name: str, values: Mapping[str, Value]) -> torch.Tensor:
    """Steps small enough for BatchNorm's narrowest column, and relative steps inside the log."""
    if name == "z1B":
        return _bn_column_scale(values["z1B"], values["eps"])
    if name == "theta1B":
        sigma = _bn_column_scale(values["z1B"], values["eps"])
        return (sigma / _rms_scale(values["x"]))[:, None]
    if name == "x":
        sigma = _bn_column_scale(values["z1B"], values["eps"])
        pulled_back = (sigma[:, None] / values["theta1B"].abs().clamp_min(1e-300)).min()
        return torch.minimum(pulled_back, _rms_scale(values["x"]))
    if name == "yB_hat":
        return values["yB_hat"].abs()
    return _rms_scale(values[name])


def _net_loss(yA_hat: torch.Tensor, yA: torch.Tensor, yB: torch.Tensor, yB_hat: torch.Tensor, m: int) -> torch.Tensor:
    """`L = (1/m) Σ_i [½‖yA_hat_i − yA_i‖² − Σ_k yB_ik log yB_hat_ik]`."""
    return ((yA_hat - yA).square().sum() / 2 - (yB * torch.log(yB_hat)).sum()) / m


MODELS: dict[str, Model] = {
    "bn": Model(
        "bn",
        leaves=("x", "gamma", "beta", "eps", "dy", "m"),
        nodes=(
            Node("mu", ("x",), lambda x: x.mean(0)),
            Node("var", ("x",), lambda x: x.var(0, correction=0)),
            Node("xhat", ("x", "eps"), lambda x, eps: _batch_norm(x, None, None, eps)),
            Node("y", ("x", "gamma", "beta", "eps"), _batch_norm),
            Node("L", ("dy", "y"), _upstream_loss),
        ),
        length_scale=_bn_length_scale,
    ),
    "dropout": Model(
        "dropout",
        leaves=("x", "p", "M", "dy", "m"),
        nodes=(
            Node("y", ("M", "x"), torch.mul),
            Node("L", ("dy", "y"), _upstream_loss),
        ),
    ),
    "softmax": Model(
        "softmax",
        leaves=("x", "dy", "m"),
        nodes=(
            Node("y", ("x",), lambda x: F.softmax(x, dim=-1)),
            Node("L", ("dy", "y"), _upstream_loss),
        ),
    ),
    "net": Model(
        "net",
        leaves=(
            "x", "yA", "yB", "theta1A", "b1A", "theta2A", "b2A", "theta1B", "b1B",
            "gamma", "beta", "theta2B", "b2B", "M", "p", "eps", "m",
        ),
        nodes=(
            Node("H1A", ("x", "theta1A", "b1A"), F.linear),
            Node("z1A", ("H1A",), torch.sin),
            Node("zDP", ("M", "z1A"), torch.mul),
            Node("yA_hat", ("zDP", "theta2A", "b2A"), F.linear),
            Node("z1B", ("x", "theta1B", "b1B"), F.linear),
            Node("mu", ("z1B",), lambda z: z.mean(0)),
            Node("var", ("z1B",), lambda z: z.var(0, correction=0)),
            Node("xhat", ("z1B", "eps"), lambda z, eps: _batch_norm(z, None, None, eps)),
            Node("H_BN", ("z1B", "gamma", "beta", "eps"), _batch_norm),
            Node("N", ("H_BN",), lambda h: (h > 0).to(h.dtype)),
            Node("zBN", ("H_BN",), F.relu),
            Node("x2B", ("zBN", "yA_hat"), torch.add),
            Node("z2B", ("x2B", "theta2B", "b2B"), F.linear),
            Node("yB_hat", ("z2B",), lambda z: F.softmax(z, dim=-1)),
            Node("L", ("yA_hat", "yA", "yB", "yB_hat", "m"), _net_loss),
        ),
        kinks=("H_BN",),
        length_scale=_net_length_scale,
    ),
}

assert all(set(model.names) == set(CONTEXTS[ctx]) for ctx, model in MODELS.items()), "models drifted from the vocabulary"
