"""Why a derivation is wrong: hypotheses generated from the declared model, each a truth computed by autograd.

The question is which model the answer is the exact derivative of. The
candidates come from the declaration: the true model; each declared variant (a
path cut, a knob turned, a local derivative swapped); the gradient at every
other quantity of the same shape (a neighbouring node, the upstream gradient);
the per-sample rows summed over the wrong axis; and the assignment's catalog of
known wrong formulas, for mistakes the model cannot generate. Each is read
through the answer's possible mis-shapings (transposed, reshaped, a full matrix's
diagonal, per-sample rows) and a factor of the case (`m`, `1/m`, `1-p`, ...).
A hypothesis is kept only if it holds on the failing case and on five more
cases of varied sizes and scalars. Where no single candidate explains the
answer, the declared paths are fitted jointly, so that a path missing and a
path scaled wrongly can both be said. Explanations say what the answer computes,
never the right formula.
"""
from __future__ import annotations

import inspect
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from checks import tags
from checks.assignment import Assignment, Context, Derivation, Variant
from checks.engine.cases import Case, diagnostic_cases
from checks.engine.check import CLOSED_VS_AUTOGRAD, CaseResult
from checks.engine.oracles import Evaluated
from checks.engine.submission import Submission, call_derivation
from checks.engine.truths import TRUTHS
from checks.grading import hypotheses
from checks.sandbox.calling import call

VARIANT_TAGS = {"path": tags.PATH_MISSING, "knob": tags.KNOB, "local_derivative": tags.LOCAL_DERIVATIVE}
TRANSFORMS = hypotheses.transforms(transposed=tags.TRANSPOSED, reshaped=tags.RESHAPED,
                                   diagonal=tags.DIAGONAL_OF_MATRIX, batch_sum=tags.NOT_SUMMED_OVER_BATCH)


@dataclass(frozen=True)
class Finding:
    tags: tuple[str, ...]
    explanation: str


@dataclass(frozen=True)
class Observation:
    case: Case
    evaluated: Evaluated
    truth: np.ndarray
    closed: np.ndarray
    scale: float


@dataclass(frozen=True)
class Basis:
    """A candidate truth on every observed case, with the tag and the words that name it."""

    tag: str | None
    says: str
    values: list[np.ndarray]


def observe(entry: Derivation, cases: list[Case], submission: Submission) -> list[Observation]:
    """The submission's arrays next to the truth, on every case where it returned one."""
    observations = []
    evaluations = [TRUTHS.evaluated(case) for case in cases]
    outcomes = call_derivation(submission, entry, [evaluated.arrays for evaluated in evaluations])
    for case, evaluated, outcome in zip(cases, evaluations, outcomes):
        value = outcome.value[entry.of] if isinstance(outcome.value, dict) and entry.of in outcome.value else outcome.value
        if isinstance(value, np.ndarray):
            truth = TRUTHS.truth(entry, case)
            observations.append(Observation(case, evaluated, truth.array, value.astype(np.float64), truth.scale))
    return observations


def diagnose(entry: Derivation, assignment: Assignment, failure: CaseResult, submission: Submission,
             observations: list[Observation] | None = None) -> list[Finding]:
    observations = observations or observe(entry, [failure.case, *diagnostic_cases(entry.context)], submission)
    if not observations:
        return []
    findings = _zero_expected(entry, assignment, observations)
    findings += _explained(entry, observations)
    findings += _known_mistakes(entry, assignment, observations)
    if failure.closed is not None and failure.truth is not None and failure.closed.shape == failure.truth.shape:
        findings += _where(failure)
    return findings


