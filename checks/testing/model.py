"""A torch function of named inputs, declared as a context: leaves, the nodes it names, its paths, its loss.

The model is run once on a probe case to learn what it names (`markers.node`,
`markers.path`) and what it returns. Each named node and each output becomes a
node of the context, computed by running the model with the earlier named
nodes replaced by the values given, so that the engine can re-enter the model
at any of them; each path becomes a variant with that path detached. A model
output that is not a scalar is reduced to the loss `L = sum(dy * y)` with a
random upstream gradient `dy` (never `y.sum()`, whose gradient through a
normalisation is zero and hides every error); a scalar output is the loss
itself. Models that `torch.func.vmap` cannot batch are evaluated one sample at
a time by the numeric witness (`looped.per_sample`).
"""
from __future__ import annotations

import itertools
from collections.abc import Callable, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field

import numpy as np
import torch
from hypothesis import strategies as st

from checks.assignment import Assignment, Axis, Context, Derivation, Node, Quantity, Variant, absmax
from checks.kinks import Kink
from checks.engine.cases import Case, diagnostic_cases
from checks.engine.strategies import cases
from checks.testing import markers
from checks.testing.looped import per_sample
from checks.testing.values import Values, normal

LOSS = "L"
PROBE_SIZES = (3, 5, 7, 4, 6, 8, 9, 10, 11, 12, 13)
"""Sizes tried, in this order, for the probe case's axes: distinct where the ranges allow, and none of them 1 or 2,
the sizes of keepdim axes and pairs, so that each dimension the model returns names one axis."""
_SERIAL = itertools.count(1)


@dataclass(frozen=True)
class Input:
    """One named input of the model: its shape in axis names, and how its values are drawn."""

    shape: tuple[str, ...]
    values: Values = field(default_factory=normal)


def upstream_name(output: str) -> str:
    """The random upstream gradient of a non-scalar output `y`: `dy`."""
    return f"d{output}"


@contextmanager
def float64_by_default():
    """Tensors the model creates without a dtype are float64, like its inputs."""
    previous = torch.get_default_dtype()
    torch.set_default_dtype(torch.float64)
    try:
        yield
    finally:
        torch.set_default_dtype(previous)


def run(model: Callable, arguments: Mapping[str, object], replacements: Mapping[str, object] | None = None,
        cut: frozenset[str] = frozenset()) -> tuple[markers.Trace, dict[str, torch.Tensor]]:
    """One evaluation of the model: what it named on the way, and its outputs by name."""
    trace = markers.Trace(dict(replacements or {}), cut)
    token = markers.tracing(trace)
    try:
        with float64_by_default():
            returned = model(**arguments)
    finally:
        markers.finish(token)
    return trace, returned


@dataclass(frozen=True)
class Built:
    """The declaration made from a model: one context, one gradient id per input checked."""

    assignment: Assignment
    context: Context
    entries: tuple[Derivation, ...]
    strategy: st.SearchStrategy[Case]
    diagnostic: tuple[Case, ...]
    upstream: str | None
    """The upstream gradient's name, or None when the output is a scalar (then it is the loss)."""
    per_sample: bool
    """Whether the witness evaluates the model one sample at a time (vmap cannot batch it)."""


