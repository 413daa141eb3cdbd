"""The grader's side of the sandbox: one untrusted submission, run in a worker process.

The submission's files are read as hostile (`files`), scanned without running
(`source_scan`), copied to a private folder, and imported by a worker that the
chosen isolation (`isolation`) shuts in. Every reply is checked against the
protocol (`protocol`) before anything is allocated. This side enforces a
wall-clock timeout per call and a budget per submission, kills the worker and
everything it started when a call runs out, and starts a fresh worker for the
next call, so an infinite loop, an `os._exit`, a segfault, a memory bomb or a
forged reply costs only the derivation that did it. Such a fatal outcome is
remembered per id and answered from memory thereafter.

The budget binds everything the submission makes the grader wait for: its
calls, its import, and every reload after a fatal call. An earlier opening of
the same submission (the batch's probe of its slow submissions) hands on what it
used and found as a `Prior`, so probe and grading share one budget; a submission
started early (`started`: while a one-submission command imports torch, or for
a probe whose calls `calls_cut_at` cuts short) is handed on running.
"""
from __future__ import annotations

import contextlib
import os
import select
import shutil
import signal
import subprocess
import time
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from checks import tags
from checks.sandbox import calling, protocol, watch
from checks.sandbox.calling import Arguments, Outcome, Signature
from checks.sandbox.cgroups import Cgroup
from checks.sandbox.files import Refused, SubmissionFiles, collect, display
from checks.sandbox.isolation import ENVIRONMENT, Isolation, submission_path, worker_command
from checks.sandbox.source_scan import SourceScan, scan

STARTUP_SECONDS = 10.0
"""Allowance for starting the sandbox, Python and numpy, on top of the per-call timeout, when loading."""
READ_CHUNK = 2**16
"""Least the grader reads from a worker's pipe at once: several small replies come in one read."""
LOAD_ALLOWANCE = 1.0
"""How far past the budget a load may run: starting the sandbox, Python and numpy is the grader's own work. A
submission may so use at most its budget, plus this once, plus what one call overruns its deadline by."""
PROCESSES = 64
"""Processes (and threads) one worker and everything it starts may have together, where a cgroup binds them."""
WATCHED = frozenset(watch.TAGS)
"""Tags a worker may add to a call from what its watch saw."""
CGROUP_SLACK = 128 * 2**20
"""The group's memory cap is the worker's address-space cap plus this: its private /tmp and the runtime's pages."""


@dataclass(frozen=True)
class Limits:
    """What a submission may do; the rubric (`checks/data/default_rubric.toml`) sets them."""

    timeout: float
    """Wall-clock seconds one call may take."""
    memory_mb: int
    """Address-space cap of the worker process."""
    forbidden: tuple[str, ...]
    """Top-level modules the submission may not import."""
    budget: float
    """Wall-clock seconds all calls of one submission may take together."""


class WorkerGone(Exception):
    """The worker exited or was killed."""


@dataclass(frozen=True)
class Prior:
    """What an earlier opening of the same submission used and found; grading goes on from there."""

    seconds: float = 0.0
    """Of the submission's budget, used already."""
    fatal: Mapping[str, Outcome] = field(default_factory=dict)
    """The ids whose calls timed out, crashed or broke the protocol, with that outcome."""
    signatures: Mapping[str, Signature] = field(default_factory=dict)
    """What each id defined asks for, as the worker found it."""


