"""Error carried forward: is a wrong gradient right for the submission's own forward pass?

When a submission's forward values (the ids of its context that have no `wrt`)
disagree with the reference, a gradient with respect to a parameter (or the
input) may be wrong for the reference model and yet right for the model the
student wrote down. The truth for that model is numeric differentiation of the
context's own declared loss, with the forward nodes replaced by the submission's
own forward values. A forward function may return a dict of its intermediates;
those replace the reference values passed to the gradient.

Credit needs a genuine forward pass: where the reference's gradient is not zero,
the submission's own loss must depend on the parameter, so constant forward
passes earn nothing.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch

from checks.assignment import Assignment, Context, Derivation
from checks.engine.cases import Case
from checks.engine.check import TRUTH_TOLERANCE, refusal
from checks.engine.compare import compare
from checks.engine.oracles import as_returned, kink_signature, numeric_witness
from checks.engine.submission import Submission, call_derivation
from checks.engine.tolerances import NUMERIC
from checks.engine.truths import TRUTHS


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
        return losses, torch.stack([kink_signature([torch.from_numpy(np.asarray(forward[name])) for name in patterns],
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
