"""One submission's sandbox started while torch imports: the two waits of a one-submission command, side by side.

Starting the sandbox (bubblewrap, Python and numpy in the worker, the
submission's own import) waits on another process; importing torch keeps this
one busy. A command that grades one submission does both at once: torch
imports on a thread while this one starts the sandbox. Neither this module
nor what it calls imports torch, so the two never wait on each other's imports.
"""
from __future__ import annotations

import contextlib
import threading
from collections.abc import Iterator, Sequence

from checks.collection import imported
from checks.grading.code import code_files
from checks.grading.discovery import Entry
from checks.sandbox.client import Limits, Prior, Sandboxed, started
from checks.sandbox.isolation import Isolation

__all__ = ["started_while_importing"]


@contextlib.contextmanager
def started_while_importing(entries: Sequence[Entry], ids: frozenset[str], limits: Limits, isolation: Isolation, *,
                            modules: Sequence[str]) -> Iterator[Sandboxed | Prior]:
    """The one submission of `entries` started in its sandbox while `modules` import on another thread, until the
    block ends; both are done when it begins.

    For more than one submission (a class's sandboxes start in its probe,
    `checks.grading.batch`) it only imports, here; whenever the code cannot start
    (no code, a refused file, any error) it gives `Prior()`: grading starts the
    code itself and reports why.
    """
    if len(entries) == 1:
        importing = threading.Thread(target=_import_quietly, args=(tuple(modules),), daemon=True)
        importing.start()
        try:
            started = _started(entries[0], ids, limits, isolation)
        finally:
            importing.join()
    else:
        _import_quietly(tuple(modules))
        started = Prior()
    try:
        yield started
    finally:
        if isinstance(started, Sandboxed):
            started.close()


def _import_quietly(modules: tuple[str, ...]) -> None:
    """Import `modules` (`collection.imported`); an import that fails here fails again where the command imports it,
    and says so there."""
    try:
        imported(modules)
    except Exception:
        return


def _started(entry: Entry, ids: frozenset[str], limits: Limits, isolation: Isolation) -> Sandboxed | Prior:
    if not entry.runs:
        return Prior()
    try:
        code = code_files(entry)
        return Prior() if code is None else started(entry.path, limits, isolation, ids, files=code.files)
    except Exception:
        return Prior()
