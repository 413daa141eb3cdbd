"""Which failing case a student is shown: the smallest informative one, not hypothesis's minimal one.

Hypothesis shrinks a failure towards degenerate cases (a batch of two, widths of
one, a single class), where the true value can be about zero and an order-one
mistake reads as noise. The case shown is the smallest of the failing ones whose
batch is at least 3 and every other width at least 2 (as far as the context
allows), preferring one where the answer is off by much against the truth.
"""
from __future__ import annotations

import numpy as np

from checks.assignment import Derivation
from checks.engine.cases import Case
from checks.engine.check import CaseResult, check_case
from checks.engine.submission import Submission

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
    """The failing case to show: an informative observed case (large error first, then small), else the minimal one."""
    if informative(minimal.case):
        return minimal
    ranked = []
    for observation in observations:
        if not informative(observation.case):
            continue
        if observation.closed.shape != observation.truth.shape:
            error = np.inf
        else:
            error = float(np.max(np.abs(observation.closed - observation.truth))) / observation.scale if observation.scale else np.inf
        ranked.append((error < LARGE, sum(size for _, size in observation.case.dims), -error, observation.case))
    for *_, case in sorted(ranked, key=lambda item: item[:3]):
        result = check_case(entry, case, submission)
        if result.status == minimal.status and not result.passed:
            return result
    return minimal
