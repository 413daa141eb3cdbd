"""A class with hostile students in it: every attack is graded in one folder beside honest classmates.

Grading the class must leave the honest classmates' grades exactly as grading
them alone gives, the attackers with no marks they did not earn, no process of
theirs alive, no file outside the outputs changed, nothing leaked, and the
terminal and Markdown output inert. Needs bubblewrap (CI installs it); where it
is missing, the module is skipped with the reason.
"""
from __future__ import annotations

import hashlib
import json
import os
import re
import socket
import sys
import tempfile
import threading
import time
from pathlib import Path

import pytest

import needs
from attacks import ATTACKS, LOAD_REFUSED
from checks import cli
from checks.sandbox import isolation

ROOT = Path(__file__).resolve().parents[2]
SEED = ROOT / "examples" / "seed_submission.py"
BOB = '''import numpy as np

def dropout_dL_dx(dy, M):
    return M * dy

def eq03_dL_db2B(yB_hat, yB, m):
    return (yB_hat - yB).sum(axis=0) / m

def bn_dL_dbeta(dy):
    return dy.sum(axis=1)
'''
TIMEOUT = 2.0
STALL = TIMEOUT - 0.4
BUDGET = 6.0
DAEMON_DELAY = 4.0
SECRET = "gradjudge-test-secret-" + os.urandom(8).hex()

needs.require_namespaces(module=True)


class Listener:
    """A TCP server on the grader's loopback that records every connection made to it."""

    def __init__(self):
        self.server = socket.create_server(("127.0.0.1", 0))
        self.port = self.server.getsockname()[1]
        self.connections = 0
        threading.Thread(target=self._serve, daemon=True).start()

    def _serve(self):
        while True:
            try:
                connection, _ = self.server.accept()
            except OSError:
                return
            self.connections += 1
            connection.close()


def snapshot(*folders: Path) -> dict[str, str]:
    """A hash of every file under the folders (not following links), keyed by path."""
    found = {}
    for folder in folders:
        for path in sorted(folder.rglob("*")):
            if path.is_file() and not path.is_symlink() and "__pycache__" not in path.parts:
                found[str(path)] = hashlib.sha256(path.read_bytes()).hexdigest()
    return found


def site_packages() -> Path:
    import numpy

    return Path(numpy.__file__).resolve().parent.parent


