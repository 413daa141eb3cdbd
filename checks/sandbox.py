"""Running an untrusted submission in a separate worker process, never in the oracles' process.

The worker (`checks/worker.py`) imports numpy and the submission only, caps its
own memory, refuses forbidden imports, and answers one request at a time. This
side enforces a wall-clock timeout per call, kills the worker's whole process
group when it runs out, and starts a fresh worker for the next call, so an
infinite loop, an `os._exit` or a segfault costs only the derivation that did it.
Such a fatal outcome is remembered per id and answered from memory thereafter.
"""
from __future__ import annotations

import contextlib
import json
import os
import pickle
import select
import signal
import struct
import subprocess
import sys
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from checks.calling import Arguments, Outcome, Signature
from checks.registry import BY_ID
from checks.source_scan import SourceScan, scan

WORKER = Path(__file__).with_name("worker.py")
LENGTH = struct.Struct("<Q")
HEADER_LIMIT = 16 * 2**20
RESPONSE_LIMIT = 512 * 2**20
STARTUP_SECONDS = 10.0
"""Allowance for starting Python and importing numpy, on top of the per-call timeout, when loading."""
PER_CALL_IN_BATCH = 0.01
"""Extra seconds allowed per call when many calls travel in one batch."""
FLOAT_DTYPES = frozenset({"<f2", "<f4", "<f8"})


@dataclass(frozen=True)
class Limits:
    """What a submission may do; the rubric (`checks/data/default_rubric.toml`) sets them."""

    timeout: float
    """Wall-clock seconds one call may take."""
    memory_mb: int
    """Address-space cap of the worker process."""
    forbidden: tuple[str, ...]
    """Top-level modules the submission may not import."""


class WorkerGone(Exception):
    """The worker exited, was killed, or broke the protocol."""


