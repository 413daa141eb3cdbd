"""Grading a batch: the probe first calls every submission's ids at once, so that hangs cost their timeouts together."""
import time
from pathlib import Path

from helpers import HW1

from checks.grading import rubric
from checks.grading.batch import grade_many
from checks.grading.discovery import discover
from checks.sandbox.isolation import choose
from checks.statuses import GRADED

SUBMISSIONS = Path(__file__).parent / "submissions"
HANG_TIMEOUT = 3.0


def _class(folder: Path, base: str, count: int) -> list:
    folder.mkdir()
    for index in range(count):
        (folder / f"student_{index}.py").write_text(f"# student {index}\n" + (SUBMISSIONS / f"{base}.py").read_text())
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
