"""Reading a student's write-up as hostile input: in a sandboxed child process with a time and memory cap.

The reader is gradjudge's own code, but the text it parses is the student's: a
pathological formula could make a parser run long or grow large, and a flaw in
a parser could be made to run code. So the grader reads a write-up in a child
process shut in as a worker is (`checks.sandbox.isolation.module_command`): under
bubblewrap it sees the Python runtime and, read-only, only the packages of
`runtime.packages()` and the paths of `runtime.PATHS`; never the assignment's
reference, the rubric, other submissions or the grader's files. The grader hands
it what it needs to know of the assignment (its `ReadingSpec`) and the text on
standard input, and reads the result as JSON from its standard output, capped in
address space and CPU time and stopped at a wall-clock deadline. Whatever goes
wrong there is the submission's load error, never the grader's. What the
child computes is `checks.writeup.child`; what it must see at run time is
declared in `checks.writeup.runtime`.
"""
from __future__ import annotations

import json
import pickle
import resource
import subprocess
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from checks.sandbox.isolation import Isolation

from checks.errors import GradjudgeError
from checks.writeup import runtime
from checks.writeup.provenance import Provenance, Reading, Unread

SUFFIXES = (".md", ".markdown", ".tex", ".txt")
"""Files read as write-ups: Markdown with math, LaTeX, and text whose content is Markdown with math."""
SECONDS = 60.0
"""Wall clock for reading one write-up; the seed takes well under a second."""
MEMORY = 2 * 2**30
READER = "checks.writeup.isolated"
"""The module the child runs."""


class WriteupUnreadable(GradjudgeError):
    """The write-up cannot be read at all; the message says why."""


@dataclass(frozen=True)
class ReadResult:
    """A reading as it comes back from the child: the generated source, and where each id came from, typed."""

    source: str
    provenance: Mapping[str, Provenance]
    not_read: tuple[Unread, ...]

    @property
    def sources(self) -> dict[str, dict]:
        """Per id: its `equation`, `section`, `latex`, `line`, `cell`, the `readings` used and a `note`, if any."""
        return {id: provenance.as_json() for id, provenance in self.provenance.items()}

    @property
    def unread(self) -> list[dict]:
        """Each formula not read: its `equation`, `section`, `line`, `cell`, `latex`, the `reason` and the `id`."""
        return [item.as_json() for item in self.not_read]

    @classmethod
    def from_json(cls, data: Mapping) -> ReadResult:
        reading = Reading.from_json("", data)
        return cls(reading.source, reading.provenance, reading.unread)


def is_writeup(path: Path) -> bool:
    return path.suffix.lower() in SUFFIXES


def read_isolated(text: bytes, assignment_name: str, source_name: str, *,
                  isolation: Isolation | None = None) -> ReadResult:
    """Read `text` (the write-up's bytes) in a capped child process, shut in by `isolation` (default: the best here)."""
    return _read_in_child(text, False, assignment_name, source_name, isolation)


def read_sources_isolated(sources: Sequence[tuple[str, str, int | None]], assignment_name: str, source_name: str, *,
                          files: Mapping[str, str] | None = None, isolation: Isolation | None = None) -> ReadResult:
    """Read several texts as one write-up (a notebook's Markdown cells: `(name, text, cell)` each) in the child.

    `files` are the submission's other texts by name, for `\\input`. Every
    quote of the result names its cell.
    """
    payload = {"sources": [{"name": name, "text": text, "cell": cell} for name, text, cell in sources],
               "files": dict(files or {})}
    return _read_in_child(json.dumps(payload).encode("utf-8"), True, assignment_name, source_name, isolation)


def _read_in_child(raw: bytes, several: bool, assignment_name: str, source_name: str,
                   isolation: Isolation | None) -> ReadResult:
    """Hand the child `raw`, one write-up's bytes or (`several`) the JSON of several texts, said beside the bytes
    and never inside them, so that no write-up can pass itself off as the other kind."""
    from checks import assignments
    from checks.sandbox.isolation import ENVIRONMENT, choose, module_command
    from checks.writeup import NoNotation, reading_spec

    try:
        spec = reading_spec(assignments.declared(assignment_name))
    except NoNotation as exc:
        raise WriteupUnreadable(str(exc)) from None
    argv, folder = module_command(isolation or choose(), READER, [source_name], packages=runtime.packages(),
                                  paths=runtime.PATHS)
    try:
        done = subprocess.run(argv, input=pickle.dumps((spec, raw, several)), capture_output=True, timeout=SECONDS,
                              preexec_fn=_limit, env=ENVIRONMENT, cwd=folder)
    except subprocess.TimeoutExpired:
        raise WriteupUnreadable(f"reading it took longer than {SECONDS:g} s") from None
    if done.returncode != 0:
        last = (done.stderr.decode(errors="replace").strip().splitlines() or [f"exit code {done.returncode}"])[-1]
        raise WriteupUnreadable(last[:500])
    try:
        return ReadResult.from_json(json.loads(done.stdout))
    except (ValueError, TypeError, KeyError, AttributeError) as exc:
        raise WriteupUnreadable(f"the reader's reply is not a reading ({type(exc).__name__})") from None


def _limit() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY, MEMORY))
    resource.setrlimit(resource.RLIMIT_CPU, (int(SECONDS), int(SECONDS)))


def _main(source_name: str) -> int:
    from checks.writeup.child import read_payload

    spec, raw, several = pickle.load(sys.stdin.buffer)
    return read_payload(raw, spec, source_name, several=several)


if __name__ == "__main__":
    sys.exit(_main(sys.argv[1]))
