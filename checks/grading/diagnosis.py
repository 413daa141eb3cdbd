"""Why a derivation is wrong: hypotheses generated from the declared model, each a truth computed by autograd.

The question is which model the answer is the exact derivative of. The
candidates come from the declaration: the true model; each declared variant (a
path cut, a knob turned, a local derivative swapped); the variants generated
from each declared backward pass (its derivative evaluated at another node, its
statistics over another axis, a scalar left out of it, np.diag of a row); the
gradient at every other quantity of the same shape (a neighbouring node, the
upstream gradient); the per-sample rows summed over the wrong axis; the truth
for one value of a scalar (a scalar written in); and the assignment's catalog of
known wrong formulas, for mistakes the model cannot generate. Each is read
through the answer's possible mis-shapings (transposed, reshaped, a full
matrix's diagonal, per-sample rows) and a factor of the case (`m`, `1/m`,
`1-p`, or such a factor taken by integer division). A candidate is tried on the
first case and, if it fits there, on five more of varied sizes and scalars, and
kept only if it holds on all. Where no single candidate explains the answer,
the simplest of the rest is said (the kinds of candidate are the modules of
`checks.grading.candidates`): the declared paths fitted jointly (a path
missing, a path scaled wrongly); then the terms of a declared backward pass
weighted on their own (`checks.grading.terms`: a factor or sign on part of a
sum); then two variants at once (`checks.grading.compound`). An answer that is
zero everywhere is said as what is missing, never as "the truth times 0".
Explanations say what the answer computes, never the right formula.
"""
from __future__ import annotations

import inspect
from collections.abc import Callable

import numpy as np

from checks import tags
from checks.assignment import Assignment, Derivation, Variant
from checks.engine.cases import Case, diagnostic_cases
from checks.engine.check import CLOSED_VS_AUTOGRAD, CaseResult
from checks.engine.submission import Submission, call_derivation
from checks.engine.truths import TRUTHS
from checks.grading import compound, counterexamples, hypotheses, pitfalls, terms
from checks.grading.candidates import Candidate, candidates
from checks.grading.candidates.declared_variants import VARIANT_TAGS
from checks.grading.findings import Finding, Observation, named_factor, named_weights, unit
from checks.sandbox.calling import call

__all__ = ["Finding", "Observation", "diagnose", "diagnose_exception", "observe"]

TRANSFORMS = hypotheses.transforms(transposed=tags.TRANSPOSED, reshaped=tags.RESHAPED,
                                   diagonal=tags.DIAGONAL_OF_MATRIX, batch_sum=tags.NOT_SUMMED_OVER_BATCH)


def observe(entry: Derivation, cases: list[Case], submission: Submission) -> list[Observation]:
    """The submission's answer next to the truth on every case, or the error it gave there."""
    observations = []
    evaluations = [TRUTHS.evaluated(case) for case in cases]
    outcomes = call_derivation(submission, entry, [evaluated.arrays for evaluated in evaluations])
    for case, evaluated, outcome in zip(cases, evaluations, outcomes):
        value = outcome.value[entry.of] if isinstance(outcome.value, dict) and entry.of in outcome.value else outcome.value
        truth = TRUTHS.truth(entry, case)
        closed = value.astype(np.float64) if isinstance(value, np.ndarray) else None
        observations.append(Observation(case, evaluated, truth.array, closed, truth.scale, outcome.error or ""))
    return observations


def diagnose(entry: Derivation, assignment: Assignment, failure: CaseResult, submission: Submission,
             observations: list[Observation] | None = None) -> list[Finding]:
    observations = observations or observe(entry, [failure.case, *diagnostic_cases(entry.context)], submission)
    valued = sorted((o for o in observations if o.closed is not None), key=lambda o: -o.truth.size)
    findings = pitfalls.broadcast_errors([o.error for o in observations if o.closed is None])
    if not valued:
        return findings
    findings += _zero_expected(entry, assignment, valued)
    findings += _explained(entry, valued)
    findings += pitfalls.whole_numbers(valued)
    findings += _known_mistakes(entry, assignment, valued)
    findings += _settings(entry, failure, submission)
    if failure.closed is not None and failure.truth is not None and failure.closed.shape == failure.truth.shape:
        findings += _where(failure)
    return findings