def processes_touching(marker: str) -> list[str]:
    """Command lines of processes still alive whose command line or mounts name `marker` (this run's temporary folder).

    A sandboxed worker's mounts show the folder its submission was staged in,
    so even a daemon that left its session and process group is found.
    """
    alive = []
    for name in os.listdir("/proc"):
        if not name.isdigit() or int(name) == os.getpid():
            continue
        try:
            command = Path(f"/proc/{name}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
            mounts = Path(f"/proc/{name}/mountinfo").read_text(errors="replace")
        except OSError:
            continue
        if marker in command or marker in mounts:
            alive.append(command)
    return alive


def strip_timing(value):
    if isinstance(value, dict):
        return {key: strip_timing(item) for key, item in value.items() if key != "seconds"}
    if isinstance(value, list):
        return [strip_timing(item) for item in value]
    return value


@pytest.fixture(scope="module")
def hostile_class(tmp_path_factory):
    base = tmp_path_factory.mktemp("hostile")
    folder, out = base / "class", base / "out"
    folder.mkdir()
    out.mkdir()
    rubric = base / "rubric.toml"
    rubric.write_text(f"[grading]\nexamples = 5\ntimeout_seconds = {TIMEOUT}\nsubmission_seconds = {BUDGET}\n")
    listener = Listener()
    values = {"project": ROOT, "folder": folder, "json": out / "grades.json", "port": listener.port, "stall": STALL,
              "site_packages": site_packages(), "base_site_packages": Path(sys.base_prefix) / "lib",
              "python": isolation._python(), "venv_python": sys.executable, "rubric": rubric}
    (folder / "honest_alice.py").write_text(SEED.read_text())
    (folder / "honest_bob.py").write_text(BOB)
    packages = []
    for name, body in ATTACKS.items():
        if isinstance(body, dict):
            package = base / "packages" / ("torch" if name == "package_named_torch" else name)
            package.mkdir(parents=True)
            for file, text in body.items():
                (package / file).write_text(text.format(**values))
            packages.append(package)
        else:
            text = body if name in ("huge_source", "pathological_source") else body.format(**values)
            (folder / f"{name}.py").write_text(text)
    (folder / "symlink_to_classmate.py").symlink_to(folder / "honest_alice.py")
    for name, make in (("package_with_a_fifo", lambda p: os.mkfifo(p / "data.py")),
                       ("package_with_a_device_link", lambda p: (p / "zero.py").symlink_to("/dev/zero"))):
        package = base / "packages" / name
        package.mkdir(parents=True)
        (package / "__init__.py").write_text("def dropout_dL_dx(dy, M):\n    return M * dy\n")
        make(package)
        packages.append(package)
    undecodable = os.fsencode(folder) + b"/caf\xe9_honest.py"
    with open(undecodable, "wb") as stream:
        stream.write(BOB.encode())

    watched = snapshot(ROOT / "checks", ROOT / "derivations", site_packages())
    watched.update(snapshot(folder))
    watched.pop(str(folder / "symlink_to_classmate.py"), None)
    scratch = base / "scratch"
    scratch.mkdir()
    os.environ["GRADJUDGE_TEST_SECRET"] = SECRET
    os.environ["TMPDIR"], tempfile.tempdir = str(scratch), str(scratch)
    try:
        start = time.monotonic()
        code = cli.main(["grade", str(folder), *map(str, packages), "--rubric", str(rubric), "--jobs", "2",
                         "--json", str(out / "grades.json"), "--gradescope", str(out / "gradescope")])
        seconds = time.monotonic() - start
    finally:
        del os.environ["GRADJUDGE_TEST_SECRET"], os.environ["TMPDIR"]
        tempfile.tempdir = None
    json_text = (out / "grades.json").read_text()
    time.sleep(DAEMON_DELAY + 1)
    alone = {}
    for name in ("honest_alice", "honest_bob"):
        target = base / f"{name}.json"
        cli.main(["grade", str(folder / f"{name}.py"), "--rubric", str(rubric), "--json", str(target)])
        alone[name] = json.loads(target.read_text())["submissions"][0]
    grades = {Path(entry["path"]).stem: entry for entry in json.loads(json_text)["submissions"]}
    return {"code": code, "grades": grades, "alone": alone, "json_text": json_text, "json_after": (out / "grades.json").read_text(),
            "watched": watched, "now": snapshot(ROOT / "checks", ROOT / "derivations", site_packages()) | snapshot(folder),
            "listener": listener, "seconds": seconds, "out": out, "folder": folder, "scratch": scratch}


def rows(grade: dict) -> dict[str, dict]:
    return {row["id"]: row for row in grade["derivations"]}


def test_the_batch_finishes_and_grades_everyone(hostile_class):
    assert hostile_class["code"] == 0
    expected = {"honest_alice", "honest_bob", *ATTACKS, "symlink_to_classmate", "package_with_a_fifo",
                "package_with_a_device_link"} - {"package_named_torch"} | {"torch"}
    assert expected <= set(hostile_class["grades"]), sorted(expected - set(hostile_class["grades"]))
    assert {grade["isolation"] for grade in hostile_class["grades"].values()} == {"namespaces"}


@pytest.mark.parametrize("name", ["honest_alice", "honest_bob"])
def test_honest_classmates_get_exactly_their_grades_alone(hostile_class, name):
    in_class, alone = hostile_class["grades"][name], hostile_class["alone"][name]
    assert strip_timing(in_class["derivations"]) == strip_timing(alone["derivations"])
    assert in_class["score"] == alone["score"]


def test_an_undecodable_file_name_is_graded_under_an_escaped_name(hostile_class):
    grade = next(grade for name, grade in hostile_class["grades"].items() if "honest" in name and "caf" in name)
    assert "\\xe9" in grade["path"] and grade["score"] == hostile_class["alone"]["honest_bob"]["score"]


@pytest.mark.parametrize(("name", "ids"), [
    ("reads_reference", ["bn_dL_dx", "dropout_dL_dx"]),
    ("reads_classmate", ["eq03_dL_db2B"]),
    ("removes_the_guard", ["dropout_dL_dx", "softmax_dL_dx"]),
    ("torch_in_a_subprocess", ["dropout_dL_dx"]),
    ("torch", ["dropout_dL_dx"]),
    ("float32_finite_differences", ["bn_dL_dx", "softmax_dL_dx"]),
    ("forward_asks_for_its_answer", ["forward_yB_hat", "forward_yA_hat"]),
    ("forges_replies", ["dropout_dL_dx", "bn_dL_dbeta", "softmax_dL_dx", "eq01_dL_dyB_hat", "eq03_dL_db2B",
                        "eq04_dL_dx2B", "eq09_dL_db2A"]),
    ("returns_a_huge_array", ["dropout_dL_dx"]),
])
def test_attackers_earn_no_marks_they_did_not_derive(hostile_class, name, ids):
    found = rows(hostile_class["grades"][name])
    assert {id: found[id]["status"] for id in ids if found[id]["status"] in ("passed", "partial")} == {}
    assert hostile_class["grades"][name]["score"] == 0


def test_constant_forward_passes_earn_no_error_carried_forward(hostile_class):
    found = rows(hostile_class["grades"]["constant_forward_and_zeros"])
    assert not any(row["status"] == "partial" or "ecf" in row["tags"] for row in found.values())
    assert found["eq07_dL_db1B"]["status"] == "passed", "zeros are the true value of eq. (7): that one is earned"
    assert hostile_class["grades"]["constant_forward_and_zeros"]["score"] == 1


def test_forward_values_may_not_ask_for_what_they_compute(hostile_class):
    row = rows(hostile_class["grades"]["forward_asks_for_its_answer"])["forward_yB_hat"]
    assert "forbidden_quantity" in row["tags"] and "yB_hat" in row["message"]


def test_float32_answers_are_judged_at_float64_and_tagged(hostile_class):
    found = rows(hostile_class["grades"]["float32_finite_differences"])
    assert "low_precision" in found["softmax_dL_dx"]["tags"]
    assert "numeric_differentiation" in found["bn_dL_dx"]["tags"]


def test_forged_replies_are_protocol_violations_of_their_own_call_only(hostile_class):
    found = rows(hostile_class["grades"]["forges_replies"])
    for id in ("dropout_dL_dx", "bn_dL_dbeta", "softmax_dL_dx", "eq01_dL_dyB_hat", "eq03_dL_db2B", "eq04_dL_dx2B",
               "eq09_dL_db2A"):
        assert found[id]["status"] == "error" and "protocol_violation" in found[id]["tags"], (id, found[id]["message"])
    huge = rows(hostile_class["grades"]["returns_a_huge_array"])["dropout_dL_dx"]
    assert {"protocol_violation", "timeout"} & set(huge["tags"]), "on a loaded machine, making 300 MB can outlast the timeout"


@pytest.mark.parametrize("name", sorted(LOAD_REFUSED - {"package_named_torch_in_a_process"}))
def test_links_pipes_and_pathological_sources_are_refused_before_they_run(hostile_class, name):
    grade = hostile_class["grades"][name]
    assert grade["status"] == "load_error" and grade["score"] == 0, grade["message"]


def test_no_file_outside_the_outputs_changed(hostile_class):
    before, after = hostile_class["watched"], hostile_class["now"]
    changed = sorted(path for path in before if after.get(path) != before[path])
    added = sorted(set(after) - set(before))
    assert changed == [] and added == []
    assert not list(site_packages().glob("zz_gradjudge_owned.pth"))


def test_no_process_of_any_submission_outlives_grading(hostile_class):
    assert processes_touching(str(hostile_class["scratch"])) == []
    assert hostile_class["json_after"] == hostile_class["json_text"], "a daemon rewrote the JSON after grading"


def test_nothing_reaches_the_network_or_the_graders_memory(hostile_class):
    assert hostile_class["listener"].connections == 0
    assert SECRET not in hostile_class["json_text"]
    looted = rows(hostile_class["grades"]["reads_the_grader_memory"])["dropout_dL_dx"]["message"]
    assert "pytest" not in looted and "GRADJUDGE" not in looted
    assert str(ROOT) not in looted and "site-packages" not in looted, "the grader's own paths are not the worker's to see"


def test_a_submission_that_stalls_is_stopped_by_its_budget(hostile_class):
    grade = hostile_class["grades"]["stalls_under_the_timeout"]
    assert any("budget_exhausted" in row["tags"] for row in grade["derivations"])
    assert grade["seconds"] < BUDGET + 2 * TIMEOUT + 10
    assert grade["score"] == 0


def test_a_fork_and_memory_bomb_stays_inside_its_group(hostile_class):
    needs.require_cgroups()
    assert hostile_class["grades"]["forks_and_allocates"]["status"] == "graded"
    assert strip_timing(hostile_class["grades"]["honest_alice"]["derivations"]) == \
        strip_timing(hostile_class["alone"]["honest_alice"]["derivations"])


def test_terminal_and_markdown_output_stay_inert(hostile_class, capsys):
    grade = hostile_class["grades"]["spoofs_the_terminal"]
    cli.main(["grade", str(hostile_class["folder"] / "spoofs_the_terminal.py"), "--rubric",
              str(hostile_class["folder"].parent / "rubric.toml")])
    printed = capsys.readouterr().out
    assert "\x1b" not in printed and "\u202e" not in printed and "[bold]markup[/bold]" in printed
    gradescope = json.loads((hostile_class["out"] / "gradescope" / "spoofs%5Fthe%5Fterminal.py.json").read_text())
    output = next(test["output"] for test in gradescope["tests"] if test["name"] == "bn_dL_dbeta")
    fence = re.search(r"^(`{3,})$", output, re.MULTILINE).group(1)
    body = output.split(fence)[1]
    assert max(len(run) for run in re.findall(r"`+", body)) < len(fence)
    assert "Full marks" in body and grade["score"] == 0
