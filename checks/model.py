"""A context's model as a graph: evaluated from its leaves, and re-entered at any leaf or node.

Part of the declarations (it knows nothing of the engine): a declaration may
use it too, as a magnitude that needs a gradient through the model does.

`Graph.evaluate` computes every node from a case's leaves; `Graph.reenter`
recomputes only what lies downstream of one named quantity (or of several) from
new values for them, which is how both oracles differentiate with respect to
intermediate nodes, and how error carried forward puts a submission's own
forward values into the reference's loss.
"""
from __future__ import annotations

from collections.abc import Callable, Mapping
from functools import cached_property
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import torch

    from checks.assignment import Context, Node


class Graph:
    def __init__(self, context: Context):
        self.context = context
        self.leaves = context.leaf_names
        self.nodes = context.nodes

    def evaluate(self, leaves: Mapping[str, object], overrides: Mapping[str, Callable] | None = None) -> dict[str, object]:
        """Every value, computed from the leaves; `overrides` computes some nodes by other functions (a variant)."""
        return self._computed(dict(leaves), frozenset(node.name for node in self.nodes), overrides)

    def overridden(self, values: Mapping[str, object], overrides: Mapping[str, Callable]) -> dict[str, object]:
        """Every value with `overrides` computing some nodes by other functions (a variant), from `values` computed
        without them: only those nodes and the ones downstream of them are computed again."""
        needed = frozenset(overrides).union(*(self.downstream[name] for name in overrides))
        return self._computed(dict(values), needed, overrides)

    def reenter(self, values: Mapping[str, object], name: str, value: object, targets: tuple[str, ...] | None = None,
                overrides: Mapping[str, Callable] | None = None) -> dict[str, object]:
        """Every value, with `name` replaced by `value` and everything downstream recomputed.

        With `targets`, only the nodes that lie between `name` and them are recomputed.
        """
        return self.replace(values, {name: value}, targets, overrides)

    def replace(self, values: Mapping[str, object], replacements: Mapping[str, object],
                targets: tuple[str, ...] | None = None,
                overrides: Mapping[str, Callable] | None = None) -> dict[str, object]:
        """Every value, with `replacements` put in and the nodes downstream of them (but not they) recomputed."""
        needed = frozenset().union(*(self.downstream[name] for name in replacements)) - set(replacements)
        if targets is not None:
            needed = needed & frozenset().union(*(self.ancestors[t] | {t} for t in targets))
        return self._computed({**values, **replacements}, needed, overrides)

    def _computed(self, values: dict[str, object], needed: frozenset[str],
                  overrides: Mapping[str, Callable] | None) -> dict[str, object]:
        """`values` with the `needed` nodes computed in the model's order, each by its override if it has one."""
        for node in self.nodes:
            if node.name in needed:
                values[node.name] = (overrides or {}).get(node.name, node.fn)(*(values[n] for n in node.inputs))
        return values

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

    def length_scale(self, name: str, values: Mapping[str, object]) -> torch.Tensor:
        """Per-coordinate distance over which `name` may move and stay in the same local regime: the declared length
        scale (by default the root-mean-square size), and no further than the distance to the kink of any node that
        takes `name` as its first input (where that distance is not a tie: a tied coordinate's probes are discarded)."""
        import torch

        declared = self.context.length_scales.get(name)
        scale = declared(values) if declared is not None else rms_scale(values[name])
        for node in self.kinked_by.get(name, ()):
            _, distance = self.kink_distance(node.name, values)
            scale = torch.minimum(scale, torch.where(distance > 0, distance, torch.inf))
        return scale

    def kink_distance(self, name: str, values: Mapping[str, object]) -> tuple[str, torch.Tensor]:
        """Kink node `name`'s first input, and how far each of its elements may move alone before a piece changes."""
        node = self._nodes[name]
        return node.inputs[0], node.kink.distance(*(values[n] for n in node.inputs))

    def piece(self, name: str, values: Mapping[str, object]) -> torch.Tensor:
        """Which piece each output of kink node `name` is on, from its inputs' values, as integers."""
        import torch

        node = self._nodes[name]
        return node.kink.piece(*(values[n] for n in node.inputs)).to(torch.int64)

    @cached_property
    def kinked_by(self) -> dict[str, tuple[Node, ...]]:
        """For each quantity, the kink nodes that take it as their first input."""
        found: dict[str, tuple[Node, ...]] = {}
        for node in self.nodes:
            if node.kink is not None:
                found[node.inputs[0]] = (*found.get(node.inputs[0], ()), node)
        return found

    @cached_property
    def _nodes(self) -> dict[str, Node]:
        return {node.name: node for node in self.nodes}


def rms_scale(value) -> torch.Tensor:
    """Default length scale: the root-mean-square size of the tensor, or 1 if it is zero."""
    import torch

    rms = value.square().mean().sqrt() if isinstance(value, torch.Tensor) else torch.tensor(abs(float(value)))
    return torch.where(rms > 0, rms, torch.ones_like(rms))


def as_tensors(values: Mapping[str, object]) -> dict[str, object]:
    """`values` as the model takes them: each numpy array as a tensor sharing its memory, anything else as it is.

    A case's leaves are read-only arrays, which torch would warn about once
    (it has no read-only tensors): nothing writes a value once drawn or
    evaluated, so they are shared, not copied.
    """
    import warnings

    import numpy as np
    import torch

    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message="The given NumPy array is not writable", category=UserWarning)
        return {name: torch.from_numpy(value) if isinstance(value, np.ndarray) else value
                for name, value in values.items()}
