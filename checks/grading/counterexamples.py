"""Which failing case a student is shown: an informative one, at the scalar settings where the answer is most off.

Hypothesis shrinks a failure towards degenerate cases (a batch of two, widths of
one, a single class), where the true value can be about zero and an order-one
mistake reads as noise. The case shown is chosen among the informative observed
cases (a batch of at least 3, every other width at least 2, as far as the context
allows) and each of them with one scalar set to each of its declared values
(`p`, `eps`, a stride): the smallest failing one, preferring one where the answer
is off by much, and among equal sizes the one furthest off. A mistake that only
shows at some settings (an epsilon written in, a crop that assumes `pad > 0`) is
shown where it shows, and `scalar_dependence` says which settings matter.
"""
from __future__ import annotations

from dataclasses import replace

import numpy as np

from checks.assignment import Derivation
from checks.engine.cases import Case
from checks.engine.check import CaseResult, check_case, check_cases
from checks.engine.submission import Submission
from checks.engine.truths import OracleError

__all__ = ["informative", "scalar_dependence", "shown"]

LARGE = 1e-3
"""A normwise error at least this large against the truth's scale is plain to see in the message."""
INFORMATIVE_BATCH = 3
INFORMATIVE_WIDTH = 2


def informative(case: Case) -> bool:
    """Its batch and every other drawn range of sizes are large enough (chosen and computed sizes are what they are)."""
    context = case.context
    wanted = {axis: INFORMATIVE_BATCH if axis == context.batch_axis else INFORMATIVE_WIDTH for axis in context.axes}
    return all(size >= max(context.sizes[axis].minimum, wanted[axis])
               for axis, size in case.dims if context.sizes[axis].kind == "range")


def shown(entry: Derivation, minimal: CaseResult, observations, submission: Submission) -> CaseResult:
    """The failing case to show, among the informative cases and their scalar settings; else the minimal one."""
    bases = [minimal.case] if informative(minimal.case) else [o.case for o in observations if informative(o.case)]
    cases = list(dict.fromkeys(setting for base in bases for setting in _settings(base)))
    if not cases or cases == [minimal.case]:
        return minimal
    ranked = []
    for result in _judged(entry, cases, submission):
        if result.status != minimal.status or result.passed:
            continue
        error = _error(result)
        ranked.append((error < LARGE, sum(size for _, size in result.case.dims), -error, result.case))
    if not ranked:
        return minimal
    *_, case = min(ranked, key=lambda item: item[:3])
    return check_case(entry, case, submission) if case != minimal.case else minimal


def scalar_dependence(entry: Derivation, case: Case, submission: Submission) -> list[tuple[str, list, list]]:
    """Each scalar at whose declared values the answer is right on this case's sizes and seed, though wrong at
    others: (name, values where wrong, values where right)."""
    found = []
    for scalar in case.context.scalars:
        cases = _settings(case, only=scalar.name)
        results = _judged(entry, cases, submission)
        wrong = [c.scalars[scalar.name] for c, r in zip(cases, results) if not r.passed]
        right = [c.scalars[scalar.name] for c, r in zip(cases, results) if r.passed]
        if wrong and right:
            found.append((scalar.name, sorted(wrong), sorted(right)))
    return found


def _settings(case: Case, only: str | None = None) -> list[Case]:
    """The case itself, then with each scalar (or only one) set to each of its declared values, where allowed."""
    found = [case]
    for scalar in case.context.scalars:
        if only is not None and scalar.name != only:
            continue
        for value in dict.fromkeys((*scalar.values, *scalar.diagnostic)):
            params = tuple((name, value if name == scalar.name else old) for name, old in case.params)
            try:
                found.append(replace(case, params=params))
            except ValueError:
                continue
    return list(dict.fromkeys(found))


def _judged(entry: Derivation, cases: list[Case], submission: Submission) -> list[CaseResult]:
    """Every case judged against autograd in one call of the submission, without the numeric witness; none if the
    truth cannot be had on one of them (a setting outside what the oracles judge)."""
    try:
        return check_cases(entry, cases, submission, witness=lambda case, agrees: False)
    except OracleError:
        return []


def _error(result: CaseResult) -> float:
    """The largest error against the truth's scale (infinite for a wrong shape)."""
    if result.closed is None or result.truth is None or result.closed.shape != result.truth.shape:
        return np.inf
    verdict = result.comparisons[0] if result.comparisons else None
    scale = verdict.scale if verdict is not None else float(np.max(np.abs(result.truth)))
    return float(np.max(np.abs(result.closed - result.truth))) / scale if scale else np.inf
