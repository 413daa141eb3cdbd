"""Check one derivation of one submission on one case against both oracles."""
from __future__ import annotations

import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
import torch

from checks.statuses import ERROR, FAILED, NOT_ATTEMPTED, PASSED, TIMEOUT
from checks import tags
from checks.assignment import Derivation
from checks.engine.cases import Case
from checks.engine.compare import Comparison, compare
from checks.engine.oracles import Evaluated, Witness, as_returned, project
from checks.engine.submission import Submission, call_derivation
from checks.engine.suggestions import closest
from checks.engine.ties import tie_note
from checks.engine.tolerances import CLOSED_FORM, NUMERIC, closed_form_tolerance
from checks.engine.truths import TRUTHS, Truth
from checks.sandbox.calling import Outcome, Signature

TRUTH_TOLERANCE = CLOSED_FORM[np.dtype(np.float64)]
"""Every answer is judged at the precision of the truth (float64), whatever dtype it comes back in:
an answer in float32 cannot carry 1e-10 relative, and that is the answer's fault."""

CLOSED_VS_AUTOGRAD = "closed form vs autograd"
AUTOGRAD_VS_NUMERIC = "autograd vs numeric"
CLOSED_VS_NUMERIC = "closed form vs numeric"


@dataclass(frozen=True)
class CaseResult:
    entry: Derivation
    case: Case
    status: str
    """`passed`, `failed` (a wrong array), `error` (no usable array), `timeout` or `not_attempted`."""
    tags: frozenset[str] = frozenset()
    detail: str = ""
    closed: np.ndarray | None = None
    truth: np.ndarray | None = None
    numeric: np.ndarray | None = None
    """The numeric witness in the returned array's shape, when it took the full Jacobian."""
    comparisons: tuple[Comparison, ...] = ()
    outcome: Outcome | None = None
    witnessed: bool = False
    """Whether the numeric witness confirmed autograd on this case."""
    probes: int = 0
    discarded: int = 0
    evaluations: int = 0
    seconds: float = 0.0
    evaluated: Evaluated | None = field(default=None, repr=False)

    @property
    def passed(self) -> bool:
        """The verdict: the closed form matches autograd (and changed none of its arguments)."""
        return self.status == PASSED

    @property
    def witness_agrees(self) -> bool:
        """Autograd and numeric differentiation do not contradict each other here."""
        witness = self.comparison(AUTOGRAD_VS_NUMERIC)
        return witness is None or witness.passed

    @property
    def witness_inconclusive(self) -> bool:
        """A numeric witness was due, but every one of its probes was discarded at a kink."""
        witness = self.comparison(AUTOGRAD_VS_NUMERIC)
        return witness is not None and witness.total == 0

    def comparison(self, label: str) -> Comparison | None:
        return next((c for c in self.comparisons if c.label == label), None)

    @property
    def message(self) -> str:
        entry = self.entry
        lines = [f"{entry.id} = {entry.title} ({entry.context.name} context, section {entry.section}): {self.headline}",
                 f"Case: {self.case.describe()}"]
        if self.status != PASSED:
            lines.append(tie_note(self.case))
        if self.detail:
            lines.append(self.detail)
        shown = [c for c in self.comparisons if not c.passed][:2]
        for comparison in shown:
            lines += [f"{comparison.label}:", comparison.describe()]
        verdict = self.comparison(CLOSED_VS_AUTOGRAD)
        if verdict is not None and verdict.worst is not None and not verdict.passed:
            lines.append(self.side_by_side(verdict.worst))
        return "\n".join(line for line in lines if line)

    @property
    def headline(self) -> str:
        if self.status == FAILED and self.comparisons and not self.comparisons[0].passed:
            return "does not match autograd"
        if self.status == FAILED and tags.MUTATES_INPUT in self.tags:
            return "its values match autograd, but it changes its input in place"
        if self.status == PASSED and not self.witness_agrees:
            return "matches autograd, but autograd and numeric differentiation disagree (a gradjudge problem, not the submission's)"
        return {PASSED: "passed", FAILED: "wrong", ERROR: "no usable result", TIMEOUT: "timed out",
                NOT_ATTEMPTED: "not attempted"}[self.status]

    def side_by_side(self, index: tuple[int, ...]) -> str:
        if self.numeric is not None:
            numeric = f"{self.numeric[index]:.12g}"
        else:
            numeric = "n/a (a forward value)" if self.entry.kind == "value" else "n/a (directional probes)"
        return (f"Worst index {index}: closed form = {self.closed[index]:.12g}, "
                f"autograd = {self.truth[index]:.12g}, numeric = {numeric}")


def check_case(entry: Derivation, case: Case, submission: Submission) -> CaseResult:
    """One case, with the numeric witness."""
    (result,) = check_cases(entry, [case], submission, witness=lambda case, agrees: True)
    return result


