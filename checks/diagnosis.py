"""Why a derivation is wrong: hypotheses tested against the truth over several cases.

Each hypothesis is kept only if it holds on every case where the submission gave
an array: a scale factor (fitted by least squares and matched against
expressions in the case's scalars), a transpose, per-sample rows where a batch
sum was due, a sum over the wrong axis, a true value that is identically zero, a
known wrong variant from the catalog, and where in the array the error lives.
"""
from __future__ import annotations

import importlib
import inspect
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from checks.cases import Case
from checks.catalog import CATALOG
from checks.check import CLOSED_VS_AUTOGRAD, CaseResult
from checks.oracles import Evaluated, autograd_truth, evaluate, magnitude
from checks.registry import Derivation
from checks.sandbox.calling import call
from checks.submission import REFERENCE_PACKAGE, Submission, reply_limit
from checks.vocabulary import CONTEXT_AXES

AGREEMENT = 1e-8
"""Relative agreement for a hypothesis to hold: far looser than roundoff, far tighter than chance."""

SCALES: tuple[tuple[str, Callable[[int, float | None], float | None]], ...] = (
    ("m", lambda m, p: m),
    ("1/m", lambda m, p: 1 / m),
    ("m-1", lambda m, p: m - 1),
    ("(m-1)/m", lambda m, p: (m - 1) / m),
    ("m/(m-1)", lambda m, p: m / (m - 1) if m > 1 else None),
    ("2", lambda m, p: 2.0),
    ("1/2", lambda m, p: 0.5),
    ("1-p", lambda m, p: None if p is None else 1 - p),
    ("1/(1-p)", lambda m, p: None if p is None else 1 / (1 - p)),
)

_DIAGNOSTIC_SHAPES = ((2, 0.5, 1.0), (3, 0.2, 0.5), (5, 0.8, 2.0), (4, 0.5, 1.0), (6, 0.2, 1.0))
"""(m, p, scale) of the extra cases: m from 2 to 6 and three values of p tell the scale expressions apart."""


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


def diagnostic_cases(context: str) -> list[Case]:
    cases = []
    for index, (m, p, scale) in enumerate(_DIAGNOSTIC_SHAPES):
        widths = {axis: 2 + (index + position) % 3 for position, axis in enumerate(CONTEXT_AXES[context]) if axis != "m"}
        cases.append(Case.of(context, seed=1000 + index, scale=scale, m=m, **widths,
                             p=p if context in ("dropout", "net") else None,
                             eps=1e-5 if context in ("bn", "net") else None))
    return cases


def observe(entry: Derivation, cases: list[Case], submission: Submission) -> list[Observation]:
    """The submission's arrays next to the truth, on every case where it returned one."""
    observations = []
    for case in cases:
        evaluated = evaluate(case)
        signature = submission.signature(entry.id)
        names = evaluated.arrays.keys() if signature.takes_all else signature.names
        outcome = submission.call(entry.id, {name: evaluated.arrays[name] for name in names},
                                  reply_limit=reply_limit(evaluated.arrays))
        value = outcome.value[entry.of] if isinstance(outcome.value, dict) and entry.of in outcome.value else outcome.value
        if isinstance(value, np.ndarray):
            truth = autograd_truth(entry, evaluated)
            observations.append(Observation(case, evaluated, truth.numpy(), value.astype(np.float64),
                                            magnitude(entry, evaluated, truth)))
    return observations


def diagnose(entry: Derivation, failure: CaseResult, submission: Submission) -> list[Finding]:
    observations = observe(entry, [failure.case, *diagnostic_cases(entry.context)], submission)
    if not observations:
        return []
    findings = _zero_expected(entry, observations)
    findings += _reshaped(entry, observations)
    if all(o.closed.shape == o.truth.shape for o in observations):
        findings += _scaled(observations, lambda o: o.closed)
    findings += _known_mistakes(entry, observations)
    if failure.closed is not None and failure.truth is not None and failure.closed.shape == failure.truth.shape:
        findings += _where(failure)
    return findings


def _close(actual: np.ndarray, expected: np.ndarray, scale: float) -> bool:
    return actual.shape == expected.shape and bool(np.all(np.abs(actual - expected) <= AGREEMENT * (np.abs(expected) + scale)))


def _zero_expected(entry: Derivation, observations: list[Observation]) -> list[Finding]:
    if not all(np.all(np.abs(o.truth) <= 1e-10 * o.scale) for o in observations):
        return []
    return [Finding("zero_expected", f"The true value is identically zero. {_reason(entry)}")]


