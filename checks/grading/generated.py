"""Variants generated from a context's declared backward passes (`Backward`): none of them is listed by hand.

A backward pass is a sum of named terms, each a vector-Jacobian product written
in named quantities. From it come models whose node keeps its value but whose
derivative to the declared input is computed otherwise:

- *settings*: every term evaluated with `at` replaced by another quantity of its
  shape (softmax's derivative written in its output, evaluated at the logits; a
  sine's written in its input, evaluated at its output), with the statistics over
  another axis of the node (`dim` moved), with a scalar it uses left out (0) or
  written in at one of its declared values, or, for a node with a statistics axis,
  its Jacobian read as its diagonal alone, at `at` or at each other point;
- *terms*: one term alone (its contribution to an id), or one term times or
  divided by a product of declared factors (operator precedence);
- *pitfalls*: a diagonal term written as `np.diag` of a `(1, n)` row, which numpy
  answers with the row's first entry;
- *knobs*: the node itself computing its statistics over another axis.

Each is a `Variant` whose node function is a surrogate: the node's value, with
a derivative whose transpose is the chosen vector-Jacobian product (built by
differentiating that product once more, so any term written with torch works).
"""
from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cache
from itertools import combinations

import torch

from checks.assignment import Backward, Context, Term, Variant, computed_from_inputs

__all__ = ["FACTOR_PRODUCT", "Generated", "Setting", "axis_name", "backward_variant", "factor_products",
           "other_dims", "points", "quantities", "setting_tags_and_words", "settings", "term_variant", "variants"]

FACTOR_PRODUCT = "·"
"""Joins the names of declared factors multiplied together (`gamma·1/sqrt(var+eps)`)."""


@dataclass(frozen=True)
class Setting:
    """How a backward's terms are evaluated: as declared, or with `at` replaced, `dim` moved, or a scalar fixed."""

    point: str | None = None
    dim: int | None = None
    scalar: tuple[str, float] | None = None
    """A scalar the terms read at this value whatever the case's: 0 is the scalar left out, another value one
    written in."""
    diagonal: bool = False
    """Only the diagonal of the node's Jacobian along its statistics axis: each output moving with its own input."""

    @property
    def declared(self) -> bool:
        return self.point is None and self.dim is None and self.scalar is None and not self.diagonal


@dataclass(frozen=True)
class Generated:
    """A generated variant, with the tags that name it and the words that complete "Your <id> is ..."."""

    variant: Variant
    tags: tuple[str, ...]
    says: str


def axis_name(context: Context, backward: Backward, dim: int) -> str:
    """The declared name of the node's axis at `dim`, with `#position` when the name appears twice (`t#1`)."""
    shape = context.vocabulary[backward.node].shape
    position = dim % len(shape)
    name = shape[position]
    return name if shape.count(name) == 1 else f"{name}#{position}"


def points(context: Context, backward: Backward) -> tuple[str, ...]:
    """The quantities of `at`'s shape the terms could be evaluated at instead: the node's inputs, the node itself,
    and the nodes computed from its inputs."""
    node = _node(context, backward)
    shape = context.vocabulary[backward.at].shape
    return tuple(name for name in computed_from_inputs(context, node)
                 if name != backward.at and context.vocabulary[name].shape == shape)


def other_dims(context: Context, backward: Backward) -> tuple[int, ...]:
    if backward.dim is None:
        return ()
    rank = len(context.vocabulary[backward.node].shape)
    return tuple(position for position in range(rank) if position != backward.dim % rank)


def fixed_scalars(context: Context, backward: Backward) -> tuple[tuple[str, float], ...]:
    """Each scalar of the context the terms use (an epsilon), at 0 (left out) and at each of its declared values
    (written in)."""
    return tuple((scalar.name, value) for scalar in context.scalars if scalar.name in backward.uses
                 for value in dict.fromkeys((0.0, *scalar.values, *scalar.diagnostic)))


def settings(context: Context, backward: Backward) -> tuple[Setting, ...]:
    """Every setting but the declared one: each other point, each other axis, each scalar fixed, and (along a
    statistics axis) the diagonal alone, at `at` and at each other point."""
    diagonals = (Setting(diagonal=True), *(Setting(point=name, diagonal=True) for name in points(context, backward)))
    return (*(Setting(point=name) for name in points(context, backward)),
            *(Setting(dim=dim) for dim in other_dims(context, backward)),
            *(Setting(scalar=fixed) for fixed in fixed_scalars(context, backward)),
            *(diagonals if backward.dim is not None else ()))


