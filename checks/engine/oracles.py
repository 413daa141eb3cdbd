"""The two oracles for one derivation on one case: autograd and numeric differentiation.

Both differentiate the PyTorch model of the derivation's context in float64,
re-entered at its `wrt` (a leaf or an intermediate node), and know nothing of
any closed form.
"""
from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
import torch
from torch.func import vmap

from checks.assignment import Derivation, Variant
from checks.engine.cases import Case
from checks.engine.numeric import SMALLEST_STEP, BatchedFunction, directional_derivatives
from checks.model import Graph, as_tensors

Value = torch.Tensor | float | int



def use_one_thread() -> None:
    """The tensors checked here are small: torch's thread pool only adds overhead, and on a busy
    machine its threads spin against each other (seen: grading 10 times slower). Entry points call this."""
    torch.set_num_threads(1)


FULL_JACOBIAN_MAX = 64
"""Up to this many `wrt` elements, an elementwise witness takes every basis direction: the whole Jacobian,
element by element, to show beside a failure at its worst entry, and for error carried forward."""
PROBES = 1
"""Random directional derivatives `vᵀ J u` that confirm autograd on a case. One tells any error of autograd's
Jacobian from none: a Gaussian `u` and `v` are orthogonal to a non-zero error with probability zero. Where a
kink lies between `wrt` and `of`, `u` moves one random coordinate instead (a dense direction moves every ReLU
input of a wide layer, and one of thousands is always within a step of its kink): it confirms one random
column of the Jacobian, another on each case witnessed. A probe that crosses a kink at every step is
discarded, and the case counted as one without a witness."""

ONE_AT_A_TIME = 2**15
"""From this many elements computed per evaluation of the model (`wrt` and the nodes between it and `of`), the
witness makes and evaluates its points one at a time instead of batched by vmap. Measured on the network's ids (13
points, one thread): at 7,168 elements vmap takes 0.57 ms against a loop's 0.97 ms, at 53,248 elements 2.48 ms at its
best chunk against 2.38 ms, at 212,992 elements (m = 256, widths 128) 11.0 ms against 8.6 ms: past a few tens of
thousands of elements the batched kernels cost more than the per-call overhead they save."""


@dataclass(frozen=True)
class Evaluated:
    """A case's values: as float64 tensors for the oracles, as numpy arrays for closed forms.

    With a `variant`, they are the values of that variant of the model (diagnosis).
    """

    case: Case
    tensors: dict[str, Value]
    arrays: dict[str, np.ndarray | float | int]
    variant: Variant | None = None

    @property
    def model(self) -> Graph:
        return self.case.context.graph

    @property
    def overrides(self) -> dict:
        return dict(self.variant.replaces) if self.variant is not None else {}


def evaluate(case: Case) -> Evaluated:
    """The case's values in the true model."""
    with torch.no_grad():
        tensors = case.context.graph.evaluate(as_tensors(case.leaves))
    return _evaluated(case, tensors, None)


def evaluate_variant(true: Evaluated, variant: Variant) -> Evaluated:
    """The case's values in `variant`'s model, from its values in the true model (`true`): the nodes the variant
    computes by other functions, and those downstream of them, computed again."""
    with torch.no_grad():
        tensors = true.model.overridden(true.tensors, dict(variant.replaces))
    return _evaluated(true.case, tensors, variant)


def evaluate_with_gradients(case: Case, wrts: Sequence[str]) -> tuple[Evaluated, list[torch.Tensor]]:
    """The case's values and ∂L/∂w for each of `wrts` (leaves or nodes): one forward pass, one backward pass."""
    context = case.context
    leaves = {name: _tracked(value) for name, value in as_tensors(case.leaves).items()}
    with torch.enable_grad():
        values = context.graph.evaluate(leaves)
        loss = values[context.loss]
        if loss.requires_grad:
            gradients = list(torch.autograd.grad(loss, [values[w] for w in wrts], allow_unused=True,
                                                 materialize_grads=True))
        else:
            gradients = [torch.zeros_like(values[w]) for w in wrts]
    tensors = {name: value.detach() if isinstance(value, torch.Tensor) else value for name, value in values.items()}
    return _evaluated(case, tensors, None), gradients


