"""The property: on every case hypothesis draws, a derivation matches autograd, and the witness agrees."""
from __future__ import annotations

import time
from dataclasses import dataclass, field

from hypothesis import given, settings
from hypothesis import strategies as st

from checks.engine.check import CaseResult, check_case
from checks.assignment import Derivation
from checks.engine.strategies import cases
from checks.engine.submission import Submission


class CheckFailed(AssertionError):
    """A case on which the derivation is wrong (or its function raised, or returned nonsense)."""

    def __init__(self, result: CaseResult):
        super().__init__(result.message)
        self.result = result
        self.report: PropertyReport | None = None


@dataclass
class PropertyReport:
    entry: Derivation
    examples: int = 0
    failures: int = 0
    witness_disagreements: int = 0
    witness_inconclusive: int = 0
    """Cases whose numeric probes were all discarded at kinks: no second witness there."""
    worst: dict[str, float] = field(default_factory=dict)
    """Largest normwise error seen per comparison label."""
    probes: int = 0
    discarded: int = 0
    seconds: float = 0.0
    failure: CaseResult | None = None
    """The failing case after hypothesis shrank it."""

    def record(self, result: CaseResult, failed: bool) -> None:
        self.examples += 1
        self.witness_disagreements += not result.witness_agrees
        self.witness_inconclusive += result.witness_inconclusive
        if failed:
            self.failures += 1
            self.failure = self.failure or result
        self.probes += result.probes
        self.discarded += result.discarded
        for comparison in result.comparisons:
            self.worst[comparison.label] = max(self.worst.get(comparison.label, 0.0), comparison.error)

    @property
    def discards(self) -> str:
        """Discarded probes, and the cases left with no numeric witness at all."""
        text = f"{self.discarded} / {self.probes}"
        return text + (f" ({self.witness_inconclusive} cases without a witness)" if self.witness_inconclusive else "")

    @property
    def status(self) -> str:
        return "passed" if self.failure is None else self.failure.status


def check_property(entry: Derivation, submission: Submission, *, profile: settings | None = None,
                   stop_at_failure: bool = True, witness_must_agree: bool = True) -> PropertyReport:
    """Run hypothesis on `entry`; raise `CheckFailed` with the shrunk case if any case fails.

    A case fails when the closed form does not match autograd, or, with
    `witness_must_agree`, when autograd and numeric differentiation disagree (which
    would be gradjudge's own fault: grading does not hold it against a student).
    With `stop_at_failure=False` every example runs and failures are only counted (the soak).
    """
    report = PropertyReport(entry)

    @given(data=st.data())
    def derivation_matches_oracles(data: st.DataObject) -> None:
        case = data.draw(cases(context=entry.context), label=f"{entry.context.name} case")
        result = check_case(entry, case, submission)
        failed = not result.passed or (witness_must_agree and not result.witness_agrees)
        report.record(result, failed)
        if failed and stop_at_failure:
            report.failure = result
            raise CheckFailed(result)

    derivation_matches_oracles._hypothesis_internal_database_key = f"gradjudge:{submission.label}:{entry.id}".encode()
    test = profile(derivation_matches_oracles) if profile is not None else derivation_matches_oracles
    start = time.perf_counter()
    try:
        test()
    except CheckFailed as failure:
        failure.report = report
        raise
    finally:
        report.seconds = time.perf_counter() - start
    return report