def diagnose_exception(entry: Derivation, failure: CaseResult, submission: Submission) -> list[Finding]:
    """For an answer that raises: what the errors on the failing and the diagnostic cases show (a numpy pitfall)."""
    observations = observe(entry, diagnostic_cases(entry.context), submission)
    return pitfalls.broadcast_errors([failure.outcome.error if failure.outcome else ""]
                                     + [o.error for o in observations if o.closed is None])


def _explained(entry: Derivation, observations: list[Observation]) -> list[Finding]:
    """The (candidate, reading) pairs that hold, the plainest first; failing those, the joint fits, then pairs.

    A variant or another node's gradient that needs a factor or a sign to fit is
    kept only when nothing fits exactly: such a near miss would read as a cause
    it is not. Factors of the truth itself are always said.
    """
    zero = _zero_answer(entry, observations)
    if zero is not None:
        return zero
    exact, of_truth, near, singles = [], [], [], []
    first = observations[0]
    for candidate in candidates(entry):
        value = candidate.value(first)
        if value is None or not np.all(np.isfinite(value)):
            continue
        if candidate.variant is not None and not hypotheses.close(value, first.truth, first.scale):
            singles.append(compound.Single(candidate.variant, candidate.tags, candidate.says))
        if not _fits_first(entry, first, value):
            continue
        values = [value, *(candidate.value(o) for o in observations[1:])]
        if any(v is None or not np.all(np.isfinite(v)) for v in values):
            continue
        if candidate.tags and all(hypotheses.close(v, o.truth, o.scale) for v, o in zip(values, observations)):
            continue
        for extra, reading, fitted in _readings(entry, observations, values, plain=not candidate.tags):
            finding = _finding(entry, candidate, extra, reading)
            (exact if fitted else of_truth if not candidate.tags else near).append(finding)
    found = exact + of_truth or near
    if found:
        return _unique(found)
    for explain in (lambda: _paths(entry, observations), lambda: terms.explain(entry, observations),
                    lambda: compound.explain(entry, observations, singles, _pair_readings(entry))):
        found = explain()
        if found:
            return _unique(found)
    return []


def _fits_first(entry: Derivation, first: Observation, value: np.ndarray) -> bool:
    """Whether some mis-shaping of the answer on the first case is a factor times `value`: worth the other cases."""
    batch = first.case.size[entry.context.batch_axis]
    return any(hypotheses.fits(transform.apply(first.closed, value.shape, batch), value, first.scale)
               for transform in TRANSFORMS)


def _readings(entry: Derivation, observations: list[Observation], values: list[np.ndarray], *,
              plain: bool) -> list[tuple[tuple[str, ...], str, bool]]:
    """Each mis-shaping and factor under which the answers are `values`: (tags, words, exact). `plain` candidates
    (the truth itself) are not read as themselves."""
    batch = entry.context.batch_axis
    cases = [o.case for o in observations]
    found = []
    for transform in TRANSFORMS:
        answers = [transform.apply(o.closed, value.shape, o.case.size[batch]) for o, value in zip(observations, values)]
        fitted = hypotheses.factors(answers, values, [o.scale for o in observations])
        if fitted is None or (plain and transform.tag is None and unit(fitted)):
            continue
        reading = _reading(entry, transform, fitted, cases)
        if reading is not None:
            found.append((*reading, unit(fitted)))
    return found


def _reading(entry: Derivation, transform: hypotheses.Transform, fitted: list[float],
             cases: list[Case]) -> tuple[tuple[str, ...], str] | None:
    """The tags and words of a mis-shaping and a factor; None if the factor has no name."""
    sign = -1.0 if all(f < 0 for f in fitted) else 1.0
    magnitudes = [sign * f for f in fitted]
    found = [transform.tag] if transform.tag else []
    words = [transform.says] if transform.says else []
    if not unit(magnitudes):
        named = named_factor(magnitudes, cases, entry.context)
        if named is None:
            return None
        found.append(tags.SCALED.of(named[0]))
        words.append(f"times {named[0]}")
        if named[1]:
            found.append(tags.INTEGER_DIVISION)
            words.append("a factor taken by integer division")
    if sign < 0:
        found.append(tags.SIGN_FLIPPED)
        words.append("with the sign flipped")
    return tuple(found), ", ".join(words)