def scale_expressions(context: Context) -> list[tuple[str, Callable[[Case], float | None]]]:
    """Factors a wrong answer may be off by: the batch size in five forms, 2 and 1/2, every other axis's size and
    its inverse, then the scalars' own factors."""
    b = context.batch_axis
    found = [
        (b, lambda case: case.size[b]),
        (f"1/{b}", lambda case: 1 / case.size[b]),
        (f"{b}-1", lambda case: case.size[b] - 1),
        (f"({b}-1)/{b}", lambda case: (case.size[b] - 1) / case.size[b]),
        (f"{b}/({b}-1)", lambda case: case.size[b] / (case.size[b] - 1) if case.size[b] > 1 else None),
        ("2", lambda case: 2.0),
        ("1/2", lambda case: 0.5),
    ]
    for axis in context.axes:
        if axis != b:
            found += [(axis, lambda case, axis=axis: case.size[axis]),
                      (f"1/{axis}", lambda case, axis=axis: 1 / case.size[axis])]
    for scalar in context.scalars:
        for name, factor in scalar.factors.items():
            found.append((name, lambda case, factor=factor, scalar=scalar.name: factor(case.scalars[scalar])))
    return found


def _explained(entry: Derivation, observations: list[Observation]) -> list[Finding]:
    """The (candidate, reading) pairs that hold, the plainest first; failing those, the declared paths fitted jointly.

    A variant or another node's gradient that needs a factor or a sign to fit is
    kept only when nothing fits exactly: such a near miss would read as a cause
    it is not. Factors of the truth itself are always said.
    """
    batch = entry.context.batch_axis
    cases = [o.case for o in observations]
    scales = [o.scale for o in observations]
    exact, of_truth, near = [], [], []
    for basis in _bases(entry, observations):
        for transform in TRANSFORMS:
            answers = [transform.apply(o.closed, basis_value.shape, o.case.size[batch])
                       for o, basis_value in zip(observations, basis.values)]
            fitted = hypotheses.factors(answers, basis.values, scales)
            if fitted is None or (basis.tag is None and transform.tag is None and _unit(fitted)):
                continue
            finding = _finding(entry, basis, transform, fitted, cases)
            if finding is None:
                continue
            (exact if _unit(fitted) else of_truth if basis.tag is None else near).append(finding)
    found = exact + of_truth or near
    return _unique(found) if found else _paths(entry, observations)


def _unique(findings: list[Finding]) -> list[Finding]:
    seen, kept = set(), []
    for finding in findings:
        if finding.tags not in seen:
            seen.add(finding.tags)
            kept.append(finding)
    return kept


def _finding(entry: Derivation, basis: Basis, transform: hypotheses.Transform, fitted: list[float],
             cases: list[Case]) -> Finding | None:
    sign = -1.0 if all(f < 0 for f in fitted) else 1.0
    magnitudes = [sign * f for f in fitted]
    found = [tag for tag in (basis.tag, transform.tag) if tag]
    words = []
    if not _unit(magnitudes):
        name = hypotheses.name_factor(magnitudes, cases, scale_expressions(entry.context))
        if name is None:
            return None
        found.append(tags.SCALED.of(name))
        words.append(f"times {name}")
    if sign < 0:
        found.append(tags.SIGN_FLIPPED)
        words.append("with the sign flipped")
    if basis.tag is None and transform.tag == tags.TRANSPOSED and not words:
        weight = entry.context.vocabulary[entry.wrt]
        layout = weight.layout or f"({', '.join(weight.shape)})"
        return Finding(tuple(found), f"It is the transpose of the truth: a weight gradient has the weight's own shape, "
                                     f"{layout}.")
    if basis.tag is None and transform.tag is None:
        return Finding(tuple(found), f"It is the truth {', '.join(words)}.")
    reading = ", ".join(filter(None, [transform.says, *words]))
    return Finding(tuple(found), f"Your {entry.id} is {basis.says}" + (f", {reading}" if reading else "") + ".")


def _unit(values: list[float]) -> bool:
    return all(abs(value - 1) <= hypotheses.AGREEMENT for value in values)


