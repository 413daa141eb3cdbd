"""Grading a batch: how many workers at once, a probe first, and no lost grades.

No submission can end the batch: whatever goes wrong in grading one is that
submission's `grader_error`, and the others are graded as if it were not there.
"""
from __future__ import annotations

import contextlib
import os
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor, as_completed
from dataclasses import replace
from pathlib import Path

from checks import assignments
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
from checks.grading.discovery import Entry, unique_names
from checks.grading.grade import grader_error
from checks.grading.grades import SubmissionGrade
from checks.grading.code import code_files
from checks.grading.handins import for_each_student, grade_entry, shown_path
from checks.grading.rubric import Rubric
from checks.sandbox.children import pool_context
from checks.sandbox.client import Prior, Sandboxed, open_submission
from checks.sandbox.files import Handed, Refused
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
               store: Store | None = None, started: Sandboxed | Prior = Prior()) -> list[SubmissionGrade]:
    """Grade every submission, `jobs` at a time; rows come back in the order of `entries`, one per student.

    With more than one submission, a quick probe first calls every id of every
    submission once, many submissions at the same time, so that hanging or
    crashing derivations across the whole batch cost about one timeout together,
    not one each. No submission can end the batch: whatever goes wrong in
    grading one is that submission's `grader_error`. A group's submission is
    graded once, and each member gets its row. With a truths `store`, what the
    oracles found is read from it and what they compute is added to it. A batch
    of one may come with its submission `started` already
    (`checks.grading.startup`): grading goes on in that sandbox.
    """
    assignment = assignments.load(assignment_name)
    TRUTHS.attach(store, assignment)
    if len(entries) == 1:
        grades = [grade_contained(entries[0], assignment_name, rubric, isolation, started)]
        on_done(grades[0])
        return _rows(grades, entries)
    runnable = [entry for entry in entries if entry.runs]
    if len(runnable) > 1:
        on_probe(len(runnable))
    probed = probe(runnable, assignment, rubric, isolation) if len(runnable) > 1 else {}
    jobs = min(jobs, worker_slots(rubric.limits.memory_mb))
    if jobs == 1:
        grades = []
        for entry in entries:
            grades.append(grade_contained(entry, assignment_name, rubric, isolation, probed.get(entry.name, Prior())))
            on_done(grades[-1])
        return _rows(grades, entries)
    prepare(assignment.derivations, rubric.profile, witnessing.SAMPLED, rubric.secret)
    TRUTHS.persist()
    seed = (assignment_name, TRUTHS.export(assignment.derivations), None if store is None else store.root)
    results: dict[int, SubmissionGrade] = {}
    with ProcessPoolExecutor(max_workers=jobs, mp_context=pool_context(), initializer=_start_worker, initargs=seed) as pool:
        futures = {pool.submit(grade_contained, _located(entry), assignment_name, rubric, isolation,
                               probed.get(entry.name, Prior())): index
                   for index, entry in enumerate(entries)}
        for future in as_completed(futures):
            index = futures[future]
            try:
                results[index] = future.result()
                results[index].path = shown_path(entries[index])  # not the absolute path the grading process was given
            except Exception as exc:  # the grading process itself died: its one submission is lost, not the batch
                results[index] = grader_error(entries[index].path, assignment, rubric, isolation,
                                              f"its grading process failed ({exc!r})")
                results[index].name = entries[index].name
            on_done(results[index])
    return _rows([results[index] for index in range(len(entries))], entries)


def _rows(grades: list[SubmissionGrade], entries: list[Entry]) -> list[SubmissionGrade]:
    """One row per student, each named uniquely: a group member also named by another hand-in gets ` #2`."""
    rows = [row for grade, entry in zip(grades, entries) for row in for_each_student(grade, entry)]
    for row, name in zip(rows, unique_names([row.name for row in rows])):
        row.name = name
    return rows


def _located(entry: Entry) -> Entry:
    """`entry` with absolute paths (its own, and every file's), for a grading process, whose working folder is not the
    grader's."""
    def located(item: Handed) -> Handed:
        return replace(item, path=Path(os.path.abspath(item.path)))

    return replace(entry, path=Path(os.path.abspath(entry.path)), code=tuple(map(located, entry.code)),
                   writeups=tuple(map(located, entry.writeups)))


def _start_worker(assignment_name: str, exported: dict, store_root: Path | None) -> None:
    """A grading process: one thread for torch, the truths the parent computed for the whole class, and the store
    the parent grades with, if any."""
    use_one_thread()
    assignment = assignments.load(assignment_name)
    TRUTHS.install(exported, assignment.derivations)
    if store_root is not None:
        with contextlib.suppress(StoreUnavailable):
            TRUTHS.attach(Store(store_root), assignment)


def probe(entries: list[Entry], assignment: Assignment, rubric: Rubric, isolation: Isolation) -> dict[str, Prior]:
    """Call each defined id once on its context's smallest case, many submissions at once, by submission name.

    Each submission's timeouts and crashes are kept, and the seconds the probe
    used are charged to its budget: grading goes on from its `Prior`.
    """
    values = {context.name: evaluate(smallest_case(context, rubric.secret)).arrays for context in assignment.contexts}
    concurrency = min(PROBE_CONCURRENCY, worker_slots(rubric.limits.memory_mb), len(entries))
    with ThreadPoolExecutor(max_workers=concurrency) as pool:
        found = pool.map(lambda entry: _probe_quietly(entry, assignment, rubric, isolation, values), entries)
        return {entry.name: outcomes for entry, outcomes in zip(entries, found)}


def _probe_quietly(entry: Entry, assignment: Assignment, rubric: Rubric, isolation: Isolation,
                   values: dict[str, dict]) -> Prior:
    """The probe only saves time: whatever goes wrong in it, grading meets again and reports."""
    try:
        return _probe(entry, assignment, rubric, isolation, values)
    except Exception:
        return Prior()


def _probe(entry: Entry, assignment: Assignment, rubric: Rubric, isolation: Isolation,
           values: dict[str, dict]) -> Prior:
    try:
        code = code_files(entry)
    except Refused:
        return Prior()
    with open_submission(entry.path, rubric.limits, isolation, assignment.ids, files=code.files) as submission:
        if submission.load_error or submission.forbidden_imports:
            return submission.as_prior()
        for item in assignment.derivations:
            signature = submission.signature(item.id)
            if signature is None or signature.problem or refusal(item, signature) is not None:
                continue
            call_derivation(submission, item, [values[item.context.name]])
        return submission.as_prior()


def grade_contained(entry: Entry, assignment_name: str, rubric: Rubric, isolation: Isolation,
                    prior: Prior | Sandboxed = Prior()) -> SubmissionGrade:
    """`grade_submission`, with anything it raises turned into this submission's `grader_error`.

    It takes the assignment by name, so that a grading process can look it up for itself.
    """
    assignment = assignments.load(assignment_name)
    profiles.private_storage()
    try:
        grade = grade_entry(entry, assignment, rubric, isolation, prior)
    except Exception as exc:  # a fault of gradjudge's on this submission must not cost the others
        grade = grader_error(entry.path, assignment, rubric, isolation, f"gradjudge failed while grading it ({exc!r})")
    grade.name = entry.name
    TRUTHS.persist()
    return grade
