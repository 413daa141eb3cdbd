"""Error carried forward: is a wrong gradient right for the submission's own forward pass?

When a submission's forward values (the ids of its context that have no `wrt`)
disagree with the reference, a gradient with respect to a parameter (or the
input) may be wrong for the reference model and yet right for the model the
student wrote down. The truth for that model is numeric differentiation of the
context's own declared loss, with the forward nodes replaced by the submission's
own forward values. A forward function may return a dict of its intermediates;
those replace the reference values passed to the gradient.

Credit needs a genuine forward pass, decided by the forward pass itself
(`genuine_forward`), before any gradient is looked at: it must have the model's
dependency structure. Nudging each leaf, and each slice of a leaf along an axis
it shares with the forward value, shows what the submission's forward value
depends on; it may depend on no leaf the declared model's value is not computed
from (a target such as `yA`, another branch's parameters), and where the model
keeps entries apart along an axis (sample i's output moves only with sample i's
input; output feature k only with row k of a weight), so must it. A wrong
forward pass written from the model (a missing normalisation, a bias added
twice, a forgotten mask) keeps that structure; one made up to have easy
gradients (`yA + sum of every leaf`) does not. Then, per gradient, where the
reference's gradient is not zero, the submission's own loss must depend on the
parameter, so constant forward passes earn nothing.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch

from checks.assignment import Assignment, Context, Derivation
from checks.engine.cases import Case, diagnostic_cases
from checks.engine.check import TRUTH_TOLERANCE, refusal
from checks.engine.compare import compare
from checks.engine.oracles import as_returned, kink_signature, numeric_witness
from checks.engine.submission import Submission, call_derivation, reference
from checks.engine.tolerances import NUMERIC
from checks.engine.truths import TRUTHS

NUDGE = 1e-3
"""Size of the nudges that find what a forward value depends on, relative to the nudged leaf's root-mean-square (+1)."""
MOVED = 1e-9
"""A forward value moved when an entry changed by more than this times its largest entry (or 1): far above rounding,
far below any real dependence on a nudge of 1e-3."""


@dataclass(frozen=True)
class Verdict:
    holds: bool
    detail: str


def forwards(assignment: Assignment, context: Context) -> list[Derivation]:
    """The context's forward-value ids, in declared order."""
    return [entry for entry in assignment.derivations if entry.context is context and entry.kind == "value"]


def eligible(entry: Derivation) -> bool:
    """Gradients of the loss with respect to a leaf (a parameter or the input)."""
    return entry.kind == "gradient" and entry.wrt in entry.context.leaf_names


@dataclass(frozen=True)
class Dependence:
    """The forward value `node` moves with the leaf `leaf`; with an `axis`, its entries at one index of that axis move
    with the leaf's entries at another index of it."""

    node: str
    leaf: str
    axis: str | None = None

    def describe(self) -> str:
        """For a dependence across an axis: what moved with what."""
        return (f"{self.node}'s entries move with {self.leaf}'s entries at other indices of axis {self.axis}, which the "
                f"model keeps apart")


def genuine_forward(assignment: Assignment, context: Context, submission: Submission, cases: list[Case]) -> Verdict:
    """Whether the submission's forward pass of `context` has the declared model's dependency structure on `cases`.

    It may depend on a leaf only if the model's value is computed from it (the
    declared graph says so), and across the indices of an axis only where the
    reference does on some diagnostic case.
    """
    for forward in forwards(assignment, context):
        if submission.signature(forward.id) is None:
            continue
        allowed = _reference_structure(assignment, forward)
        ancestors = context.graph.ancestors[forward.of]
        for case in cases:
            found = dependence(submission, forward, case)
            if found is None:
                return Verdict(False, f"its {forward.id} gives no usable value on nudged inputs")
            foreign = sorted(item.leaf for item in found if item.axis is None and item.leaf not in ancestors)
            mixed = sorted((item for item in found if item.axis is not None and item.leaf in allowed.leaves
                            and item not in allowed.found), key=lambda item: (item.leaf, item.axis))
            if foreign:
                return Verdict(False, f"its forward pass is not the model's: {forward.of} moves with "
                                      f"{', '.join(foreign)}, which the model's {forward.of} is not computed from "
                                      f"(case {case.describe()})")
            if mixed:
                return Verdict(False, f"its forward pass is not the model's: {mixed[0].describe()} (case "
                                      f"{case.describe()})")
    return Verdict(True, "")


