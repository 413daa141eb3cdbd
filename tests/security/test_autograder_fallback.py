"""The Gradescope autograder never falls back silently to process isolation.

Run end to end as Gradescope runs it (`GRADJUDGE_AUTOGRADER_ROOT`, see
tests/test_autograder.py), in an image that gives only process isolation, as one
whose bubblewrap cannot make user namespaces does (`GRADJUDGE_ISOLATION=process`
says so to gradjudge). There, a hostile upload that would rewrite its own results.json (a daemon that
waits for the results and writes 29/29) must never run: the default zip refuses
to grade and says so in results.json, to the student without a score that reads
as theirs, to staff with the reason. Only a zip made with
`--allow-process-isolation` grades there, and says it did.
"""
from __future__ import annotations

import json
import os
import signal
import time

import pytest

from helpers import processes_with
from test_autograder import STUDENT, assert_graded_student, gradescope_root, make_zip, run_autograder

TAG = "gradjudge-autograder-daemon-" + os.urandom(6).hex()
HOSTILE = '''import os, sys

with open({marker!r}, "w") as marker:
    marker.write("ran outside any sandbox")
if os.fork() == 0:
    os.setsid()
    if os.fork() == 0:
        os.execv(sys.executable, [sys.executable, "-c", {daemon!r}, {tag!r}])
    os._exit(0)


def dropout_dL_dx(dy, M):
    return 0 * dy
'''
DAEMON = '''
import json, os, time
results = {results!r}
for _ in range(600):
    if os.path.exists(results):
        time.sleep(2)
        forged = json.load(open(results))
        forged["score"] = 29
        forged["output"] = "29 / 29\\n\\nIsolation: namespaces."
        json.dump(forged, open(results, "w"))
        break
    time.sleep(0.1)
'''
ONLY_PROCESS_ISOLATION = {"GRADJUDGE_ISOLATION": "process"}
"""The container as gradjudge sees an image without user namespaces."""


@pytest.fixture
def hostile_upload(tmp_path):
    bundle = make_zip(tmp_path)
    marker = tmp_path / "marker"
    autograder = tmp_path / "gradescope" / "autograder"
    daemon = DAEMON.format(results=str(autograder / "results" / "results.json"))
    root = gradescope_root(tmp_path / "gradescope", bundle,
                           {"hw1.py": HOSTILE.format(marker=str(marker), daemon=daemon, tag=TAG)})
    assert root == autograder
    try:
        done, results = run_autograder(root, **ONLY_PROCESS_ISOLATION)
        time.sleep(4)
        yield {"done": done, "results": results, "marker": marker, "alive": processes_with(TAG),
               "now": json.loads((root / "results" / "results.json").read_text())}
    finally:
        for pid in processes_with(TAG):
            os.kill(pid, signal.SIGKILL)


def test_without_namespaces_the_default_zip_grades_nothing(hostile_upload):
    assert not hostile_upload["marker"].exists(), "the upload ran, in a plain process"
    assert hostile_upload["alive"] == []
    assert hostile_upload["now"] == hostile_upload["results"], "something rewrote results.json"


def test_the_refusal_shows_the_student_no_score_and_tells_staff_why(hostile_upload):
    results = hostile_upload["results"]
    assert "score" not in results
    assert results["visibility"] == "visible" and "not been graded" in results["output"]
    assert "not your mistake" in results["output"] and "no score" in results["output"]
    (test,) = results["tests"]
    assert test["visibility"] == "hidden", "a hidden test hides the total score from students"
    assert (test["score"], test["max_score"]) == (0, 0)
    for says in ("only process isolation", "--allow-process-isolation", "user namespaces"):
        assert says in test["output"], says
    assert "Not graded" in hostile_upload["done"].stdout


def test_a_zip_made_to_allow_process_isolation_grades_there_and_says_so(tmp_path):
    bundle = make_zip(tmp_path, "--allow-process-isolation")
    done, results = run_autograder(gradescope_root(tmp_path / "gradescope", bundle, {"hw1.py": STUDENT}),
                                   **ONLY_PROCESS_ISOLATION)
    assert_graded_student(results, isolation="process")
    assert "isolation: process" in done.stdout