def build(*, model: Callable, name: str, section: str, shapes: Mapping[str, tuple[int, int]],
          inputs: Mapping[str, Input], output: str, wrt: tuple[str, ...],
          outputs_of: Callable[[object], dict[str, torch.Tensor]],
          knobs: Mapping[str, tuple[Callable, str]] | None = None) -> Built:
    """The context of `model`, run once on a probe case; `outputs_of` reads what the model returns as named tensors.

    `knobs` are other models (the same one with a setting changed), by name, each with what it computes: diagnosis
    tries each as a variant.
    """
    input_names = tuple(inputs)
    sizes = probe_sizes(shapes)
    probe = {n: torch.from_numpy(draw(spec, np.random.default_rng(0), sizes, 1.0)) for n, spec in inputs.items()}
    trace, returned = run(model, probe)
    outputs = outputs_of(returned)
    if output not in outputs:
        raise ValueError(f"output={output!r}, but the model returns {', '.join(outputs) or 'nothing'}")
    node_names = tuple(trace.nodes)
    _check_names(input_names, node_names, tuple(outputs), tuple(trace.paths))
    scalar = outputs[output].dim() == 0
    upstream = None if scalar else upstream_name(output)

    pieces = _Pieces(model, input_names, node_names, tuple(outputs), outputs_of)
    looped = not _batches(pieces.evaluator(output, ()), probe, list(wrt))
    wrap = per_sample if looped else (lambda fn: fn)
    shape_of = {n: axes_of(v, sizes, shapes) for n, v in {**trace.nodes, **outputs}.items()}
    nodes = [Node(n, shape_of[n], f"the model's {'node' if n in trace.nodes else 'output'} {n}",
                  (*input_names, *substituted), wrap(fn), kink=own_sign(wrap(fn)) if n in trace.kinks else None)
             for n, (substituted, fn) in pieces.parts().items()]
    if scalar:
        nodes.append(Node(LOSS, (), f"the model's output {output}, a scalar", (output,), lambda y: y))
    else:
        nodes.append(Node(LOSS, (), f"sum({upstream} * {output})", (upstream, output), lambda dy, y: (dy * y).sum()))
    leaves = [Quantity(n, spec.shape, f"the model's input {n}: {spec.values.description}") for n, spec in inputs.items()]
    if upstream:
        leaves.append(Quantity(upstream, shape_of[output], f"upstream gradient; {LOSS} = sum({upstream} * {output})"))
    variants = tuple(Variant("path", p, {n: wrap(fn) for n, (_, fn) in pieces.parts(frozenset({p})).items()},
                             f"the exact gradient of the model with {subject} left out", subject=subject)
                     for p, subject in trace.paths.items())
    variants += tuple(Variant("knob", k, {n: wrap(fn) for n, (_, fn) in pieces.parts(computed=other).items()},
                              says)
                      for k, (other, says) in (knobs or {}).items())

    def generate(rng: np.random.Generator, case: Case) -> dict[str, np.ndarray]:
        drawn = {n: draw(spec, rng, case.size, case.scale) for n, spec in inputs.items()}
        if upstream:
            with torch.no_grad():
                _, returned = run(model, {n: torch.from_numpy(v) for n, v in drawn.items()})
            drawn[upstream] = rng.standard_normal(tuple(outputs_of(returned)[output].shape))
        return drawn

    axes = list(shapes)
    called = f"{output} = {getattr(model, '__name__', 'model')}({', '.join(input_names)})"
    title = f"{LOSS} = {output}, {called}" if scalar else f"{LOSS} = sum({upstream} * {output}), {called}"
    context = Context(f"{name}_{next(_SERIAL)}", title,
                      axes={a: low for a, (low, _) in shapes.items()}, leaves=tuple(leaves), nodes=tuple(nodes),
                      generate=generate, loss=LOSS, variants=variants)
    entries = tuple(Derivation(f"{LOSS}_{w}" if scalar else f"d{LOSS}_d{w}", section, context, LOSS, w,
                               magnitude=terms(w, output, upstream)) for w in wrt)
    assignment = Assignment(context.name, context.title,
                            tuple(Axis(a, f"{'batch axis, ' if a == axes[0] else ''}sizes {lo} to {hi}")
                                  for a, (lo, hi) in shapes.items()),
                            (context,), entries, reference=__name__, template="")
    largest = {a: hi for a, (_, hi) in shapes.items()}
    strategy = cases(context=context, max_batch=largest[axes[0]], max_width=max(largest.values()), edges=False,
                     max_sizes=largest)
    return Built(assignment, context, entries, strategy, within(diagnostic_cases(context), shapes), upstream, looped)


@dataclass(frozen=True)
class _Pieces:
    """The model cut into the context's nodes: each named node and each output as a function of the inputs and the
    named nodes before it, computed by running the model with those nodes replaced by the values given."""

    model: Callable
    inputs: tuple[str, ...]
    nodes: tuple[str, ...]
    outputs: tuple[str, ...]
    outputs_of: Callable[[object], dict[str, torch.Tensor]]

    def evaluator(self, target: str, substituted: tuple[str, ...], cut: frozenset[str] = frozenset(),
                  computed: Callable | None = None) -> Callable:
        """`target` as a function of the inputs and `substituted`, in `computed` (default: the model), `cut` paths
        detached."""
        count, outputs_of, computed = len(self.inputs), self.outputs_of, computed or self.model
        inputs = self.inputs

        def evaluate(*values):
            trace, returned = run(computed, dict(zip(inputs, values[:count])), dict(zip(substituted, values[count:])),
                                  cut)
            return trace.nodes[target] if target in trace.nodes else outputs_of(returned)[target]

        return evaluate

    def parts(self, cut: frozenset[str] = frozenset(),
              computed: Callable | None = None) -> dict[str, tuple[tuple[str, ...], Callable]]:
        """Every named node and output: the named nodes it takes, and its function."""
        found = {n: (self.nodes[:k], self.evaluator(n, self.nodes[:k], cut, computed)) for k, n in enumerate(self.nodes)}
        found.update({o: (self.nodes, self.evaluator(o, self.nodes, cut, computed)) for o in self.outputs})
        return found


