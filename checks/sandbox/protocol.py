"""The wire protocol between the grader and its sandbox worker, in one place.

Requests go grader → worker as length-prefixed pickles: the grader is trusted, and
only the worker unpickles. A read-only array (a case's value, the same for every
id called on the case) goes to a worker once and is named by a handle after
(`Sharing`). Replies go worker → grader, one per call as it
finishes, each a length-prefixed JSON header followed by raw little-endian float
arrays. The grader never unpickles a
reply: it checks every header against the schema below, and every declared array
size against a cap, before it allocates anything. A reply that breaks the schema
raises `ProtocolViolation`, which costs the call that sent it, never the grader.

Imports only the standard library and numpy: the worker loads this file by path.
"""
from __future__ import annotations

import json
import math
import pickle
import struct

import numpy as np

LENGTH = struct.Struct("<Q")
HEADER_LIMIT = 2**20
"""Largest reply header: the signatures of every id, or a batch of results, fit in far less."""
MESSAGE_LIMIT = 8192
"""Longest error message the worker sends; it cuts its own messages to this length."""
NAME_LIMIT = 100
"""Longest id, parameter name or dict key a reply may carry."""
MAX_ARRAYS = 64
"""Most arrays one call may return (a forward pass's dict of intermediates)."""
MAX_DIMS = 8
MAX_PARAMETERS = 256
ARRAY_DTYPES = {"<f2": np.dtype("<f2"), "<f4": np.dtype("<f4"), "<f8": np.dtype("<f8")}
"""The only dtypes a reply may carry; the worker converts everything numeric to one of them."""
RESULT_KINDS = ("none", "array", "dict")
SHARED_BYTES = 16 * 2**20
"""Most bytes of arrays one worker holds to be named again; past them, arrays go with each request (they count
against the submission's memory)."""


class ProtocolViolation(Exception):
    """A reply that is not what the protocol allows, with what was wrong."""


def encode_request(message: dict) -> bytes:
    data = pickle.dumps(message, protocol=pickle.HIGHEST_PROTOCOL)
    return LENGTH.pack(len(data)) + data


class Sharing:
    """The arrays one worker holds (grader side): a read-only array goes in the first request that passes it, and
    later ones name it by its handle. Read-only is the caller's word that it never changes (a case's values are
    made read-only once computed); writable arrays always go whole, since they may have changed."""

    def __init__(self):
        self._held: dict[int, tuple[np.ndarray, int]] = {}
        self._bytes = 0

    def request(self, id: str, batch: list[dict]) -> dict:
        """The request to call `id` once per argument set of `batch`: `(inline, named)` per call."""
        arrays, calls = {}, []
        for arguments in batch:
            inline, named = {}, {}
            for name, value in arguments.items():
                handle = self._handle(value, arrays)
                if handle is None:
                    inline[name] = value
                else:
                    named[name] = handle
            calls.append((inline, named))
        return {"id": id, "arrays": arrays, "batch": calls}

    def _handle(self, value: object, arrays: dict[int, np.ndarray]) -> int | None:
        if not isinstance(value, np.ndarray) or value.flags.writeable:
            return None
        held = self._held.get(id(value))
        if held is not None and held[0] is value:
            return held[1]
        if self._bytes + value.nbytes > SHARED_BYTES:
            return None
        handle = len(self._held)
        self._held[id(value)] = (value, handle)
        self._bytes += value.nbytes
        arrays[handle] = value
        return handle


def calls_of(request: dict, held: dict[int, np.ndarray]) -> list[dict]:
    """Each call's arguments (worker side), once the arrays `request` sends have joined those `held` already."""
    held.update(request["arrays"])
    return [{**inline, **{name: held[handle] for name, handle in named.items()}} for inline, named in request["batch"]]


def read_request(stream) -> dict | None:
    """The next request (worker side), or None once the grader has closed the pipe."""
    prefix = stream.read(LENGTH.size)
    if len(prefix) < LENGTH.size:
        return None
    return pickle.loads(stream.read(LENGTH.unpack(prefix)[0]))


def write_reply(stream, header: dict, arrays: list[bytes]) -> None:
    encoded = json.dumps(header).encode()
    stream.write(LENGTH.pack(len(encoded)) + encoded)
    for data in arrays:
        stream.write(data)
    stream.flush()


def encode_result(value, error: str | None, tags, seconds: float) -> tuple[dict, list[bytes]]:
    """One call's outcome as a header entry and its raw arrays (worker side)."""
    header = {"error": None if error is None else error[:MESSAGE_LIMIT], "tags": sorted(tags),
              "seconds": float(seconds), "kind": "none", "arrays": []}
    if value is None:
        return header, []
    items = sorted(value.items()) if isinstance(value, dict) else [(None, value)]
    header["kind"] = "dict" if isinstance(value, dict) else "array"
    arrays = []
    for key, array in items:
        target = array.dtype.newbyteorder("<") if array.dtype.str.lstrip("<>=|") in ("f2", "f4", "f8") else np.float64
        array = np.require(array, dtype=target, requirements="C")
        header["arrays"].append({"key": key, "dtype": array.dtype.str, "shape": list(array.shape)})
        arrays.append(array.tobytes())
    return header, arrays


