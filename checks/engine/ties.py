"""Cases drawn away from ties: no kink input within `TIE_MARGIN` of where its piecewise op switches pieces.

At a tie (a ReLU input at exactly 0, two equal maxima in a pooling window) the
derivative is a convention: PyTorch's, a student's `x == max` mask another,
and numeric differentiation a third (the average of the one-sided slopes).
Unless the context allows ties (everywhere, or in the edges that draw them on
purpose), a case whose leaves put some kink nearer a tie than `TIE_MARGIN` of
its input's size draws them again from the same generator, so the case stays
a function of its seed.
"""
from __future__ import annotations

from collections.abc import Mapping

from checks.assignment import Context, DeclarationError, Node
from checks.kinks import TIE_MARGIN
from checks.model import as_tensors

REDRAWS = 50
"""Draws tried before a context is told its leaves keep landing on ties."""


def nearest_tie(context: Context, leaves: Mapping[str, object]) -> tuple[Node | None, float]:
    """The kink node nearest a tie on these leaves, and its distance as a share of its input's root-mean-square size."""
    import torch

    graph = context.graph
    needed = frozenset().union(*(graph.ancestors[name] for name in context.kinks))
    with torch.no_grad():
        values = as_tensors(leaves)
        for node in context.nodes:
            if node.name in needed:
                values[node.name] = node.fn(*(values[name] for name in node.inputs))
        nearest: tuple[Node | None, float] = (None, float("inf"))
        for node in (node for node in context.nodes if node.kink is not None):
            inputs = [values[name] for name in node.inputs]
            first = torch.as_tensor(inputs[0], dtype=torch.float64)
            size = float(first.square().mean().sqrt()) if first.numel() else 0.0
            distance = float(node.kink.distance(*inputs).min()) if first.numel() else float("inf")
            share = distance / size if size > 0 else 0.0 if distance == 0 else float("inf")
            nearest = min(nearest, (node, share), key=lambda found: found[1])
    return nearest


def drawn_away_from_ties(context: Context, draw, edge: str | None) -> dict:
    """`draw()`'s leaves, drawn again while some kink lies within `TIE_MARGIN` of a tie (unless ties are allowed)."""
    leaves = draw()
    if not context.kinks or context.ties_allowed(edge):
        return leaves
    for _ in range(REDRAWS - 1):
        node, share = nearest_tie(context, leaves)
        if share >= TIE_MARGIN:
            return leaves
        leaves = draw()
    node, share = nearest_tie(context, leaves)
    if share >= TIE_MARGIN:
        return leaves
    raise DeclarationError(f"context {context.name!r}: {REDRAWS} draws all put the {node.kink.name} kink of node "
                           f"{node.name!r} within {share:.1e} of its input's size from a tie: draw leaves that keep away "
                           "from ties (a tie built into the model, such as a pooling window of ReLU zeros, stays), or "
                           "declare ties='allow', or the edges that draw them on purpose")


def tie_note(case) -> str:
    """Where a case holds a tie on purpose (its context allows them), what the truth is there: the kink's convention,
    which the numeric witness cannot confirm; empty otherwise."""
    context = case.context
    if not context.kinks or not context.ties_allowed(case.edge):
        return ""
    node, share = nearest_tie(context, case.leaves)
    if node is None or share >= TIE_MARGIN:
        return ""
    return (f"This case holds a tie at {node.name} ({node.kink.meaning}); the truth there is PyTorch's convention: "
            f"{node.kink.at_tie}.")
