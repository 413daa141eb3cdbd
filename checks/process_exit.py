"""A command's exit without the interpreter's teardown: exit handlers run, output flushed, then `os._exit`.

Once PyTorch is imported, Python's own teardown (collecting every module and
running libtorch's destructors) takes about a quarter of a second, after the
command has written everything it writes. A command run from the shell ends
here instead: whatever waits for work to finish still runs, as Python's own
exit runs it (threads' exit hooks, such as an executor telling its idle
workers to stop, then every thread that is not a daemon joined; `atexit`
handlers, which is where temporary folders are removed and `weakref.finalize`
callbacks are called), standard output and error are flushed, and the process
then ends with its status. `threading._shutdown` and `atexit._run_exitfuncs`
are the two steps Python's exit itself takes; neither has a public name.
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
    """End the process with `status` once its work is done, as Python's own exit does it up to its teardown:
    non-daemon threads joined, `atexit` handlers run, standard output and error flushed (a failed flush ends it with
    `BROKEN_PIPE_STATUS`, as Python's own exit would)."""
    if not isinstance(status, int) or isinstance(status, bool) or not 0 <= status <= 255:
        raise ValueError(f"status={status!r}, but a process's exit status is a whole number from 0 to 255")
    threading._shutdown()
    atexit._run_exitfuncs()
    for stream in (sys.stdout, sys.stderr):
        try:
            if stream is not None:
                stream.flush()
        except (OSError, ValueError):
            status = BROKEN_PIPE_STATUS
    os._exit(status)
