"""What a worker (and the write-up reader) sees from inside bubblewrap, asked directly: who it is, which files,
processes and network exist.

The grader's environment is kept out by the sandbox client (`isolation.ENVIRONMENT`), which the hostile-class
tests check; here the worker runs with that environment.

The hostile-class tests show that attacks fail; these show why, one wall at a
time, so that a wall taken down fails here even when no attack needed it.
Needs bubblewrap (CI installs it); where it is missing, the module is skipped.
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

import needs

from checks.sandbox import isolation
from checks.writeup import runtime

needs.require_namespaces(module=True)

ROOT = Path(__file__).resolve().parents[2]
PROBE = r"""
import json, os, socket, sys
status = dict(line.split(":\t", 1) for line in open("/proc/self/status").read().splitlines() if ":\t" in line)
def listing(path):
    try:
        return sorted(os.listdir(path))
    except OSError as exc:
        return type(exc).__name__
def connects():
    try:
        socket.create_connection(("1.1.1.1", 53), timeout=2).close()
        return True
    except OSError:
        return False
def importable(name):
    try:
        __import__(name)
        return True
    except ImportError:
        return False
hidden, grader, site = json.loads(sys.argv[1])
sys.path.append(site)  # where the worker finds numpy, as the worker itself does
print(json.dumps({
    "uid": os.getuid(), "gid": os.getgid(), "capabilities": status["CapEff"].strip(),
    "hidden": {path: listing(path) for path in hidden},
    "grader": {path: os.path.exists(path) for path in grader},
    "processes": sorted(int(name) for name in os.listdir("/proc") if name.isdigit()),
    "interfaces": sorted(line.split(":")[0].strip() for line in open("/proc/net/dev").read().splitlines()[2:]),
    "connects": connects(),
    "imports": {name: importable(name) for name in ("torch", "checks", "derivations", "hypothesis", "numpy")},
    "writable": {path: os.access(path, os.W_OK)
                 for path in ("/", "/dev", "/dev/shm", "/gradjudge/worker", "/submission", sys.prefix, "/tmp")},
}))
"""


def view(tmp_path: Path, *, reader: bool = False) -> dict:
    """What a worker sees, or (`reader`) what the write-up reader's sandbox sees."""
    submission = tmp_path / "submission"
    submission.mkdir()
    (submission / "hw1.py").write_text("x = 1\n")
    # A virtual environment's prefix is the grader's own; outside one, the prefix is the interpreter's installation,
    # which the worker needs (its site folders are hidden, as `hidden` checks).
    own_prefix = [sys.prefix] if sys.prefix != sys.base_prefix else []
    grader = [str(ROOT), str(ROOT / "checks"), str(ROOT / "derivations"), str(tmp_path), *own_prefix]
    arguments = ["-c", PROBE, json.dumps([list(isolation._site_folders()), grader, isolation.INSIDE_SITE])]
    argv = isolation.bubblewrap_command(arguments, packages=runtime.packages(), paths=runtime.PATHS) if reader else \
        isolation.worker_sandbox(submission, arguments)
    done = subprocess.run(argv, capture_output=True, text=True, timeout=60, env=isolation.ENVIRONMENT)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def test_the_worker_is_nobody_without_capabilities(tmp_path):
    seen = view(tmp_path)
    assert (seen["uid"], seen["gid"]) == (isolation.SANDBOX_UID, isolation.SANDBOX_UID) != (os.getuid(), os.getgid())
    assert int(seen["capabilities"], 16) == 0


def test_every_site_packages_folder_is_empty_and_nothing_but_numpy_imports(tmp_path):
    seen = view(tmp_path)
    assert isolation._site_folders(), "the runtime has site folders to hide"
    assert seen["hidden"] == {path: [] for path in isolation._site_folders()}
    assert seen["imports"] == {"torch": False, "checks": False, "derivations": False, "hypothesis": False,
                               "numpy": True}


def test_the_graders_files_do_not_exist_and_only_tmp_is_writable(tmp_path):
    seen = view(tmp_path)
    assert not any(seen["grader"].values()), seen["grader"]
    # Anything writable but the size-capped /tmp would be memory no cap covers where there are no cgroups.
    assert [path for path, writable in seen["writable"].items() if writable] == ["/tmp"], seen["writable"]


def test_no_network_and_no_other_processes(tmp_path):
    seen = view(tmp_path)
    assert seen["interfaces"] == ["lo"] and not seen["connects"]
    assert len(seen["processes"]) <= 2 and 1 in seen["processes"], seen["processes"]


def test_the_writeup_reader_sees_its_own_packages_and_nothing_of_the_grader(tmp_path):
    seen = view(tmp_path, reader=True)
    assert (seen["uid"], seen["gid"]) == (isolation.SANDBOX_UID, isolation.SANDBOX_UID) and int(seen["capabilities"], 16) == 0
    assert seen["hidden"] == {path: [] for path in isolation._site_folders()}
    assert seen["imports"] == {"torch": False, "checks": True, "derivations": False, "hypothesis": False,
                               "numpy": True}, "gradjudge's engine, but neither the reference nor torch"
    assert not any(seen["grader"].values()), seen["grader"]
    assert [path for path, writable in seen["writable"].items() if writable] == ["/tmp"], seen["writable"]
    assert seen["interfaces"] == ["lo"] and not seen["connects"]


STORE_PROBE = r"""
import json, os, sys
folder = sys.argv[1]
print(json.dumps({"exists": os.path.exists(folder), "listing": sorted(os.listdir(folder)) if os.path.isdir(folder) else None}))
"""


def store_seen(tmp_path: Path, folder: Path, monkeypatch) -> dict:
    from checks.engine.store import Entry, Store

    monkeypatch.setenv("GRADJUDGE_CACHE_DIR", str(folder))
    Store(folder).write(["truths", "of a case"], Entry({"truth": __import__("numpy").ones(3)}))
    submission = tmp_path / "submission"
    submission.mkdir(exist_ok=True)
    argv = isolation.worker_sandbox(submission, ["-c", STORE_PROBE, str(folder)])
    done = subprocess.run(argv, capture_output=True, text=True, timeout=60, env=isolation.ENVIRONMENT)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def test_the_truths_store_does_not_exist_for_the_worker(tmp_path, monkeypatch):
    assert store_seen(tmp_path, tmp_path / "cache" / "truths", monkeypatch) == {"exists": False, "listing": None}


def test_a_truths_store_set_inside_a_folder_the_worker_sees_is_hidden_from_it(tmp_path, monkeypatch):
    """A store placed inside a bound root (here a folder bound as the runtime's is; not under /tmp, which the
    worker's own /tmp covers) is an empty read-only folder inside: no entry to read, none to plant."""
    with tempfile.TemporaryDirectory(dir="/var/tmp") as bound:
        roots = isolation._runtime_roots()
        monkeypatch.setattr(isolation, "_runtime_roots", lambda: (*roots, bound))
        folder = Path(bound) / "cache" / "truths"
        assert store_seen(tmp_path, folder, monkeypatch) == {"exists": True, "listing": []}
        assert {"entries", "secret"} <= set(os.listdir(folder))
