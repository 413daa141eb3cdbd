"""Grading a batch: hangs cost their timeouts together, and a submission that does not hang starts its sandbox once.

Each submission is probed in its own sandbox with calls cut at `QUICK_PROBE_SECONDS`; one whose call is cut is
probed again, with the rubric's timeout, beside the others' suspects, and graded from what that found.
"""
import time
from pathlib import Path

from helpers import HW1

from checks.grading import rubric
from checks.grading.batch import QUICK_PROBE_SECONDS, grade_many
from checks.grading.discovery import discover
from checks.sandbox.client import Sandboxed
from checks.sandbox.isolation import choose
from checks.statuses import GRADED

SUBMISSIONS = Path(__file__).parent / "submissions"
HANG_TIMEOUT = 3.0


HONEST = "def dropout_dL_dx(dy, M):\n    return M * dy\n"
SLOW_FIRST_CALL = f"""import time

_calls = []


def dropout_dL_dx(dy, M):
    _calls.append(1)
    if len(_calls) == 1:
        time.sleep({4 * QUICK_PROBE_SECONDS})
    return M * dy
"""
"""Right, and its first call in each worker takes four times the quick probe's cut, well inside the timeout."""


def _class(folder: Path, base: str, count: int) -> list:
    return _written(folder, [(SUBMISSIONS / f"{base}.py").read_text()] * count)


def _written(folder: Path, sources: list[str]) -> list:
    folder.mkdir()
    for index, source in enumerate(sources):
        (folder / f"student_{index}.py").write_text(f"# student {index}\n" + source)
    return discover([folder], HW1.ids).entries


def _rubric(folder: Path, timeout: float):
    path = folder / "rubric.toml"
    path.write_text(f"[grading]\nexamples = 5\ntimeout_seconds = {timeout}\nmemory_mb = 512\n")
    return rubric.load(HW1, path)


def test_hangs_in_a_batch_cost_their_timeouts_together(tmp_path):
    """Eight submissions that each hang in one id, graded on one job: waiting out each timeout in turn would take at
    least 8 x 3 s; the probe overlaps them."""
    entries = _class(tmp_path / "class", "hanging", 8)
    chosen = _rubric(tmp_path, HANG_TIMEOUT)
    start = time.monotonic()
    grades = grade_many(entries, "hw1", chosen, 1, choose())
    wall = time.monotonic() - start
    assert [grade.status for grade in grades] == [GRADED] * 8
    for grade in grades:
        rows = {row.id: row for row in grade.derivations}
        assert rows["softmax_dL_dx"].status == "timeout"
        assert rows["dropout_dL_dx"].status == "passed" and rows["eq01_dL_dyB_hat"].status == "passed"
    assert wall < 0.75 * len(entries) * HANG_TIMEOUT, f"{wall:.1f} s: the timeouts were waited out one after another"


def test_a_submission_that_does_not_hang_starts_its_sandbox_once(tmp_path, monkeypatch):
    """Its probe runs in the sandbox it is graded in: three honest submissions, three workers started."""
    entries = _written(tmp_path / "class", [HONEST] * 3)
    started = []
    start_worker = Sandboxed._start_worker

    def counted(self, *arguments, **keywords):
        started.append(self.path.name)
        return start_worker(self, *arguments, **keywords)

    monkeypatch.setattr(Sandboxed, "_start_worker", counted)
    grades = grade_many(entries, "hw1", _rubric(tmp_path, HANG_TIMEOUT), 1, choose())
    assert [grade.score for grade in grades] == [1] * 3
    assert sorted(started) == sorted(entry.path.name for entry in entries)


def test_a_call_slower_than_the_quick_probe_is_judged_with_the_full_timeout(tmp_path):
    """A first call past the probe's cut but inside the timeout: the submission is probed again with the timeout,
    and graded exactly as alone (no probe at all), beside a classmate graded in the sandbox of its probe."""
    chosen = _rubric(tmp_path, HANG_TIMEOUT)
    entries = _written(tmp_path / "class", [SLOW_FIRST_CALL, HONEST])
    alone = _written(tmp_path / "alone", [SLOW_FIRST_CALL])
    grades = grade_many(entries, "hw1", chosen, 1, choose())
    (graded_alone,) = grade_many(alone, "hw1", chosen, 1, choose())

    def rows(grade):
        return {row.id: (row.status, row.score, sorted(row.tags)) for row in grade.derivations}

    assert rows(grades[0])["dropout_dL_dx"][0] == "passed"
    assert rows(grades[0]) == rows(graded_alone)
    assert grades[1].score == 1
