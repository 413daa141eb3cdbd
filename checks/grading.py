"""Grading submissions: every registered id, sandboxed, diagnosed, with error carried forward.

A submission is a `.py` file or a package folder. Grading one runs the same
property as the test suite (closed form vs autograd on derandomized hypothesis
cases) against the sandboxed submission, then explains each failure and checks
whether it is right for the submission's own forward pass.
"""
from __future__ import annotations

import multiprocessing
import os
import time
from collections.abc import Callable, Iterable
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor, as_completed
from dataclasses import asdict, dataclass, field
from pathlib import Path

from checks import diagnosis, ecf
from checks.cases import Case
from checks.check import CaseResult, OracleError, offered_names
from checks.oracles import evaluate, use_one_thread
from checks.properties import CheckFailed, check_property
from checks.registry import BY_ID, REGISTRY, Derivation
from checks.rubric import Rubric
from checks.sandbox.calling import Outcome
from checks.sandbox.client import FATAL, Sandboxed, open_submission
from checks.sandbox.files import display
from checks.sandbox.isolation import Isolation
from checks.submission import reply_limit
from checks.vocabulary import CONTEXT_AXES

IDS = frozenset(BY_ID)
PROBE_CONCURRENCY = 64


@dataclass
class DerivationGrade:
    id: str
    status: str
    tags: list[str] = field(default_factory=list)
    score: float = 0.0
    max_score: float = 0.0
    message: str = ""
    counterexample: dict | None = None
    examples: int = 0
    seconds: float = 0.0


@dataclass
class SubmissionGrade:
    path: str
    status: str
    message: str
    score: float
    max_score: float
    derivations: list[DerivationGrade]
    isolation: str = ""
    seconds: float = 0.0

    def to_json(self) -> dict:
        return asdict(self)


def expand(paths: Iterable[str | Path]) -> list[Path]:
    """`.py` files and package folders are submissions; any other folder stands for the `.py` files in it."""
    submissions = []
    for path in map(Path, paths):
        if not os.path.lexists(path):
            raise FileNotFoundError(f"{display(path)}: no such file or folder")
        if path.is_dir() and not path.is_symlink() and not (path / "__init__.py").exists():
            found = sorted(p for p in path.iterdir() if p.suffix == ".py" and (p.is_file() or p.is_symlink()))
            if not found:
                raise FileNotFoundError(f"{display(path)}: a folder with no .py files and no __init__.py")
            submissions += found
        else:
            submissions.append(path)
    return submissions


