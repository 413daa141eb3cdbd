"""How a worker is isolated: a bubblewrap sandbox of its own, or, where that is missing, a plain process.

`namespaces` (bubblewrap): the worker runs in new user, PID, network, IPC, UTS and
cgroup namespaces as an unprivileged user, with no network, no capabilities and
a filesystem of its own: read-only binds of the Python runtime's standard
library (every `site-packages` and `dist-packages` under it hidden by an empty
mount), the system libraries, numpy and the three worker modules, a private
size-capped `/tmp` (the only place it can write), its own `/proc` and `/dev`, and
a private copy of its own submission. Neither gradjudge's packages, nor torch, nor the rubric, nor other
submissions, nor the output paths, nor the truths store exist in its world. The worker itself is its
namespace's process 1 (no bubblewrap process inside shows the grader's paths);
it dies with the grader, and every process it starts dies with it.

`process`: a separate process with rlimits, a minimal environment, a private
working folder and an import guard. It contains accidents (loops, crashes,
memory bombs), not a hostile student: such a worker can read any file the
grader can and signal the grader's processes.
"""
from __future__ import annotations

import atexit
import functools
import os
import shutil
import subprocess
import sys
import sysconfig
import tempfile
from dataclasses import dataclass
from pathlib import Path

import numpy

from checks.engine import store

NAMESPACES = "namespaces"
PROCESS = "process"
LEVELS = {
    NAMESPACES: "bubblewrap: own user, PID, network, IPC and UTS namespaces; a filesystem of only Python, numpy and the "
                "submission's own copy",
    PROCESS: "a plain process with rlimits: contains loops, crashes and memory bombs, not a hostile student "
             "(it can read the grader's files and signal its processes)",
}
CHOICES = ("auto", *LEVELS)
ENVIRONMENT_VARIABLE = "GRADJUDGE_ISOLATION"
WORKER_FILES = ("worker.py", "calling.py", "protocol.py")
HERE = Path(__file__).resolve().parent
INSIDE_WORKER = "/gradjudge/worker"
INSIDE_SITE = "/gradjudge/site"
INSIDE_SUBMISSION = "/submission"
TMP_BYTES = 64 * 2**20
"""Size of the worker's private /tmp."""
READ_ONLY = ("--remount-ro", "/dev", "--remount-ro", "/")
"""bubblewrap's own root and /dev are memory-backed and writable by the worker unless remounted: without this,
files written there would bypass the /tmp cap and, where no cgroup caps the worker, fill the grader's memory."""
SANDBOX_UID = 65534
ENVIRONMENT = {"PATH": "/usr/bin:/bin", "LANG": "C.UTF-8", "OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1",
               "MKL_NUM_THREADS": "1", "PYTHONDONTWRITEBYTECODE": "1", "HOME": "/tmp"}
"""The worker's whole environment: nothing of the grader's own (no secrets, no paths)."""


class IsolationUnavailable(Exception):
    """The isolation asked for cannot be had on this machine; the message says why."""


@dataclass(frozen=True)
class Isolation:
    level: str
    detail: str
    """What was found: the bubblewrap version, or why bubblewrap cannot be used."""

    @property
    def strong(self) -> bool:
        return self.level == NAMESPACES

    def describe(self) -> str:
        return f"isolation: {self.level} ({self.detail})"


def choose(requested: str = "auto") -> Isolation:
    """`auto` (or GRADJUDGE_ISOLATION): namespaces where bubblewrap works here, else process."""
    requested = os.environ.get(ENVIRONMENT_VARIABLE, requested) if requested == "auto" else requested
    if requested not in CHOICES:
        raise IsolationUnavailable(f"isolation={requested!r}, but it must be one of {', '.join(CHOICES)}")
    if requested == PROCESS:
        return Isolation(PROCESS, "asked for")
    working, detail = _bubblewrap()
    if working:
        return Isolation(NAMESPACES, detail)
    if requested == NAMESPACES:
        raise IsolationUnavailable(f"namespace isolation was asked for, but {detail}")
    return Isolation(PROCESS, detail)


@functools.lru_cache(maxsize=1)
def _bubblewrap() -> tuple[bool, str]:
    """Whether bubblewrap runs a worker-like sandbox here: tried once, with the real binds."""
    if shutil.which("bwrap") is None:
        return False, "bubblewrap (bwrap) is not installed"
    version = subprocess.run(["bwrap", "--version"], capture_output=True, text=True).stdout.strip()
    with tempfile.TemporaryDirectory(prefix="gradjudge-probe-") as empty:
        argv = bubblewrap_command(Path(empty), ["-c", f"import sys; sys.path.append({INSIDE_SITE!r}); import numpy"])
        try:
            done = subprocess.run(argv, capture_output=True, text=True, timeout=30, env=ENVIRONMENT)
        except subprocess.TimeoutExpired:
            return False, f"{version} did not start a sandbox within 30 s"
    if done.returncode != 0:
        reason = (done.stderr.strip().splitlines() or ["no message"])[-1]
        return False, f"{version} cannot make a sandbox here: {reason}"
    return True, version