def _finding(entry: Derivation, candidate: Candidate, extra: tuple[str, ...], reading: str) -> Finding:
    found = (*candidate.tags, *extra)
    hint = "".join(f" {pitfalls.HINTS[tag]}" for tag in found if tag in pitfalls.HINTS)
    if not candidate.tags and extra == (tags.TRANSPOSED,):
        weight = entry.context.vocabulary[entry.wrt]
        layout = weight.layout or f"({', '.join(weight.shape)})"
        return Finding(found, f"It is the transpose of the truth: a weight gradient has the weight's own shape, "
                              f"{layout}.")
    if not candidate.tags:
        return Finding(found, f"It is the truth {reading}.{hint}")
    return Finding(found, f"Your {entry.id} is {candidate.says}" + (f", {reading}" if reading else "") + "." + hint)


def _pair_readings(entry: Derivation) -> Callable:
    """The readings of a pair of variants: any mis-shaping and named factor, on the cases given."""
    def read(observations: list[Observation], values: list[np.ndarray]) -> list[tuple[tuple[str, ...], str]]:
        if len(observations) == 1:
            return [((), "")] if _fits_first(entry, observations[0], values[0]) else []
        return [(extra, reading) for extra, reading, _ in _readings(entry, observations, values, plain=False)]
    return read


def _unique(findings: list[Finding]) -> list[Finding]:
    seen, kept = set(), []
    for finding in findings:
        if finding.tags not in seen:
            seen.add(finding.tags)
            kept.append(finding)
    return kept


def _zero_answer(entry: Derivation, observations: list[Observation]) -> list[Finding] | None:
    """An answer that is zero everywhere, said as the declared variants with which nothing reaches `wrt`; None if
    the answer is not zero."""
    if not all(np.all(np.abs(o.closed) <= hypotheses.AGREEMENT * o.scale) for o in observations):
        return None
    found = []
    for candidate in candidates(entry):
        if candidate.variant is None:
            continue
        values = (candidate.value(o) for o in observations)
        if all(v is not None and v.shape == o.closed.shape and np.all(np.abs(v) <= hypotheses.AGREEMENT * o.scale)
               for v, o in zip(values, observations)):
            found.append(Finding(candidate.tags, f"Your {entry.id} is zero, as is {candidate.says}: with that, "
                                                   f"nothing reaches {entry.wrt or entry.of}."))
    return found or [Finding((tags.ZERO_ANSWER,), "It is zero on every case, where the truth is not.")]


def _paths(entry: Derivation, observations: list[Observation]) -> list[Finding]:
    """The answer as a model's gradient with each declared path weighted on its own: which are missing, which scaled.

    Tried on the true model, then on each other declared variant that leaves
    the paths' nodes alone (a ReLU's derivative taken as 1, with the batch
    paths through BatchNorm lost, say).
    """
    context = entry.context
    paths = [variant for variant in context.variants if variant.kind == "path"]
    if not paths or any(o.closed.shape != o.truth.shape for o in observations):
        return []
    cut_nodes = {name for path in paths for name in path.replaces}
    for base in (None, *(v for v in context.variants if v.kind != "path" and not set(v.replaces) & cut_nodes)):
        findings = _weighted_paths(entry, observations, paths, base)
        if findings:
            return findings
    return []


