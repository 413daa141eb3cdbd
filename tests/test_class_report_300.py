"""The class report of a class of 300 stays usable: its height, its weight and its cost to render in Chromium.

The class is generated, not graded (grading 300 submissions would take minutes):
rows as grading writes them, with diagnosed failures and their messages, 20
submissions that do not load, 10 refused for a forbidden import, 10 students who
handed in only a PDF, 10 on the roster with nothing in the export. The bounds
are what a person can still use: a page that fits in about 25 screens before
anything is opened, a few megabytes, and a document small enough to lay out at
once. The cost to render is bounded by the page's element count, which does not
depend on how busy the machine is; the time it took is printed, never asserted.
"""
import random
import time
from datetime import datetime, timezone

from helpers import HW1
from needs import chromium, require_browser, require_report_libraries

from checks import tags
from checks.grading.grades import DerivationGrade, SubmissionGrade
from checks.reports.class_report import render

require_report_libraries()

STUDENTS = 300
MISTAKES = ["known_mistake:transposed_weight_gradient", "scaled:1/m", "sign_flipped", "transposed",
            "known_mistake:bn_variance_path_missing", "wrong_node:H_BN"]
MAX_HEIGHT = 1400 * 25
"""Pixels of the page as it opens (every fold closed): about 25 screens of the test's 1400-pixel viewport."""
MAX_BYTES = 8 * 2**20
MAX_ELEMENTS = 100_000
"""Elements of the document, folded ones included: what the browser parses and styles, the cost of showing it."""


def _row(entry, status: str, found: list[str], message: str) -> DerivationGrade:
    score = 1.0 if status == "passed" else 0.0
    return DerivationGrade(entry.id, status, found, score, 1.0, message)


def _class() -> list[SubmissionGrade]:
    chance = random.Random(300)
    grades = []
    for number in range(STUDENTS):
        name = f"Student {number:03d} ({100000 + number})"
        student = {"id": str(100000 + number), "name": f"Student {number:03d}", "email": f"s{number}@example.edu",
                   "late": number % 7 == 0, "members": [], "login": None, "enrolled": True}
        if number < 20:
            rows = [_row(entry, "error", [tags.LOAD_ERROR], "The submission does not load: SyntaxError (hw1.py, line 3)")
                    for entry in HW1.derivations]
            status, message = "load_error", "SyntaxError: invalid syntax (hw1.py, line 3)"
        elif number < 30:
            rows = [_row(entry, "error", [tags.FORBIDDEN_IMPORT], "Refused: the submission imports torch") for entry in
                    HW1.derivations]
            status, message = "graded", "Refused: the submission imports torch (hw1.py, line 1: `import torch`)."
        elif number < 50:
            rows = [_row(entry, "not_attempted", [tags.NOT_ATTEMPTED], "Not graded: nothing gradable was handed in.")
                    for entry in HW1.derivations]
            status = "nothing_gradable" if number < 40 else "no_submission"
            message = "nothing gradable was handed in: scan.pdf" if number < 40 else "nothing of theirs is in the export"
        else:
            rows = []
            for entry in HW1.derivations:
                roll = chance.random()
                if roll < 0.7:
                    rows.append(_row(entry, "passed", [], "Matches autograd on every case."))
                elif roll < 0.8:
                    rows.append(_row(entry, "not_attempted", [tags.NOT_ATTEMPTED], "Not attempted."))
                else:
                    tag = chance.choice(MISTAKES)
                    rows.append(_row(entry, "failed", [tag], f"{entry.id} differs from autograd at index (1, 2): "
                                     f"expected 0.5, got 1.0, numeric 0.5.\n\nDiagnosis:\n- {tag}: the answer is the "
                                     "truth read through this mistake on every case tried."))
            status, message = "graded", ""
        grade = SubmissionGrade(f"/exports/canvas/student{number:03d}_{100000 + number}_1_hw1.py", status, message,
                                sum(row.score for row in rows), float(len(rows)), rows, "namespaces", HW1.name, name,
                                student=student, submission=name)
        grades.append(grade)
    return grades


DIAGNOSED = range(50, STUDENTS)
"""The students whose submissions `_class` grades with diagnosed failures: the only ones a cause is counted for
(those that do not load, are refused whole or hand in nothing are counted apart)."""


def _expected_top_cause(grades: list[SubmissionGrade]) -> tuple[str, int, int]:
    """The most common cause as the report must count it, worked out from how `_class` makes the class: each
    mistake tag once per diagnosed submission with a failed row carrying it (ties by name); and, for contrast, that
    tag's count of failed rows, what counting once per id would give."""
    per_submission: dict[str, int] = {}
    per_row: dict[str, int] = {}
    for number in DIAGNOSED:
        failed = [row for row in grades[number].derivations if row.status == "failed"]
        for tag in {tag for row in failed for tag in row.tags}:
            per_submission[tag] = per_submission.get(tag, 0) + 1
        for row in failed:
            for tag in row.tags:
                per_row[tag] = per_row.get(tag, 0) + 1
    assert set(per_submission) <= set(MISTAKES)
    tag = min(per_submission, key=lambda tag: (-per_submission[tag], tag))
    return tag, per_submission[tag], per_row[tag]


def test_a_class_of_300_renders_short_light_and_fast(tmp_path):
    require_browser()
    grades = _class()
    top_tag, top_count, top_rows = _expected_top_cause(grades)
    assert top_rows > top_count, "the class tells counting per submission from counting per id"
    page_text = render(grades, assignment=HW1, rubric_file=None, made=datetime.now(timezone.utc), version="test")
    path = tmp_path / "report.html"
    path.write_text(page_text)
    weight = path.stat().st_size
    assert "/exports/canvas" not in page_text, "students are named by name and id, never by path"
    with chromium(tmp_path / "profile") as context:
        tab = context.new_page()
        start = time.perf_counter()
        tab.goto(path.as_uri(), wait_until="load")
        height = tab.evaluate("() => document.documentElement.scrollHeight")
        seconds = time.perf_counter() - start
        elements = tab.evaluate("() => document.getElementsByTagName('*').length")
        counted = tab.locator('#status-counts td[data-status="nothing_gradable"]').text_content()
        not_graded = tab.locator("#not-graded tbody tr").count()
        first_tag = tab.locator("#top-causes tbody tr").first.locator("td").nth(0).text_content()
        first_cause = tab.locator("#top-causes tbody tr").first.locator("td").nth(1).text_content()
        tab.close()
    print(f"class of {STUDENTS}: {weight:,} bytes, {height:,} px tall, {elements:,} elements, rendered in {seconds:.2f} s")
    assert weight < MAX_BYTES
    assert height < MAX_HEIGHT
    assert elements < MAX_ELEMENTS
    assert counted == "10" and not_graded == 40, "the 20 not loading, 10 with only a PDF and 10 absent are listed apart"
    assert (first_tag, int(first_cause)) == (top_tag, top_count), \
        "a cause is counted once per submission, never once per id"
