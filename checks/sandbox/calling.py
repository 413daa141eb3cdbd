"""How one derivation function is called: by vocabulary names, on copies, with its return checked.

Imports only numpy and the standard library: the sandbox worker loads it by path.
"""
from __future__ import annotations

import inspect
import time
import traceback
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

import numpy as np

Arguments = Mapping[str, "np.ndarray | float | int"]
Returned = "np.ndarray | dict[str, np.ndarray]"

EXCEPTION = "exception"
MEMORY = "memory"
NOT_IMPLEMENTED = "not_implemented"
BAD_RETURN = "bad_return"
MUTATES_INPUT = "mutates_input"
FORBIDDEN_IMPORT = "forbidden_import"
TAGS = {
    EXCEPTION: "the function raised an exception",
    MEMORY: "it ran out of memory",
    NOT_IMPLEMENTED: "it still raises NotImplementedError: not attempted",
    BAD_RETURN: "it returned no numeric array (or dict of them)",
    MUTATES_INPUT: "it changed an argument in place, which would corrupt a real backward pass",
    FORBIDDEN_IMPORT: "it imports, or tried to import, a forbidden module (autodiff, or gradjudge's own packages)",
}
"""What one call can report about itself: the tags the worker may send, and only for that call."""


class RefusedImport(ImportError):
    """Raised by the worker's import guard when a call tries to import a forbidden module."""


@dataclass(frozen=True)
class Signature:
    """The vocabulary names a function asks for; `takes_all` for a `**kwargs` function."""

    names: tuple[str, ...] = ()
    takes_all: bool = False
    problem: str | None = None


@dataclass(frozen=True)
class Outcome:
    """What one call produced: a value, or an error and the tags that say what went wrong."""

    value: Returned | None = None
    error: str | None = None
    tags: frozenset[str] = field(default_factory=frozenset)
    seconds: float = 0.0


def signature_of(function: Callable) -> Signature:
    try:
        parameters = inspect.signature(function).parameters.values()
    except (TypeError, ValueError) as exc:
        return Signature(problem=f"its signature cannot be read ({exc})")
    names, takes_all = [], False
    for parameter in parameters:
        if parameter.kind is parameter.VAR_KEYWORD:
            takes_all = True
        elif parameter.kind is parameter.VAR_POSITIONAL:
            continue
        elif parameter.kind is parameter.POSITIONAL_ONLY:
            return Signature(problem=f"parameter {parameter.name!r} is positional-only; quantities are passed by name")
        elif parameter.default is parameter.empty:
            names.append(parameter.name)
    return Signature(tuple(names), takes_all)


def call(function: Callable, arguments: Arguments) -> Outcome:
    """Call with fresh writable copies; flag an argument changed in place, an exception, a bad return."""
    copies = {name: np.array(value) if isinstance(value, np.ndarray) else value for name, value in arguments.items()}
    start = time.perf_counter()
    try:
        returned = function(**copies)
    except MemoryError:
        return Outcome(error="MemoryError: ran out of memory", tags=frozenset({MEMORY}), seconds=time.perf_counter() - start)
    except RefusedImport as exc:
        return Outcome(error=f"ImportError: {exc}", tags=frozenset({FORBIDDEN_IMPORT}), seconds=time.perf_counter() - start)
    except NotImplementedError:
        return Outcome(error="raises NotImplementedError: not attempted yet", tags=frozenset({NOT_IMPLEMENTED}),
                       seconds=time.perf_counter() - start)
    except Exception as exc:  # a submission may raise anything; it is reported, never re-raised
        return Outcome(error=describe_exception(exc), tags=frozenset({EXCEPTION}), seconds=time.perf_counter() - start)
    seconds = time.perf_counter() - start
    mutated = sorted(name for name, value in arguments.items()
                     if isinstance(value, np.ndarray) and not _same(copies[name], value))
    tags = {MUTATES_INPUT} if mutated else set()
    note = "; ".join(_what_changed(name, arguments[name], copies[name]) for name in mutated) if mutated else None
    value, problem = normalize(returned)
    if problem:
        return Outcome(error=problem, tags=frozenset(tags | {BAD_RETURN}), seconds=seconds)
    return Outcome(value=value, error=note, tags=frozenset(tags), seconds=seconds)


def normalize(returned: object) -> tuple[Returned | None, str | None]:
    """A float array, or a dict of them (a forward pass that reports its intermediates)."""
    if isinstance(returned, Mapping):
        arrays = {}
        for key, item in returned.items():
            array, problem = _as_array(item)
            if problem or not isinstance(key, str):
                return None, f"returned a dict whose entry {key!r} is not a numeric array ({problem or 'key is not a str'})"
            arrays[key] = array
        return arrays, None
    return _as_array(returned)


def _as_array(value: object) -> tuple[np.ndarray | None, str | None]:
    if value is None:
        return None, "returned None; did the function forget `return`?"
    try:
        array = np.asarray(value)
    except Exception as exc:
        return None, f"returned a {type(value).__name__} that numpy cannot read as an array ({exc})"
    if array.dtype.kind in "biu":
        return array.astype(np.float64), None
    if array.dtype.kind != "f":
        return None, f"returned an array of dtype {array.dtype}; expected real floats"
    return array, None


def _what_changed(name: str, before: np.ndarray, after: np.ndarray) -> str:
    """`changed its argument dy in place: 4 of 6 entries, the largest change at index (0, 1), 0.5 became 1`."""
    if after.shape != before.shape:
        return f"changed its argument {name} in place: its shape went from {before.shape} to {after.shape}"
    with np.errstate(invalid="ignore"):
        gap = np.abs(np.nan_to_num(after.astype(np.float64) - before.astype(np.float64), nan=np.inf))
    index = tuple(int(i) for i in np.unravel_index(int(np.argmax(gap)), gap.shape)) if gap.size else ()
    changed = int(np.count_nonzero(gap))
    return (f"changed its argument {name} in place: {changed} of {gap.size} entries, the largest change at index "
            f"{index}, {before[index]:.6g} became {after[index]:.6g}")


BYTES_COMPARED = 4096
"""Entries up to which an argument is compared as bytes (the cheapest for a case's small arrays); past them, as
unsigned integers of its width, which copies nothing."""


def _same(after: np.ndarray, before: np.ndarray) -> bool:
    """Whether an argument is as it was: bit for bit where both are numbers of one dtype (as bytes, or as unsigned
    integers of its width: a fraction of the cost of telling NaNs apart), else equal entries, NaN where NaN was."""
    if after.shape != before.shape:
        return False
    if after.dtype == before.dtype and after.dtype.kind in "biuf" and after.dtype.itemsize in (1, 2, 4, 8):
        if after.size <= BYTES_COMPARED:
            return after.tobytes() == before.tobytes()
        bits = np.dtype(f"u{after.dtype.itemsize}")
        return bool(np.array_equal(np.ascontiguousarray(after).view(bits), np.ascontiguousarray(before).view(bits)))
    return bool(np.array_equal(after, before, equal_nan=True))


def describe_exception(exc: BaseException) -> str:
    """`ZeroDivisionError: division by zero (file.py, line 12, in my_gradient)`: the innermost frame."""
    frames = traceback.extract_tb(exc.__traceback__)
    where = ""
    if frames:
        frame = frames[-1]
        where = f" ({frame.filename.rsplit('/', 1)[-1]}, line {frame.lineno}, in {frame.name})"
    return f"{type(exc).__name__}: {exc}{where}"