def terms(wrt: str, output: str, upstream: str | None) -> Callable[[Mapping[str, object]], float]:
    """The size of the terms a gradient of `wrt` sums: `max|dy| · max(rms(y), rms(wrt)) / rms(wrt)` (with `|L|` for
    `rms(y)` and 1 for `max|dy|` when the output is a scalar).

    That is what flows back through the output, in `wrt`'s units, and at least
    `max|dy|` (a sensitivity of one) where the output is far smaller than its
    input. Roundoff scales with it, not with the truth, which can cancel to
    almost nothing (a LayerNorm over two features: 1e-6 of its terms) or
    underflow (a GELU far below zero, whose float64 forward is exactly 0).
    """
    def magnitude(values: Mapping[str, object]) -> float:
        size = _rms(values[wrt])
        upstream_size, output_size = ((absmax(values[upstream]), _rms(values[output])) if upstream
                                      else (1.0, abs(float(values[output]))))
        return upstream_size * max(output_size, size) / size if size > 0 else 0.0

    return magnitude


def _rms(value: object) -> float:
    return float(np.sqrt(np.mean(np.square(value)))) if np.size(value) else 0.0


def draw(spec: Input, rng: np.random.Generator, sizes: Mapping[str, int], scale: float) -> np.ndarray:
    value = spec.values(rng, tuple(sizes[a] for a in spec.shape), scale, sizes)
    return value.astype(np.float64) if spec.values.floating or value.dtype.kind == "f" else value


def probe_sizes(shapes: Mapping[str, tuple[int, int]]) -> dict[str, int]:
    """A size for each axis, distinct from the others' and from 1 and 2 wherever its range allows."""
    sizes, used = {}, {1, 2}
    for axis, (low, high) in sorted(shapes.items(), key=lambda item: item[1][1] - item[1][0]):
        free = [s for s in PROBE_SIZES if low <= s <= high and s not in used]
        sizes[axis] = free[0] if free else next((s for s in range(low, high + 1) if s not in used), low)
        used.add(sizes[axis])
    return {axis: sizes[axis] for axis in shapes}


def axes_of(value: object, sizes: Mapping[str, int], shapes: Mapping[str, tuple[int, int]]) -> tuple[str, ...]:
    """A probe value's shape in axis names; `()` when some dimension names no single axis (a keepdim 1, a pair)."""
    if not isinstance(value, torch.Tensor):
        return ()
    found = []
    for size in value.shape:
        named = [axis for axis in shapes if sizes[axis] == size]
        if len(named) != 1:
            return ()
        found.append(named[0])
    return tuple(found)


def within(found: list[Case], shapes: Mapping[str, tuple[int, int]]) -> tuple[Case, ...]:
    """The engine's diagnostic cases with every size brought inside its declared range."""
    kept = []
    for case in found:
        dims = {axis: min(max(size, shapes[axis][0]), shapes[axis][1]) for axis, size in case.dims}
        kept.append(Case.of(case.context, seed=case.seed, scale=case.scale, **dims))
    return tuple(kept)


def _batches(evaluate: Callable, probe: dict[str, torch.Tensor], wrt: list[str]) -> bool:
    """Whether `torch.func.vmap` can evaluate the model over a batch of points of each input checked."""
    names = list(probe)
    for w in wrt:
        def at(point, w=w):
            return evaluate(*(point if n == w else probe[n] for n in names))
        try:
            torch.func.vmap(at)(torch.stack([probe[w], probe[w]]))
        except Exception:  # any failure to batch means: evaluate one sample at a time
            return False
    return True


def _check_names(inputs: tuple[str, ...], nodes: tuple[str, ...], outputs: tuple[str, ...], paths: tuple[str, ...]) -> None:
    reserved = {LOSS, *(upstream_name(o) for o in outputs)}
    seen: dict[str, str] = {}
    for kind, names in (("input", inputs), ("node", nodes), ("output", outputs)):
        for n in names:
            if n in reserved:
                raise ValueError(f"{kind} {n!r}, but {n} is reserved for the loss and the upstream gradients "
                                 f"({', '.join(sorted(reserved))}); rename it")
            if n in seen:
                raise ValueError(f"{kind} {n!r}, but the model already has an {seen[n]} named {n}; rename one")
            if not n.isidentifier():
                raise ValueError(f"{kind} {n!r}, but every name must be a Python identifier")
            seen[n] = kind
    for p in paths:
        if not p.isidentifier():
            raise ValueError(f"path({p!r}, ...), but a path's name must be a Python identifier")


def own_sign(fn: Callable) -> Kink:
    """The kink of a node marked `kink=True`: its pieces are the sign of its own value (a ReLU's input, `x - low`).

    How far an input may move before the sign changes is not known in closed form, so the witness's steps are not
    capped; it drops the steps at which some sign changes.
    """
    return Kink("sign", "the sign of the marked node's own value", piece=lambda *inputs: fn(*inputs) > 0,
                distance=lambda first, *rest: torch.full_like(first, float("inf")),
                at_tie="at 0 the gradient is what the model's own op takes there")
