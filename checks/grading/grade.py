"""Grading one submission: every id of its assignment, sandboxed, diagnosed, with error carried forward.

Grading an id runs the same property as the test suite (closed form vs autograd
on derandomized hypothesis cases) against the sandboxed submission, then explains
a failure and checks whether it is right for the submission's own forward pass.
Whatever goes wrong inside the oracles on one id is that id's `oracle_error`.
"""
from __future__ import annotations

import time
from pathlib import Path

from checks import tags
from checks.assignment import Assignment, Derivation
from checks.engine import witnessing
from checks.engine.cases import diagnostic_cases
from checks.engine.check import CaseResult
from checks.engine.truths import TRUTHS, OracleError
from checks.engine.properties import CheckFailed, check_property
from checks.grading import counterexamples, diagnosis, ecf
from checks.grading.grades import DerivationGrade, SubmissionGrade
from checks.grading.rubric import Rubric
from checks.grading.writeups import grade_writeup
from checks.sandbox.calling import Outcome
from checks.sandbox.client import Sandboxed, open_submission
from checks.sandbox.files import display
from checks.sandbox.isolation import Isolation
from checks.writeup.isolated import is_writeup

ECF_EXTRA_CASES = 2
"""Diagnostic cases on which error carried forward must hold, besides the failing one."""


def grade_submission(path: Path, assignment: Assignment, rubric: Rubric, isolation: Isolation,
                     known_fatal: dict[str, Outcome] | None = None) -> SubmissionGrade:
    """Grade a `.py` file, a package folder, or a write-up (`.md`, `.tex`, `.txt`), which is read first."""
    if is_writeup(path):
        start = time.perf_counter()
        grade = grade_writeup(path, assignment, rubric, isolation, known_fatal, _grade_code)
        grade.isolation = isolation.level
        grade.seconds = time.perf_counter() - start
        return grade
    return _grade_code(path, assignment, rubric, isolation, known_fatal)


def _grade_code(path: Path, assignment: Assignment, rubric: Rubric, isolation: Isolation,
                known_fatal: dict[str, Outcome] | None) -> SubmissionGrade:
    start = time.perf_counter()
    with open_submission(path, rubric.limits, isolation, assignment.ids) as submission:
        for id, outcome in (known_fatal or {}).items():
            submission.remember(id, outcome)
        if submission.load_error:
            grade = unloadable(path, assignment, submission.load_error, rubric)
        elif submission.forbidden_imports:
            grade = _refused(path, assignment, submission, rubric)
        else:
            grade = _graded(path, assignment, submission, rubric)
    grade.isolation = isolation.level
    grade.seconds = time.perf_counter() - start
    return grade


def unloadable(path: Path, assignment: Assignment, error: str, rubric: Rubric) -> SubmissionGrade:
    rows = [DerivationGrade(entry.id, "error", [tags.LOAD_ERROR], 0.0, rubric.points[entry.id],
                            f"The submission does not load: {error}") for entry in assignment.derivations]
    return SubmissionGrade(display(path), "load_error", error, 0.0, rubric.max_score, rows, assignment=assignment.name)


def grader_error(path: Path, assignment: Assignment, rubric: Rubric, isolation: Isolation, error: str) -> SubmissionGrade:
    message = f"Not graded: {error}. Please report it; the other submissions are not affected."
    rows = [DerivationGrade(entry.id, "error", [tags.GRADER_ERROR], 0.0, rubric.points[entry.id], message)
            for entry in assignment.derivations]
    return SubmissionGrade(display(path), "grader_error", message, 0.0, rubric.max_score, rows, isolation.level,
                           assignment.name)


def _graded(path: Path, assignment: Assignment, submission: Sandboxed, rubric: Rubric) -> SubmissionGrade:
    TRUTHS.know([entry for entry in assignment.derivations if submission.signature(entry.id) is not None])
    graded = {entry.id: _grade_entry(entry, assignment, submission, rubric) for entry in assignment.derivations}
    rows = {id: row for id, (row, _) in graded.items()}
    for context in assignment.contexts:
        if not any(rows[entry.id].status == "failed" for entry in ecf.forwards(assignment, context)):
            continue
        for entry in assignment.derivations:
            row, failure = graded[entry.id]
            if entry.context is context and row.status == "failed" and ecf.eligible(entry):
                cases = [failure.case, *diagnostic_cases(context)[:ECF_EXTRA_CASES]]
                verdict = ecf.carried_forward(entry, assignment, submission, cases)
                if verdict.holds:
                    row.status = "partial"
                    row.tags = sorted({*row.tags, tags.ECF})
                    row.message = f"{verdict.detail}\n\n{row.message}"
    _apply_numeric_policy(rows, submission.source.numeric, rubric)
    for row in rows.values():
        row.score = {"passed": 1.0, "partial": rubric.ecf_fraction}.get(row.status, 0.0) * row.max_score
    score = sum(row.score for row in rows.values())
    return SubmissionGrade(display(path), "graded", f"{score:g} / {rubric.max_score:g}", score, rubric.max_score,
                           list(rows.values()), assignment=assignment.name)


