"""The sandbox worker: imports one untrusted submission and calls its functions on request.

Started by `checks.sandbox.client` as `python -I -S -B worker.py REQUEST_FD RESPONSE_FD SITE`,
inside bubblewrap where the machine allows it (see `checks.sandbox.isolation`).
`SITE` is the only folder added to the standard library's path: it holds numpy
and nothing else. The worker caps its own resources before it loads the
submission. Requests come from the trusted grader as pickles; replies go back in
the format of `protocol.py`, which the grader checks as hostile.
"""
import importlib.abc
import importlib.util
import os
import resource
import sys

HERE = os.path.dirname(os.path.abspath(__file__))


def _private_module(name):
    spec = importlib.util.spec_from_file_location(f"_gradjudge_{name}", os.path.join(HERE, f"{name}.py"))
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


FILE_SIZE_LIMIT = 16 * 2**20
"""Largest file the submission may write (in its private /tmp)."""
OPEN_FILES_LIMIT = 256
PROCESSES_LIMIT = 64
"""Processes and threads of the worker's user; numpy runs single-threaded here."""


class ImportGuard(importlib.abc.MetaPathFinder):
    """Refuses imports of the forbidden top-level packages, so that a call that tries one says so.

    Not a security boundary: under bubblewrap those packages are not in the
    sandbox at all, and in the process sandbox a determined submission can remove
    this finder. It only turns an attempt into a clear message for that call.
    """

    def __init__(self, forbidden, refusal):
        self.forbidden = set(forbidden)
        self.refusal = refusal

    def find_spec(self, fullname, path=None, target=None):
        top = fullname.partition(".")[0]
        if top in self.forbidden:
            raise self.refusal(f"gradjudge refuses to let a submission import {top!r}")
        return None


def main(request_fd, response_fd, site):
    sys.path[:] = [entry for entry in sys.path if entry and os.path.isdir(entry)] + [site]
    calling = _private_module("calling")
    protocol = _private_module("protocol")
    watching = _private_module("watch")
    requests = os.fdopen(request_fd, "rb")
    responses = os.fdopen(response_fd, "wb")
    load = protocol.read_request(requests)
    _limit(load["memory_mb"])
    _private_module("standins").install()
    guard = ImportGuard(load["forbidden"], calling.RefusedImport)
    sys.meta_path.insert(0, guard)
    module, error = _load(load["path"], calling)
    watch = watching.Watch(os.path.dirname(os.path.abspath(load["path"])))
    functions, signatures = {}, {}
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
    protocol.write_reply(responses, {"error": error, "signatures": signatures}, [])
    held = {}
    while True:
        request = protocol.read_request(requests)
        if request is None:
            return
        for arguments in protocol.calls_of(request, held):
            outcome = _call(functions[request["id"]], arguments, calling, watch)
            protocol.write_reply(responses, *protocol.encode_result(outcome.value, outcome.error, outcome.tags,
                                                                    outcome.seconds))


def _limit(memory_mb):
    cap = memory_mb * 2**20
    for limit, value in ((resource.RLIMIT_AS, cap), (resource.RLIMIT_FSIZE, FILE_SIZE_LIMIT),
                         (resource.RLIMIT_CORE, 0), (resource.RLIMIT_NOFILE, OPEN_FILES_LIMIT),
                         (resource.RLIMIT_NPROC, PROCESSES_LIMIT)):
        resource.setrlimit(limit, (value, value))


def _load(path, calling):
    """Import the submission: a .py file as module `submission`, or a package folder by its own name."""
    try:
        sys.path.insert(0, os.path.dirname(os.path.abspath(path)))
        if os.path.isdir(path):
            return importlib.import_module(os.path.basename(os.path.normpath(path))), None
        spec = importlib.util.spec_from_file_location("submission", path)
        module = importlib.util.module_from_spec(spec)
        sys.modules["submission"] = module
        spec.loader.exec_module(module)
        return module, None
    except SyntaxError as exc:
        return None, f"SyntaxError: {exc.msg} (line {exc.lineno})"
    except BaseException as exc:  # the submission may raise anything, SystemExit included
        return None, calling.describe_exception(exc)


def _call(function, arguments, calling, watch):
    """One call, watched (`watch.py`): what the watch saw joins the call's own tags."""
    try:
        with watch:
            outcome = calling.call(function, arguments)
    except BaseException as exc:  # SystemExit or KeyboardInterrupt raised by the submission
        outcome = calling.Outcome(error=calling.describe_exception(exc), tags=frozenset({calling.EXCEPTION}))
    if not watch.found:
        return outcome
    return calling.Outcome(outcome.value, outcome.error, outcome.tags | frozenset(watch.found), outcome.seconds)


if __name__ == "__main__":
    main(int(sys.argv[1]), int(sys.argv[2]), sys.argv[3])