@dataclass(frozen=True)
class _Structure:
    found: frozenset[Dependence]
    leaves: frozenset[str]
    """The leaves the reference's value moves with at all: only their slices' structure can be told."""


_REFERENCE_STRUCTURES: dict[tuple[str, str], _Structure] = {}


def _reference_structure(assignment: Assignment, forward: Derivation) -> _Structure:
    """What the reference's forward value depends on, on any of the context's (public) diagnostic cases."""
    key = (assignment.name, forward.id)
    if key not in _REFERENCE_STRUCTURES:
        found = frozenset().union(*(dependence(reference(assignment), forward, case)
                                    for case in diagnostic_cases(forward.context)))
        _REFERENCE_STRUCTURES[key] = _Structure(found, frozenset(item.leaf for item in found if item.axis is None))
    return _REFERENCE_STRUCTURES[key]


def dependence(submission: Submission, forward: Derivation, case: Case) -> frozenset[Dependence] | None:
    """What `forward`'s value depends on at `case`, found by nudging every float array leaf whole, and each slice of it
    along an axis the value shares; None if the function gives no usable value of the declared rank.

    A whole leaf is nudged by steps of one sign and unequal sizes, which neither a sum nor a mean-centring cancels.
    """
    context = forward.context
    values = TRUTHS.evaluated(case).arrays
    axes = context.vocabulary[forward.of].shape
    probes: list[tuple[str | None, tuple[int, str] | None, int]] = [(None, None, 0)]
    batch = [values]
    weights = np.random.default_rng(0)
    for leaf in context.leaf_names:
        value = values[leaf]
        if not isinstance(value, np.ndarray) or value.size == 0 or not np.issubdtype(value.dtype, np.floating):
            continue  # integer leaves (class labels, indices) are not nudged: a fraction of a label means nothing
        step = NUDGE * (1.0 + float(np.sqrt(np.mean(np.square(value)))))
        probes.append((leaf, None, 0))
        batch.append({**values, leaf: value + step * weights.uniform(0.5, 1.5, size=value.shape)})
        for position, axis in enumerate(context.vocabulary[leaf].shape):
            if axis not in axes:
                continue
            for index in range(value.shape[position]):
                nudged = value.copy()
                nudged[(slice(None),) * position + (index,)] += step
                probes.append((leaf, (position, axis), index))
                batch.append({**values, leaf: nudged})
    outputs = [_value_of(forward, outcome.value) for outcome in call_derivation(submission, forward, batch)]
    if any(output is None or output.ndim != len(axes) or output.shape != outputs[0].shape for output in outputs):
        return None
    base = outputs[0]
    scale = max(1.0, float(np.max(np.abs(base), initial=0.0)))
    found = set()
    for (leaf, where, index), output in zip(probes[1:], outputs[1:]):
        moved = np.abs(output - base) > MOVED * scale
        if where is None:
            if moved.any():
                found.add(Dependence(forward.of, leaf))
            continue
        for own_position, own_axis in enumerate(axes):
            if own_axis == where[1] and np.delete(moved, index, axis=own_position).any():
                found.add(Dependence(forward.of, leaf, own_axis))
    return frozenset(found)


def _value_of(forward: Derivation, value: object) -> np.ndarray | None:
    """A forward function's value: its array, or the entry of its dict named like the value; must be finite."""
    if isinstance(value, dict):
        value = value.get(forward.of)
    return value if isinstance(value, np.ndarray) and np.all(np.isfinite(value)) else None


def carried_forward(entry: Derivation, assignment: Assignment, submission: Submission, cases: list[Case]) -> Verdict:
    for case in cases:
        verdict = _on_case(entry, forwards(assignment, entry.context), submission, case)
        if not verdict.holds:
            return verdict
    return Verdict(True, "It is wrong for the reference network but right for the submission's own forward pass "
                         "(error carried forward).")