def from_values(case: Case, values: dict[str, np.ndarray | float | int]) -> Evaluated:
    """The case's values in the true model as computed before (kept in the truths store), without evaluating it."""
    return _evaluated(case, as_tensors(values), None)


def _tracked(value: Value) -> Value:
    """A float tensor as a fresh leaf that autograd follows (sharing its memory: nothing writes it); anything else as
    it is."""
    if isinstance(value, torch.Tensor) and value.dtype.is_floating_point:
        return value.detach().requires_grad_(True)
    return value


def _evaluated(case: Case, tensors: dict[str, Value], variant: Variant | None) -> Evaluated:
    """The values as tensors, and as read-only numpy views of them for the closed forms (nothing writes a tensor
    once evaluated; a submission gets its own copies through its sandbox)."""
    arrays = {name: v.numpy() if isinstance(v, torch.Tensor) else v for name, v in tensors.items()}
    for value in arrays.values():
        if isinstance(value, np.ndarray):
            value.setflags(write=False)
    return Evaluated(case, tensors, arrays, variant)


def _jacobian(of: Callable[[torch.Tensor], torch.Tensor], w: torch.Tensor, shape: torch.Size) -> torch.Tensor:
    """`(*shape, *w.shape)`: every row of ∂of/∂w at `w`, `shape` being of's: one forward pass over one copy of `w` per
    entry of `of`, batched by vmap, and one backward pass of the sum of each copy's own entry.

    (A batched `grad_outputs` to `torch.autograd.grad`, or `torch.func.jacrev`, computes the same, but the first call
    of either imports sympy through torch.fx: a quarter of a second of every command's start-up.)
    """
    rows = math.prod(shape)
    copies = w.detach().expand(rows, *w.shape).clone().requires_grad_(True)
    outputs = vmap(of)(copies)
    if not outputs.requires_grad:
        return w.new_zeros(*shape, *w.shape)
    own = outputs.reshape(rows, rows).diagonal().sum()
    (found,) = torch.autograd.grad(own, copies, allow_unused=True, materialize_grads=True)
    return found.reshape(*shape, *w.shape)


def _jacobian_by_rows(of: Callable[[torch.Tensor], torch.Tensor], w: torch.Tensor, shape: torch.Size) -> torch.Tensor:
    """`(*shape, *w.shape)`: ∂of/∂w from one forward pass and one backward pass per entry of `of`.

    For a variant's model: a diagnosis variant's node may differentiate inside its own forward pass to carry a
    derivative of its choosing, which vmap does not see (its copies of `w` do not require grad inside the map, so
    the variant's derivative would be silently dropped).
    """
    w = w.detach().clone().requires_grad_(True)
    output = of(w).reshape(-1)
    if not output.requires_grad:
        return w.new_zeros(*shape, *w.shape)
    found = [torch.autograd.grad(entry, w, retain_graph=True, allow_unused=True, materialize_grads=True)[0]
             for entry in output]
    return torch.stack(found).reshape(*shape, *w.shape)


def autograd_truth(entry: Derivation, evaluated: Evaluated, *, wrt: str | None = None) -> torch.Tensor:
    """The entry's true value: a node, a gradient of L, or the picked entries of a Jacobian.

    `wrt` differentiates with respect to another quantity than the entry's own (a
    wrong-node hypothesis of diagnosis; a gradient only).
    """
    model, values, overrides = evaluated.model, evaluated.tensors, evaluated.overrides
    if entry.kind == "value":
        return values[entry.of]
    wrt = wrt or entry.wrt
    w = values[wrt].detach().clone()

    def of(w: torch.Tensor) -> torch.Tensor:
        return model.reenter(values, wrt, w, targets=(entry.of,), overrides=overrides)[entry.of]

    if entry.kind == "jacobian":
        jacobian = _jacobian if evaluated.variant is None else _jacobian_by_rows
        return torch.einsum(entry.pattern, jacobian(of, w, values[entry.of].shape))
    w.requires_grad_(True)
    output = of(w)
    if not output.requires_grad:
        return torch.zeros_like(w)
    (gradient,) = torch.autograd.grad(output, w, allow_unused=True, materialize_grads=True)
    return gradient


