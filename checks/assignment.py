"""The declaration types an assignment is written in, in the manner of PyTorch's OpInfo.

An `Assignment` declares its axes, its contexts and its derivation ids. A
`Context` is one PyTorch model with named nodes: the leaves a case draws (and how
it draws them), the nodes computed from them by PyTorch's own functions, which
nodes have kinks, which node is the loss, the edge cases it can draw and the masks
diagnosis looks at. A `Derivation` says what one id is the derivative of, with
respect to what, and how its returned array indexes the full Jacobian. Every check
of the engine iterates over these declarations, and the engine knows no
assignment by name: `checks.assignments` finds one by name at the edges (the
command line, the pytest plugin) and hands it down as a value.

Declarations are validated when they are made, with messages that say what to
change: names resolve, every `of` is downstream of its `wrt`, the loss depends on
every `wrt`, patterns index the Jacobian. The engine goes further before it uses
one (`checks.engine.validation`): it runs each context once, and reads the
reference's docstrings where the reference is installed. Nothing here imports
the engine.

Everything a student-facing command needs (the model, the vocabulary, the
shapes, the template, the notation, the diagnosis variants, the default rubric)
is declared here; the reference closed forms, and a catalog named by module,
are imported only when asked for. So an assignment loads without them, as it
does from a student kit (`gradjudge kit`), and only what needs them
(`gradjudge verify`, `soak`, the staff's tools) says `ReferencesMissing`.
"""
from __future__ import annotations

import importlib
import importlib.util
import keyword
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Protocol

import numpy as np

from checks.errors import GradjudgeError
from checks.kinks import TIES, Kink
from checks.model import Graph
from checks.sizes import Size, SizeError, as_size, computed_order

Magnitude = Callable[[Mapping[str, object]], float]
LengthScale = Callable[[Mapping[str, object]], object]


class DeclarationError(GradjudgeError, ValueError):
    """A declaration that cannot work, with what to change."""


class ReferencesMissing(GradjudgeError, LookupError):
    """The assignment's reference closed forms are not installed here (a student kit), and something needs them."""


def installed(module: str) -> bool:
    """Whether `module` can be found here; its parent packages are imported to look, the module itself is not."""
    try:
        return importlib.util.find_spec(module) is not None
    except ModuleNotFoundError as exc:
        if exc.name and (module == exc.name or module.startswith(exc.name + ".")):
            return False
        raise


class Drawn(Protocol):
    """What a context's `generate` reads of the case it draws leaves for."""

    @property
    def size(self) -> Mapping[str, int]:
        """Every axis's size, computed ones included."""

    @property
    def scalars(self) -> Mapping[str, float | int]:
        """Every scalar's value."""

    scale: float
    """The input scale (1, 0.1 or 10): how large the inputs are drawn."""
    edge: str | None
    """The deliberate edge to draw, if any (one of the context's `edges`)."""
    seed: int


def absmax(value: object) -> float:
    """The largest absolute entry of an array (0 for an empty one): a building block of magnitudes."""
    return float(np.max(np.abs(value))) if np.size(value) else 0.0


@dataclass(frozen=True)
class Axis:
    """One axis name, with its meaning; the same name means the same thing everywhere in an assignment."""

    name: str
    meaning: str


@dataclass(frozen=True)
class Scalar:
    """A hyperparameter each case draws from declared choices, such as a drop probability or a stride: a leaf of shape `()`.

    `values` are what hypothesis draws, the first being where shrinking lands;
    `diagnostic` are cycled through the extra cases diagnosis runs. Values that
    are all ints make an integer scalar (a stride, a padding), which reaches the
    model and the submission as a Python int and which computed sizes may read.
    """

    name: str
    meaning: str
    values: tuple[float, ...] | tuple[int, ...]
    diagnostic: tuple[float, ...] | tuple[int, ...]
    valid: Callable[[float], bool] = lambda value: True
    rule: str = ""
    """What `valid` requires, for its error message ("must lie in [0, 1)")."""
    factors: Mapping[str, Callable[[float], float]] = field(default_factory=dict)
    """Expressions in this scalar that a wrong answer may be off by, such as `1-p`: diagnosis names them."""