def _bases(entry: Derivation, observations: list[Observation]) -> list[Basis]:
    """The true value, then every declared variant's, then the gradient at each quantity of the same shape."""
    bases = [Basis(None, "the truth", [o.truth for o in observations])]
    for variant in entry.context.variants:
        values = _variant_truths(entry, variant, observations)
        if values is not None:
            bases.append(Basis(VARIANT_TAGS[variant.kind].of(variant.name), variant.says, values))
    if entry.kind == "gradient":
        bases += _neighbours(entry, observations)
    if entry.rows_of is not None:
        bases.append(Basis(tags.SUMMED_OVER_WRONG_AXIS,
                           f"the per-sample rows of ∂{entry.of}/∂{entry.rows_of} summed over the feature axis, where "
                           "the batch axis was due",
                           [TRUTHS.exact(entry, o.case, wrt=entry.rows_of).sum(axis=1) for o in observations]))
    return bases


def _variant_truths(entry: Derivation, variant: Variant, observations: list[Observation]) -> list[np.ndarray] | None:
    """The id's exact value in the variant, on every case; None if it is the truth itself or not finite somewhere."""
    values = []
    for o in observations:
        value = TRUTHS.exact(entry, o.case, variant)
        if not np.all(np.isfinite(value)):
            return None
        values.append(value)
    if all(hypotheses.close(value, o.truth, o.scale) for value, o in zip(values, observations)):
        return None
    return values


def _neighbours(entry: Derivation, observations: list[Observation]) -> list[Basis]:
    """∂L/∂v for every other quantity v the loss depends on whose shape is wrt's, or its transpose."""
    context = entry.context
    shape = context.vocabulary[entry.wrt].shape
    loss_inputs = context.graph.ancestors[context.loss]
    found = []
    for name, quantity in context.vocabulary.items():
        if name == entry.wrt or name not in loss_inputs or not quantity.shape:
            continue
        if quantity.shape != shape and quantity.shape != tuple(reversed(shape)):
            continue
        meaning = f"∂{entry.of}/∂{name}, the gradient at {name} ({quantity.meaning})"
        found.append(Basis(tags.WRONG_NODE.of(name), f"{meaning}, not at {entry.wrt} "
                                                     f"({context.vocabulary[entry.wrt].meaning})",
                           [TRUTHS.exact(entry, o.case, wrt=name) for o in observations]))
    return found


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
    truths = [o.truth if base is None else TRUTHS.exact(entry, o.case, base) for o in observations]
    contributions = [[truth - TRUTHS.exact(entry, o.case, _combined(base, path))
                      for path in paths] for o, truth in zip(observations, truths)]
    telling = [index for index in range(len(paths))
               if not all(hypotheses.close(parts[index], 0 * truth, o.scale) or hypotheses.close(parts[index], truth, o.scale)
                          for o, truth, parts in zip(observations, truths, contributions))]
    paths = [paths[index] for index in telling]
    contributions = [[parts[index] for index in telling] for parts in contributions]
    if not paths:
        return []
    weights = hypotheses.path_weights([o.closed for o in observations], truths, contributions,
                                      [o.scale for o in observations])
    if weights is None:
        return []
    cases = [o.case for o in observations]
    missing, scaled, found = [], [], []
    for index, path in enumerate(paths):
        per_case = [float(w[index]) for w in weights]
        if _unit(per_case):
            continue
        if all(abs(w) <= hypotheses.AGREEMENT for w in per_case):
            missing.append(path.subject)
            found.append(tags.PATH_MISSING.of(path.name))
            continue
        name = hypotheses.name_factor(per_case, cases, scale_expressions(entry.context))
        if name is None:
            return []
        scaled.append(f"{path.subject} is scaled by {name}")
        found += [tags.PATH_SCALED.of(path.name), tags.SCALED.of(name)]
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


def _zero_expected(entry: Derivation, assignment: Assignment, observations: list[Observation]) -> list[Finding]:
    if not all(np.all(np.abs(o.truth) <= 1e-10 * o.scale) for o in observations):
        return []
    return [Finding((tags.ZERO_EXPECTED,), f"The true value is identically zero. {_reason(entry, assignment)}")]


def _reason(entry: Derivation, assignment: Assignment) -> str:
    """The reference docstring's explanation, after its formula line."""
    function = getattr(assignment.reference_module(), entry.id, None)
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
