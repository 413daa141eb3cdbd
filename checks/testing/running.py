"""Running a declared check: the engine's property on every gradient id, and a failure told the way grading tells it.

Each id runs `check_property` on the cases the declaration draws, under the
hypothesis profile in force (`--hypothesis-profile`, `--hypothesis-seed` and
`settings.load_profile` all apply), without a deadline (time is never part of
the verdict) and without hypothesis's `explain` phase (its list of the
checker's own lines says nothing about the formula). A failure is shown on the
smallest case (or another, where the error is clearer) and explained by `diagnosis`, as grading does; every
failing id is reported, not only the first.
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace

from hypothesis import HealthCheck, Phase, settings

from checks.statuses import FAILED, PASSED
from checks.assignment import Derivation
from checks.engine import witnessing
from checks.engine.check import AUTOGRAD_VS_NUMERIC, CLOSED_VS_NUMERIC, CaseResult
from checks.engine.properties import CheckFailed, PropertyReport, check_property
from checks.engine.submission import Submission
from checks.engine.truths import TRUTHS
from checks.grading.explain import explain
from checks.testing.model import Built

@dataclass(frozen=True)
class Failure:
    """One failing check, as data: what it checks, on which case, its status and tags, and its message."""

    check: str
    title: str
    case: dict
    status: str
    tags: tuple[str, ...]
    """The engine's tags for the failure (`shape_mismatch`, ...) and diagnosis's (`transposed`, `knob:eps`, ...)."""
    message: str


class GradientMismatch(AssertionError):
    """A closed form (or a Function's backward) that is wrong on some case; the message says where and why, and
    `failures` says it as data."""

    def __init__(self, message: str, failures: tuple[Failure, ...] = ()):
        super().__init__(message)
        self.failures = failures


@dataclass(frozen=True)
class Checked:
    """What a passing check ran: one property report per gradient id."""

    name: str
    reports: tuple[PropertyReport, ...]

    def __str__(self) -> str:
        parts = [f"{r.entry.section} {r.entry.title} on {r.examples} cases ({r.witnessed} witnessed), worst error "
                 f"{max(r.worst.values(), default=0.0):.1e}" for r in self.reports]
        return "every check passed: " + "; ".join(parts)


def profile_in_force(examples: int | None) -> settings:
    """The loaded hypothesis profile, without a deadline or the explain phase; `examples` cases if given."""
    base = settings.default
    changes = {"max_examples": examples} if examples is not None else {}
    return settings(base, deadline=None, phases=tuple(p for p in base.phases if p is not Phase.explain),
                    suppress_health_check=(*base.suppress_health_check, HealthCheck.too_slow), **changes)


def run(name: str, built: Built, submission: Submission, *, entries: Sequence[Derivation], examples: int | None,
        witness: str, against: str, describes: str) -> Checked:
    """Every id of `entries`; raises `GradientMismatch` naming every id that fails. `describes` says what the model is;
    `against` is `"autograd"` (the closed form judged against autograd on the model) or `"numeric"` (a backward judged
    against numeric differentiation of its own forward alone, which no diagnosis can explain)."""
    __tracebackhide__ = True
    TRUTHS.know(built.entries)
    profile = profile_in_force(examples)
    reports, failures = [], []
    for entry in entries:
        try:
            reports.append(check_property(entry, submission, profile=profile, witness=witness,
                                          strategy=built.strategy))
        except CheckFailed as failed:
            failures.append(failed)
    if failures:
        told = tuple(tell(failed.result, built, submission, against, witnessed=witness != witnessing.NEVER)
                     for failed in failures)
        raise GradientMismatch(f"{name}: {len(failures)} of {len(entries)} checks failed ({describes})\n\n"
                               + "\n\n".join(failure.message for failure in told), told)
    return Checked(name, tuple(reports))


def tell(minimal: CaseResult, built: Built, submission: Submission, against: str, *,
         witnessed: bool = True) -> Failure:
    """One failing id: its case, the comparison, the worst index with its three values, and the diagnosis.

    Without a witness (a surrogate model), no numeric value is shown, even where explaining the failure computed one.
    """
    entry = minimal.entry
    if against == "numeric":
        return _failure(minimal, [], _told_against_numeric(minimal))
    if minimal.status == FAILED:
        shown, findings = explain(entry, built.assignment, minimal, submission, built.diagnostic)
    else:
        shown, findings = minimal, []
    if not witnessed:
        shown = replace(shown, comparisons=shown.comparisons[:1], numeric=None, witnessed=False)
    lines = [f"{_subject(entry)}: {_headline(shown)}", *shown.message.splitlines()[1:]]
    if not shown.witnessed and entry.kind != "value":
        lines = [line.replace("numeric = n/a (directional probes)", "numeric = not computed (no witness asked)")
                 for line in lines]
    if shown is not minimal:
        lines.append(f"(Hypothesis shrank the failure to {minimal.case.describe()}; the case shown is another, "
                     "where the error's pattern is clearer.)")
    if findings:
        lines += ["Diagnosis:", *(f"- {finding.explanation}" for finding in findings)]
    return _failure(shown, findings, "\n".join(lines))


def _failure(result: CaseResult, findings: list, message: str) -> Failure:
    found = sorted({*result.tags, *(tag for finding in findings for tag in finding.tags)})
    return Failure(result.entry.section, _subject(result.entry), result.case.as_dict(), result.status, tuple(found),
                   message)


def _subject(entry: Derivation) -> str:
    return f"{entry.title}" if entry.kind != "value" else f"the forward value {entry.of}"


def _headline(result: CaseResult) -> str:
    if result.status == PASSED and not result.witness_agrees:
        return ("the closed form matches autograd, but autograd on the model and numeric differentiation disagree: the "
                "model is not differentiable here as written (mark a kink with node(name, value, kink=True)), or it "
                "is not deterministic")
    return result.headline


def _told_against_numeric(result: CaseResult) -> str:
    """The backward against numeric differentiation of the forward: there is no autograd truth to explain it by."""
    lines = [f"{result.entry.title}: the backward does not match numeric differentiation of the forward",
             f"Case: {result.case.describe()}"]
    if result.detail:
        lines.append(result.detail)
    witness = result.comparison(CLOSED_VS_NUMERIC) or result.comparison(AUTOGRAD_VS_NUMERIC)
    if witness is not None:
        lines += ["backward vs numeric:", witness.describe()]
        if result.numeric is not None and witness.worst is not None and result.closed is not None:
            index = witness.worst
            lines.append(f"Worst index {index}: backward = {result.closed[index]:.12g}, "
                         f"numeric = {result.numeric[index]:.12g}")
    return "\n".join(lines)