@dataclass(frozen=True)
class Quantity:
    """One named array (or a scalar, when `shape == ()`) that a derivation may ask for."""

    name: str
    shape: tuple[str, ...]
    meaning: str
    layout: str = ""
    """For a weight: how its axes are laid out, in words a hint may quote ("(out, in), as torch.nn.Linear stores
    it"; "(in, out): the input times it"). Without one, hints quote its shape in axis names."""


@dataclass(frozen=True)
class Node:
    """A quantity the model computes: `fn(*inputs)`, with PyTorch's own functions."""

    name: str
    shape: tuple[str, ...]
    meaning: str
    inputs: tuple[str, ...]
    fn: Callable[..., object]
    kink: Kink | None = None
    """Where the piecewise op it applies switches pieces (`checks.kinks`: RELU, ABS, clamp, max_over, max_pool), read
    from its inputs, the first being the one that may tie."""
    offered: bool = True
    """False for a node submissions may never ask for (an argmax mask that would hand them the answer); it still
    names a mask or a wrong node for diagnosis."""

    @property
    def quantity(self) -> Quantity:
        return Quantity(self.name, self.shape, self.meaning)


@dataclass(frozen=True)
class Mask:
    """A 0/1-like quantity whose pattern explains where a wrong answer is off (diagnosis's `off_where`)."""

    quantity: str
    inside: str
    outside: str
    inside_says: str
    outside_says: str


VARIANT_KINDS = {
    "path": "one path of the model cut: the value is unchanged, no gradient flows along it",
    "knob": "the model with one setting changed: a different model, differentiated exactly",
    "local_derivative": "a node's value unchanged, its derivative swapped for a common wrong one",
}


@dataclass(frozen=True)
class Variant:
    """A model a wrong answer may have differentiated instead of the true one: some nodes computed otherwise.

    `replaces` maps node names to functions of the same inputs. `says` completes
    "Your <id> is ..." in the vocabulary of the assignment, saying what that
    answer computes, never what the right one is.
    """

    kind: str
    name: str
    replaces: Mapping[str, Callable[..., object]]
    says: str
    subject: str = ""
    """For a path: what it is, as a noun ("the path through the batch variance"), to say it is scaled wrongly."""


def surrogate(value, proxy):
    """A tensor with `value`'s value and `proxy`'s derivative: how a local-derivative variant swaps a derivative."""
    return value.detach() + (proxy - proxy.detach())


@dataclass(frozen=True)
class Term:
    """One named term of a node's backward pass: `vjp(g, q, dim)` is its share of the gradient at the node's input.

    `g` is the gradient at the node's output, `q` maps each quantity the backward
    is written in (its `at` and `uses`) to its value, and `dim` is the position of
    the axis the node's statistics run over (None for an elementwise node). A
    `diagonal` term is `u ⊙ g` for a `u` of the quantities: as a matrix, a diagonal.
    """

    name: str
    subject: str
    """What it is, as a noun ("the term through the batch variance")."""
    vjp: Callable[..., object]
    diagonal: bool = False


