"""Why a derivation is wrong: hypotheses tested against the truth over several cases.

Each hypothesis is kept only if it holds on every case where the submission gave
an array: a scale factor (fitted by least squares and matched against
expressions in the case's scalars), a transpose, per-sample rows where a batch
sum was due, a sum over the wrong axis, a true value that is identically zero, a
known wrong variant from the catalog, and where in the array the error lives.
"""
from __future__ import annotations

import inspect
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from checks.assignment import Assignment, Context, Derivation
from checks.engine.cases import Case, diagnostic_cases
from checks.engine.check import CLOSED_VS_AUTOGRAD, CaseResult
from checks.engine.oracles import Evaluated, autograd_truth, evaluate, magnitude
from checks.engine.submission import Submission, call_derivation
from checks.sandbox.calling import call

AGREEMENT = 1e-8
"""Relative agreement for a hypothesis to hold: far looser than roundoff, far tighter than chance."""


def scale_expressions(context: Context) -> list[tuple[str, Callable[[Case], float | None]]]:
    """Factors a wrong answer may be off by: the batch size in five forms, 2 and 1/2, then the scalars' own factors."""
    b = context.batch_axis
    batch = lambda case: case.size[b]  # noqa: E731
    found = [
        (b, lambda case: batch(case)),
        (f"1/{b}", lambda case: 1 / batch(case)),
        (f"{b}-1", lambda case: batch(case) - 1),
        (f"({b}-1)/{b}", lambda case: (batch(case) - 1) / batch(case)),
        (f"{b}/({b}-1)", lambda case: batch(case) / (batch(case) - 1) if batch(case) > 1 else None),
        ("2", lambda case: 2.0),
        ("1/2", lambda case: 0.5),
    ]
    for scalar in context.scalars:
        for name, factor in scalar.factors.items():
            found.append((name, lambda case, factor=factor, scalar=scalar.name: factor(case.scalars[scalar])))
    return found


@dataclass(frozen=True)
class Finding:
    tag: str
    explanation: str


@dataclass(frozen=True)
class Observation:
    case: Case
    evaluated: Evaluated
    truth: np.ndarray
    closed: np.ndarray
    scale: float


def observe(entry: Derivation, cases: list[Case], submission: Submission) -> list[Observation]:
    """The submission's arrays next to the truth, on every case where it returned one."""
    observations = []
    evaluations = [evaluate(case) for case in cases]
    outcomes = call_derivation(submission, entry, [evaluated.arrays for evaluated in evaluations])
    for case, evaluated, outcome in zip(cases, evaluations, outcomes):
        value = outcome.value[entry.of] if isinstance(outcome.value, dict) and entry.of in outcome.value else outcome.value
        if isinstance(value, np.ndarray):
            truth = autograd_truth(entry, evaluated)
            observations.append(Observation(case, evaluated, truth.numpy(), value.astype(np.float64),
                                            magnitude(entry, evaluated, truth)))
    return observations


def diagnose(entry: Derivation, assignment: Assignment, failure: CaseResult, submission: Submission) -> list[Finding]:
    observations = observe(entry, [failure.case, *diagnostic_cases(entry.context)], submission)
    if not observations:
        return []
    findings = _zero_expected(entry, assignment, observations)
    findings += _reshaped(entry, observations)
    if all(o.closed.shape == o.truth.shape for o in observations):
        findings += _scaled(entry.context, observations, lambda o: o.closed)
    findings += _known_mistakes(entry, assignment, observations)
    if failure.closed is not None and failure.truth is not None and failure.closed.shape == failure.truth.shape:
        findings += _where(failure)
    return findings


def _close(actual: np.ndarray, expected: np.ndarray, scale: float) -> bool:
    return actual.shape == expected.shape and bool(np.all(np.abs(actual - expected) <= AGREEMENT * (np.abs(expected) + scale)))


def _zero_expected(entry: Derivation, assignment: Assignment, observations: list[Observation]) -> list[Finding]:
    if not all(np.all(np.abs(o.truth) <= 1e-10 * o.scale) for o in observations):
        return []
    return [Finding("zero_expected", f"The true value is identically zero. {_reason(entry, assignment)}")]


def _reason(entry: Derivation, assignment: Assignment) -> str:
    """The reference docstring's explanation, after its formula line."""
    function = getattr(assignment.reference_module(), entry.id, None)
    paragraphs = (inspect.getdoc(function) or "").split("\n\n")
    return " ".join(paragraphs[1].split()) if len(paragraphs) > 1 else ""


