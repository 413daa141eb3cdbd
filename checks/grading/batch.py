"""Grading a batch: how many workers at once, a probe that waits out hangs together, and no lost grades.

Each submission is first probed in its own sandbox by the grading process that
grades it: every id it defines is called once on its context's smallest case,
each call allowed `QUICK_PROBE_SECONDS`, and grading goes on in that sandbox.
A submission one of whose calls takes longer is a suspect: once the others are
graded, the suspects are probed again all at the same time with the rubric's
own timeout, and graded from what that found. So derivations that hang cost
about one timeout for the whole batch, not one each, and a submission that does
not hang starts its sandbox once. No submission can end the batch: whatever goes
wrong in grading one is that submission's `grader_error`, and the others are
graded as if it were not there.
"""
from __future__ import annotations

import contextlib
import os
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor, as_completed
from dataclasses import replace
from pathlib import Path

from checks import assignments, tags
from checks.assignment import Assignment
from checks.collection import freeze_imported
from checks.engine.cases import smallest_case
from checks.engine import witnessing
from checks.engine.check import refusal
from checks.engine.oracles import use_one_thread
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
from checks.sandbox.client import Prior, Sandboxed, open_submission, started as started_sandbox
from checks.sandbox.files import Handed
from checks.sandbox.isolation import Isolation

PROBE_CONCURRENCY = 64
QUICK_PROBE_SECONDS = 0.1
"""How long one call of a grading process's own probe may take (on the smallest case, where a call takes
milliseconds). A call that takes longer is not judged by it: its submission is probed again, with the rubric's
timeout, beside the batch's other suspects."""


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

    Each submission is probed in its own sandbox first, and a suspect (a probe
    call slower than `QUICK_PROBE_SECONDS`) is probed again with the rubric's
    timeout beside the other suspects once the rest are graded (`on_probe`
    is told how many), so that hanging or crashing derivations across the whole
    batch cost about one timeout together, not one each. No submission can end
    the batch: whatever goes wrong in grading one is that submission's
    `grader_error`. A group's submission is graded once, and each member gets
    its row. With a truths `store`, what the oracles found is read from it and
    what they compute is added to it. A batch of one may come with its
    submission `started` already (`checks.grading.startup`): grading goes on in
    that sandbox.
    """
    assignment = assignments.load(assignment_name)
    TRUTHS.attach(store, assignment)
    if len(entries) == 1:
        grades = [grade_contained(entries[0], assignment_name, rubric, isolation, started)]
        on_done(grades[0])
        return _rows(grades, entries)
    jobs = min(jobs, worker_slots(rubric.limits.memory_mb))
    results: dict[int, SubmissionGrade] = {}

    def finished(index: int, grade: SubmissionGrade | None) -> None:
        if grade is not None:
            results[index] = grade
            on_done(grade)

    with _graders(jobs, assignment_name, assignment, rubric, isolation, store) as grade_all:
        grade_all({index: None for index in range(len(entries))}, entries, finished)
        suspects = [entry for index, entry in enumerate(entries) if index not in results]
        if suspects:
            on_probe(len(suspects))
            probed = probe(suspects, assignment, rubric, isolation)
            grade_all({index: probed.get(entry.name, Prior()) for index, entry in enumerate(entries)
                       if index not in results}, entries, finished)
    return _rows([results[index] for index in range(len(entries))], entries)


Grader = Callable[[dict[int, Prior | None], list[Entry], Callable[[int, SubmissionGrade | None], None]], None]
"""Grades `entries[index]` for each index of its first argument, from that `Prior` (None: probe it first), and
tells the third argument each result as it comes: a grade, or None for a suspect."""


@contextlib.contextmanager
def _graders(jobs: int, assignment_name: str, assignment: Assignment, rubric: Rubric, isolation: Isolation,
             store: Store | None) -> Iterator[Grader]:
    """A `Grader` over `jobs` grading processes, or in this process for one job."""
    if jobs == 1:
        def in_this_process(priors, entries, tell):
            for index, prior in priors.items():
                tell(index, grade_probed(entries[index], assignment_name, rubric, isolation, prior))
        yield in_this_process
        return
    prepare(assignment.derivations, rubric.profile, witnessing.SAMPLED, rubric.secret)
    TRUTHS.persist()
    seed = (assignment_name, TRUTHS.export(assignment.derivations), None if store is None else store.root)
    with ProcessPoolExecutor(max_workers=jobs, mp_context=pool_context(), initializer=_start_worker, initargs=seed) as pool:
        def in_the_pool(priors, entries, tell):
            futures = {pool.submit(grade_probed, _located(entries[index]), assignment_name, rubric, isolation, prior):
                       index for index, prior in priors.items()}
            for future in as_completed(futures):
                index = futures[future]
                try:
                    grade = future.result()
                except Exception as exc:  # the grading process itself died: its one submission is lost, not the batch
                    grade = grader_error(entries[index].path, assignment, rubric, isolation,
                                         f"its grading process failed ({exc!r})")
                    grade.name = entries[index].name
                if grade is not None:
                    grade.path = shown_path(entries[index])  # not the absolute path the grading process was given
                tell(index, grade)
        yield in_the_pool


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
    the parent grades with, if any; all of it, and the modules, then left out of garbage collection."""
    use_one_thread()
    assignment = assignments.load(assignment_name)
    TRUTHS.install(exported, assignment.derivations)
    if store_root is not None:
        with contextlib.suppress(StoreUnavailable):
            TRUTHS.attach(Store(store_root), assignment)
    freeze_imported()