@dataclass(frozen=True)
class Backward:
    """A node's backward pass to one of its inputs, `Σ_k term_k.vjp(g, q, dim)`, written in named quantities.

    `at` is the quantity the terms are written in (softmax's output, a sine's
    input, a normalization's normalised input) and `uses` the others they read; each is the node, one
    of its inputs, or a node computed from its inputs alone. `dim` is the position
    of the axis its statistics run over, and `over(dim)` gives the node's own
    function with its statistics over another position. `factors` are array factors
    of the quantities that a term can lose to operator precedence. Diagnosis
    generates its hypotheses from this: each term scaled on its own or lacking
    factors, the terms evaluated at another quantity of `at`'s shape, over another
    axis, or with a scalar they use taken as 0.
    """

    node: str
    input: str
    at: str
    terms: tuple[Term, ...]
    uses: tuple[str, ...] = ()
    dim: int | None = None
    over: Callable[[int], Callable[..., object]] | None = None
    factors: Mapping[str, Callable[[Mapping[str, object]], object]] = field(default_factory=dict)

    def validate(self, context: Context, where: str) -> None:
        """Fail early, saying what to change, when the backward cannot be evaluated from the node's inputs."""
        where = f"{where}: backward of {self.node!r}"
        node = next((node for node in context.nodes if node.name == self.node), None)
        if node is None or self.input not in node.inputs:
            raise DeclarationError(f"{where}: {self.node!r} must be a node and {self.input!r} one of its inputs")
        reachable = computed_from_inputs(context, node)
        unknown = [name for name in (self.at, *self.uses) if name not in reachable]
        if unknown:
            raise DeclarationError(f"{where}: {', '.join(unknown)} must be the node, one of its inputs, or a node "
                                   f"computed from its inputs alone ({', '.join(reachable)})")
        names = [term.name for term in self.terms]
        if not names or len(set(names)) != len(names) or not all(name.isidentifier() for name in names):
            raise DeclarationError(f"{where}: its terms need distinct identifier names, not {names}")
        if self.dim is not None and not -len(node.shape) <= self.dim < len(node.shape):
            raise DeclarationError(f"{where}: dim={self.dim}, but {self.node} has {len(node.shape)} axes")
        if self.over is not None and self.dim is None:
            raise DeclarationError(f"{where}: `over` moves the axis of its statistics; declare that axis as `dim`")


def computed_from_inputs(context: Context, node: Node) -> tuple[str, ...]:
    """The node's inputs, the nodes declared before it that are computed from those alone, and the node itself."""
    found = list(node.inputs)
    for other in context.nodes[:context.nodes.index(node)]:
        if all(name in found for name in other.inputs):
            found.append(other.name)
    return (*found, node.name)


