"""A control group per worker, where the machine lets the grader make one: one memory cap
and one process cap for everything the worker starts, and a way to kill all of it.

rlimits bind each process alone, and the process limit does not bind a worker
whose user is root outside its namespace; a cgroup binds them together. Both
cgroup v2 (`memory.max`, `pids.max`, `cgroup.kill`) and v1 (the `memory` and
`pids` hierarchies) are used where writable; elsewhere `create` returns None and
the worker keeps its rlimits only.
"""
from __future__ import annotations

import contextlib
import itertools
import os
import signal
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path("/sys/fs/cgroup")
KILL_ATTEMPTS = 100
KILL_PAUSE = 0.01
"""Killing a group checks it is empty up to `KILL_ATTEMPTS` times, pausing from 1/32 of `KILL_PAUSE` up to it
between checks: a killed worker is usually gone within a millisecond, and nothing waits more than about a second."""
_SERIAL = itertools.count()
ENTER = 'while [ "$1" != -- ]; do echo $$ > "$1" || exit 125; shift; done; shift; exec "$@"'
"""Moves the shell into every listed `cgroup.procs`, then becomes the worker, so that nothing the
worker starts can run outside the group even for a moment."""


@dataclass
class Cgroup:
    folders: tuple[Path, ...]
    version: int

    @classmethod
    def create(cls, *, memory_bytes: int, processes: int) -> Cgroup | None:
        """A fresh group below the grader's own, with both caps set; None where that is not allowed."""
        name = f"gradjudge-{os.getpid()}-{next(_SERIAL)}"
        for attempt in (_v2, _v1):
            made = attempt(name, memory_bytes, processes)
            if made is not None:
                return made
        return None

    @classmethod
    def available(cls) -> bool:
        """Whether this machine lets the grader make a capped group (made and removed at once to find out)."""
        made = cls.create(memory_bytes=2**30, processes=8)
        if made is not None:
            made.kill()
        return made is not None

    def wrap(self, argv: list[str]) -> list[str]:
        """`argv`, started inside this group."""
        return ["/bin/sh", "-c", ENTER, "sh", *(str(folder / "cgroup.procs") for folder in self.folders), "--", *argv]

    def ran_out_of_memory(self) -> bool:
        if self.version == 2:
            events = _read(self.folders[0] / "memory.events")
            return any(line.split()[:1] == ["oom_kill"] and line.split()[1] != "0" for line in events.splitlines())
        return _read(self.folders[0] / "memory.failcnt").strip() not in ("", "0")

    def kill(self) -> None:
        """Kill every process in the group, however it was started, and remove the group."""
        if self.version == 2:
            with contextlib.suppress(OSError):
                (self.folders[0] / "cgroup.kill").write_text("1")
        for attempt in range(KILL_ATTEMPTS):
            pids = {int(pid) for folder in self.folders for pid in _read(folder / "cgroup.procs").split()}
            if not pids:
                break
            for pid in pids:
                with contextlib.suppress(ProcessLookupError, PermissionError):
                    os.kill(pid, signal.SIGKILL)
            time.sleep(min(KILL_PAUSE, KILL_PAUSE * 2**attempt / 32))
        for folder in self.folders:
            with contextlib.suppress(OSError):
                folder.rmdir()


def _own(hierarchy: str) -> Path | None:
    """The grader's own group in a v1 hierarchy (`memory`, `pids`) or in v2 (`""`)."""
    for line in _read(Path("/proc/self/cgroup")).splitlines():
        _, controllers, path = line.split(":", 2)
        if controllers.split(",") == [hierarchy] or (hierarchy == "" and controllers == ""):
            return path.lstrip("/")
    return None


def _v2(name: str, memory_bytes: int, processes: int) -> Cgroup | None:
    own = _own("")
    if own is None or not (ROOT / "cgroup.controllers").exists():
        return None
    parent = ROOT / own
    if not {"memory", "pids"} <= set(_read(parent / "cgroup.subtree_control").split()):
        return None
    return _made((parent / name,), 2, {"memory.max": memory_bytes, "pids.max": processes})


def _v1(name: str, memory_bytes: int, processes: int) -> Cgroup | None:
    memory, pids = _own("memory"), _own("pids")
    if memory is None or pids is None:
        return None
    folders = (ROOT / "memory" / memory / name, ROOT / "pids" / pids / name)
    return _made(folders, 1, {"memory.limit_in_bytes": memory_bytes, "pids.max": processes})


def _made(folders: tuple[Path, ...], version: int, settings: dict[str, int]) -> Cgroup | None:
    made = []
    try:
        for folder in folders:
            folder.mkdir()
            made.append(folder)
        for key, value in settings.items():
            target = next((folder / key for folder in folders if (folder / key).exists()), None)
            if target is None:
                raise OSError(f"{key} is missing")
            target.write_text(str(value))
    except OSError:
        for folder in made:
            with contextlib.suppress(OSError):
                folder.rmdir()
        return None
    return Cgroup(tuple(folders), version)


def _read(path: Path) -> str:
    try:
        return path.read_text()
    except OSError:
        return ""
