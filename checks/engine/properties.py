"""The property: on every case hypothesis draws, a derivation matches autograd, and the witness agrees.

Under a derandomized profile (grading, CI) the cases an id meets are the same
for every submission: the stream is drawn once per context (`case_stream`),
every case of it goes to the submission in one request, and the truths come
from the shared cache. Each declared value of each scalar is met on a plain
case of the stream, added where hypothesis's draws miss it. A failure is then
made as simple as it goes in a few batched rounds (`shrinking`: the context's
smallest case first), not by replaying hypothesis one example at a time.
Without derandomization hypothesis runs from the start, and shrinks. With a
course secret (`case_secret`), the stream, its value seeds and the smallest
case follow the secret instead of the public derandomized stream. Which cases
the numeric witness confirms is the witness policy's (`witnessing`). When the witness does not decide failures
(grading), the cases met while shrinking are not witnessed; the failure settled
on is, before it is reported.
"""
from __future__ import annotations

import math
import time
from dataclasses import dataclass, field
from typing import NoReturn

from hypothesis import given, seed, settings
from hypothesis import strategies as st

from checks.statuses import PASSED
from checks.assignment import Context, Derivation
from checks.engine import profiles, shrinking, strategies, witnessing
from checks.engine.case_secret import CaseSecret
from checks.engine.cases import Case, sized
from checks.engine.check import CaseResult, check_cases
from checks.engine.submission import Submission
from checks.engine.truths import TRUTHS


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
    witnessed: int = 0
    """Cases the numeric witness confirmed autograd on."""
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
        self.witnessed += result.witnessed
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
        """Probes discarded at kinks, of those taken; the cases left with no witness at all are `witness_inconclusive`
        (`unwitnessed_note` says how many)."""
        return f"{self.discarded} / {self.probes}"

    @property
    def status(self) -> str:
        return PASSED if self.failure is None else self.failure.status


def unwitnessed_note(count: int) -> str | None:
    """The line under a table of properties that says how many cases, `count`, had no numeric witness."""
    return (f"{count} cases without a witness: every step of their probe crossed a kink, so numeric differentiation "
            "could not confirm autograd there." if count else None)


def check_property(entry: Derivation, submission: Submission, *, profile: settings | None = None,
                   stop_at_failure: bool = True, witness_must_agree: bool = True,
                   witness: str = witnessing.EVERY, secret: CaseSecret | None = None,
                   strategy: st.SearchStrategy[Case] | None = None) -> PropertyReport:
    """Run the property on `entry`; raise `CheckFailed` with the shrunk case if any case fails.

    A case fails when the closed form does not match autograd, or, with
    `witness_must_agree`, when autograd and numeric differentiation disagree (which
    would be gradjudge's own fault: grading does not hold it against a student).
    With `stop_at_failure=False` every example runs and failures are only counted (the soak).
    `witness` names the witness policy (`witnessing.POLICIES`). A course `secret` chooses the cases (`case_secret`);
    without one they are the public stream. `strategy` draws the cases instead (default: `cases(context=...)`).
    """
    chosen = profile if profile is not None else settings.default
    start = time.perf_counter()
    decide = witnessing.policy(witness)
    in_flight = decide if witness_must_agree else (lambda case, agrees: agrees and decide(case, agrees))
    if stop_at_failure and chosen.derandomize and chosen.database is None:
        stream = case_stream(entry.context, chosen, secret=secret, strategy=strategy)
        results = check_cases(entry, stream, submission, witness=in_flight)
        report = PropertyReport(entry)
        for result in results:
            report.record(result, _fails(result, witness_must_agree))
        try:
            if report.failure is None:
                return report
            _fail_at_simplest(entry, submission, report, witness_must_agree, in_flight, secret)
        finally:
            report.seconds = time.perf_counter() - start
    report = PropertyReport(entry)

    def visit(case: Case) -> None:
        (result,) = check_cases(entry, [case], submission, witness=in_flight)
        failed = _fails(result, witness_must_agree)
        report.record(result, failed)
        if failed and stop_at_failure:
            report.failure = result
            raise CheckFailed(result)

    test = _on_every_case(entry.context, visit, chosen, f"gradjudge:{submission.label}:{entry.id}", secret, strategy)
    try:
        test()
    except CheckFailed as failure:
        if not witness_must_agree:
            failure.result = report.failure = _witnessed(entry, failure.result, submission)
            report.witnessed += failure.result.witnessed
        failure.report = report
        raise
    finally:
        report.seconds = time.perf_counter() - start
    return report


def _fail_at_simplest(entry: Derivation, submission: Submission, report: PropertyReport, witness_must_agree: bool,
                      in_flight: witnessing.Policy, secret: CaseSecret | None) -> NoReturn:
    """Raise `CheckFailed` with the stream's first failure made as simple as it goes (`shrinking.simplest`: the
    context's smallest case first, then one-step simplifications, each round in one request)."""
    failing: dict[tuple, CaseResult] = {}

    def failing_among(cases: list[Case]) -> list[Case]:
        results = check_cases(entry, cases, submission, witness=in_flight)
        for result in results:
            report.record(result, _fails(result, witness_must_agree))
        failing.update({result.case.key: result for result in results if _fails(result, witness_must_agree)})
        return [result.case for result in results if _fails(result, witness_must_agree)]

    result = failing.get(shrinking.simplest(report.failure.case, failing_among, secret).key, report.failure)
    if not witness_must_agree:
        result = _witnessed(entry, result, submission)
        report.witnessed += result.witnessed
    report.failure = result
    failure = CheckFailed(result)
    failure.report = report
    raise failure