@dataclass
class Sandboxed:
    """A submission file or package, run in a worker process under `limits`."""

    path: Path
    limits: Limits
    load_error: str | None = None
    source: SourceScan = field(default_factory=SourceScan)
    forbidden_imports: list[str] = field(default_factory=list)
    """Forbidden modules the submission imported or tried to, statically or at run time."""
    _signatures: dict[str, Signature] = field(default_factory=dict)
    _fatal: dict[str, Outcome] = field(default_factory=dict)
    _process: subprocess.Popen | None = None
    _requests: object = None
    _responses: int | None = None

    @property
    def label(self) -> str:
        return str(self.path)

    def start(self) -> Sandboxed:
        self.source = scan(self.path, frozenset(self.limits.forbidden))
        if self.source.problem:
            self.load_error = self.source.problem
        elif self.source.forbidden:
            self.forbidden_imports = [hit.describe() for hit in self.source.forbidden]
        else:
            self._spawn()
        return self

    def close(self) -> None:
        self._kill()

    def signature(self, id: str) -> Signature | None:
        return self._signatures.get(id)

    @property
    def defined(self) -> frozenset[str]:
        """Ids the submission defines, known from the worker or else from its source."""
        found = set(self._signatures) if self._signatures else set(self.source.defined)
        return frozenset(found & set(BY_ID))

    def remember(self, id: str, outcome: Outcome) -> None:
        """Answer `id` with `outcome` from now on (a timeout or crash found by an earlier probe)."""
        self._fatal[id] = outcome

    def call(self, id: str, arguments: Arguments) -> Outcome:
        return self.call_many(id, [arguments])[0]

    def call_many(self, id: str, batch: Sequence[Arguments]) -> list[Outcome]:
        """Call `id` once per argument set, in one round trip, under one (scaled) timeout."""
        if id in self._fatal:
            return [self._fatal[id]] * len(batch)
        if self._process is None:
            try:
                self._spawn()
            except WorkerGone as gone:
                return [Outcome(error=str(gone), tags=frozenset({"crashed"}))] * len(batch)
            if self.load_error:
                return [Outcome(error=f"the submission no longer imports: {self.load_error}", tags=frozenset({"crashed"}))] * len(batch)
        timeout = self.limits.timeout + PER_CALL_IN_BATCH * (len(batch) - 1)
        start = time.perf_counter()
        try:
            self._send({"id": id, "batch": list(batch)})
            header, arrays = self._receive(time.monotonic() + timeout)
            outcomes, offset = [], 0
            for result in header["results"]:
                outcome, offset = _decode(result, arrays, offset)
                outcomes.append(outcome)
            self._note_forbidden(header.get("forbidden", []))
            return outcomes
        except TimeoutError:
            outcome = Outcome(error=f"took longer than {self.limits.timeout:g} s, and was stopped",
                              tags=frozenset({"timeout"}), seconds=time.perf_counter() - start)
        except WorkerGone as gone:
            outcome = Outcome(error=str(gone), tags=frozenset({"crashed"}), seconds=time.perf_counter() - start)
        self._kill()
        self._fatal[id] = outcome
        return [outcome] * len(batch)

    def _spawn(self) -> None:
        request_read, request_write = os.pipe()
        response_read, response_write = os.pipe()
        environment = {"PATH": os.environ.get("PATH", ""), "OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1",
                       "MKL_NUM_THREADS": "1", "LANG": "C.UTF-8"}
        self._process = subprocess.Popen(
            [sys.executable, "-I", str(WORKER), str(request_read), str(response_write)],
            pass_fds=(request_read, response_write), stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL, start_new_session=True, env=environment, cwd=self.path.parent)
        os.close(request_read)
        os.close(response_write)
        self._requests = os.fdopen(request_write, "wb")
        self._responses = response_read
        self._send({"path": str(self.path), "ids": sorted(BY_ID), "memory_mb": self.limits.memory_mb,
                    "forbidden": list(self.limits.forbidden)})
        try:
            header, _ = self._receive(time.monotonic() + self.limits.timeout + STARTUP_SECONDS)
        except TimeoutError:
            self._kill()
            self.load_error = f"importing it took longer than {self.limits.timeout:g} s"
            return
        except WorkerGone as gone:
            self._kill()
            self.load_error = f"importing it stopped the worker: {gone}"
            return
        self._note_forbidden(header.get("forbidden", []))
        if header["error"]:
            self.load_error = header["error"]
            self._kill()
            return
        self._signatures = {id: Signature(tuple(s["names"]), s["takes_all"], s["problem"])
                            for id, s in header["signatures"].items()}

    def _note_forbidden(self, modules: list[str]) -> None:
        for module in modules:
            description = f"imports {module} (at run time)"
            if description not in self.forbidden_imports:
                self.forbidden_imports.append(description)

    def _send(self, message: dict) -> None:
        data = pickle.dumps(message, protocol=pickle.HIGHEST_PROTOCOL)
        try:
            self._requests.write(LENGTH.pack(len(data)) + data)
            self._requests.flush()
        except (BrokenPipeError, OSError) as exc:
            raise WorkerGone(self._exit_description()) from exc

    def _receive(self, deadline: float) -> tuple[dict, memoryview]:
        (length,) = LENGTH.unpack(self._read(LENGTH.size, deadline))
        if length > HEADER_LIMIT:
            raise WorkerGone("the worker sent an oversized reply")
        try:
            header = json.loads(self._read(length, deadline))
        except ValueError as exc:
            raise WorkerGone("the worker sent a malformed reply") from exc
        specs = [spec for result in header.get("results", []) for spec in result["arrays"]]
        total = sum(_validated_size(spec) for spec in specs)
        if total > RESPONSE_LIMIT:
            raise WorkerGone(f"the submission returned more than {RESPONSE_LIMIT // 2**20} MB of arrays")
        return header, memoryview(self._read(total, deadline))

    def _read(self, size: int, deadline: float) -> bytes:
        chunks, remaining = [], size
        while remaining:
            wait = deadline - time.monotonic()
            if wait <= 0 or not select.select([self._responses], [], [], wait)[0]:
                raise TimeoutError
            chunk = os.read(self._responses, min(remaining, 2**20))
            if not chunk:
                raise WorkerGone(self._exit_description())
            chunks.append(chunk)
            remaining -= len(chunk)
        return b"".join(chunks)

    def _exit_description(self) -> str:
        if self._process is None:
            return "the worker is not running"
        try:
            code = self._process.wait(timeout=1)
        except subprocess.TimeoutExpired:
            return "the worker stopped answering"
        if code < 0:
            return f"the worker was killed by signal {signal.Signals(-code).name}"
        return f"the worker exited with code {code}"

    def _kill(self) -> None:
        if self._process is not None:
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(self._process.pid, signal.SIGKILL)
            self._process.wait()
            self._process = None
        if self._requests is not None:
            with contextlib.suppress(OSError):
                self._requests.close()
            self._requests = None
        if self._responses is not None:
            with contextlib.suppress(OSError):
                os.close(self._responses)
            self._responses = None


@contextlib.contextmanager
def open_submission(path: str | Path, limits: Limits) -> Iterator[Sandboxed]:
    sandboxed = Sandboxed(Path(path).resolve(), limits).start()
    try:
        yield sandboxed
    finally:
        sandboxed.close()


def _validated_size(spec: dict) -> int:
    if spec.get("dtype") not in FLOAT_DTYPES or not all(isinstance(n, int) and n >= 0 for n in spec.get("shape", [None])):
        raise WorkerGone("the worker described an array gradjudge does not accept")
    return int(np.prod(spec["shape"], dtype=np.int64)) * np.dtype(spec["dtype"]).itemsize


def _decode(result: dict, arrays: memoryview, offset: int) -> tuple[Outcome, int]:
    """Rebuild one outcome from its header and the arrays that start at `offset`; return the next offset."""
    value = None
    if result["kind"] != "none":
        parts = {}
        for spec in result["arrays"]:
            size = _validated_size(spec)
            parts[spec["key"]] = np.frombuffer(arrays[offset:offset + size], dtype=spec["dtype"]).reshape(spec["shape"]).copy()
            offset += size
        value = parts if result["kind"] == "dict" else parts[None]
    return Outcome(value=value, error=result["error"], tags=frozenset(result["tags"]), seconds=result["seconds"]), offset
