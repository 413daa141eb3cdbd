"""A failure explained: the case to show (the smallest informative one) and the diagnosis of what the answer computes.

Grading and `checks.testing` both explain a shrunk failure this way: the answer
is observed on the failing case and on `cases` more (of varied sizes and
scalars), the case shown is chosen from those (`counterexamples.shown`), and the
hypotheses of `diagnosis` are fitted on all of them.
"""
from __future__ import annotations

from collections.abc import Sequence

from checks.assignment import Assignment, Derivation
from checks.engine.cases import Case
from checks.engine.check import CaseResult
from checks.engine.submission import Submission
from checks.grading import counterexamples, diagnosis


def explain(entry: Derivation, assignment: Assignment, minimal: CaseResult, submission: Submission,
            cases: Sequence[Case]) -> tuple[CaseResult, list[diagnosis.Finding]]:
    """The failure to show in place of `minimal` (a failed comparison, not an error), and the findings that explain it."""
    observations = diagnosis.observe(entry, [minimal.case, *cases], submission)
    shown = counterexamples.shown(entry, minimal, observations, submission)
    return shown, diagnosis.diagnose(entry, assignment, shown, submission, observations)
