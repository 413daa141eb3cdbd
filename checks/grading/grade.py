"""Grading one submission: every id of its assignment, sandboxed, diagnosed, with error carried forward.

Grading an id runs the same property as the test suite (closed form vs autograd
on derandomized hypothesis cases) against the sandboxed submission, then explains
a failure and checks whether it is right for the submission's own forward pass.
Whatever goes wrong inside the oracles on one id is that id's `oracle_error`.
"""
from __future__ import annotations

import time
from pathlib import Path

from checks.statuses import ERROR, FAILED, GRADED, GRADER_ERROR, LOAD_ERROR, NOT_ATTEMPTED, PARTIAL, PASSED
from checks import tags
from checks.assignment import Assignment, Derivation
from checks.engine import witnessing
from checks.engine.case_secret import CaseSecret
from checks.engine.cases import diagnostic_cases
from checks.engine.check import CaseResult
from checks.engine.truths import TRUTHS, OracleError
from checks.engine.properties import CheckFailed, check_property
from checks.grading import diagnosis, ecf
from checks.grading.explain import explain
from checks.grading.grades import DerivationGrade, SubmissionGrade
from checks.grading.rubric import Rubric
from checks.sandbox.client import Prior, Sandboxed, open_submission
from checks.sandbox.files import SubmissionFiles, display
from checks.sandbox.isolation import Isolation
from checks.sandbox import watch

ECF_EXTRA_CASES = 2
"""Diagnostic cases on which error carried forward must hold, besides the failing one."""


def grade_code(path: Path, assignment: Assignment, rubric: Rubric, isolation: Isolation,
               prior: Prior | Sandboxed, files: SubmissionFiles | None = None) -> SubmissionGrade:
    """Grade the code at `path`, or, when given, the `files` already read for it (a hand-in of several files)."""
    start = time.perf_counter()
    with open_submission(path, rubric.limits, isolation, assignment.ids, prior, files=files) as submission:
        if submission.load_error:
            grade = unloadable(path, assignment, submission.load_error, rubric, submission.load_tags)
        elif submission.forbidden_imports:
            grade = _refused(path, assignment, submission, rubric)
        else:
            grade = _graded(path, assignment, submission, rubric)
    grade.isolation = isolation.level
    grade.seconds = time.perf_counter() - start
    return grade


def unloadable(path: Path, assignment: Assignment, error: str, rubric: Rubric,
               also: frozenset[str] = frozenset()) -> SubmissionGrade:
    """Every id an error: the submission does not load (`also`: tags besides `load_error`, such as the budget's)."""
    rows = [DerivationGrade(entry.id, ERROR, sorted({tags.LOAD_ERROR, *also}), 0.0, rubric.points[entry.id],
                            f"The submission does not load: {error}") for entry in assignment.derivations]
    return SubmissionGrade(display(path), LOAD_ERROR, error, 0.0, rubric.max_score, rows, assignment=assignment.name)


def grader_error(path: Path, assignment: Assignment, rubric: Rubric, isolation: Isolation, error: str) -> SubmissionGrade:
    message = f"Not graded: {error}. Please report it; the other submissions are not affected."
    rows = [DerivationGrade(entry.id, ERROR, [tags.GRADER_ERROR], 0.0, rubric.points[entry.id], message)
            for entry in assignment.derivations]
    return SubmissionGrade(display(path), GRADER_ERROR, message, 0.0, rubric.max_score, rows, isolation.level,
                           assignment.name)


def _graded(path: Path, assignment: Assignment, submission: Sandboxed, rubric: Rubric) -> SubmissionGrade:
    TRUTHS.know([entry for entry in assignment.derivations if submission.signature(entry.id) is not None])
    graded = {entry.id: _grade_entry(entry, assignment, submission, rubric) for entry in assignment.derivations}
    rows = {id: row for id, (row, _) in graded.items()}
    for context in assignment.contexts:
        if not any(rows[entry.id].status == FAILED for entry in ecf.forwards(assignment, context)):
            continue
        extra = diagnostic_cases(context, rubric.secret)[:ECF_EXTRA_CASES]
        genuine = None
        for entry in assignment.derivations:
            row, failure = graded[entry.id]
            if entry.context is context and row.status == FAILED and ecf.eligible(entry):
                genuine = genuine or ecf.genuine_forward(assignment, context, submission, extra)
                if not genuine.holds:
                    row.message = f"No error carried forward: {genuine.detail}.\n\n{row.message}"
                    continue
                verdict = ecf.carried_forward(entry, assignment, submission, [failure.case, *extra])
                if verdict.holds:
                    row.status = PARTIAL
                    row.tags = sorted({*row.tags, tags.ECF})
                    row.message = f"{verdict.detail}\n\n{row.message}"
    _apply_numeric_policy(rows, submission, rubric)
    for row in rows.values():
        row.score = {PASSED: 1.0, PARTIAL: rubric.ecf_fraction}.get(row.status, 0.0) * row.max_score
    score = sum(row.score for row in rows.values())
    return SubmissionGrade(display(path), GRADED, f"{score:g} / {rubric.max_score:g}", score, rubric.max_score,
                           list(rows.values()), assignment=assignment.name)