def worker_command(isolation: Isolation, submission_folder: Path, request_fd: int, response_fd: int) -> tuple[list[str], str]:
    """The worker's command line and working folder, for the given isolation."""
    arguments = [str(request_fd), str(response_fd)]
    if isolation.strong:
        return bubblewrap_command(submission_folder, [f"{INSIDE_WORKER}/worker.py", *arguments, INSIDE_SITE]), "/"
    return [_python(), "-I", "-S", "-B", str(HERE / "worker.py"), *arguments, str(_site_shim())], str(submission_folder)


def submission_path(isolation: Isolation, staged: Path, folder: Path) -> str:
    """Where the worker finds the staged submission."""
    return f"{INSIDE_SUBMISSION}/{staged.relative_to(folder)}" if isolation.strong else str(staged)


def bubblewrap_command(submission_folder: Path, python_arguments: list[str]) -> list[str]:
    argv = ["bwrap", "--unshare-all", "--unshare-user", "--disable-userns", "--die-with-parent", "--new-session", "--as-pid-1",
            "--cap-drop", "ALL", "--uid", str(SANDBOX_UID), "--gid", str(SANDBOX_UID), "--hostname", "sandbox"]
    for root in _runtime_roots():
        argv += _bind(root)
    for hidden in (*_site_folders(), *_grader_folders()):
        argv += ["--tmpfs", hidden, "--remount-ro", hidden]
    argv += ["--ro-bind-try", "/etc/ld.so.cache", "/etc/ld.so.cache"]
    numpy_folder = Path(numpy.__file__).resolve().parent
    argv += ["--ro-bind", str(numpy_folder), f"{INSIDE_SITE}/numpy"]
    bundled = numpy_folder.parent / "numpy.libs"
    if bundled.is_dir():
        argv += ["--ro-bind", str(bundled), f"{INSIDE_SITE}/numpy.libs"]
    for name in WORKER_FILES:
        argv += ["--ro-bind", str(HERE / name), f"{INSIDE_WORKER}/{name}"]
    argv += ["--ro-bind", str(submission_folder), INSIDE_SUBMISSION,
             "--proc", "/proc", "--dev", "/dev", "--size", str(TMP_BYTES), "--tmpfs", "/tmp", "--chdir", "/tmp",
             *READ_ONLY, "--", _python(), "-I", "-S", "-B", *python_arguments]
    return argv


def _python() -> str:
    """The base interpreter (not a virtual environment's launcher, whose site-packages hold torch)."""
    return os.path.realpath(getattr(sys, "_base_executable", None) or sys.executable)


@functools.lru_cache(maxsize=1)
def _runtime_roots() -> tuple[str, ...]:
    """Folders the interpreter needs: its installation prefix and the system's library folders."""
    roots = {os.path.realpath(sys.base_prefix)}
    for folder in ("/usr/lib", "/usr/lib64", "/lib", "/lib64", "/usr/lib32", "/lib32"):
        if os.path.isdir(folder):
            roots.add(folder)
    covered = sorted(roots)
    return tuple(root for root in covered if not any(root != other and root.startswith(other + "/") for other in covered))


def _bind(root: str) -> list[str]:
    """Bind a system folder, keeping a merged-/usr symlink (`/lib -> usr/lib`) a symlink."""
    if os.path.islink(root):
        return ["--symlink", os.readlink(root), root]
    return ["--ro-bind", root, root]


@functools.lru_cache(maxsize=1)
def _site_folders() -> tuple[str, ...]:
    """Every `site-packages` / `dist-packages` folder inside the bound roots: hidden from the worker."""
    found = set()
    for root in _runtime_roots():
        if os.path.islink(root):
            continue
        for pattern in ("*/python3*/site-packages", "*/python3*/dist-packages", "python3*/site-packages",
                        "python3*/dist-packages", "python3/dist-packages", "*/python3/dist-packages",
                        "local/lib/python3*/*-packages"):
            found.update(str(path) for path in Path(root).glob(pattern) if path.is_dir() and not path.is_symlink())
    purelib = Path(sysconfig.get_paths(vars={"base": sys.base_prefix, "platbase": sys.base_prefix})["purelib"])
    if purelib.is_dir():
        found.add(str(purelib.resolve()))
    return tuple(sorted(found))


def _grader_folders() -> tuple[str, ...]:
    """The grader's own folders that lie inside a bound root, wherever they are set to be: the truths store, whose
    entries a worker must neither read nor plant. Hidden by an empty mount."""
    folder = os.path.realpath(store.location())
    inside = any(folder.startswith(root.rstrip("/") + "/") for root in _runtime_roots() if not os.path.islink(root))
    return (folder,) if inside and os.path.isdir(folder) else ()


@functools.lru_cache(maxsize=1)
def _site_shim() -> Path:
    """For the process sandbox: a folder holding only links to numpy, so that nothing else is importable by path."""
    folder = Path(tempfile.mkdtemp(prefix="gradjudge-site-"))
    atexit.register(shutil.rmtree, folder, ignore_errors=True)
    numpy_folder = Path(numpy.__file__).resolve().parent
    (folder / "numpy").symlink_to(numpy_folder)
    if (numpy_folder.parent / "numpy.libs").is_dir():
        (folder / "numpy.libs").symlink_to(numpy_folder.parent / "numpy.libs")
    return folder