def setting_tags_and_words(context: Context, backward: Backward, setting: Setting) -> tuple[tuple[str, ...], str]:
    """The tags of a setting, and its words as the rest of "the gradient with ..."."""
    from checks import tags

    node, vocabulary = backward.node, context.vocabulary
    if setting.diagonal:
        tag = tags.JACOBIAN_DIAGONAL.of(node)
        words = (f"only the diagonal of {node}'s Jacobian ({vocabulary[node].meaning}): each output moving with its "
                 f"own input alone")
        if setting.point is None:
            return (tag,), words
        point_tags, point_words = setting_tags_and_words(context, backward, Setting(point=setting.point))
        return (tag, *point_tags), f"{words}, and {point_words}"
    if setting.point is not None:
        return ((tags.DERIVATIVE_AT.of(f"{node}@{setting.point}"),),
                f"{node}'s derivative ({vocabulary[node].meaning}) written in {backward.at} "
                f"({vocabulary[backward.at].meaning}) but evaluated at {setting.point} "
                f"({vocabulary[setting.point].meaning})")
    if setting.dim is not None:
        axis, own = axis_name(context, backward, setting.dim), axis_name(context, backward, backward.dim)
        return ((tags.DERIVATIVE_OVER.of(f"{node}@{axis}"),),
                f"{node}'s backward pass ({vocabulary[node].meaning}) taking its sums and means over axis {axis}, "
                f"where its statistics run over {own} (its forward pass keeps {own})")
    name, value = setting.scalar
    if value == 0:
        return ((tags.DERIVATIVE_WITHOUT.of(f"{node}@{name}"),),
                f"{name} left out of {node}'s backward pass ({vocabulary[node].meaning}); its forward pass keeps it")
    return ((tags.SCALAR_FIXED.of(f"{name}={value:g}"),),
            f"{name} written in as {value:g} in {node}'s backward pass ({vocabulary[node].meaning}), whatever the "
            f"case's {name}")


@cache
def variants(context: Context) -> tuple[Generated, ...]:
    """The single variants generated from every backward of the context, in declared order."""
    from checks import tags

    found, knobs = [], set()
    for backward in context.backwards:
        for setting in settings(context, backward):
            setting_tags, words = setting_tags_and_words(context, backward, setting)
            name = _variant_name(backward, "+".join(setting_tags))
            found.append(Generated(backward_variant(context, backward, setting, others_live=True, name=name),
                                   setting_tags, f"the gradient with {words}"))
        if backward.node in knobs:
            continue
        knobs.add(backward.node)
        for dim in other_dims(context, backward) if backward.over is not None else ():
            axis, own = axis_name(context, backward, dim), axis_name(context, backward, backward.dim)
            tag = tags.STATISTICS_OVER.of(f"{backward.node}@{axis}")
            found.append(Generated(Variant("knob", tag, {backward.node: backward.over(dim)}, ""), (tag,),
                                   f"the exact gradient of a model whose {backward.node} "
                                   f"({context.vocabulary[backward.node].meaning}) takes its statistics over axis "
                                   f"{axis} instead of {own}"))
        if backward.dim is not None and any(term.diagonal for term in backward.terms):
            tag = tags.DIAG_OF_ROW
            rows = tuple(_first_entry_everywhere(term, backward.dim) if term.diagonal else term.vjp
                         for term in backward.terms)
            found.append(Generated(backward_variant(context, backward, Setting(), others_live=True, vjps=rows,
                                                    name=_variant_name(backward, tag)), (tag,),
                                   f"the gradient with {backward.node}'s Jacobian built from np.diag of a (1, n) row: "
                                   "numpy gives that row's first entry, not a diagonal matrix, so the diagonal term "
                                   "is that one entry in every position"))
    names = [made.variant.name for made in found]
    if len(set(names)) != len(names):
        raise RuntimeError(f"{context.name}: two generated variants share a name, so their truths would be confused: "
                           f"{sorted(name for name in set(names) if names.count(name) > 1)}")
    return tuple(found)


def _variant_name(backward: Backward, what: str) -> str:
    """A generated variant's name, the key its truths are kept under: unique to the backward pass it changes (its
    node and input) and to what it changes there."""
    return f"{backward.node}<{backward.input}:{what}"


