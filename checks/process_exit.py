"""A command's exit without the interpreter's teardown: exit handlers run, output flushed, then `os._exit`.

Once PyTorch is imported, Python's own teardown (collecting every module and
running libtorch's destructors) takes about a quarter of a second, after the
command has written everything it writes. A command run from the shell ends
here instead: whatever waits for work to finish still runs (threads that are
not daemons are joined, `atexit` handlers run, which is where temporary
folders are removed and `weakref.finalize` callbacks are called), standard
output and error are flushed, and the process then ends with its status.
Nothing in gradjudge relies on the teardown itself: every file it writes is
closed where it is written.
"""
from __future__ import annotations

import atexit
import os
import sys
import threading
from typing import NoReturn

__all__ = ["exit_now", "BROKEN_PIPE_STATUS"]

BROKEN_PIPE_STATUS = 120
"""The status Python itself ends with when flushing standard output fails at exit (a closed pipe, a full disk)."""


def exit_now(status: int) -> NoReturn:
    """End the process with `status` once its work is done: non-daemon threads joined, `atexit` handlers run, standard
    output and error flushed (a failed flush ends it with `BROKEN_PIPE_STATUS`, as Python's own exit would)."""
    if not isinstance(status, int) or isinstance(status, bool) or not 0 <= status <= 255:
        raise ValueError(f"status={status!r}, but a process's exit status is a whole number from 0 to 255")
    for thread in threading.enumerate():
        if thread is not threading.current_thread() and not thread.daemon:
            thread.join()
    atexit._run_exitfuncs()
    for stream in (sys.stdout, sys.stderr):
        try:
            if stream is not None:
                stream.flush()
        except (OSError, ValueError):
            status = BROKEN_PIPE_STATUS
    os._exit(status)