@dataclass(frozen=True, eq=False)
class Context:
    """One model: its axes (the batch axis first, each sized as `checks.sizes` says), leaves, nodes and loss.

    `generate(rng, case)` returns the value of every leaf but the scalars, which
    come from the case. `length_scales` give, per quantity, the distance over
    which it may move and stay in the same local regime (the numeric witness
    scales its steps by it); the default is the quantity's root-mean-square size.
    """

    name: str
    title: str
    axes: Mapping[str, int | Size]
    """Each axis's `Size` (an int is a minimum size), the batch axis first: see `checks.sizes`."""
    leaves: tuple[Quantity, ...]
    nodes: tuple[Node, ...]
    generate: Callable[[np.random.Generator, Drawn], dict]
    scalars: tuple[Scalar, ...] = ()
    loss: str = "L"
    edges: Mapping[str, str] = field(default_factory=dict)
    """Deliberate edge cases `generate` knows, with what each draws."""
    length_scales: Mapping[str, LengthScale] = field(default_factory=dict)
    masks: tuple[Mask, ...] = ()
    variants: tuple[Variant, ...] = ()
    """Paths, knobs and local derivatives that diagnosis tries, declared next to the model."""
    backwards: tuple[Backward, ...] = ()
    """Backward passes of some nodes written as named terms, from which diagnosis generates its hypotheses."""
    ties: str | tuple[str, ...] = "avoid"
    """Whether its cases may hold ties at a kink: `"avoid"` (drawn again until none is near one), `"allow"`, or the
    names of the edges that draw ties on purpose (`checks.kinks.TIES`)."""

    def __post_init__(self) -> None:
        where = f"context {self.name!r}"
        _identifier(self.name, where)
        if not self.axes:
            raise DeclarationError(f"{where}: declare its axes, the batch axis first")
        try:
            sizes = self.sizes
            if sizes[self.batch_axis].kind != "range":
                raise SizeError(f"{where}: its batch axis {self.batch_axis} is {sizes[self.batch_axis].describe()}, "
                                "but the batch axis is drawn in a range")
            self.computed_axes  # noqa: B018 (orders the computed sizes, and checks what each reads)
        except SizeError as exc:
            raise DeclarationError(str(exc)) from None
        names = [q.name for q in self.leaves] + [s.name for s in self.scalars] + [n.name for n in self.nodes]
        repeated = sorted({name for name in names if names.count(name) > 1})
        if repeated:
            raise DeclarationError(f"{where}: {', '.join(repeated)} declared more than once")
        known: set[str] = {q.name for q in self.leaves} | {s.name for s in self.scalars}
        for quantity in self.vocabulary.values():
            unknown = [axis for axis in quantity.shape if axis not in self.axes]
            if unknown:
                raise DeclarationError(f"{where}: {quantity.name} has shape {quantity.shape}, but {', '.join(unknown)} "
                                       f"is not one of its axes {tuple(self.axes)}")
        for node in self.nodes:
            missing = [name for name in node.inputs if name not in known]
            if missing:
                raise DeclarationError(f"{where}: node {node.name!r} takes {', '.join(missing)}, which no leaf or earlier "
                                       "node defines; declare nodes in the order they are computed")
            known.add(node.name)
        if self.loss not in {node.name for node in self.nodes}:
            raise DeclarationError(f"{where}: loss={self.loss!r}, but the loss must be one of its nodes")
        for name in self.length_scales:
            if name not in self.vocabulary:
                raise DeclarationError(f"{where}: a length scale for {name!r}, which it does not have")
        for mask in self.masks:
            if mask.quantity not in self.vocabulary:
                raise DeclarationError(f"{where}: a mask on {mask.quantity!r}, which it does not have")
        for node in self.nodes:
            if node.kink is not None and (not isinstance(node.kink, Kink) or not node.inputs):
                raise DeclarationError(f"{where}: node {node.name!r} has kink={node.kink!r}, but a kink is a Kink of "
                                       "checks.kinks (RELU, ABS, clamp(...), max_over(...), max_pool(...)) on a node "
                                       "with inputs")
        if isinstance(self.ties, str):
            if self.ties not in TIES:
                raise DeclarationError(f"{where}: ties={self.ties!r}, but it is one of {', '.join(TIES)}, or the edges "
                                       "that draw ties on purpose")
        elif not isinstance(self.ties, tuple) or not set(self.ties) <= set(self.edges):
            raise DeclarationError(f"{where}: ties={self.ties!r}, but a tuple of ties names edges of the context "
                                   f"({', '.join(self.edges) or 'it has none'})")
        nodes = {node.name for node in self.nodes}
        for variant in self.variants:
            if variant.kind not in VARIANT_KINDS:
                raise DeclarationError(f"{where}: variant {variant.name!r} has kind={variant.kind!r}, but the kinds are "
                                       f"{', '.join(VARIANT_KINDS)}")
            _identifier(variant.name, f"{where}: variant")
            if variant.kind == "path" and not variant.subject:
                raise DeclarationError(f"{where}: path {variant.name!r} needs a subject, what it is as a noun")
            unknown = [name for name in variant.replaces if name not in nodes]
            if unknown or not variant.replaces:
                raise DeclarationError(f"{where}: variant {variant.name!r} must replace some of its nodes, not "
                                       f"{', '.join(unknown) or 'none'}")
        for backward in self.backwards:
            backward.validate(self, where)

    @property
    def batch_axis(self) -> str:
        return next(iter(self.axes))

    @cached_property
    def sizes(self) -> dict[str, Size]:
        """How a case sizes each axis, in declared order (an axis declared by an int is drawn from that minimum)."""
        return {axis: as_size(declared, f"context {self.name!r}: axes[{axis!r}]") for axis, declared in self.axes.items()}

    @cached_property
    def computed_axes(self) -> tuple[str, ...]:
        """The computed axes, each after the sizes it reads."""
        return computed_order(self.sizes, {s.name: tuple(s.values) for s in self.scalars}, f"context {self.name!r}")

    @cached_property
    def vocabulary(self) -> dict[str, Quantity]:
        """Every name a derivation of this context may ask for: leaves, scalars, then nodes."""
        found = {q.name: q for q in self.leaves}
        found.update({s.name: Quantity(s.name, (), s.meaning) for s in self.scalars})
        found.update({n.name: n.quantity for n in self.nodes})
        return found

    @cached_property
    def hidden(self) -> frozenset[str]:
        """The nodes no submission may ask for (declared `offered=False`)."""
        return frozenset(node.name for node in self.nodes if not node.offered)

    @cached_property
    def leaf_names(self) -> tuple[str, ...]:
        return tuple(q.name for q in self.leaves) + tuple(s.name for s in self.scalars)

    @cached_property
    def graph(self) -> Graph:
        """The model as a graph: evaluated from the leaves, re-entered at any quantity."""
        return Graph(self)

    @property
    def kinks(self) -> tuple[str, ...]:
        """The nodes that apply a piecewise op (declared with a kink)."""
        return tuple(node.name for node in self.nodes if node.kink is not None)

    def ties_allowed(self, edge: str | None) -> bool:
        """Whether a case with this deliberate edge (or none) may hold ties at a kink."""
        return self.ties == "allow" or (isinstance(self.ties, tuple) and edge in self.ties)