def _reason(entry: Derivation) -> str:
    """The reference docstring's explanation, after its formula line."""
    function = getattr(importlib.import_module(REFERENCE_PACKAGE), entry.id, None)
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
    per_sample = [o for o in observations if o.closed.shape == (o.case.size["m"], *o.truth.shape)]
    if per_sample and len(per_sample) == len(observations):
        summed = _scaled(observations, lambda o: o.closed.sum(axis=0))
        if not summed and all(_close(o.closed.sum(axis=0), o.truth, o.scale) for o in observations):
            findings.append(Finding("not_summed_over_batch", "It returns one row per sample; the gradient of a "
                                                             "parameter sums those rows over the batch."))
        elif summed:
            findings.append(Finding("not_summed_over_batch", "It returns one row per sample, whose batch sum is "
                                                             "the truth up to a factor:"))
            findings += summed
    if entry.rows_of and all(o.closed.shape == (o.case.size["m"],) for o in observations):
        rows = [_rows(entry, o) for o in observations]
        if all(_close(o.closed, r.sum(axis=1), o.scale) for o, r in zip(observations, rows)):
            findings.append(Finding("summed_over_wrong_axis", f"It sums the per-sample rows of ∂L/∂{entry.rows_of} "
                                                              "over the feature axis; the batch axis was due."))
    return findings


def _rows(entry: Derivation, observation: Observation) -> np.ndarray:
    """Per-sample rows of ∂L/∂(rows_of): the terms whose batch sum is the id's truth."""
    gradient = Derivation(entry.id, entry.section, entry.context, of="L", wrt=entry.rows_of)
    return autograd_truth(gradient, observation.evaluated).numpy()


def _scaled(observations: list[Observation], transform: Callable[[Observation], np.ndarray]) -> list[Finding]:
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
    for name, expression in SCALES:
        if all(_matches(f, expression(case.size["m"], case.p)) for case, f in magnitudes):
            return findings + [Finding(f"scaled:{name}", f"It is the truth times {name}{flipped}.")]
    constant = magnitudes[0][1]
    if all(abs(f - constant) <= AGREEMENT * abs(constant) for _, f in magnitudes):
        return findings + [Finding(f"scaled:{constant:.6g}", f"It is the truth times {constant:.6g}{flipped}.")]
    return findings


def _matches(factor: float, expected: float | None) -> bool:
    return expected is not None and abs(factor - expected) <= AGREEMENT * abs(expected)


def _known_mistakes(entry: Derivation, observations: list[Observation]) -> list[Finding]:
    findings = []
    for variant in (v for v in CATALOG if v.id == entry.id):
        names = inspect.signature(variant.function).parameters
        if all(_close(o.closed, _variant_value(variant.function, names, o, entry), o.scale) for o in observations):
            findings.append(Finding(f"known_mistake:{variant.name}", variant.hint))
    return findings


def _variant_value(function: Callable, names, observation: Observation, entry: Derivation) -> np.ndarray:
    outcome = call(function, {name: observation.evaluated.arrays[name] for name in names})
    value = outcome.value
    return value[entry.of] if isinstance(value, dict) else np.asarray(value, dtype=np.float64)


def _where(failure: CaseResult) -> list[Finding]:
    """What share of the entries is off, and whether they line up with the ReLU or dropout mask."""
    verdict = failure.comparison(CLOSED_VS_AUTOGRAD)
    if verdict is None or verdict.passed:
        return []
    off = np.abs(failure.closed - failure.truth) > verdict.tolerance.rtol * np.abs(failure.truth) + verdict.tolerance.atol * verdict.scale
    share = f"{verdict.mismatched} of {verdict.total} entries are off ({100 * verdict.mismatched / verdict.total:.0f}%)"
    arrays = failure.evaluated.arrays if failure.evaluated else {}
    masks = {"relu_active": arrays.get("N"), "units_kept": arrays.get("M")}
    for name, mask in masks.items():
        if mask is None or np.shape(mask) != off.shape:
            continue
        region = np.asarray(mask) != 0
        for label, inside in ((name, region), (_opposite(name), ~region)):
            if off.any() and inside.any() and not inside.all() and not np.any(off & ~inside):
                return [Finding(f"off_where:{label}", f"{share}, all of them where {_describe(label)}.")]
    return [Finding("off_share", f"{share}.")] if 0 < verdict.mismatched < verdict.total else []


def _opposite(name: str) -> str:
    return {"relu_active": "relu_inactive", "units_kept": "units_dropped"}[name]


def _describe(label: str) -> str:
    return {"relu_active": "the ReLU is active (N = 1)", "relu_inactive": "the ReLU is off (N = 0)",
            "units_kept": "dropout keeps the unit (M ≠ 0)", "units_dropped": "dropout drops the unit (M = 0)"}[label]