def _on_case(entry: Derivation, forward_ids: list[Derivation], submission: Submission, case: Case) -> Verdict:
    evaluated = TRUTHS.evaluated(case)
    own = _own_forward(forward_ids, submission, [evaluated.arrays])
    if own is None:
        return Verdict(False, "its forward pass gives no usable output to carry forward")
    (outcome,) = call_derivation(submission, entry, [{**evaluated.arrays, **own[0]}])
    closed = outcome.value
    if not isinstance(closed, np.ndarray) or closed.shape != np.shape(evaluated.arrays[entry.wrt]):
        return Verdict(False, "with its own intermediates it still returns no array of the right shape")
    context = entry.context
    patterns = [name for name in (*context.kinks, *(mask.quantity for mask in context.masks)) if name in own[0]]
    forward_nodes = [forward.of for forward in forward_ids]

    def own_loss(points: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """The declared loss of the submission's own forward pass at each point, and its kink pattern."""
        rows = [{**evaluated.arrays, entry.wrt: point.numpy()} for point in points]
        found = _own_forward(forward_ids, submission, rows)
        if found is None:
            return points.new_full((len(points),), torch.nan), points.new_zeros(len(points), 0, dtype=torch.bool)
        losses = torch.stack([_loss(context, evaluated.tensors, entry.wrt, point, forward, forward_nodes)
                              for point, forward in zip(points, found)])
        if not patterns:
            return losses, points.new_zeros(len(points), 0, dtype=torch.bool)
        return losses, torch.stack([kink_signature([torch.from_numpy(np.asarray(forward[name])) > 0 for name in patterns],
                                                   points) for forward in found])

    witness = numeric_witness(entry, evaluated, elementwise=True, function=own_loss)
    if not witness.full:
        return Verdict(False, "its own forward pass is too large to differentiate in full")
    truth = as_returned(entry, witness, witness.values, torch.from_numpy(closed))
    error = as_returned(entry, witness, witness.error, torch.from_numpy(closed))
    scale = float(np.nanmax(np.abs(truth.numpy()))) if np.isfinite(truth.numpy()).any() else 0.0
    reference = TRUTHS.truth(entry, case)
    reference, terms = reference.tensor, reference.scale
    if float(reference.abs().max()) > TRUTH_TOLERANCE.atol * terms and scale <= NUMERIC.atol * terms:
        return Verdict(False, f"its own forward pass does not depend on {entry.wrt}, so no effort is carried forward")
    comparison = compare(closed, truth.numpy(), tolerance=NUMERIC, scale=scale, slack=error.numpy(),
                         label="closed form vs its own forward pass")
    if comparison.total == 0 or not comparison.passed:
        return Verdict(False, "it is not right for the submission's own forward pass either")
    return Verdict(True, "")


def _loss(context: Context, tensors: dict, wrt: str, point: torch.Tensor, forward: dict, nodes: list[str]) -> torch.Tensor:
    """The context's own loss node, fed the submission's forward values instead of the reference's."""
    own = {name: torch.from_numpy(np.array(forward[name], dtype=np.float64)) for name in nodes}
    with torch.no_grad():
        return context.graph.replace(tensors, {wrt: point, **own}, targets=(context.loss,))[context.loss]


def _own_forward(forward_ids: list[Derivation], submission: Submission, batch: list[dict]) -> list[dict] | None:
    """Each point's forward outputs and intermediates, from the submission where it defines them."""
    results = [dict() for _ in batch]
    for forward in forward_ids:
        signature = submission.signature(forward.id)
        if signature is None:
            for result, values in zip(results, batch):
                result[forward.of] = values[forward.of]
            continue
        if signature.problem or refusal(forward, signature) is not None:
            return None
        for result, outcome in zip(results, call_derivation(submission, forward, batch)):
            value = outcome.value
            if isinstance(value, dict):
                if forward.of not in value:
                    return None
                result.update(value)
            elif isinstance(value, np.ndarray):
                result[forward.of] = value
            else:
                return None
    return results