@dataclass(frozen=True)
class Derivation:
    """One derivation id.

    Its kind follows from what it declares: no `wrt` means the forward value of
    node `of`; `of` the context's loss means a gradient (shaped like `wrt`);
    anything else is a Jacobian of node `of` with respect to `wrt`, of which the
    id returns the entries picked by `pattern`, an einsum over the full
    Jacobian's indices (`of`'s, then `wrt`'s; every entry it leaves out is zero).
    `magnitude` gives the size of the terms the id sums, where the true value can
    be far smaller than they are (a cancellation): the absolute tolerance scales
    with it, as roundoff does.
    """

    id: str
    section: str
    context: Context
    of: str
    wrt: str | None = None
    pattern: str | None = None
    rows_of: str | None = None
    """For a gradient that sums per-sample rows over the batch (a bias, a shift): the node whose per-sample
    gradient rows it sums. Diagnosis uses it to recognise a sum over the wrong axis."""
    magnitude: Magnitude | None = None

    def __post_init__(self) -> None:
        _identifier(self.id, f"derivation {self.id!r}")
        vocabulary = self.context.vocabulary
        where = f"{self.id}"
        for role, name in (("of", self.of), ("wrt", self.wrt)):
            if name is not None and name not in vocabulary:
                raise DeclarationError(f"{where}: {role}={name!r}, but it is not in the {self.context.name} vocabulary "
                                       f"({', '.join(vocabulary)})")
        if self.wrt is None and self.of not in {node.name for node in self.context.nodes}:
            raise DeclarationError(f"{where}: a forward value must be of a node, and {self.of!r} is a leaf")
        if self.wrt is not None:
            above = self.context.graph.ancestors[self.of]
            if self.wrt not in above:
                if self.of == self.context.loss:
                    raise DeclarationError(f"{where}: wrt={self.wrt!r}, but the loss {self.of} does not depend on it "
                                           "(it is a dead end of the model); differentiate with respect to a quantity "
                                           "the loss is computed from")
                raise DeclarationError(f"{where}: of={self.of!r} must be downstream of wrt={self.wrt!r} in the model, "
                                       f"and it is not")
        if self.rows_of is not None and (self.kind != "gradient" or self.rows_of not in vocabulary or
                                         self.wrt not in self.context.graph.ancestors[self.rows_of]):
            raise DeclarationError(f"{where}: rows_of={self.rows_of!r} must be a node computed from {self.wrt!r}, "
                                   "whose per-sample gradient rows the id sums")
        if (self.pattern is not None) != (self.kind == "jacobian"):
            raise DeclarationError(f"{where}: a pattern is given exactly for Jacobians (of a node that is not the loss)")
        if self.pattern is not None:
            inputs, _, output = self.pattern.partition("->")
            expected = len(vocabulary[self.of].shape) + len(vocabulary[self.wrt].shape)
            if len(inputs) != expected or not set(output) <= set(inputs):
                raise DeclarationError(f"{where}: pattern {self.pattern!r} must index the {expected} Jacobian axes "
                                       f"({self.of}'s, then {self.wrt}'s) and return some of them")

    @property
    def kind(self) -> str:
        if self.wrt is None:
            return "value"
        return "gradient" if self.of == self.context.loss else "jacobian"

    @property
    def shape(self) -> tuple[str, ...]:
        """The returned array's shape in axis names."""
        vocabulary = self.context.vocabulary
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
        n_of = len(self.context.vocabulary[self.of].shape)
        return f"{output},{inputs[n_of:]}->{inputs[:n_of]}"

    @property
    def title(self) -> str:
        if self.kind == "value":
            return f"{self.of} (forward value)"
        return f"∂{self.of}/∂{self.wrt}"

    @property
    def offered(self) -> tuple[str, ...]:
        """The names this id may ask for: the context's vocabulary but its hidden nodes, or only its leaves for a
        forward value."""
        if self.kind == "value":
            return self.context.leaf_names
        return tuple(name for name in self.context.vocabulary if name not in self.context.hidden)