def _apply_numeric_policy(rows: dict[str, DerivationGrade], evidence: dict[str, str], rubric: Rubric) -> None:
    """Tag the ids whose functions evidently differentiate numerically; under "refuse", they earn nothing."""
    for id, found in evidence.items():
        row = rows.get(id)
        if row is None or row.status == "not_attempted":
            continue
        row.tags = sorted({*row.tags, tags.NUMERIC_DIFFERENTIATION})
        note = (f"Its source differentiates numerically ({found}). Numbers alone cannot tell that from a "
                "derivation; the rubric's policy decides.")
        if rubric.numeric_differentiation == "refuse":
            row.status = "error"
            note += " This rubric gives such functions no points."
        row.message = f"{note}\n\n{row.message}"


def _refused(path: Path, assignment: Assignment, submission: Sandboxed, rubric: Rubric) -> SubmissionGrade:
    reason = "; ".join(submission.forbidden_imports)
    message = f"Refused: the submission {reason}. Autodiff libraries and gradjudge's own packages are off limits."
    rows = [DerivationGrade(entry.id, "error", [tags.FORBIDDEN_IMPORT], 0.0, rubric.points[entry.id], message)
            if entry.id in submission.defined else
            DerivationGrade(entry.id, "not_attempted", [tags.NOT_ATTEMPTED], 0.0, rubric.points[entry.id], "Not attempted.")
            for entry in assignment.derivations]
    return SubmissionGrade(display(path), "graded", message, 0.0, rubric.max_score, rows, assignment=assignment.name)


def _grade_entry(entry: Derivation, assignment: Assignment, submission: Sandboxed,
                 rubric: Rubric) -> tuple[DerivationGrade, CaseResult | None]:
    points = rubric.points[entry.id]
    if submission.signature(entry.id) is None:
        return DerivationGrade(entry.id, "not_attempted", [tags.NOT_ATTEMPTED], 0.0, points, "Not attempted."), None
    start = time.perf_counter()
    try:
        report = check_property(entry, submission, profile=rubric.profile, witness_must_agree=False, witness=witnessing.SAMPLED)
    except CheckFailed as failure:
        return _failed(entry, assignment, failure, submission, points, time.perf_counter() - start), failure.result
    except Exception as problem:  # the oracles' fault on this id (OracleError, or anything else): contained here
        detail = str(problem) if isinstance(problem, OracleError) else f"{type(problem).__name__}: {problem}"
        return DerivationGrade(entry.id, "error", [tags.ORACLE_ERROR], 0.0, points,
                               f"gradjudge could not compute the truth, so this id is not judged: {detail}. "
                               "Please report it.", None, 0, time.perf_counter() - start), None
    message = "Matches autograd on every case."
    found = []
    if report.witness_disagreements:
        found = [tags.ORACLE_DISAGREEMENT]
        message += (f" On {report.witness_disagreements} case(s) autograd and numeric differentiation disagreed; "
                    "that is gradjudge's problem, not the submission's, and it is judged by autograd.")
    return DerivationGrade(entry.id, "passed", found, 0.0, points, message, None, report.examples,
                           time.perf_counter() - start, witnessed=report.witnessed), None


def _failed(entry: Derivation, assignment: Assignment, failure: CheckFailed, submission: Sandboxed, points: float,
            seconds: float) -> DerivationGrade:
    minimal = failure.result
    result = minimal
    found = set(minimal.tags)
    lines = []
    if minimal.status == "failed":
        observations = diagnosis.observe(entry, [minimal.case, *diagnostic_cases(entry.context)], submission)
        result = counterexamples.shown(entry, minimal, observations, submission)
        findings = diagnosis.diagnose(entry, assignment, result, submission, observations)
        found |= set(result.tags) | {tag for finding in findings for tag in finding.tags}
        if findings:
            lines = ["", "Diagnosis:"] + [f"- {finding.explanation}" for finding in findings]
    shown = counterexample(result)
    if result is not minimal:
        shown["minimal"] = counterexample(minimal)
    return DerivationGrade(entry.id, result.status, sorted(found), 0.0, points, "\n".join([result.message, *lines]),
                           shown, failure.report.examples if failure.report else 0, seconds,
                           witnessed=failure.report.witnessed if failure.report else 0)


def counterexample(result: CaseResult) -> dict:
    """The failing case, and where it is worst: expected against got."""
    found = {"case": result.case.as_dict()}
    if result.closed is not None and result.truth is not None and result.closed.shape != result.truth.shape:
        found.update(expected_shape=list(result.truth.shape), got_shape=list(result.closed.shape))
    verdict = result.comparisons[0] if result.comparisons else None
    if verdict is not None and verdict.worst is not None and not verdict.passed:
        index = verdict.worst
        found.update(index=list(index), expected=float(result.truth[index]), got=float(result.closed[index]),
                     numeric=None if result.numeric is None else float(result.numeric[index]))
    return found
