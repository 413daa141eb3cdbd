"""Error carried forward: is a wrong gradient right for the submission's own forward pass?

When a submission's `forward_yA_hat` / `forward_yB_hat` disagree with the
reference, a later gradient with respect to a parameter (or the input) may be
wrong against the reference network and yet right for the network the student
wrote down. The truth for that network is numeric differentiation of the
reference loss formula applied to the submission's own forward outputs. The
forward functions may return a dict of their intermediates (`yB_hat`, `zBN`,
`H_BN`, `x2B`, ...); those replace the reference values passed to the gradient.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch
from torch.func import vmap

from checks.cases import Case
from checks.compare import compare
from checks.models import MODELS
from checks.oracles import as_returned, autograd_truth, evaluate, magnitude, numeric_witness
from checks.check import TRUTH_TOLERANCE, offered_names
from checks.registry import BY_ID, Derivation
from checks.sandbox.client import Sandboxed
from checks.submission import reply_limit
from checks.tolerances import NUMERIC

FORWARDS = ("forward_yA_hat", "forward_yB_hat")


@dataclass(frozen=True)
class Verdict:
    holds: bool
    detail: str


def eligible(entry: Derivation) -> bool:
    """Gradients of the loss with respect to the network's parameters or input."""
    return entry.context == "net" and entry.kind == "gradient" and entry.wrt in MODELS["net"].leaves


def carried_forward(entry: Derivation, submission: Sandboxed, cases: list[Case]) -> Verdict:
    for case in cases:
        verdict = _on_case(entry, submission, case)
        if not verdict.holds:
            return verdict
    return Verdict(True, "It is wrong for the reference network but right for the submission's own forward pass "
                         "(error carried forward).")


def _on_case(entry: Derivation, submission: Sandboxed, case: Case) -> Verdict:
    evaluated = evaluate(case)
    own = _own_forward(submission, [evaluated.arrays])
    if own is None:
        return Verdict(False, "its forward pass gives no usable output to carry forward")
    signature = submission.signature(entry.id)
    names = evaluated.arrays.keys() if signature.takes_all else signature.names
    arguments = {name: own[0].get(name, evaluated.arrays[name]) for name in names}
    outcome = submission.call(entry.id, arguments, reply_limit=reply_limit(evaluated.arrays))
    closed = outcome.value
    if not isinstance(closed, np.ndarray) or closed.shape != np.shape(evaluated.arrays[entry.wrt]):
        return Verdict(False, "with its own intermediates it still returns no array of the right shape")
    kink = next((name for name in ("N", "H_BN") if name in own[0]), None)
    model = MODELS["net"]
    moving = sorted(model.downstream[entry.wrt] | {entry.wrt})

    def own_loss(points: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """The reference loss of the submission's forward pass at each point, and its ReLU pattern."""
        batched = vmap(lambda point: {name: model.reenter(evaluated.tensors, entry.wrt, point)[name] for name in moving})(points)
        rows = [{**evaluated.arrays, **{name: batched[name][b].numpy() for name in moving}} for b in range(len(points))]
        forwards = _own_forward(submission, rows)
        if forwards is None:
            return points.new_full((len(points),), torch.nan), points.new_zeros(len(points), 0, dtype=torch.bool)
        losses = torch.tensor([_loss(forward, evaluated.arrays) for forward in forwards], dtype=points.dtype)
        if kink is None:
            return losses, points.new_zeros(len(points), 0, dtype=torch.bool)
        return losses, torch.stack([torch.from_numpy(np.asarray(forward[kink]) > 0).flatten() for forward in forwards])

    witness = numeric_witness(entry, evaluated, function=own_loss)
    if not witness.full:
        return Verdict(False, "its own forward pass is too large to differentiate in full")
    truth = as_returned(entry, witness, witness.values, torch.from_numpy(closed))
    error = as_returned(entry, witness, witness.error, torch.from_numpy(closed))
    scale = float(np.nanmax(np.abs(truth.numpy()))) if np.isfinite(truth.numpy()).any() else 0.0
    reference = autograd_truth(entry, evaluated)
    terms = magnitude(entry, evaluated, reference)
    if float(reference.abs().max()) > TRUTH_TOLERANCE.atol * terms and scale <= NUMERIC.atol * terms:
        return Verdict(False, f"its own forward pass does not depend on {entry.wrt}, so no effort is carried forward")
    comparison = compare(closed, truth.numpy(), tolerance=NUMERIC, scale=scale, slack=error.numpy(),
                         label="closed form vs its own forward pass")
    if comparison.total == 0 or not comparison.passed:
        return Verdict(False, "it is not right for the submission's own forward pass either")
    return Verdict(True, "")


def _own_forward(submission: Sandboxed, batch: list[dict]) -> list[dict] | None:
    """Each point's forward outputs and intermediates, from the submission where it defines them."""
    results = [dict() for _ in batch]
    for id in FORWARDS:
        node = id.removeprefix("forward_")
        signature = submission.signature(id)
        if signature is None:
            for result, values in zip(results, batch):
                result[node] = values[node]
            continue
        offered = offered_names(BY_ID[id])
        if not set(signature.names) <= set(offered):
            return None
        names = offered if signature.takes_all else signature.names
        outcomes = submission.call_many(id, [{name: values[name] for name in names} for values in batch],
                                        reply_limit=reply_limit(batch[0]))
        for result, outcome in zip(results, outcomes):
            value = outcome.value
            if isinstance(value, dict):
                if node not in value:
                    return None
                result.update(value)
            elif isinstance(value, np.ndarray):
                result[node] = value
            else:
                return None
    return results


def _loss(forward: dict, data: dict) -> float:
    """The reference loss formula on a forward pass's outputs."""
    m = data["m"]
    with np.errstate(divide="ignore", invalid="ignore"):
        return float((np.sum((forward["yA_hat"] - data["yA"]) ** 2) / 2 - np.sum(data["yB"] * np.log(forward["yB_hat"]))) / m)