@dataclass(frozen=True)
class Notation:
    """How write-ups spell an assignment's quantities: the table the write-up reader (`checks.writeup`) reads.

    `aliases[context][spelling]` names the quantity a spelling stands for, once
    font wrappers are taken off: accents, then the letter or Greek name, then `_`
    and the subscript, then `^` and a superscript that is part of the name
    (`"hat y_B"` for `\\hat{\\mathbf{y}}_B`, `"sigma^2"`); the context `"*"` holds
    for all. `axis_symbols` does the same for the upper limits of sums;
    `derivative_aliases[context][(of, wrt)]` names a quantity written as a
    derivative (an upstream gradient `dy` as `\\partial L / \\partial y`);
    `context_keywords` are words of a heading that announce a context;
    `sample_letters` are the superscripts that mark sample i. A course extends
    any of them by declaring its own.
    """

    aliases: Mapping[str, Mapping[str, str]]
    axis_symbols: Mapping[str, Mapping[str, str]] = field(default_factory=dict)
    derivative_aliases: Mapping[str, Mapping[tuple[str, str], str]] = field(default_factory=dict)
    context_keywords: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    sample_letters: tuple[str, ...] = ("i",)


@dataclass(frozen=True)
class WrongVariant:
    """A known wrong formula for one id, with a hint that points at the missed idea without giving the answer."""

    name: str
    id: str
    function: Callable
    hint: str


