"""No student file runs outside the sandbox, even when staff grade a class from inside its folder.

Staff often run `cd class && gradjudge grade .`. The class folder then is the
working folder of the grader and of every child process it starts. A submission
named like a module those children import (`json.py`, `pickle.py`, `numpy.py`,
`hypothesis.py`, a package `checks/`) would run with the grader's rights if any
child put its working folder on `sys.path`. Each such file here tries what a
hostile student would: leave a marker in a folder only a process outside the
sandbox can reach, and start a daemon that waits for the grades file and forges
it after the grader has exited. Then it loads the real module in its place, so
that grading carries on and the terminal looks normal.

Grading must leave no marker, a genuine grades file, and no daemon alive; the
write-up in the class (read in a child process of its own) and an honest
classmate must be graded as they are alone. Needs bubblewrap: under process
isolation a worker is not a boundary, and the files would run there by design.
"""
from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

import needs
from helpers import processes_with

ROOT = Path(__file__).resolve().parents[2]
WRITEUP = ROOT / "examples" / "writeups" / "block_one_en.md"
GRADJUDGE = Path(sys.executable).with_name("gradjudge")
TAG = "gradjudge-containment-daemon-" + os.urandom(6).hex()
"""On the command line of every daemon the files start: how the test finds one still alive."""
DAEMON_WAIT = 3.0
"""How long a daemon waits after the grades file appears before it forges it; the test waits longer."""
HONEST = "import numpy as np\n\n\ndef dropout_dL_dx(dy, M):\n    return M * dy\n\n\ndef bn_dL_dbeta(dy):\n    return dy.sum(axis=0)\n"
"""Right for dropout and for BatchNorm's beta: 2 of the ids pass, the rest are not attempted."""

ESCAPE = '''
import os as _os
import sys as _sys

_DAEMON = """
import os, sys, time
grades = {grades!r}
for _ in range(1200):
    if os.path.exists(grades):
        time.sleep({wait!r})
        with open(grades, "w") as out:
            out.write('{{"forged": true}}')
        break
    time.sleep(0.1)
"""


def _escape(name):
    """Leave a marker where only a process outside the sandbox can write, and a daemon that forges the grades."""
    try:
        with open(_os.path.join({markers!r}, name + "." + str(_os.getpid())), "w") as marker:
            marker.write(" ".join(_sys.argv))
    except OSError:
        pass
    try:
        child = _os.fork()
        if child == 0:
            _os.setsid()
            if _os.fork() == 0:
                _os.execv(_sys.executable, [_sys.executable, "-c", _DAEMON, {tag!r}])
            _os._exit(0)
        _os.waitpid(child, 0)
    except Exception:
        pass


def _become_the_real_module(name, here):
    """Load the real module of this name and take its place, so that nothing looks wrong."""
    import importlib

    saved = _sys.path[:]
    _sys.path[:] = [entry for entry in _sys.path if _os.path.abspath(entry or ".") != here]
    del _sys.modules[name]
    try:
        real = importlib.import_module(name)
    finally:
        _sys.path[:] = saved
    _sys.modules[name] = real
    globals().update(real.__dict__)
'''
MODULE = ESCAPE + '''

if __name__ == {name!r}:
    _escape({name!r})
    _become_the_real_module({name!r}, _os.path.dirname(_os.path.abspath(__file__)))
else:
    _escape("submission-" + {name!r})


def dropout_dL_dx(dy, M):
    return M * dy
'''
PACKAGE = ESCAPE + '''

if __name__ == {name!r}:
    _escape({name!r})
    _become_the_real_module({name!r}, _os.path.dirname(_os.path.dirname(_os.path.abspath(__file__))))


def dropout_dL_dx(dy, M):
    return M * dy
'''
SHADOWING = ("json", "pickle", "numpy", "hypothesis")
"""Modules of the standard library or of gradjudge's dependencies that its child processes import."""