@dataclass
class Sandboxed:
    """A submission file or package, run in a worker process under `limits` and `isolation`."""

    path: Path
    limits: Limits
    isolation: Isolation
    ids: frozenset[str]
    """The derivation ids the worker looks for."""
    prior: Prior = field(default_factory=Prior)
    load_error: str | None = None
    load_tags: frozenset[str] = frozenset()
    """Tags of a load error beyond `load_error` itself, such as `budget_exhausted`."""
    source: SourceScan = field(default_factory=SourceScan)
    forbidden_imports: list[str] = field(default_factory=list)
    """Forbidden modules the source imports, found by the grader's own scan."""
    spent: float = 0.0
    """Seconds spent waiting for the worker so far."""
    watched: dict[str, set[str]] = field(default_factory=dict)
    """Per id, what the worker's watch saw its calls do (`watch.TAGS`): evidence the submission gave about itself."""
    is_reference = False
    _files: SubmissionFiles | None = None
    """The files to run: read from `path` on start, unless given already read (a hand-in of several files)."""
    _staging: Path | None = None
    _signatures: dict[str, Signature] = field(default_factory=dict)
    _fatal: dict[str, Outcome] = field(default_factory=dict)
    _process: subprocess.Popen | None = None
    _cgroup: Cgroup | None = None
    _requests: object = None
    _responses: int | None = None
    _sharing: protocol.Sharing = field(default_factory=protocol.Sharing)
    """The arrays the running worker holds."""
    _unread: bytearray = field(default_factory=bytearray)
    """What the grader has read from the worker's pipe beyond the replies taken so far."""
    _cut_at: float | None = None
    """Seconds a call may take inside `calls_cut_at`, when fewer than the rubric's timeout."""

    @property
    def label(self) -> str:
        return display(self.path)

    def start(self) -> Sandboxed:
        try:
            self._files = self._files or collect(self.path)
        except Refused as refused:
            self.load_error = str(refused)
            return self
        self.source = scan(self._files, frozenset(self.limits.forbidden), own_name_allowed=self.isolation.strong)
        if self.source.problem:
            self.load_error = self.source.problem
        elif self.source.forbidden:
            self.forbidden_imports = [hit.describe() for hit in self.source.forbidden]
        else:
            self.spent = self.prior.seconds
            self._fatal.update(self.prior.fatal)
            self._signatures = dict(self.prior.signatures)
            self._staging = self._files.stage()
            if not self._exhausted:
                self._spawn()
            if self._exhausted and not self._signatures and self.load_error is None:
                self.load_error = f"importing it used up the submission's budget of {self.limits.budget:g} s"
                self.load_tags = frozenset({tags.BUDGET_EXHAUSTED})
        return self

    def close(self) -> None:
        self._kill()
        if self._staging is not None:
            shutil.rmtree(self._staging, ignore_errors=True)
            self._staging = None

    def signature(self, id: str) -> Signature | None:
        return self._signatures.get(id)

    @property
    def defined(self) -> frozenset[str]:
        """Ids the submission defines, known from the worker or else from its source."""
        found = set(self._signatures) if self._signatures else set(self.source.defined)
        return frozenset(found & self.ids)

    def as_prior(self) -> Prior:
        """What this opening used and found, for a later one to go on from."""
        return Prior(self.spent, dict(self._fatal), dict(self._signatures))

    @property
    def _exhausted(self) -> bool:
        return self.spent >= self.limits.budget

    @property
    def _timeout(self) -> float:
        return self.limits.timeout if self._cut_at is None else min(self._cut_at, self.limits.timeout)

    @contextlib.contextmanager
    def calls_cut_at(self, seconds: float) -> Iterator[None]:
        """Within the block each call may take at most `seconds` (a quick probe's); a call cut there is a timeout
        like any other, which is why the caller decides what it is worth. Loads keep their full patience."""
        self._cut_at = seconds
        try:
            yield
        finally:
            self._cut_at = None

    def call(self, id: str, arguments: Arguments, *, reply_limit: int) -> Outcome:
        return self.call_many(id, [arguments], reply_limit=reply_limit)[0]

    def call_many(self, id: str, batch: Sequence[Arguments], *, reply_limit: int) -> list[Outcome]:
        """Call `id` once per argument set, in one request; each call has the full timeout to answer.

        `reply_limit` caps the bytes of arrays any one call may return.
        """
        if id in self._fatal:
            return [self._fatal[id]] * len(batch)
        if self._staging is None or self.load_error:
            return [Outcome(error=f"the submission does not load: {self.load_error or 'it was refused'}",
                            tags=frozenset({tags.CRASHED}))] * len(batch)
        if self._process is None and not self._exhausted:
            try:
                self._spawn()
            except WorkerGone as gone:
                return [Outcome(error=str(gone), tags=frozenset({tags.CRASHED}))] * len(batch)
            if self.load_error:
                return [Outcome(error=f"the submission no longer imports: {self.load_error}",
                                tags=frozenset({tags.CRASHED}))] * len(batch)
        if self._exhausted or self._process is None:
            return [self._budget_outcome()] * len(batch)
        outcomes: list[Outcome] = []
        start = time.monotonic()
        budget_end = start + self.limits.budget - self.spent
        try:
            self._send(self._sharing.request(id, list(batch)))
            for _ in batch:
                call_start = time.monotonic()
                cut_by_budget = budget_end < call_start + self._timeout
                outcomes.append(self._receive_result(min(call_start + self._timeout, budget_end), reply_limit))
                self.watched.setdefault(id, set()).update(outcomes[-1].tags & WATCHED)
            return outcomes
        except TimeoutError:
            outcome = self._budget_outcome() if cut_by_budget else Outcome(
                error=f"took longer than {self._timeout:g} s, and was stopped", tags=frozenset({tags.TIMEOUT}),
                seconds=time.monotonic() - call_start)
        except WorkerGone as gone:
            outcome = Outcome(error=str(gone), tags=frozenset({tags.MEMORY if self._out_of_memory() else tags.CRASHED}),
                              seconds=time.monotonic() - start)
        except protocol.ProtocolViolation as violation:
            outcome = Outcome(error=f"the worker broke the reply protocol: {violation}",
                              tags=frozenset({tags.PROTOCOL_VIOLATION}), seconds=time.monotonic() - start)
        finally:
            self.spent += time.monotonic() - start
        self._kill()
        self._fatal[id] = outcome
        return outcomes + [outcome] * (len(batch) - len(outcomes))

    def _budget_outcome(self) -> Outcome:
        return Outcome(error=f"the submission used up its budget of {self.limits.budget:g} s for its import, "
                             "reloads and calls together", tags=frozenset({tags.TIMEOUT, tags.BUDGET_EXHAUSTED}))

    def _spawn(self) -> None:
        """Start a worker and import the submission in it; the wait is charged to the budget, and ends with it."""
        start = time.monotonic()
        patience = self.limits.timeout + STARTUP_SECONDS
        allowed = min(patience, self.limits.budget - self.spent + LOAD_ALLOWANCE)
        try:
            self._start_worker(start + allowed, cut_by_budget=allowed < patience)
        finally:
            self.spent += time.monotonic() - start

    def _start_worker(self, deadline: float, *, cut_by_budget: bool) -> None:
        request_read, request_write = os.pipe()
        response_read, response_write = os.pipe()
        staged = self._files.staged_path(self._staging)
        argv, cwd = worker_command(self.isolation, self._staging, request_read, response_write)
        self._cgroup = Cgroup.create(memory_bytes=self.limits.memory_mb * 2**20 + CGROUP_SLACK, processes=PROCESSES)
        if self._cgroup is not None:
            argv = self._cgroup.wrap(argv)
        self._process = subprocess.Popen(
            argv, pass_fds=(request_read, response_write), stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL, start_new_session=True, env=ENVIRONMENT, cwd=cwd)
        os.close(request_read)
        os.close(response_write)
        self._requests = os.fdopen(request_write, "wb")
        self._responses = response_read
        self._unread = bytearray()
        self._sharing = protocol.Sharing()
        forbidden = set(self.limits.forbidden) - ({self._files.name} if self._files.package and self.isolation.strong else set())
        self._send({"path": submission_path(self.isolation, staged, self._staging), "ids": sorted(self.ids),
                    "memory_mb": self.limits.memory_mb, "forbidden": sorted(forbidden)})
        try:
            error, signatures = protocol.load_reply(self._receive_header(deadline), self.ids)
        except TimeoutError:
            self._kill()
            if not cut_by_budget:
                self.load_error = f"importing it took longer than {self.limits.timeout:g} s"
            return
        except WorkerGone as gone:
            self._kill()
            self.load_error = f"importing it stopped the worker: {gone}"
            return
        except protocol.ProtocolViolation as violation:
            self._kill()
            self.load_error = f"its worker broke the reply protocol while loading: {violation}"
            return
        if error:
            self.load_error = error
            self._kill()
            return
        self._signatures = {id: Signature(names, takes_all, problem) for id, (names, takes_all, problem) in signatures.items()}

    def _send(self, message: dict) -> None:
        try:
            self._requests.write(protocol.encode_request(message))
            self._requests.flush()
        except (BrokenPipeError, OSError) as exc:
            raise WorkerGone(self._exit_description()) from exc

    def _receive_header(self, deadline: float) -> dict:
        (length,) = protocol.LENGTH.unpack(self._read(protocol.LENGTH.size, deadline))
        if length > protocol.HEADER_LIMIT:
            raise protocol.ProtocolViolation(f"its reply header announces {length:,} bytes, "
                                             f"more than the {protocol.HEADER_LIMIT:,} allowed")
        return protocol.parse_header(self._read(length, deadline))

    def _receive_result(self, deadline: float, reply_limit: int) -> Outcome:
        header = self._receive_header(deadline)
        arrays = protocol.result_arrays(header, reply_limit, frozenset(calling.TAGS) | WATCHED)
        payload = memoryview(self._read(sum(size for *_, size in arrays), deadline))
        value = protocol.decode_value(header["kind"], arrays, payload)
        return Outcome(value=value, error=header["error"], tags=frozenset(header["tags"]), seconds=header["seconds"])

    def _read(self, size: int, deadline: float) -> bytes:
        """The next `size` bytes of the worker's replies, read in chunks of at least `READ_CHUNK`, the rest kept."""
        while len(self._unread) < size:
            wait = max(0.0, deadline - time.monotonic())  # a reply already there counts, however late this reads it
            if not select.select([self._responses], [], [], wait)[0]:
                raise TimeoutError
            chunk = os.read(self._responses, min(max(size - len(self._unread), READ_CHUNK), 2**20))
            if not chunk:
                raise WorkerGone(self._exit_description())
            self._unread += chunk
        taken = bytes(self._unread[:size])
        del self._unread[:size]
        return taken

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

    def _out_of_memory(self) -> bool:
        return self._cgroup is not None and self._cgroup.ran_out_of_memory()

    def _kill(self) -> None:
        if self._process is not None:
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(self._process.pid, signal.SIGKILL)
            self._process.wait()
            self._process = None
        if self._cgroup is not None:
            self._cgroup.kill()
            self._cgroup = None
        if self._requests is not None:
            with contextlib.suppress(OSError):
                self._requests.close()
            self._requests = None
        if self._responses is not None:
            with contextlib.suppress(OSError):
                os.close(self._responses)
            self._responses = None


def started(path: str | Path, limits: Limits, isolation: Isolation, ids: frozenset[str],
            prior: Prior = Prior(), files: SubmissionFiles | None = None) -> Sandboxed:
    """The submission at `path` (or its `files`, already read), scanned and running in a worker; the caller closes it."""
    sandboxed = Sandboxed(Path(os.path.abspath(path)), limits, isolation, ids, prior, _files=files)
    try:
        return sandboxed.start()
    except BaseException:
        sandboxed.close()
        raise


@contextlib.contextmanager
def open_submission(path: str | Path, limits: Limits, isolation: Isolation, ids: frozenset[str],
                    prior: Prior | Sandboxed = Prior(), files: SubmissionFiles | None = None) -> Iterator[Sandboxed]:
    """The submission at `path` (or its `files`, already read), running in a worker until the block ends.

    `prior` is what an earlier opening of the same submission used and found, or
    that opening itself, still running (`started`), which goes on from where it is.
    """
    sandboxed = prior if isinstance(prior, Sandboxed) else started(path, limits, isolation, ids, prior, files)
    try:
        yield sandboxed
    finally:
        sandboxed.close()