@dataclass(frozen=True, eq=False)
class Assignment:
    """One homework (or one library's layers): its axes, contexts, ids, reference and defaults.

    `reference` names the module whose functions are the reference closed forms,
    one per id, written exactly as a submission is; it is imported only when
    needed, so that the assignment loads without it. `rubric` is a TOML file of
    default points (an id it leaves out is worth 1). `template` opens the blank
    file `gradjudge template` writes.
    """

    name: str
    title: str
    axes: tuple[Axis, ...]
    contexts: tuple[Context, ...]
    derivations: tuple[Derivation, ...]
    reference: str
    template: str
    rubric: Path | None = None
    catalog: tuple[WrongVariant, ...] | str = ()
    """Known wrong formulas with hints, or the `module:ATTRIBUTE` that holds them. Named so, the catalog stays out
    of a student kit (a wrong formula is often one step from the answer), and where its module is not installed
    the assignment declares none."""
    notation: Notation | None = None
    """How its write-ups spell things; without one, `gradjudge read` cannot read this assignment's write-ups."""
    default: bool = False
    """The assignment used when none is named (one installed assignment declares it)."""

    def __post_init__(self) -> None:
        where = f"assignment {self.name!r}"
        _identifier(self.name, where)
        if isinstance(self.catalog, str):
            object.__setattr__(self, "catalog", _named_catalog(self.catalog, where))
        axes = [axis.name for axis in self.axes]
        names = [context.name for context in self.contexts]
        for label, values in (("axes", axes), ("contexts", names), ("ids", [d.id for d in self.derivations])):
            repeated = sorted({value for value in values if values.count(value) > 1})
            if repeated:
                raise DeclarationError(f"{where}: {label} {', '.join(repeated)} declared more than once")
        batch = {context.batch_axis for context in self.contexts}
        if len(batch) != 1:
            raise DeclarationError(f"{where}: every context must list the same batch axis first, not {sorted(batch)}")
        for context in self.contexts:
            unknown = [axis for axis in context.axes if axis not in axes]
            if unknown:
                raise DeclarationError(f"{where}: context {context.name!r} uses axes {', '.join(unknown)}, which the "
                                       f"assignment does not declare ({', '.join(axes)})")
        for entry in self.derivations:
            if entry.context not in self.contexts:
                raise DeclarationError(f"{where}: {entry.id} belongs to context {entry.context.name!r}, which is not "
                                       "one of the assignment's contexts")
        for variant in self.catalog:
            if variant.id not in self.by_id:
                raise DeclarationError(f"{where}: catalog entry {variant.name!r} is for {variant.id!r}, no id of it")

    @cached_property
    def by_id(self) -> dict[str, Derivation]:
        return {entry.id: entry for entry in self.derivations}

    @property
    def ids(self) -> frozenset[str]:
        return frozenset(self.by_id)

    @property
    def batch_axis(self) -> str:
        return self.contexts[0].batch_axis

    def select(self, ids: list[str] | tuple[str, ...]) -> list[Derivation]:
        """The derivations `ids` name, in declared order (all of them for none); an unknown id raises with the closest."""
        import difflib

        unknown = [i for i in ids if i not in self.by_id]
        if unknown:
            hints = {i: difflib.get_close_matches(i, self.by_id, n=3, cutoff=0.3) for i in unknown}
            detail = "; ".join(f"{i!r} (did you mean {', '.join(h) or 'none close'}?)" for i, h in hints.items())
            raise KeyError(f"unknown derivation id of {self.name}: {detail}")
        return [entry for entry in self.derivations if not ids or entry.id in ids]

    def context(self, name: str) -> Context:
        return next(context for context in self.contexts if context.name == name)

    @property
    def references_present(self) -> bool:
        """Whether the reference closed forms are installed here (not in a student kit)."""
        return installed(self.reference)

    def reference_module(self):
        """The module of reference closed forms; `ReferencesMissing` where it is not installed."""
        if not self.references_present:
            raise ReferencesMissing(f"assignment {self.name!r}: its reference closed forms ({self.reference}) are not "
                                    "installed here, as in a student kit; this needs them: run it where the course's "
                                    "own package is installed")
        return importlib.import_module(self.reference)

    def reference_function(self, id: str) -> Callable | None:
        """The reference closed form of `id`, or None where the references are not installed (or it is missing)."""
        return getattr(self.reference_module(), id, None) if self.references_present else None


_SHAPE = re.compile(r"`\(([^`]*)\)`")


def stated_shape(docstring: str) -> tuple[str, ...] | None:
    """The shape a docstring's first line states in backticks, `(m, d)` or `(d,)`, as axis names."""
    found = _SHAPE.findall(docstring.splitlines()[0] if docstring else "")
    if len(found) != 1:
        return None
    return tuple(part.strip() for part in found[0].split(",") if part.strip())


def _named_catalog(spec: str, where: str) -> tuple[WrongVariant, ...]:
    """The catalog `module:ATTRIBUTE` names; none where its module is not installed (a student kit)."""
    module, _, attribute = spec.partition(":")
    if not module or not attribute:
        raise DeclarationError(f"{where}: catalog={spec!r}, but a catalog named by text is `module:ATTRIBUTE`")
    if not installed(module):
        return ()
    found = getattr(importlib.import_module(module), attribute, None)
    if not isinstance(found, tuple) or not all(isinstance(variant, WrongVariant) for variant in found):
        raise DeclarationError(f"{where}: catalog={spec!r} names {type(found).__name__}, not a tuple of WrongVariant")
    return found


def _identifier(name: object, where: str) -> None:
    if not isinstance(name, str) or not name.isidentifier() or keyword.iskeyword(name):
        raise DeclarationError(f"{where}: {name!r} must be a Python identifier")