def _witnessed(entry: Derivation, result: CaseResult, submission: Submission) -> CaseResult:
    """A failure judged again with the witness: autograd confirmed before the failure is reported."""
    (again,) = check_cases(entry, [result.case], submission, witness=lambda case, agrees: True)
    return again if again.status == result.status else result


def _fails(result: CaseResult, witness_must_agree: bool) -> bool:
    return not result.passed or (witness_must_agree and not result.witness_agrees)


def prepare(entries: tuple[Derivation, ...], profile: settings, witness: str, secret: CaseSecret | None = None) -> None:
    """Compute, for every id, the truths of its stream and the witnesses the policy samples on it: what every
    submission of a batch meets, computed once before any is graded."""
    for entry in entries:
        decide = witnessing.policy(witness)
        for case in case_stream(entry.context, profile, secret=secret):
            TRUTHS.truth(entry, case)
            if entry.wrt is not None and decide(case, True):
                TRUTHS.witness(entry, case)


def case_stream(context: Context, profile: settings, *, secret: CaseSecret | None = None,
                strategy: st.SearchStrategy[Case] | None = None) -> tuple[Case, ...]:
    """The cases a derandomized `profile` draws for `context` (from `strategy`, if given), then one case for each
    declared value of each scalar that none of its plain cases has: the same for every id and every submission,
    drawn once per process, or once per course where a truths store is attached.

    Without a `secret`, the public stream; with one, the stream that secret seeds.
    """
    return TRUTHS.stream(context, stream_settings(profile, secret, strategy),
                         lambda: _drawn(context, profile, secret, strategy))


def stream_settings(profile: settings, secret: CaseSecret | None = None,
                    strategy: st.SearchStrategy[Case] | None = None) -> str:
    """Everything a derandomized stream depends on besides its context's declaration and the versions the truths
    store keys on: the profile, the course secret (by its fingerprint) and a strategy given instead of the default
    one. Whatever else comes to choose the cases must be added here."""
    return repr((repr(profile), None if secret is None else secret.fingerprint, None if strategy is None else repr(strategy)))


def _drawn(context: Context, profile: settings, secret: CaseSecret | None,
           strategy: st.SearchStrategy[Case] | None) -> tuple[Case, ...]:
    drawn: list[Case] = []
    _on_every_case(context, drawn.append, profile, f"gradjudge:stream:{context.name}", secret, strategy)()
    return (*drawn, *_uncovered(context, drawn))


def _uncovered(context: Context, drawn: list[Case]) -> list[Case]:
    """For each declared value of each scalar that no plain case of `drawn` has (an edge case, such as a sample with
    every unit dropped, may hide what that value shows), the largest plain drawn case with that value.

    Hypothesis draws a scalar's values unevenly (towards the first), so a short
    stream can miss one; a mistake that shows at one value only (`1 // (1 - p)`,
    whole at p = 0.5 and 0.8, not at 0.2; a stride ignored, harmless at 1) would
    then pass unseen.
    """
    plain = [case for case in drawn if case.edge is None]
    if not plain:
        return []
    added, base = [], max(plain, key=lambda case: (math.prod(case.size.values()), -plain.index(case)))
    for scalar in context.scalars:
        seen = {case.scalars[scalar.name] for case in (*plain, *added)}
        for value in scalar.values:
            if value not in seen:
                scalars = {**base.scalars, scalar.name: value}
                added.append(Case.of(context, seed=base.seed, scale=base.scale,
                                     **sized(context, base.size, scalars), **scalars))
    return added


def _on_every_case(context: Context, visit, profile: settings, key: str, secret: CaseSecret | None = None,
                   strategy: st.SearchStrategy[Case] | None = None):
    """A hypothesis test that visits every case it draws for `context`: one source, so one derandomized stream.

    The public stream's seed is hypothesis's digest of the test's source (so
    changing its text changes the public stream); a `secret` seeds the stream
    (hypothesis's `seed` outranks `derandomize`) and the value seeds of what it
    draws.
    """
    drawn_from = strategy if strategy is not None else strategies.cases(context=context, secret=secret)

    @given(data=st.data())
    def derivation_matches_oracles(data: st.DataObject) -> None:
        visit(data.draw(drawn_from, label=f"{context.name} case"))

    derivation_matches_oracles._hypothesis_internal_database_key = key.encode()
    test = profile(derivation_matches_oracles)
    test = test if secret is None else seed(secret.stream_seed(context.name))(test)

    def run_test() -> None:
        with profiles.without_local_constants():
            test()
    return run_test
