"""What a submission's own code is seen doing at run time, inside the sandbox, that values cannot show.

While one derivation function runs, the worker traces the calls of the
submission's own functions (code under its folder; library code is not
traced): their arguments when they start, their locals and value when they
return. Two things give numeric differentiation away there, however the source
hides them:

- `complex_values`: a complex number or array among them (a complex step);
- `nudged_arguments`: one of its functions called, within one derivation
  call, with an array argument (of three entries or more) equal to the one of
  an earlier call but in one or two entries, each moved by at most `NUDGE` of
  its size (finite differences, a coordinate at a time).

This is evidence the submission produces about itself, so it is trusted one
way only: a submission that switches the trace off shows nothing, and nothing
it shows can lower anyone's grade but its own. Imports only the standard
library and numpy: the worker loads this file by path.
"""
import sys

import numpy as np

COMPLEX_VALUES = "complex_values"
NUDGED_ARGUMENTS = "nudged_arguments"
TAGS = {
    COMPLEX_VALUES: "complex numbers passed through its own functions at run time (a complex step)",
    NUDGED_ARGUMENTS: "one of its functions was called again with an array argument nudged in one or two entries "
                      "(finite differences)",
}
"""What the watch reports about one call, as the worker's tags."""
NUDGE = 1e-3
"""Largest move of a nudged entry, relative to its size plus one."""
LARGEST = 4096
"""Arrays of more entries are not compared (cases are small; this bounds the cost)."""
KEPT = 2
"""Earlier arguments kept per function and parameter."""


class Watch:
    """Traces the functions whose code lies under `folder` while one derivation function runs."""

    def __init__(self, folder):
        self.prefix = folder.rstrip("/") + "/"
        self.found = set()
        self._seen = {}

    def __enter__(self):
        self.found, self._seen = set(), {}
        sys.settrace(self._started)
        return self

    def __exit__(self, *exc_info):
        sys.settrace(None)
        return False

    def _started(self, frame, event, arg):
        if not frame.f_code.co_filename.startswith(self.prefix):
            return None
        frame.f_trace_lines = False
        for name, value in frame.f_locals.items():
            self._look(value)
            if isinstance(value, np.ndarray) and value.dtype.kind == "f" and 0 < value.size <= LARGEST:
                self._compare(frame.f_code, name, value)
        return self._running

    def _running(self, frame, event, arg):
        if event == "return":
            self._look(arg)
            for value in frame.f_locals.values():
                self._look(value)
        return self._running

    def _look(self, value):
        if _is_complex(value):
            self.found.add(COMPLEX_VALUES)

    def _compare(self, code, name, value):
        kept = self._seen.setdefault((code, name), [])
        for earlier in kept:
            if earlier.shape == value.shape and _nudged(earlier, value):
                self.found.add(NUDGED_ARGUMENTS)
                break
        kept.append(value.copy())
        del kept[:-KEPT]


def _is_complex(value):
    if isinstance(value, (complex, np.complexfloating)):
        return True
    if isinstance(value, np.ndarray):
        return value.dtype.kind == "c"
    if isinstance(value, (list, tuple)):
        return any(isinstance(item, (complex, np.complexfloating)) or
                   (isinstance(item, np.ndarray) and item.dtype.kind == "c") for item in value[:16])
    return False


def _nudged(earlier, value):
    """Equal but in one or two entries of at least three, each moved by at most `NUDGE` of its size plus one."""
    with np.errstate(invalid="ignore"):
        moved = np.flatnonzero(earlier != value)
        if not 1 <= moved.size <= 2 or value.size < 3:
            return False
        before, after = earlier.flat[moved], value.flat[moved]
        return bool(np.all(np.abs(after - before) <= NUDGE * (1.0 + np.abs(before))))
