"""How gradjudge starts its own Python processes: isolated, in an empty folder, with only trusted folders on the path.

Staff often grade a class from inside its folder (`cd class && gradjudge grade .`),
so the grader's working folder may be full of student files. A Python started
there with `-c` or `-m` puts that folder first on `sys.path`, and a student's
`pickle.py`, `json.py` or package `checks/` would run with the grader's rights.
So every Python process gradjudge starts itself

- runs with `-I` (isolated mode: neither the working folder nor a script's folder
  is put on `sys.path`, no `PYTHON*` variable and no user site folder is read);
- works in an empty private folder of the grader's (`private_folder`), not in the
  grader's working folder;
- imports only from `trusted_path()`: the grader's own `sys.path` without relative
  entries (`''` among them) and without the working folder, which stays only
  where the grader already imports its own code from it (a checkout of
  gradjudge, or of a course's package, run from its root).

Two kinds of process are started this way: the processes of a grading or soak
pool (`pool_context`, multiprocessing's `spawn` with these three rules, and its
resource tracker), and one-off children (`command`, such as the write-up reader
where bubblewrap is missing). The sandbox's workers and the sandboxed write-up
reader are started by `checks.sandbox.isolation`, with `-I` too.
"""
from __future__ import annotations

import atexit
import contextlib
import functools
import os
import shutil
import sys
import tempfile
import threading
from collections.abc import Iterator, Sequence
from multiprocessing import context, popen_spawn_posix, resource_tracker, spawn, util

ISOLATED = "-I"
BOOT = ("import runpy, sys; sys.path[:] = {path!r} + [entry for entry in sys.path if entry not in {path!r}]; "
        "runpy.run_module(sys.argv.pop(1), run_name='__main__', alter_sys=True)")
"""A child's whole program: the given path ahead of the interpreter's own, then the module named by its first
argument run as `__main__` (as `python -m` would, with the arguments after it in `sys.argv`)."""
_LAUNCHING = threading.Lock()


@functools.lru_cache(maxsize=1)
def private_folder() -> str:
    """An empty folder of this process's own, the working folder of every child it starts; removed at exit."""
    folder = tempfile.mkdtemp(prefix="gradjudge-children-")
    atexit.register(shutil.rmtree, folder, ignore_errors=True)
    return folder


def trusted_path() -> list[str]:
    """This process's `sys.path` as a child may have it: absolute entries only, and not the working folder.

    The working folder stays only where this process already imports its own
    code from it, which it would not do from a folder of student files.
    """
    working = os.path.realpath(os.getcwd())
    found = []
    for entry in sys.path:
        if not entry or not os.path.isabs(entry):
            continue
        if os.path.realpath(entry) == working and not _imports_from(working):
            continue
        found.append(entry)
    return found


def _imports_from(folder: str) -> bool:
    prefix = folder + os.sep
    files = (getattr(module, "__file__", None) for module in list(sys.modules.values()))
    return any(os.path.realpath(file).startswith(prefix) for file in files if isinstance(file, str) and os.path.isabs(file))


def command(module: str, arguments: Sequence[str] = (), *, python: str | None = None) -> list[str]:
    """The command line of a child that runs `module` as `__main__`, isolated, on `trusted_path()` only.

    Start it with `cwd=private_folder()`.
    """
    return [python or sys.executable, ISOLATED, "-B", "-c", BOOT.format(path=trusted_path()), module, *arguments]


@contextlib.contextmanager
def _isolated_launch() -> Iterator[None]:
    """While multiprocessing launches a process: `-I` on its command line, and the child's folder and path replaced.

    multiprocessing builds the command line of a spawned process and of its
    resource tracker from `util._args_from_interpreter_flags`, and what a spawned
    process does before it unpickles anything (its working folder, its
    `sys.path`) from `spawn.get_preparation_data`; both are looked up when a
    process is launched, so they are replaced for exactly that moment.
    """
    with _LAUNCHING:
        flags, preparation = util._args_from_interpreter_flags, spawn.get_preparation_data
        util._args_from_interpreter_flags = lambda: [*flags(), ISOLATED]
        spawn.get_preparation_data = lambda name: {**preparation(name), "sys_path": trusted_path(),
                                                    "dir": private_folder(), "orig_dir": private_folder()}
        try:
            yield
        finally:
            util._args_from_interpreter_flags, spawn.get_preparation_data = flags, preparation


class _IsolatedPopen(popen_spawn_posix.Popen):
    def _launch(self, process_obj) -> None:
        with _isolated_launch():
            super()._launch(process_obj)


class _IsolatedProcess(context.SpawnProcess):
    @staticmethod
    def _Popen(process_obj):
        return _IsolatedPopen(process_obj)


class IsolatedSpawnContext(context.SpawnContext):
    """multiprocessing's `spawn`, every process started by the rules of this module."""

    Process = _IsolatedProcess


def pool_context() -> IsolatedSpawnContext:
    """The context for a `ProcessPoolExecutor`: its processes and its resource tracker start isolated.

    The tracker is started here, before the pool's queues would start it: it
    takes the working folder of the process that starts it, so this one moves
    to the private folder for that moment (in the thread that makes the pool).
    """
    with _isolated_launch(), _working_folder(private_folder()):
        resource_tracker.ensure_running()
    return IsolatedSpawnContext()


@contextlib.contextmanager
def _working_folder(folder: str) -> Iterator[None]:
    back = os.open(".", os.O_RDONLY)
    try:
        os.chdir(folder)
        yield
    finally:
        os.fchdir(back)
        os.close(back)


__all__ = ["IsolatedSpawnContext", "command", "pool_context", "private_folder", "trusted_path"]