def probe(entries: list[Entry], assignment: Assignment, rubric: Rubric, isolation: Isolation) -> dict[str, Prior]:
    """Call each defined id once on its context's smallest case, many submissions at once, by submission name.

    Each submission's timeouts and crashes are kept, and the seconds the probe
    used are charged to its budget: grading goes on from its `Prior`.
    """
    values = _smallest_values(assignment, rubric)
    concurrency = min(PROBE_CONCURRENCY, worker_slots(rubric.limits.memory_mb), len(entries))
    with ThreadPoolExecutor(max_workers=concurrency) as pool:
        found = pool.map(lambda entry: _probe_quietly(entry, assignment, rubric, isolation, values), entries)
        return {entry.name: outcomes for entry, outcomes in zip(entries, found)}


def _probe_quietly(entry: Entry, assignment: Assignment, rubric: Rubric, isolation: Isolation,
                   values: dict[str, dict]) -> Prior:
    """The probe only saves time: whatever goes wrong in it, grading meets again and reports."""
    try:
        code = code_files(entry)
        if code is None:
            return Prior()
        with open_submission(entry.path, rubric.limits, isolation, assignment.ids, files=code.files) as submission:
            _call_each_id(submission, assignment, values)
            return submission.as_prior()
    except Exception:
        return Prior()


def grade_probed(entry: Entry, assignment_name: str, rubric: Rubric, isolation: Isolation,
                 prior: Prior | None) -> SubmissionGrade | None:
    """`grade_contained` from `prior`; with none, after a probe in the submission's own sandbox, whose calls may
    each take `QUICK_PROBE_SECONDS`, and in that sandbox: None if one took longer (a suspect, probed again later)."""
    if prior is not None:
        return grade_contained(entry, assignment_name, rubric, isolation, prior)
    assignment = assignments.load(assignment_name)
    probed = _quickly_probed(entry, assignment, rubric, isolation)
    if probed is None:
        return None
    try:
        return grade_contained(entry, assignment_name, rubric, isolation, probed)
    finally:
        if isinstance(probed, Sandboxed):
            probed.close()


def _quickly_probed(entry: Entry, assignment: Assignment, rubric: Rubric, isolation: Isolation) -> Sandboxed | Prior | None:
    """The submission started and probed, each call cut at `QUICK_PROBE_SECONDS`; None if a call was cut (its
    sandbox closed: the probe with the rubric's timeout starts afresh). Whatever goes wrong, `Prior()`: grading
    meets it again and reports."""
    if not entry.runs:
        return Prior()
    try:
        code = code_files(entry)
        if code is None:
            return Prior()
        submission = started_sandbox(entry.path, rubric.limits, isolation, assignment.ids, files=code.files)
    except Exception:
        return Prior()
    try:
        with submission.calls_cut_at(QUICK_PROBE_SECONDS):
            cut = _call_each_id(submission, assignment, _smallest_values(assignment, rubric))
    except Exception:
        submission.close()
        return Prior()
    if cut:
        submission.close()
        return None
    return submission


def _smallest_values(assignment: Assignment, rubric: Rubric) -> dict[str, dict]:
    """Each context's smallest case (with the rubric's secret), by context name: what a probe calls every id on."""
    return {context.name: TRUTHS.evaluated(smallest_case(context, rubric.secret)).arrays
            for context in assignment.contexts}


def _call_each_id(submission: Sandboxed, assignment: Assignment, values: dict[str, dict]) -> bool:
    """Call each id the submission defines once, on its context's `values`; whether a call ran out of time (not of
    the submission's budget)."""
    if submission.load_error or submission.forbidden_imports:
        return False
    cut = False
    for item in assignment.derivations:
        signature = submission.signature(item.id)
        if signature is None or signature.problem or refusal(item, signature) is not None:
            continue
        (outcome,) = call_derivation(submission, item, [values[item.context.name]])
        if tags.TIMEOUT in outcome.tags and tags.BUDGET_EXHAUSTED not in outcome.tags:
            cut = True
            break
    return cut


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