def _reshaped(entry: Derivation, observations: list[Observation]) -> list[Finding]:
    findings = []
    transposed = [o.closed.T for o in observations if o.closed.ndim == 2]
    if len(transposed) == len(observations) and any(o.closed.shape != o.truth.shape or not _close(o.closed, o.truth, o.scale)
                                                      for o in observations):
        if all(_close(t, o.truth, o.scale) for t, o in zip(transposed, observations)):
            findings.append(Finding("transposed", "It is the transpose of the truth: a weight gradient has the "
                                                  "weight's own (out, in) shape, as torch.nn.Linear stores it."))
    batch = entry.context.batch_axis
    per_sample = [o for o in observations if o.closed.shape == (o.case.size[batch], *o.truth.shape)]
    if per_sample and len(per_sample) == len(observations):
        summed = _scaled(entry.context, observations, lambda o: o.closed.sum(axis=0))
        if not summed and all(_close(o.closed.sum(axis=0), o.truth, o.scale) for o in observations):
            findings.append(Finding("not_summed_over_batch", "It returns one row per sample; the gradient of a "
                                                             "parameter sums those rows over the batch."))
        elif summed:
            findings.append(Finding("not_summed_over_batch", "It returns one row per sample, whose batch sum is "
                                                             "the truth up to a factor:"))
            findings += summed
    if entry.rows_of and all(o.closed.shape == (o.case.size[batch],) for o in observations):
        rows = [_rows(entry, o) for o in observations]
        if all(_close(o.closed, r.sum(axis=1), o.scale) for o, r in zip(observations, rows)):
            findings.append(Finding("summed_over_wrong_axis", f"It sums the per-sample rows of ∂L/∂{entry.rows_of} "
                                                              "over the feature axis; the batch axis was due."))
    return findings


def _rows(entry: Derivation, observation: Observation) -> np.ndarray:
    """Per-sample rows of ∂L/∂(rows_of): the terms whose batch sum is the id's truth."""
    gradient = Derivation(entry.id, entry.section, entry.context, of=entry.context.loss, wrt=entry.rows_of)
    return autograd_truth(gradient, observation.evaluated).numpy()


def _scaled(context: Context, observations: list[Observation], transform: Callable[[Observation], np.ndarray]) -> list[Finding]:
    """The answer is the truth times one factor per case; name the factor if an expression fits every case."""
    factors = []
    for o in observations:
        closed, truth = transform(o), o.truth
        if closed.shape != truth.shape:
            return []
        norm = float(np.sum(truth * truth))
        if norm == 0:
            continue
        factor = float(np.sum(closed * truth)) / norm
        if not _close(closed, factor * truth, abs(factor) * o.scale):
            return []
        factors.append((o.case, factor))
    if not factors or all(abs(f - 1) <= AGREEMENT for _, f in factors):
        return []
    sign = -1.0 if all(f < 0 for _, f in factors) else 1.0
    findings = [Finding("sign_flipped", "Its sign is flipped.")] if sign < 0 else []
    magnitudes = [(case, sign * f) for case, f in factors]
    if all(abs(f - 1) <= AGREEMENT for _, f in magnitudes):
        return findings
    flipped = " (with the sign flipped)" if sign < 0 else ""
    for name, expression in scale_expressions(context):
        if all(_matches(f, expression(case)) for case, f in magnitudes):
            return findings + [Finding(f"scaled:{name}", f"It is the truth times {name}{flipped}.")]
    constant = magnitudes[0][1]
    if all(abs(f - constant) <= AGREEMENT * abs(constant) for _, f in magnitudes):
        return findings + [Finding(f"scaled:{constant:.6g}", f"It is the truth times {constant:.6g}{flipped}.")]
    return findings


def _matches(factor: float, expected: float | None) -> bool:
    return expected is not None and abs(factor - expected) <= AGREEMENT * abs(expected)


def _known_mistakes(entry: Derivation, assignment: Assignment, observations: list[Observation]) -> list[Finding]:
    findings = []
    for variant in (v for v in assignment.catalog if v.id == entry.id):
        names = inspect.signature(variant.function).parameters
        if all(_close(o.closed, _variant_value(variant.function, names, o, entry), o.scale) for o in observations):
            findings.append(Finding(f"known_mistake:{variant.name}", variant.hint))
    return findings


def _variant_value(function: Callable, names, observation: Observation, entry: Derivation) -> np.ndarray:
    outcome = call(function, {name: observation.evaluated.arrays[name] for name in names})
    value = outcome.value
    return value[entry.of] if isinstance(value, dict) else np.asarray(value, dtype=np.float64)


def _where(failure: CaseResult) -> list[Finding]:
    """What share of the entries is off, and whether they line up with one of the context's declared masks."""
    verdict = failure.comparison(CLOSED_VS_AUTOGRAD)
    if verdict is None or verdict.passed:
        return []
    off = np.abs(failure.closed - failure.truth) > verdict.tolerance.rtol * np.abs(failure.truth) + verdict.tolerance.atol * verdict.scale
    share = f"{verdict.mismatched} of {verdict.total} entries are off ({100 * verdict.mismatched / verdict.total:.0f}%)"
    arrays = failure.evaluated.arrays if failure.evaluated else {}
    for mask in failure.entry.context.masks:
        value = arrays.get(mask.quantity)
        if value is None or np.shape(value) != off.shape:
            continue
        region = np.asarray(value) != 0
        for label, says, inside in ((mask.inside, mask.inside_says, region), (mask.outside, mask.outside_says, ~region)):
            if off.any() and inside.any() and not inside.all() and not np.any(off & ~inside):
                return [Finding(f"off_where:{label}", f"{share}, all of them where {says}.")]
    return [Finding("off_share", f"{share}.")] if 0 < verdict.mismatched < verdict.total else []