def check_cases(entry: Derivation, cases: list[Case] | tuple[Case, ...], submission: Submission, *,
                witness: Callable[[Case, bool], bool]) -> list[CaseResult]:
    """Every case judged against its cached truth; the submission called once for all of them.

    `witness(case, agrees)` says whether the numeric witness confirms autograd on a case.
    """
    start = time.perf_counter()
    signature = submission.signature(entry.id)
    if signature is None:
        return [CaseResult(entry, case, NOT_ATTEMPTED, frozenset({tags.NOT_ATTEMPTED})) for case in cases]
    if signature.problem:
        return [CaseResult(entry, case, ERROR, frozenset({tags.BAD_SIGNATURE}), f"{entry.id}: {signature.problem}")
                for case in cases]
    refused = refusal(entry, signature)
    if refused is not None:
        return [CaseResult(entry, case, ERROR, frozenset({refused[0]}), refused[1]) for case in cases]
    evaluations = [TRUTHS.evaluated(case) for case in cases]
    outcomes = call_derivation(submission, entry, [evaluated.arrays for evaluated in evaluations])
    called = (time.perf_counter() - start) / len(cases)
    return [_judge(entry, case, evaluated, outcome, witness, called)
            for case, evaluated, outcome in zip(cases, evaluations, outcomes)]


def _judge(entry: Derivation, case: Case, evaluated: Evaluated, outcome: Outcome,
           witness: Callable[[Case, bool], bool], seconds: float) -> CaseResult:
    """The case's result, made once: `seconds` is its share of the call so far, to which judging it is added."""
    begun = time.perf_counter()
    truth = TRUTHS.truth(entry, case)
    found = {"status": _status_without_value(outcome.tags), "tags": outcome.tags,
             "detail": _with_numpy_hint(outcome.error or ""), "truth": truth.array, "outcome": outcome,
             "evaluated": evaluated}

    def result(**changes) -> CaseResult:
        return CaseResult(entry, case, **{**found, **changes}, seconds=seconds + time.perf_counter() - begun)

    if outcome.value is None:
        return result()
    closed = outcome.value
    if isinstance(closed, dict):
        if entry.kind != "value" or entry.of not in closed:
            return result(tags=outcome.tags | {tags.BAD_RETURN},
                          detail=f"returned a dict with keys {sorted(closed)}; expected an array"
                                 + (f" or a dict holding {entry.of!r}" if entry.kind == "value" else ""))
        closed = closed[entry.of]
    found.update(closed=closed, status=FAILED)
    if closed.shape != truth.array.shape:
        return result(tags=outcome.tags | {tags.SHAPE_MISMATCH}, detail=_shape_mismatch(entry, truth, closed))
    if not np.all(np.isfinite(closed)):
        bad = int(np.count_nonzero(~np.isfinite(closed)))
        return result(tags=outcome.tags | {tags.NONFINITE}, detail=f"returned {bad} NaN or infinite entries")
    comparisons = [compare(closed, truth.array, tolerance=TRUTH_TOLERANCE, scale=truth.scale, label=CLOSED_VS_AUTOGRAD)]
    if not comparisons[0].passed and closed_form_tolerance(closed.dtype) != TRUTH_TOLERANCE and \
            compare(closed, truth.array, tolerance=closed_form_tolerance(closed.dtype), scale=truth.scale, label="").passed:
        note = (f"returned {closed.dtype}, which cannot carry the float64 precision it is judged at; "
                "it would pass at its own precision")
        found.update(tags=outcome.tags | {tags.LOW_PRECISION}, detail="\n".join(filter(None, (found["detail"], note))))
    numeric, witnessed = None, None
    if entry.wrt is not None and witness(case, comparisons[0].passed):
        witnessed = TRUTHS.witness(entry, case, elementwise=not comparisons[0].passed)
        comparisons += _numeric_comparisons(entry, witnessed, truth.tensor, closed, truth.scale)
        if witnessed.full:
            numeric = as_returned(entry, witnessed, witnessed.values, truth.tensor).numpy()
    status = PASSED if comparisons[0].passed and tags.MUTATES_INPUT not in outcome.tags else FAILED
    return result(status=status, comparisons=tuple(comparisons), numeric=numeric, witnessed=witnessed is not None,
                  probes=0 if witnessed is None else len(witnessed.discarded),
                  discarded=0 if witnessed is None else int(witnessed.discarded.sum()),
                  evaluations=0 if witnessed is None else witnessed.evaluations)


REMOVED_NUMPY = re.compile(r"module 'numpy' has no attribute '(float|int|bool|object|complex|str|long|unicode|NaN|Inf|"
                           r"PINF|NINF|infty|float_|complex_|product|cumproduct|sometrue|alltrue|round_|asfarray|"
                           r"trapz|in1d|row_stack|msort)'")
"""Names numpy 1.24 and 2.0 removed, which code written for numpy 1.x still uses."""


def _with_numpy_hint(error: str) -> str:
    found = REMOVED_NUMPY.search(error)
    if found is None:
        return error
    return (f"{error}\nnp.{found.group(1)} was removed from numpy (1.24 and 2.0): use the Python type (float, int, "
            "bool, ...) or the explicit numpy one (np.float64, np.prod, ...); see the README's Troubleshooting.")