def grade_as_staff(folder: Path, *arguments: str) -> subprocess.CompletedProcess:
    """`gradjudge grade . ...` run from inside the class folder, as staff run it."""
    return subprocess.run([str(GRADJUDGE), "grade", ".", *arguments], cwd=folder, capture_output=True, text=True,
                          timeout=900, env={**os.environ, "COLUMNS": "120"})


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    needs.require_namespaces()
    base = tmp_path_factory.mktemp("containment")
    folder, markers, out = base / "class", base / "markers", base / "out"
    for made in (folder, markers, out):
        made.mkdir()
    grades = out / "grades.json"
    rubric = base / "rubric.toml"
    rubric.write_text("[grading]\nexamples = 3\ntimeout_seconds = 2.0\nmemory_mb = 512\n")
    values = {"markers": str(markers), "grades": str(grades), "tag": TAG, "wait": DAEMON_WAIT}
    for name in SHADOWING:
        (folder / f"{name}.py").write_text(MODULE.format(name=name, **values))
    (folder / "checks").mkdir()
    (folder / "checks" / "__init__.py").write_text(PACKAGE.format(name="checks", **values))
    (folder / "honest.py").write_text(HONEST)
    shutil.copy(WRITEUP, folder / "writeup.md")
    alone = base / "alone"
    alone.mkdir()
    (alone / "honest.py").write_text(HONEST)
    shutil.copy(WRITEUP, alone / "writeup.md")
    try:
        done = grade_as_staff(folder, "--jobs", "2", "--rubric", str(rubric), "--json", str(grades))
        written = grades.read_bytes() if grades.exists() else b""
        time.sleep(DAEMON_WAIT + 2)
        alive = processes_with(TAG)
        by_themselves = grade_as_staff(alone, "--jobs", "1", "--rubric", str(rubric), "--json", str(base / "alone.json"))
    finally:
        for pid in processes_with(TAG):
            os.kill(pid, signal.SIGKILL)
    return {"done": done, "written": written, "now": grades.read_bytes() if grades.exists() else b"", "alive": alive,
            "markers": sorted(path.name.split(".")[0] for path in markers.iterdir()), "alone": by_themselves,
            "alone_grades": json.loads((base / "alone.json").read_text()) if (base / "alone.json").exists() else {}}


def test_grading_from_inside_the_class_folder_finishes(graded):
    assert graded["done"].returncode == 0, graded["done"].stdout + graded["done"].stderr
    assert "isolation: namespaces" in graded["done"].stdout


def test_no_student_file_ran_outside_the_sandbox(graded):
    assert graded["markers"] == []


def test_no_daemon_outlives_grading_and_the_grades_are_genuine(graded):
    assert graded["alive"] == []
    assert graded["written"] and graded["now"] == graded["written"]
    assert "forged" not in json.loads(graded["now"])


def test_the_writeup_and_the_honest_classmate_get_their_grades_alone(graded):
    def verdicts(document: dict) -> dict[str, dict[str, str]]:
        return {Path(grade["path"]).name: {row["id"]: row["status"] for row in grade["derivations"]}
                for grade in document["submissions"]}

    assert graded["alone"].returncode == 0, graded["alone"].stdout + graded["alone"].stderr
    in_class, alone = verdicts(json.loads(graded["written"])), verdicts(graded["alone_grades"])
    assert set(alone) == {"honest.py", "writeup.md"}
    for name in alone:
        assert in_class[name] == alone[name], name
    assert alone["honest.py"]["dropout_dL_dx"] == alone["honest.py"]["bn_dL_dbeta"] == "passed"
    assert alone["writeup.md"]["dropout_dL_dx"] == "passed" and alone["writeup.md"]["bn_dL_dx"] == "failed", \
        "block_one_en.md derives dropout right and drops BatchNorm's eps (its expected.toml)"


def test_pool_processes_and_their_tracker_start_isolated_in_an_empty_folder(tmp_path, monkeypatch):
    """What a grading pool's process and multiprocessing's resource tracker are started with, asked from inside."""
    from concurrent.futures import ProcessPoolExecutor
    from multiprocessing import resource_tracker

    from checks.sandbox import children

    (tmp_path / "json.py").write_text("raise SystemExit('imported from the working folder')\n")
    monkeypatch.chdir(tmp_path)
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.syspath_prepend("")
    with ProcessPoolExecutor(max_workers=1, mp_context=children.pool_context()) as pool:
        isolated, folder, path, json_from = [pool.submit(eval, question).result() for question in (
            "__import__('sys').flags.isolated", "__import__('os').getcwd()", "__import__('sys').path",
            "__import__('json').__file__")]
    assert isolated == 1
    assert folder == children.private_folder() and os.listdir(folder) == []
    assert "" not in path and str(tmp_path) not in path and all(os.path.isabs(entry) for entry in path)
    assert not json_from.startswith(str(tmp_path))
    tracker = resource_tracker._resource_tracker._pid
    if tracker is not None:
        command = Path(f"/proc/{tracker}/cmdline").read_bytes().split(b"\0")
        assert b"-I" in command[:command.index(b"-c")]
        assert os.readlink(f"/proc/{tracker}/cwd") == children.private_folder()
