"""Grading a batch: how many workers at once, a probe first, and no lost grades.

No submission can end the batch: whatever goes wrong in grading one is that
submission's `grader_error`, and the others are graded as if it were not there.
"""
from __future__ import annotations

import contextlib
import multiprocessing
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor, as_completed
from pathlib import Path

from checks import assignments, tags
from checks.assignment import Assignment
from checks.engine.cases import smallest_case
from checks.engine import witnessing
from checks.engine.check import refusal
from checks.engine.oracles import evaluate, use_one_thread
from checks.engine.properties import prepare
from checks.engine.store import Store, StoreUnavailable
from checks.engine.truths import TRUTHS
from checks.engine.submission import call_derivation
from checks.engine import profiles
from checks.grading.discovery import Entry
from checks.grading.grade import grade_submission, grader_error, unloadable
from checks.grading.grades import SubmissionGrade
from checks.grading.rubric import Rubric
from checks.sandbox.calling import Outcome
from checks.sandbox.client import open_submission
from checks.sandbox.isolation import Isolation

PROBE_CONCURRENCY = 64


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


def grade_many(entries: list[Entry], assignment_name: str, rubric: Rubric, jobs: int, isolation: Isolation,
               on_done: Callable[[SubmissionGrade], None] = lambda grade: None,
               on_probe: Callable[[int], None] = lambda count: None, *,
               store: Store | None = None) -> list[SubmissionGrade]:
    """Grade every submission, `jobs` at a time; results come back in the order of `paths`.

    With more than one submission, a quick probe first calls every id of every
    submission once, many submissions at the same time, so that hanging or
    crashing derivations across the whole batch cost about one timeout together,
    not one each. No submission can end the batch: whatever goes wrong in
    grading one is that submission's `grader_error`. With a truths `store`, what
    the oracles found is read from it and what they compute is added to it.
    """
    assignment = assignments.load(assignment_name)
    TRUTHS.attach(store, assignment)
    runnable = [entry.path for entry in entries if entry.problem is None]
    if len(runnable) > 1:
        on_probe(len(runnable))
    fatal = probe(runnable, assignment, rubric, isolation) if len(runnable) > 1 else {}
    jobs = min(jobs, worker_slots(rubric.limits.memory_mb))
    if jobs == 1 or len(entries) == 1:
        grades = []
        for entry in entries:
            grades.append(grade_contained(entry, assignment_name, rubric, isolation, fatal.get(entry.path, {})))
            on_done(grades[-1])
        return grades
    prepare(assignment.derivations, rubric.profile, witnessing.SAMPLED)
    TRUTHS.persist()
    seed = (assignment_name, TRUTHS.export(assignment.derivations), None if store is None else store.root)
    context = multiprocessing.get_context("spawn")
    results: dict[int, SubmissionGrade] = {}
    with ProcessPoolExecutor(max_workers=jobs, mp_context=context, initializer=_start_worker, initargs=seed) as pool:
        futures = {pool.submit(grade_contained, entry, assignment_name, rubric, isolation, fatal.get(entry.path, {})): index
                   for index, entry in enumerate(entries)}
        for future in as_completed(futures):
            index = futures[future]
            try:
                results[index] = future.result()
            except Exception as exc:  # the grading process itself died: its one submission is lost, not the batch
                results[index] = grader_error(entries[index].path, assignment, rubric, isolation,
                                              f"its grading process failed ({exc!r})")
                results[index].name = entries[index].name
            on_done(results[index])
    return [results[index] for index in range(len(entries))]


def _start_worker(assignment_name: str, exported: dict, store_root: Path | None) -> None:
    """A grading process: one thread for torch, the truths the parent computed for the whole class, and the store
    the parent grades with, if any."""
    use_one_thread()
    assignment = assignments.load(assignment_name)
    TRUTHS.install(exported, assignment.derivations)
    if store_root is not None:
        with contextlib.suppress(StoreUnavailable):
            TRUTHS.attach(Store(store_root), assignment)


def probe(paths: list[Path], assignment: Assignment, rubric: Rubric, isolation: Isolation) -> dict[Path, dict[str, Outcome]]:
    """Call each defined id once on its context's smallest case, many submissions at once; keep the timeouts and crashes."""
    values = {context.name: evaluate(smallest_case(context)).arrays for context in assignment.contexts}
    concurrency = min(PROBE_CONCURRENCY, worker_slots(rubric.limits.memory_mb), len(paths))
    with ThreadPoolExecutor(max_workers=concurrency) as pool:
        return dict(zip(paths, pool.map(lambda path: _probe_quietly(path, assignment, rubric, isolation, values), paths)))


def _probe_quietly(path: Path, assignment: Assignment, rubric: Rubric, isolation: Isolation,
                   values: dict[str, dict]) -> dict[str, Outcome]:
    """The probe only saves time: whatever goes wrong in it, grading meets again and reports."""
    try:
        return _probe(path, assignment, rubric, isolation, values)
    except Exception:
        return {}


def _probe(path: Path, assignment: Assignment, rubric: Rubric, isolation: Isolation,
           values: dict[str, dict]) -> dict[str, Outcome]:
    with open_submission(path, rubric.limits, isolation, assignment.ids) as submission:
        if submission.load_error or submission.forbidden_imports:
            return {}
        found = {}
        for entry in assignment.derivations:
            signature = submission.signature(entry.id)
            if signature is None or signature.problem or refusal(entry, signature) is not None:
                continue
            (outcome,) = call_derivation(submission, entry, [values[entry.context.name]])
            if outcome.tags & tags.FATAL:
                found[entry.id] = outcome
        return found


def grade_contained(entry: Entry, assignment_name: str, rubric: Rubric, isolation: Isolation,
                    known_fatal: dict[str, Outcome] | None = None) -> SubmissionGrade:
    """`grade_submission`, with anything it raises turned into this submission's `grader_error`.

    It takes the assignment by name, so that a grading process can look it up for itself.
    """
    assignment = assignments.load(assignment_name)
    profiles.private_storage()
    try:
        if entry.problem is not None:
            grade = unloadable(entry.path, assignment, entry.problem, rubric)
            grade.isolation = isolation.level
        else:
            grade = grade_submission(entry.path, assignment, rubric, isolation, known_fatal)
    except Exception as exc:  # a fault of gradjudge's on this submission must not cost the others
        grade = grader_error(entry.path, assignment, rubric, isolation, f"gradjudge failed while grading it ({exc!r})")
    grade.name = entry.name
    TRUTHS.persist()
    return grade