@dataclass(frozen=True)
class Witness:
    """Numeric directional derivatives of `of` along `directions` `(P, *wrt_shape)`: `J u` for each direction,
    or, with `covectors` `(P, *of_shape)`, the scalars `vᵀ J u`."""

    directions: torch.Tensor
    values: torch.Tensor
    error: torch.Tensor
    discarded: torch.Tensor
    full: bool
    """True when the directions are the scaled basis, so `values` is the whole Jacobian."""
    evaluations: int
    covectors: torch.Tensor | None = None

    def as_arrays(self) -> dict:
        """As plain numpy data, to hand to another process or keep on disk."""
        arrays = {"directions": self.directions.numpy(), "values": self.values.numpy(), "error": self.error.numpy(),
                  "discarded": self.discarded.numpy(), "full": self.full, "evaluations": self.evaluations}
        return arrays if self.covectors is None else {**arrays, "covectors": self.covectors.numpy()}

    @classmethod
    def from_arrays(cls, arrays: dict) -> Witness:
        covectors = arrays.get("covectors")
        return cls(torch.from_numpy(arrays["directions"]), torch.from_numpy(arrays["values"]),
                   torch.from_numpy(arrays["error"]), torch.from_numpy(arrays["discarded"]), bool(arrays["full"]),
                   int(arrays["evaluations"]), None if covectors is None else torch.from_numpy(covectors))