def _shape_mismatch(entry: Derivation, found: Truth, closed: np.ndarray) -> str:
    """What came back instead of the shape due, and whether its values are right once reshaped."""
    truth = found.array
    got = "a scalar" if closed.ndim == 0 else f"shape {closed.shape}"
    said = f"returned {got}; expected {'a scalar' if truth.ndim == 0 else f'shape {truth.shape}'} = ({', '.join(entry.shape)})"
    if closed.size != truth.size:
        return said
    right = compare(closed.reshape(truth.shape), truth, tolerance=TRUTH_TOLERANCE, scale=found.scale, label="").passed
    squeezed = closed.squeeze().shape == truth.squeeze().shape
    how = "squeezed" if squeezed else "reshaped"
    return said + (f"; {how} to {truth.shape}, its values are right" if right else
                   f"; {how} to {truth.shape}, its values are still wrong")


def refusal(entry: Derivation, signature: Signature) -> tuple[str, str] | None:
    """Why a function may not be called with the names it asks for, as (tag, detail); None if it may."""
    context = entry.context
    askable = [name for name in context.vocabulary if name not in context.hidden]
    unknown = [name for name in signature.names if name not in context.vocabulary]
    if unknown:
        hints = "; ".join(f"{name!r} (closest: {', '.join(closest(name, askable, context.batch_axis)) or 'none'})"
                          for name in unknown)
        return tags.UNKNOWN_QUANTITY, f"asks for quantities outside the {context.name} vocabulary: {hints}"
    hidden = [name for name in signature.names if name in context.hidden]
    if hidden:
        return tags.FORBIDDEN_QUANTITY, (f"{entry.id} asks for {', '.join(hidden)}, which no submission is offered: "
                                         f"{'it gives' if len(hidden) == 1 else 'they give'} away part of the answer; "
                                         "compute it from the quantities offered")
    computed = [name for name in signature.names if name not in entry.offered]
    if computed:
        return tags.FORBIDDEN_QUANTITY, (f"{entry.id} is a forward value, so it may ask only for inputs, parameters, masks "
                                      f"and scalars ({', '.join(entry.offered)}); it asks for {', '.join(computed)}, "
                                      "which the forward pass computes")
    return None


def _status_without_value(reported: frozenset[str]) -> str:
    if tags.NOT_IMPLEMENTED in reported:
        return NOT_ATTEMPTED
    return TIMEOUT if tags.TIMEOUT in reported else ERROR


def _numeric_comparisons(entry: Derivation, witness: Witness, truth: torch.Tensor, closed: np.ndarray,
                         scale: float) -> list[Comparison]:
    side = _truth_side(entry, witness, truth, scale)
    closed_tensor = torch.from_numpy(np.asarray(closed, dtype=np.float64))
    closed_side = closed_tensor if witness.full else project(entry, closed_tensor, witness.directions, witness.covectors)
    return [side.comparison, compare(closed_side.numpy(), side.numeric, tolerance=NUMERIC, scale=side.scale,
                                     slack=side.error, label=CLOSED_VS_NUMERIC)]


@dataclass(frozen=True)
class _TruthSide:
    """What a witness shows against autograd's truth, the same for every submission judged on the case."""

    numeric: np.ndarray
    error: np.ndarray
    scale: float
    comparison: Comparison
    """Autograd against the witness."""


TRUTH_SIDES_KEPT = 4096
_truth_sides: dict[tuple[int, int], tuple[Witness, torch.Tensor, _TruthSide]] = {}
"""`_TruthSide` by the identities of the witness and the truth, which each entry keeps alive (so no other object can
take their ids while it is kept)."""


def _truth_side(entry: Derivation, witness: Witness, truth: torch.Tensor, scale: float) -> _TruthSide:
    kept = _truth_sides.get((id(witness), id(truth)))
    if kept is not None and kept[0] is witness and kept[1] is truth:
        return kept[2]
    if witness.full:
        numeric = as_returned(entry, witness, witness.values, truth)
        error = as_returned(entry, witness, witness.error, truth)
        truth_side, witness_scale = truth, scale
    else:
        numeric, error = witness.values, witness.error
        truth_side = project(entry, truth, witness.directions, witness.covectors)
        witness_scale = scale * _largest_l1(witness.directions) * (1.0 if witness.covectors is None else
                                                                   _largest_l1(witness.covectors))
    numeric, error = numeric.numpy(), error.numpy()
    side = _TruthSide(numeric, error, witness_scale, compare(truth_side.numpy(), numeric, tolerance=NUMERIC,
                                                             scale=witness_scale, slack=error, label=AUTOGRAD_VS_NUMERIC))
    if len(_truth_sides) >= TRUTH_SIDES_KEPT:
        _truth_sides.clear()
    _truth_sides[(id(witness), id(truth))] = (witness, truth, side)
    return side


def _largest_l1(vectors: torch.Tensor) -> float:
    """The largest sum of absolute entries among `vectors` `(P, ...)`: how much a directional derivative along
    one of them can sum up, the scale its tolerance is taken against."""
    return float(vectors.reshape(vectors.shape[0], -1).abs().sum(1).max())
