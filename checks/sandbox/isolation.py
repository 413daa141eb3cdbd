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

gradjudge's own children that read untrusted input (the write-up reader) are
shut in the same way (`module_command`): the same sandbox, with the packages
they need bound read-only in place of the worker's files; without bubblewrap,
an isolated process (`checks.sandbox.children`).
"""
from __future__ import annotations

import atexit
import functools
import importlib.util
import os
import shutil
import subprocess
import sys
import sysconfig
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy

from checks.engine import store
from checks.errors import GradjudgeError
from checks.sandbox import children

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
WORKER_FILES = ("worker.py", "calling.py", "protocol.py", "standins.py", "watch.py")
WORKER_PACKAGES = ("numpy",)
"""What a worker may import besides the standard library."""
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


class IsolationUnavailable(GradjudgeError):
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
    if _bwrap() is None:
        return False, "bubblewrap (bwrap) is not installed"
    version = subprocess.run([_bwrap(), "--version"], capture_output=True, text=True).stdout.strip() or "bwrap"
    with tempfile.TemporaryDirectory(prefix="gradjudge-probe-") as empty:
        argv = worker_sandbox(Path(empty), ["-c", f"import sys; sys.path.append({INSIDE_SITE!r}); import numpy"])
        try:
            done = subprocess.run(argv, capture_output=True, text=True, timeout=30, env=ENVIRONMENT)
        except subprocess.TimeoutExpired:
            return False, f"{version} did not start a sandbox within 30 s"
    if done.returncode != 0:
        reason = (done.stderr.strip().splitlines() or ["no message"])[-1]
        return False, f"{version} cannot make a sandbox here: {reason}"
    return True, version


@functools.lru_cache(maxsize=1)
def _bwrap() -> str | None:
    """bubblewrap as the grader's PATH finds it, run by that path (a sandbox's environment has a PATH of its own)."""
    return shutil.which("bwrap")


def worker_command(isolation: Isolation, submission_folder: Path, request_fd: int, response_fd: int) -> tuple[list[str], str]:
    """The worker's command line and working folder, for the given isolation."""
    arguments = [str(request_fd), str(response_fd)]
    if isolation.strong:
        return worker_sandbox(submission_folder, [f"{INSIDE_WORKER}/worker.py", *arguments, INSIDE_SITE]), "/"
    return [_python(), "-I", "-S", "-B", str(HERE / "worker.py"), *arguments, str(_site_shim())], str(submission_folder)


def worker_sandbox(submission_folder: Path, python_arguments: list[str]) -> list[str]:
    """`python python_arguments` in a worker's sandbox: numpy, the worker's files and the submission's folder."""
    files = [(f"{INSIDE_WORKER}/{name}", HERE / name) for name in WORKER_FILES]
    return bubblewrap_command(python_arguments, packages=WORKER_PACKAGES, files=files, submission_folder=submission_folder)


def module_command(isolation: Isolation, module: str, arguments: Sequence[str], *, packages: Sequence[str],
                   paths: Sequence[str] = ()) -> tuple[list[str], str]:
    """The command line and working folder of a child of gradjudge's own that runs `module` on untrusted input.

    Under `namespaces` it runs in a sandbox like a worker's that holds the top-level
    `packages` it may import (gradjudge's `checks` among them, if it needs it) and
    the host `paths` it needs, all read-only; under `process`, isolated (`-I`) in an
    empty folder of the grader's (see `checks.sandbox.children`).
    """
    if isolation.strong:
        boot = children.BOOT.format(path=[INSIDE_SITE])
        return bubblewrap_command(["-c", boot, module, *arguments], packages=packages, paths=paths), "/"
    return children.command(module, arguments), children.private_folder()


def submission_path(isolation: Isolation, staged: Path, folder: Path) -> str:
    """Where the worker finds the staged submission."""
    return f"{INSIDE_SUBMISSION}/{staged.relative_to(folder)}" if isolation.strong else str(staged)


def bubblewrap_command(python_arguments: list[str], *, packages: Sequence[str], files: Sequence[tuple[str, Path]] = (),
                       paths: Sequence[str] = (), submission_folder: Path | None = None) -> list[str]:
    """`python -I -S -B python_arguments` in a sandbox of its own.

    It sees the Python runtime (every site folder hidden), the top-level
    `packages` at `INSIDE_SITE`, each of `files` (inside path, host path), each host
    path of `paths` at the same path, and `submission_folder` at
    `INSIDE_SUBMISSION`: all read-only. Its private `/tmp` is the only place it can write.
    """
    argv = [_bwrap() or "bwrap", "--unshare-all", "--unshare-user", "--disable-userns", "--die-with-parent", "--new-session", "--as-pid-1",
            "--cap-drop", "ALL", "--uid", str(SANDBOX_UID), "--gid", str(SANDBOX_UID), "--hostname", "sandbox"]
    for root in _runtime_roots():
        argv += _bind(root)
    for hidden in (*_site_folders(), *_grader_folders()):
        argv += ["--tmpfs", hidden, "--remount-ro", hidden]
    argv += ["--ro-bind-try", "/etc/ld.so.cache", "/etc/ld.so.cache"]
    for inside, outside in [*_package_binds(tuple(packages)), *files]:
        argv += ["--ro-bind", str(outside), inside]
    for path in paths:
        argv += ["--ro-bind", path, path]
    if submission_folder is not None:
        argv += ["--ro-bind", str(submission_folder), INSIDE_SUBMISSION]
    argv += ["--proc", "/proc", "--dev", "/dev", "--size", str(TMP_BYTES), "--tmpfs", "/tmp", "--chdir", "/tmp",
             *READ_ONLY, "--", _python(), "-I", "-S", "-B", *python_arguments]
    return argv


@functools.lru_cache(maxsize=None)
def _package_binds(names: tuple[str, ...]) -> tuple[tuple[str, Path], ...]:
    """Each top-level package (its folder, or its one file) and a wheel's bundled `NAME.libs`, at `INSIDE_SITE`."""
    binds = []
    for name in names:
        found = importlib.util.find_spec(name)
        if found is None:
            raise IsolationUnavailable(f"the sandbox needs the package {name!r}, which is not installed")
        location = Path(found.submodule_search_locations[0] if found.submodule_search_locations else found.origin)
        location = location.resolve()
        binds.append((f"{INSIDE_SITE}/{location.name}", location))
        bundled = location.parent / f"{name}.libs"
        if bundled.is_dir():
            binds.append((f"{INSIDE_SITE}/{bundled.name}", bundled))
    return tuple(binds)


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