def term_variant(context: Context, backward: Backward, term: Term | None, setting: Setting,
                 factor: tuple[str, ...] = (), power: int = 0) -> Variant:
    """The model in which only `term` (in `setting`, times the declared factors to `power`) carries the gradient
    from the node to its input, or with no term none does. A term's contribution to an id is the difference of
    the two: every other route from `wrt` to `of` is in both."""
    name = f"term:{backward.node}.{term.name if term else ''}|{setting}|{FACTOR_PRODUCT.join(factor)}^{power}"
    return backward_variant(context, backward, setting, others_live=False, vjps=(term.vjp,) if term else (),
                            factor=factor, power=power, name=name)


def factor_products(backward: Backward) -> list[tuple[str, ...]]:
    """Every nonempty product of the declared factors, by their names in declared order."""
    names = tuple(backward.factors)
    return [chosen for size in range(1, len(names) + 1) for chosen in combinations(names, size)]


def backward_variant(context: Context, backward: Backward, setting: Setting, *, others_live: bool, name: str,
                     vjps: Sequence[Callable] | None = None, factor: tuple[str, ...] = (), power: int = 0) -> Variant:
    """The node with its value kept and its derivative to `backward.input` the sum of `vjps` (every declared term
    by default) in `setting`. With `others_live`, its derivatives to its other inputs stay true; without, they are
    cut, so the variant carries only the chosen terms."""
    node = _node(context, backward)
    index = node.inputs.index(backward.input)
    vjps = tuple(term.vjp for term in backward.terms) if vjps is None else tuple(vjps)
    dim = backward.dim if setting.dim is None else setting.dim
    if setting.diagonal:
        vjps = tuple(_diagonal_of(vjp, dim) for vjp in vjps)

    def node_fn(*inputs):
        kept = [x.detach() if (i == index or not others_live) and isinstance(x, torch.Tensor) else x
                for i, x in enumerate(inputs)]
        value = node.fn(*kept)
        live = inputs[index]
        if not (vjps and torch.is_grad_enabled() and isinstance(live, torch.Tensor) and live.requires_grad):
            return value
        q = quantities(context, backward, node, [x.detach() if isinstance(x, torch.Tensor) else x for x in inputs],
                        setting)
        with torch.enable_grad():
            g = torch.zeros_like(value).requires_grad_(True)
            share = sum(vjp(g, q, dim) for vjp in vjps)
            for factor_name in factor:
                share = share * backward.factors[factor_name](q) ** power
            share = torch.broadcast_to(share, live.shape)  # a mean term comes as one row for all
            # the VJP as the gradient of a sum: `grad_outputs=live` gives the same, but makes torch import sympy
            (proxy,) = torch.autograd.grad((share * live).sum(), g, create_graph=True)
        return value + (proxy - proxy.detach())

    return Variant("local_derivative", name, {node.name: node_fn}, "")


def _diagonal_of(vjp: Callable, dim: int) -> Callable:
    """A row-wise vector-Jacobian product kept to its Jacobian's diagonal along `dim`, `J_aa g_a`: the diagonal read
    off one basis vector of the rows at a time (`J_aa = (J e_a)_a`)."""
    def diagonal(g, q, d):
        found = torch.zeros_like(g)
        for a in range(g.shape[dim]):
            unit = torch.zeros_like(g)
            unit.narrow(dim, a, 1).fill_(1.0)
            found = found + unit * torch.broadcast_to(vjp(unit, q, d), g.shape)
        return found * g
    return diagonal


def _first_entry_everywhere(term: Term, dim: int) -> Callable:
    """A diagonal term `u ⊙ g` as np.diag of a (1, n) row writes it: the matrix `u_0 1 1ᵀ`, `u_0 Σ g` everywhere."""
    def vjp(g, q, d):
        u = term.vjp(torch.ones_like(g), q, d)
        return u.narrow(dim, 0, 1) * g.sum(dim, keepdim=True)
    return vjp


def quantities(context: Context, backward: Backward, node, inputs: list, setting: Setting) -> dict:
    """The values the terms read, computed from the node's inputs, with the setting's replacements made."""
    values = dict(zip(node.inputs, inputs))
    for other in context.nodes[:context.nodes.index(node)]:
        if other.name not in values and all(name in values for name in other.inputs):
            values[other.name] = other.fn(*(values[name] for name in other.inputs))
    values[node.name] = node.fn(*inputs)
    q = {name: values[name] for name in (backward.at, *backward.uses)}
    if setting.point is not None:
        q[backward.at] = values[setting.point]
    if setting.scalar is not None:
        name, value = setting.scalar
        q[name] = value
    return q


def _node(context: Context, backward: Backward):
    return next(node for node in context.nodes if node.name == backward.node)