def parse_header(data: bytes) -> dict:
    """A reply header as a dict; anything that is not a JSON object is a violation."""
    try:
        header = json.loads(data)
    except (ValueError, RecursionError, MemoryError) as exc:
        raise ProtocolViolation(f"its reply header is not valid JSON ({type(exc).__name__})") from None
    if not isinstance(header, dict):
        raise ProtocolViolation(f"its reply header is a JSON {type(header).__name__}, not an object")
    return header


def load_reply(header: dict, ids: frozenset[str]) -> tuple[str | None, dict[str, tuple[tuple[str, ...], bool, str | None]]]:
    """The worker's answer to loading: its error, or the signature of each id it defines."""
    _keys(header, {"error", "signatures"}, "the load reply")
    error = _optional_text(header["error"], "the load error")
    signatures = header["signatures"]
    if not isinstance(signatures, dict):
        raise ProtocolViolation("its signatures are not an object")
    found = {}
    for id, entry in signatures.items():
        if id not in ids:
            raise ProtocolViolation(f"it reports a signature for {_show(id)}, which is no derivation id")
        _keys(entry, {"names", "takes_all", "problem"}, f"the signature of {id}")
        names = entry["names"]
        if not isinstance(names, list) or len(names) > MAX_PARAMETERS or not all(_name(n) for n in names):
            raise ProtocolViolation(f"the parameter names of {id} are not a list of short names")
        if not isinstance(entry["takes_all"], bool):
            raise ProtocolViolation(f"takes_all of {id} is not a bool")
        found[id] = (tuple(names), entry["takes_all"], _optional_text(entry["problem"], f"the problem of {id}"))
    return error, found


def result_arrays(header: dict, limit: int, tags: frozenset[str]) -> list[tuple[str | None, np.dtype, tuple[int, ...], int]]:
    """Check one call's reply header; return its arrays' (key, dtype, shape, bytes).

    `limit` caps the bytes of the reply, checked with exact integers before
    anything is read or allocated; `tags` are the only tags a reply may carry.
    """
    _keys(header, {"error", "tags", "seconds", "kind", "arrays"}, "the reply")
    _optional_text(header["error"], "its error")
    reported = header["tags"]
    if not isinstance(reported, list) or not all(isinstance(t, str) and t in tags for t in reported):
        raise ProtocolViolation("the reply carries tags a worker may not report")
    seconds = header["seconds"]
    if not isinstance(seconds, (int, float)) or isinstance(seconds, bool) or not math.isfinite(seconds) or seconds < 0:
        raise ProtocolViolation("the reply gives no valid time")
    kind, specs = header["kind"], header["arrays"]
    if kind not in RESULT_KINDS or not isinstance(specs, list) or len(specs) > MAX_ARRAYS:
        raise ProtocolViolation("the reply is of no known kind")
    arrays = [_array(spec) for spec in specs]
    keys = [key for key, *_ in arrays]
    if (kind == "none" and arrays) or (kind == "array" and keys != [None]) or \
            (kind == "dict" and (None in keys or len(set(keys)) != len(keys))):
        raise ProtocolViolation(f"the reply's arrays do not match its kind {kind!r}")
    total = sum(size for *_, size in arrays)
    if total > limit:
        raise ProtocolViolation(f"the reply holds {total:,} bytes of arrays, more than the {limit:,} allowed")
    return arrays


def decode_value(kind: str, arrays: list[tuple[str | None, np.dtype, tuple[int, ...], int]], payload: memoryview):
    """The returned value, rebuilt from validated array specs and exactly their bytes."""
    parts, offset = {}, 0
    for key, dtype, shape, size in arrays:
        parts[key] = np.frombuffer(payload[offset:offset + size], dtype=dtype).reshape(shape).copy()
        offset += size
    if kind == "none":
        return None
    return parts if kind == "dict" else parts[None]


def _array(spec: object) -> tuple[str | None, np.dtype, tuple[int, ...], int]:
    _keys(spec, {"key", "dtype", "shape"}, "an array of the reply")
    key, dtype, shape = spec["key"], spec["dtype"], spec["shape"]
    if key is not None and not _name(key):
        raise ProtocolViolation("an array has a key that is not a short string")
    if dtype not in ARRAY_DTYPES:
        raise ProtocolViolation(f"an array has dtype {_show(dtype)}, not a float dtype")
    if not isinstance(shape, list) or len(shape) > MAX_DIMS or \
            not all(isinstance(n, int) and not isinstance(n, bool) and 0 <= n < 2**40 for n in shape):
        raise ProtocolViolation("an array has a shape that is not a short list of sizes")
    return key, ARRAY_DTYPES[dtype], tuple(shape), math.prod(shape) * ARRAY_DTYPES[dtype].itemsize


def _keys(value: object, expected: set[str], what: str) -> None:
    if not isinstance(value, dict) or set(value) != expected:
        keys = sorted(map(str, value))[:8] if isinstance(value, dict) else type(value).__name__
        raise ProtocolViolation(f"{what} has keys {keys}, expected {sorted(expected)}")


def _optional_text(value: object, what: str) -> str | None:
    if value is not None and (not isinstance(value, str) or len(value) > MESSAGE_LIMIT):
        raise ProtocolViolation(f"{what} is not a string of at most {MESSAGE_LIMIT} characters")
    return value


def _name(value: object) -> bool:
    return isinstance(value, str) and 0 < len(value) <= NAME_LIMIT


def _show(value: object) -> str:
    return repr(value)[:40]