def _weighted_paths(entry: Derivation, observations: list[Observation], paths: list[Variant],
                    base: Variant | None) -> list[Finding]:
    truths = [o.truth if base is None else TRUTHS.exact(entry, o.case, base) for o in observations[:1]]
    contributions = [[truths[0] - TRUTHS.exact(entry, observations[0].case, _combined(base, path)) for path in paths]]
    if not hypotheses.may_be_weighted(observations[0].closed - truths[0], contributions[0], observations[0].scale):
        return []  # the first case's fit below, which comes first, would fail with any of the paths live
    truths += [o.truth if base is None else TRUTHS.exact(entry, o.case, base) for o in observations[1:]]
    contributions += [[truth - TRUTHS.exact(entry, o.case, _combined(base, path)) for path in paths]
                      for o, truth in zip(observations[1:], truths[1:])]
    telling = [index for index in range(len(paths))
               if not all(hypotheses.close(parts[index], 0 * truth, o.scale) or hypotheses.close(parts[index], truth, o.scale)
                          for o, truth, parts in zip(observations, truths, contributions))]
    paths = [paths[index] for index in telling]
    contributions = [[parts[index] for index in telling] for parts in contributions]
    if not paths:
        return []
    fitted = []
    for o, truth, parts in zip(observations, truths, contributions):
        live = {path.name: part for path, part in zip(paths, parts)
                if np.any(np.abs(part) > hypotheses.AGREEMENT * o.scale)}
        weights = hypotheses.term_weights(o.closed - truth, list(live.values()), o.scale)
        if weights is None:
            return []
        fitted.append(({name: 1 + beta for name, beta in zip(live, weights[0])}, weights[1]))
    weights = named_weights(fitted, [o.case for o in observations], entry.context)
    if weights is None:
        return []
    for o, truth, parts in zip(observations, truths, contributions):
        predicted = truth + sum((weights[path.name].value(o.case, entry.context) - 1) * part
                                for path, part in zip(paths, parts) if path.name in weights)
        if not hypotheses.close(o.closed, predicted, o.scale):
            return []
    missing, scaled, found = [], [], []
    for path in paths:
        weight = weights.get(path.name)
        if weight is None or weight.unit:
            continue
        if weight.missing:
            missing.append(path.subject)
            found.append(tags.PATH_MISSING.of(path.name))
            continue
        scaled.append(f"{path.subject} is scaled by {weight.name}")
        found += [tags.PATH_SCALED.of(path.name), tags.SCALED.of(weight.name)]
        if weight.integer_division:
            found.append(tags.INTEGER_DIVISION)
    if not found:
        return []
    said = ([f"{' and '.join(missing)} {'is' if len(missing) == 1 else 'are'} missing"] if missing else []) + scaled
    start = f"Your {entry.id} is {base.says}; in it, " if base is not None else f"In your {entry.id}, "
    if base is not None:
        found.insert(0, VARIANT_TAGS[base.kind].of(base.name))
    return [Finding(tuple(found), start + "; ".join(said) + ".")]


def _combined(base: Variant | None, path: Variant) -> Variant:
    """The path's cut made in the base variant's model (their nodes are disjoint)."""
    if base is None:
        return path
    return Variant(base.kind, f"{base.name}+{path.name}", {**base.replaces, **path.replaces}, base.says, path.subject)


def _settings(entry: Derivation, failure: CaseResult, submission: Submission) -> list[Finding]:
    """The scalars whose value decides whether the answer is right, at the failing case's sizes and seed."""
    found = []
    for name, wrong, right in counterexamples.scalar_dependence(entry, failure.case, submission):
        found.append(Finding((tags.ONLY_WHEN.of(name),),
                             f"Only wrong when {name} = {' or '.join(f'{v:g}' for v in wrong)}: on the same case it "
                             f"is right when {name} = {' or '.join(f'{v:g}' for v in right)}."))
    return found


def _zero_expected(entry: Derivation, assignment: Assignment, observations: list[Observation]) -> list[Finding]:
    if not all(np.all(np.abs(o.truth) <= 1e-10 * o.scale) for o in observations):
        return []
    return [Finding((tags.ZERO_EXPECTED,), f"The true value is identically zero. {_reason(entry, assignment)}")]


def _reason(entry: Derivation, assignment: Assignment) -> str:
    """The reference docstring's explanation, after its formula line (none where the references are not installed)."""
    function = assignment.reference_function(entry.id)
    paragraphs = (inspect.getdoc(function) or "").split("\n\n")
    return " ".join(paragraphs[1].split()) if len(paragraphs) > 1 else ""


def _known_mistakes(entry: Derivation, assignment: Assignment, observations: list[Observation]) -> list[Finding]:
    findings = []
    for variant in (v for v in assignment.catalog if v.id == entry.id):
        names = inspect.signature(variant.function).parameters
        if all(hypotheses.close(o.closed, _variant_value(variant.function, names, o, entry), o.scale) for o in observations):
            findings.append(Finding((tags.KNOWN_MISTAKE.of(variant.name),), variant.hint))
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
                return [Finding((tags.OFF_WHERE.of(label),), f"{share}, all of them where {says}.")]
    return [Finding((tags.OFF_SHARE,), f"{share}.")] if 0 < verdict.mismatched < verdict.total else []