def worker_slots(memory_mb: int) -> int:
    """How many workers may run at once: each may use `memory_mb`, and together at most 3/4 of the memory free now."""
    available = _available_memory()
    return max(1, int(0.75 * available // (memory_mb * 2**20))) if available else PROBE_CONCURRENCY


def _available_memory() -> int | None:
    try:
        with open("/proc/meminfo") as meminfo:
            for line in meminfo:
                if line.startswith("MemAvailable:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        return None
    return None


def grade_many(paths: list[Path], rubric: Rubric, jobs: int, isolation: Isolation,
               on_done: Callable[[SubmissionGrade], None] = lambda grade: None) -> list[SubmissionGrade]:
    """Grade every submission, `jobs` at a time; results come back in the order of `paths`.

    With more than one submission, a quick probe first calls every id of every
    submission once, many submissions at the same time, so that hanging or
    crashing derivations across the whole batch cost about one timeout together,
    not one each. No submission can end the batch: whatever goes wrong in
    grading one is that submission's `grader_error`.
    """
    fatal = probe(paths, rubric, isolation) if len(paths) > 1 else {}
    jobs = min(jobs, worker_slots(rubric.limits.memory_mb))
    if jobs == 1 or len(paths) == 1:
        grades = []
        for path in paths:
            grades.append(grade_contained(path, rubric, isolation, fatal.get(path, {})))
            on_done(grades[-1])
        return grades
    context = multiprocessing.get_context("spawn")
    results: dict[Path, SubmissionGrade] = {}
    with ProcessPoolExecutor(max_workers=jobs, mp_context=context, initializer=use_one_thread) as pool:
        futures = {pool.submit(grade_contained, path, rubric, isolation, fatal.get(path, {})): path for path in paths}
        for future in as_completed(futures):
            path = futures[future]
            try:
                results[path] = future.result()
            except Exception as exc:  # the grading process itself died: its one submission is lost, not the batch
                results[path] = _grader_error(path, rubric, isolation, f"its grading process failed ({exc!r})")
            on_done(results[path])
    return [results[path] for path in paths]


def probe(paths: list[Path], rubric: Rubric, isolation: Isolation) -> dict[Path, dict[str, Outcome]]:
    """Call each defined id once on the smallest case, many submissions at once; keep the timeouts and crashes."""
    arguments = {context: evaluate(smallest_case(context)).arrays for context in CONTEXT_AXES}
    concurrency = min(PROBE_CONCURRENCY, worker_slots(rubric.limits.memory_mb), len(paths))
    with ThreadPoolExecutor(max_workers=concurrency) as pool:
        return dict(zip(paths, pool.map(lambda path: _probe_quietly(path, rubric, isolation, arguments), paths)))


def _probe_quietly(path: Path, rubric: Rubric, isolation: Isolation, arguments: dict[str, dict]) -> dict[str, Outcome]:
    """The probe only saves time: whatever goes wrong in it, grading meets again and reports."""
    try:
        return _probe(path, rubric, isolation, arguments)
    except Exception:
        return {}


def _probe(path: Path, rubric: Rubric, isolation: Isolation, arguments: dict[str, dict]) -> dict[str, Outcome]:
    with open_submission(path, rubric.limits, isolation, IDS) as submission:
        if submission.load_error or submission.forbidden_imports:
            return {}
        found = {}
        for entry in REGISTRY:
            signature = submission.signature(entry.id)
            offered = offered_names(entry)
            if signature is None or signature.problem or not set(signature.names) <= set(offered):
                continue
            names = offered if signature.takes_all else signature.names
            values = arguments[entry.context]
            outcome = submission.call(entry.id, {name: values[name] for name in names}, reply_limit=reply_limit(values))
            if outcome.tags & FATAL:
                found[entry.id] = outcome
        return found


def smallest_case(context: str) -> Case:
    """Where hypothesis's shrinking lands: every width 1, the smallest batch, seed 0."""
    dims = {axis: 1 for axis in CONTEXT_AXES[context]}
    dims["m"] = 2
    return Case.of(context, seed=0, p=0.5 if context in ("dropout", "net") else None,
                   eps=1e-5 if context in ("bn", "net") else None, **dims)


def grade_contained(path: Path, rubric: Rubric, isolation: Isolation,
                    known_fatal: dict[str, Outcome] | None = None) -> SubmissionGrade:
    """`grade_submission`, with anything it raises turned into this submission's `grader_error`."""
    try:
        return grade_submission(path, rubric, isolation, known_fatal)
    except Exception as exc:  # a fault of gradjudge's on this submission must not cost the others
        return _grader_error(path, rubric, isolation, f"gradjudge failed while grading it ({exc!r})")


def grade_submission(path: Path, rubric: Rubric, isolation: Isolation,
                     known_fatal: dict[str, Outcome] | None = None) -> SubmissionGrade:
    start = time.perf_counter()
    with open_submission(path, rubric.limits, isolation, IDS) as submission:
        for id, outcome in (known_fatal or {}).items():
            submission.remember(id, outcome)
        if submission.load_error:
            grade = _unloadable(path, submission.load_error, rubric)
        else:
            grade = _graded(path, submission, rubric)
    grade.isolation = isolation.level
    grade.seconds = time.perf_counter() - start
    return grade


def _unloadable(path: Path, error: str, rubric: Rubric) -> SubmissionGrade:
    rows = [DerivationGrade(entry.id, "error", ["load_error"], 0.0, rubric.points[entry.id],
                            f"The submission does not load: {error}") for entry in REGISTRY]
    return SubmissionGrade(display(path), "load_error", error, 0.0, rubric.max_score, rows)


def _grader_error(path: Path, rubric: Rubric, isolation: Isolation, error: str) -> SubmissionGrade:
    message = f"Not graded: {error}. Please report it; the other submissions are not affected."
    rows = [DerivationGrade(entry.id, "error", ["grader_error"], 0.0, rubric.points[entry.id], message)
            for entry in REGISTRY]
    return SubmissionGrade(display(path), "grader_error", message, 0.0, rubric.max_score, rows, isolation.level)


def _graded(path: Path, submission: Sandboxed, rubric: Rubric) -> SubmissionGrade:
    if submission.forbidden_imports:
        return _refused(path, submission, rubric)
    rows = {entry.id: _grade_entry(entry, submission, rubric) for entry in REGISTRY}
    forward_wrong = any(rows[id].status == "failed" for id in ecf.FORWARDS)
    for entry in REGISTRY:
        row = rows[entry.id]
        if forward_wrong and row.status == "failed" and ecf.eligible(entry):
            verdict = ecf.carried_forward(entry, submission, _ecf_cases(row))
            if verdict.holds:
                row.status = "partial"
                row.tags = sorted({*row.tags, "ecf"})
                row.message = f"{verdict.detail}\n\n{row.message}"
    _apply_numeric_policy(rows, submission.source.numeric, rubric)
    for row in rows.values():
        row.score = {"passed": 1.0, "partial": rubric.ecf_fraction}.get(row.status, 0.0) * row.max_score
    score = sum(row.score for row in rows.values())
    return SubmissionGrade(display(path), "graded", f"{score:g} / {rubric.max_score:g}", score, rubric.max_score,
                           list(rows.values()))


def _apply_numeric_policy(rows: dict[str, DerivationGrade], evidence: dict[str, str], rubric: Rubric) -> None:
    """Tag the ids whose functions evidently differentiate numerically; under "refuse", they earn nothing."""
    for id, found in evidence.items():
        row = rows.get(id)
        if row is None or row.status == "not_attempted":
            continue
        row.tags = sorted({*row.tags, "numeric_differentiation"})
        note = (f"Its source differentiates numerically ({found}). Numbers alone cannot tell that from a "
                "derivation; the rubric's policy decides.")
        if rubric.numeric_differentiation == "refuse":
            row.status = "error"
            note += " This rubric gives such functions no points."
        row.message = f"{note}\n\n{row.message}"


def _refused(path: Path, submission: Sandboxed, rubric: Rubric) -> SubmissionGrade:
    reason = "; ".join(submission.forbidden_imports)
    message = f"Refused: the submission {reason}. Autodiff libraries and gradjudge's own packages are off limits."
    rows = [DerivationGrade(entry.id, "error", ["forbidden_import"], 0.0, rubric.points[entry.id], message)
            if entry.id in submission.defined else
            DerivationGrade(entry.id, "not_attempted", ["not_attempted"], 0.0, rubric.points[entry.id], "Not attempted.")
            for entry in REGISTRY]
    return SubmissionGrade(display(path), "graded", message, 0.0, rubric.max_score, rows)


def _grade_entry(entry: Derivation, submission: Sandboxed, rubric: Rubric) -> DerivationGrade:
    points = rubric.points[entry.id]
    if submission.signature(entry.id) is None:
        return DerivationGrade(entry.id, "not_attempted", ["not_attempted"], 0.0, points, "Not attempted.")
    start = time.perf_counter()
    try:
        report = check_property(entry, submission, profile=rubric.profile, witness_must_agree=False)
    except CheckFailed as failure:
        return _failed(entry, failure, submission, points, time.perf_counter() - start)
    except Exception as problem:  # the oracles' fault on this id (OracleError, or anything else): contained here
        detail = str(problem) if isinstance(problem, OracleError) else f"{type(problem).__name__}: {problem}"
        return DerivationGrade(entry.id, "error", ["oracle_error"], 0.0, points,
                               f"gradjudge could not compute the truth, so this id is not judged: {detail}. "
                               "Please report it.", None, 0, time.perf_counter() - start)
    message = "Matches autograd on every case."
    tags = []
    if report.witness_disagreements:
        tags = ["oracle_disagreement"]
        message += (f" On {report.witness_disagreements} case(s) autograd and numeric differentiation disagreed; "
                    "that is gradjudge's problem, not the submission's, and it is judged by autograd.")
    return DerivationGrade(entry.id, "passed", tags, 0.0, points, message, None, report.examples,
                           time.perf_counter() - start)


def _failed(entry: Derivation, failure: CheckFailed, submission: Sandboxed, points: float, seconds: float) -> DerivationGrade:
    result = failure.result
    tags = set(result.tags)
    lines = [result.message]
    if result.status == "failed":
        findings = diagnosis.diagnose(entry, result, submission)
        tags |= {finding.tag for finding in findings}
        if findings:
            lines += ["", "Diagnosis:"] + [f"- {finding.explanation}" for finding in findings]
    return DerivationGrade(entry.id, result.status, sorted(tags), 0.0, points, "\n".join(lines),
                           counterexample(result), failure.report.examples if failure.report else 0, seconds)


def _ecf_cases(row: DerivationGrade) -> list[Case]:
    failing = row.counterexample["case"] if row.counterexample else None
    cases = diagnosis.diagnostic_cases("net")[:2]
    return ([Case.of("net", **_case_arguments(failing))] if failing else []) + cases


def counterexample(result: CaseResult) -> dict:
    """The smallest failing case, and where it is worst: expected against got."""
    case = result.case
    found = {"case": {"context": case.context, **case.size, "p": case.p, "eps": case.eps, "scale": case.scale,
                      "seed": case.seed, "edge": case.edge}}
    if result.closed is not None and result.truth is not None and result.closed.shape != result.truth.shape:
        found.update(expected_shape=list(result.truth.shape), got_shape=list(result.closed.shape))
    verdict = result.comparisons[0] if result.comparisons else None
    if verdict is not None and verdict.worst is not None and not verdict.passed:
        index = verdict.worst
        found.update(index=list(index), expected=float(result.truth[index]), got=float(result.closed[index]),
                     numeric=None if result.numeric is None else float(result.numeric[index]))
    return found


def _case_arguments(found: dict) -> dict:
    return {key: value for key, value in found.items() if key != "context"}