def numeric_witness(entry: Derivation, evaluated: Evaluated, *, elementwise: bool = False,
                    function: BatchedFunction | None = None) -> Witness:
    """Ridders' central differences of `entry.of` along directions of `entry.wrt` scaled to its length scale.

    By default, `PROBES` random directional derivatives `vᵀ J u` (`u` along one
    random coordinate where a kink lies between; `v` only where `of` is not a
    scalar), which confirm autograd at the cost of a dozen or two evaluations
    whatever the sizes; where kinks lie between, its steps start below the
    nearest kink along `u` (`_reach`). With `elementwise`, and at most
    `FULL_JACOBIAN_MAX` elements of `wrt`, every basis direction: the whole
    Jacobian. It differentiates the PyTorch model, or `function` (error carried
    forward: a submission's own forward pass and loss) where given.
    """
    model, values = evaluated.model, evaluated.tensors
    w = values[entry.wrt]
    scale = model.length_scale(entry.wrt, values).expand_as(w)
    kinks = tuple(k for k in entry.context.kinks if k in model.downstream[entry.wrt] and
                  (k == entry.of or k in model.ancestors[entry.of]))
    full = elementwise and w.numel() <= FULL_JACOBIAN_MAX
    generator = np.random.default_rng(evaluated.case.seed)
    covectors = None
    if full:
        unit = torch.eye(w.numel(), dtype=w.dtype).reshape(-1, *w.shape)
    elif kinks:
        unit = torch.zeros(PROBES, w.numel(), dtype=w.dtype)
        unit[torch.arange(PROBES), torch.from_numpy(generator.permutation(w.numel())[:PROBES])] = 1
        unit = unit.reshape(-1, *w.shape)
    else:
        unit = torch.from_numpy(generator.standard_normal((PROBES, *w.shape)))
    if not full and torch.is_tensor(values[entry.of]) and values[entry.of].dim():
        covectors = torch.from_numpy(generator.standard_normal((len(unit), *values[entry.of].shape)))
    directions = unit * scale

    def single(point: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        fresh = model.reenter(values, entry.wrt, point, targets=(entry.of, *kinks))
        return fresh[entry.of], kink_signature([model.piece(k, fresh) for k in kinks], point)

    footprint = sum(values[name].numel() for name in model.downstream[entry.wrt] & model.ancestors[entry.of] | {entry.wrt})
    alone = function is None and footprint >= ONE_AT_A_TIME
    reach = _reach(model, values, entry.wrt, kinks, directions) if kinks and not full and function is None else None
    unperturbed = None if function else kink_signature([model.piece(k, values) for k in kinks], w).numpy()
    result = directional_derivatives(function or (_one_at_a_time(single) if alone else vmap(single)), w, directions,
                                     covectors=covectors, footprint=footprint, one_at_a_time=alone, reach=reach,
                                     signature=unperturbed)
    return Witness(directions, result.values, result.error, result.discarded, full,
                   result.evaluations + (reach is not None), covectors)


def _reach(model: Graph, values: dict[str, Value], wrt: str, kinks: tuple[str, ...],
           directions: torch.Tensor) -> np.ndarray:
    """`(P,)`: how far along each direction, in its units, the nearest kink lies to first order. The kinks' inputs
    alone, evaluated once at the smallest step (`SMALLEST_STEP`) along it, give the rate at which each of their
    elements moves; a piece changes once an element has moved its `distance`. Exact to first order for a ReLU, an
    absolute value or a clamp; for a maximum the runner-up moves too, and a step that crosses anyway is dropped as the
    witness drops any."""
    inputs, distances = zip(*(model.kink_distance(kink, values) for kink in kinks))
    reach = np.full(len(directions), np.inf)
    for probe, direction in enumerate(directions):
        moved = model.reenter(values, wrt, values[wrt] + SMALLEST_STEP * direction, targets=inputs)
        for name, distance in zip(inputs, distances):
            rate = (moved[name] - values[name]).abs() / SMALLEST_STEP
            reach[probe] = min(reach[probe], float(torch.where((distance > 0) & (rate > 0), distance / rate,
                                                               torch.inf).min()))
    return reach


def _one_at_a_time(single: Callable[[torch.Tensor], tuple[torch.Tensor, torch.Tensor]]) -> BatchedFunction:
    """`single` as a batched function that evaluates its points in turn and stacks what each returns."""
    def batched(points: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        outputs, signatures = zip(*(single(point) for point in points))
        return torch.stack(outputs), torch.stack(signatures)
    return batched


def kink_signature(pieces: Sequence[torch.Tensor], like: torch.Tensor) -> torch.Tensor:
    """The pattern of a point's kinks that must not change within a probe: which piece each kink's output is on (a
    ReLU input's sign, a pooling window's argmax; `checks.kinks`), as one integer vector."""
    return torch.cat([piece.flatten().to(torch.int64) for piece in pieces]) if pieces else \
        like.new_zeros(0, dtype=torch.int64)


def as_returned(entry: Derivation, witness: Witness, per_direction: torch.Tensor, like: torch.Tensor) -> torch.Tensor:
    """A full witness's per-direction values (or errors) rearranged into the entry's returned array."""
    n = witness.directions.shape[0]
    steps = witness.directions.reshape(n, n).diagonal().abs()
    per_unit = per_direction / steps.view(-1, *([1] * (per_direction.dim() - 1)))
    if entry.kind == "gradient":
        return per_unit.reshape(like.shape)
    wrt_shape = witness.directions.shape[1:]
    jacobian = per_unit.reshape(*wrt_shape, *per_unit.shape[1:])
    of_dims = per_unit.dim() - 1
    jacobian = jacobian.permute(*range(len(wrt_shape), len(wrt_shape) + of_dims), *range(len(wrt_shape)))
    return torch.einsum(entry.pattern, jacobian)


def project(entry: Derivation, returned: torch.Tensor, directions: torch.Tensor,
            covectors: torch.Tensor | None = None) -> torch.Tensor:
    """A returned array's directional derivatives `(P, *of_shape)` along `directions`, or `(P,)` contracted with
    `covectors`."""
    if entry.kind == "gradient":
        return (returned.unsqueeze(0) * directions).reshape(directions.shape[0], -1).sum(1)
    along = vmap(lambda v: torch.einsum(entry.jvp_pattern, returned, v))(directions)
    if covectors is None:
        return along
    return (along * covectors).reshape(directions.shape[0], -1).sum(1)


def magnitude(entry: Derivation, evaluated: Evaluated, truth: torch.Tensor) -> float:
    """Absolute scale for tolerances: the truth's largest entry, or the terms it sums if larger."""
    largest = float(truth.abs().max()) if truth.numel() else 0.0
    return max(largest, entry.magnitude(evaluated.arrays)) if entry.magnitude else largest