def _apply_numeric_policy(rows: dict[str, DerivationGrade], submission: Sandboxed, rubric: Rubric) -> None:
    """Tag the ids whose functions evidently differentiate numerically, by their source or by what the worker's watch
    saw them do; under "refuse", they earn nothing."""
    for id, row in rows.items():
        seen = sorted(submission.watched.get(id, ()))
        static = submission.source.numeric.get(id) or submission.source.numeric_everywhere
        found = "; ".join([*([static] if static else []), *(f"at run time, {watch.TAGS[tag]}" for tag in seen)])
        if not found or row.status == NOT_ATTEMPTED:
            continue
        row.tags = sorted({*row.tags, tags.NUMERIC_DIFFERENTIATION, *seen})
        note = (f"Its source differentiates numerically ({found}). Numbers alone cannot tell that from a "
                "derivation; the rubric's policy decides.")
        if rubric.numeric_differentiation == "refuse":
            row.status = ERROR
            note += " This rubric gives such functions no points."
        row.message = f"{note}\n\n{row.message}"


def _refused(path: Path, assignment: Assignment, submission: Sandboxed, rubric: Rubric) -> SubmissionGrade:
    reason = "; ".join(submission.forbidden_imports)
    message = (f"Refused: the submission {reason}. Autodiff libraries and gradjudge's own packages are off limits: "
               "delete that line (or move the code that needs it out of the file you hand in) and hand it in again.")
    rows = [DerivationGrade(entry.id, ERROR, [tags.FORBIDDEN_IMPORT], 0.0, rubric.points[entry.id], message)
            if entry.id in submission.defined else
            DerivationGrade(entry.id, NOT_ATTEMPTED, [tags.NOT_ATTEMPTED], 0.0, rubric.points[entry.id], "Not attempted.")
            for entry in assignment.derivations]
    return SubmissionGrade(display(path), GRADED, message, 0.0, rubric.max_score, rows, assignment=assignment.name)


def _grade_entry(entry: Derivation, assignment: Assignment, submission: Sandboxed,
                 rubric: Rubric) -> tuple[DerivationGrade, CaseResult | None]:
    points = rubric.points[entry.id]
    if submission.signature(entry.id) is None:
        return DerivationGrade(entry.id, NOT_ATTEMPTED, [tags.NOT_ATTEMPTED], 0.0, points, "Not attempted."), None
    start = time.perf_counter()
    try:
        report = check_property(entry, submission, profile=rubric.profile, witness_must_agree=False,
                                witness=witnessing.SAMPLED, secret=rubric.secret)
    except CheckFailed as failure:
        return failed_row(entry, assignment, failure, submission, points, time.perf_counter() - start,
                       rubric.secret), failure.result
    except Exception as problem:  # the oracles' fault on this id (OracleError, or anything else): contained here
        detail = str(problem) if isinstance(problem, OracleError) else f"{type(problem).__name__}: {problem}"
        return DerivationGrade(entry.id, ERROR, [tags.ORACLE_ERROR], 0.0, points,
                               f"gradjudge could not compute the truth, so this id is not judged: {detail}. "
                               "Please report it.", None, 0, time.perf_counter() - start), None
    message = "Matches autograd on every case."
    found = []
    if report.witness_disagreements:
        found = [tags.ORACLE_DISAGREEMENT]
        message += (f" On {report.witness_disagreements} case(s) autograd and numeric differentiation disagreed; "
                    "that is gradjudge's problem, not the submission's, and it is judged by autograd.")
    return DerivationGrade(entry.id, PASSED, found, 0.0, points, message, None, report.examples,
                           time.perf_counter() - start, witnessed=report.witnessed), None


def failed_row(entry: Derivation, assignment: Assignment, failure: CheckFailed, submission: Sandboxed, points: float,
            seconds: float, secret: CaseSecret | None) -> DerivationGrade:
    minimal = failure.result
    result = minimal
    found = set(minimal.tags)
    lines, findings = [], []
    if minimal.status == FAILED:
        result, findings = explain(entry, assignment, minimal, submission, diagnostic_cases(entry.context, secret))
        found |= set(result.tags) | {tag for finding in findings for tag in finding.tags}
    elif tags.EXCEPTION in minimal.tags:
        findings = diagnosis.diagnose_exception(entry, minimal, submission)
        found |= {tag for finding in findings for tag in finding.tags}
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
