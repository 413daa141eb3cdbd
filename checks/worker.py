"""The sandbox worker: imports one untrusted submission and calls its functions on request.

Started by `checks.sandbox` as `python -I worker.py REQUEST_FD RESPONSE_FD`. It never
imports torch (nor lets the submission import anything on the forbidden list), and
it caps its own memory before loading the submission. Requests come from the
trusted parent as pickles; answers go back as a JSON header followed by raw float
arrays, so the parent never unpickles anything the submission could have shaped.
"""
import importlib.abc
import importlib.util
import json
import os
import pickle
import resource
import struct
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
_spec = importlib.util.spec_from_file_location("_gradjudge_calling", os.path.join(HERE, "calling.py"))
calling = importlib.util.module_from_spec(_spec)
sys.modules[_spec.name] = calling
_spec.loader.exec_module(calling)

import numpy as np  # noqa: E402  (after the private import above, before any limit)

LENGTH = struct.Struct("<Q")
FILE_SIZE_LIMIT = 16 * 2**20


class ImportGuard(importlib.abc.MetaPathFinder):
    """Refuses imports of the forbidden top-level packages, and remembers each attempt."""

    def __init__(self, forbidden, own_name):
        self.forbidden = set(forbidden) - {own_name}
        self.attempts = []

    def find_spec(self, fullname, path=None, target=None):
        top = fullname.partition(".")[0]
        if top in self.forbidden:
            if top not in self.attempts:
                self.attempts.append(top)
            raise ImportError(f"gradjudge refuses to let a submission import {top!r}")
        return None


def main(request_fd, response_fd):
    requests = os.fdopen(request_fd, "rb")
    responses = os.fdopen(response_fd, "wb")
    load = _read(requests)
    _limit(load["memory_mb"])
    guard = ImportGuard(load["forbidden"], _own_name(load["path"]))
    sys.meta_path.insert(0, guard)
    module, error = _load(load["path"])
    functions = {}
    signatures = {}
    if module is not None:
        for id in load["ids"]:
            function = getattr(module, id, None)
            if function is None:
                continue
            if not callable(function):
                signatures[id] = {"names": [], "takes_all": False, "problem": f"{id} is a {type(function).__name__}, not a function"}
                continue
            functions[id] = function
            signature = calling.signature_of(function)
            signatures[id] = {"names": list(signature.names), "takes_all": signature.takes_all, "problem": signature.problem}
    _write(responses, {"error": error, "signatures": signatures, "forbidden": guard.attempts}, [])
    while True:
        request = _read(requests)
        if request is None:
            return
        headers, arrays = [], []
        for arguments in request["batch"]:
            header, returned = _encode(_call(functions[request["id"]], arguments))
            headers.append(header)
            arrays.extend(returned)
        _write(responses, {"results": headers, "forbidden": guard.attempts}, arrays)


def _limit(memory_mb):
    cap = memory_mb * 2**20
    resource.setrlimit(resource.RLIMIT_AS, (cap, cap))
    resource.setrlimit(resource.RLIMIT_FSIZE, (FILE_SIZE_LIMIT, FILE_SIZE_LIMIT))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))


def _own_name(path):
    """A package submission may import itself by its folder's name."""
    return os.path.basename(os.path.normpath(path)) if os.path.isdir(path) else None


def _load(path):
    """Import the submission: a .py file, or a package folder by its own name."""
    try:
        if os.path.isdir(path):
            sys.path.insert(0, os.path.dirname(os.path.abspath(path)))
            return importlib.import_module(os.path.basename(os.path.normpath(path))), None
        sys.path.insert(0, os.path.dirname(os.path.abspath(path)))
        spec = importlib.util.spec_from_file_location("submission", path)
        module = importlib.util.module_from_spec(spec)
        sys.modules["submission"] = module
        spec.loader.exec_module(module)
        return module, None
    except SyntaxError as exc:
        return None, f"SyntaxError: {exc.msg} (line {exc.lineno})"
    except BaseException as exc:  # the submission may raise anything, SystemExit included
        return None, calling.describe_exception(exc)


def _call(function, arguments):
    try:
        return calling.call(function, arguments)
    except BaseException as exc:  # SystemExit or KeyboardInterrupt raised by the submission
        return calling.Outcome(error=calling.describe_exception(exc), tags=frozenset({"exception"}))


def _encode(outcome):
    header = {"error": outcome.error, "tags": sorted(outcome.tags), "seconds": outcome.seconds, "kind": "none", "arrays": []}
    value = outcome.value
    if value is None:
        return header, []
    items = sorted(value.items()) if isinstance(value, dict) else [(None, value)]
    header["kind"] = "dict" if isinstance(value, dict) else "array"
    arrays = []
    for key, array in items:
        array = np.ascontiguousarray(array, dtype=array.dtype.newbyteorder("<") if array.dtype.itemsize <= 8 else np.float64)
        header["arrays"].append({"key": key, "dtype": array.dtype.str, "shape": list(array.shape)})
        arrays.append(array.tobytes())
    return header, arrays


def _read(stream):
    prefix = stream.read(LENGTH.size)
    if len(prefix) < LENGTH.size:
        return None
    return pickle.loads(stream.read(LENGTH.unpack(prefix)[0]))


def _write(stream, header, arrays):
    encoded = json.dumps(header).encode()
    stream.write(LENGTH.pack(len(encoded)) + encoded)
    for data in arrays:
        stream.write(data)
    stream.flush()


if __name__ == "__main__":
    main(int(sys.argv[1]), int(sys.argv[2]))
