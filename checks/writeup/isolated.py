"""Reading a student's write-up as hostile input: in a child process with a time and memory cap.

The reader is gradjudge's own code, but the text it parses is the student's: a
pathological formula could make a parser run long or grow large. So the grader
reads a write-up in a child process (`python -m checks.writeup.isolated NAME`,
the text on standard input, the result as JSON on standard output), capped in
address space and CPU time and stopped at a wall-clock deadline. Whatever goes
wrong there is the submission's load error, never the grader's. What the
child computes is `checks.writeup.child`; what it must see at run time is
declared in `checks.writeup.runtime`.
"""
from __future__ import annotations

import json
import resource
import subprocess
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from checks.writeup.provenance import Provenance, Reading, Unread

SUFFIXES = (".md", ".markdown", ".tex", ".txt")
"""Files read as write-ups: Markdown with math, LaTeX, and text whose content is Markdown with math."""
SECONDS = 60.0
"""Wall clock for reading one write-up; the seed takes well under a second."""
MEMORY = 2 * 2**30


class Unreadable(Exception):
    """The write-up cannot be read at all; the message says why."""


SOURCES_MARKER = b"\x00gradjudge-writeup-sources\n"
"""Starts a payload of several texts (JSON, see `read_sources_isolated`); no write-up holds a NUL byte."""


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


def read_isolated(text: bytes, assignment_name: str, source_name: str) -> ReadResult:
    """Read `text` (the write-up's bytes) in a capped child process."""
    try:
        done = subprocess.run([sys.executable, "-s", "-m", "checks.writeup.isolated", assignment_name, source_name],
                              input=text, capture_output=True, timeout=SECONDS, preexec_fn=_limit,
                              env={"PATH": "/usr/bin:/bin", "LANG": "C.UTF-8", "PYTHONPATH": ":".join(sys.path)})
    except subprocess.TimeoutExpired:
        raise Unreadable(f"reading it took longer than {SECONDS:g} s") from None
    if done.returncode != 0:
        last = (done.stderr.decode(errors="replace").strip().splitlines() or [f"exit code {done.returncode}"])[-1]
        raise Unreadable(last[:500])
    return ReadResult.from_json(json.loads(done.stdout))


def read_sources_isolated(sources: Sequence[tuple[str, str, int | None]], assignment_name: str, source_name: str, *,
                          files: Mapping[str, str] | None = None) -> ReadResult:
    """Read several texts as one write-up (a notebook's Markdown cells: `(name, text, cell)` each) in the child.

    `files` are the submission's other texts by name, for `\\input`. Every
    quote of the result names its cell.
    """
    payload = {"sources": [{"name": name, "text": text, "cell": cell} for name, text, cell in sources],
               "files": dict(files or {})}
    return read_isolated(SOURCES_MARKER + json.dumps(payload).encode("utf-8"), assignment_name, source_name)


def _limit() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY, MEMORY))
    resource.setrlimit(resource.RLIMIT_CPU, (int(SECONDS), int(SECONDS)))


def _main(assignment_name: str, source_name: str) -> int:
    from checks.writeup.child import read_payload

    return read_payload(sys.stdin.buffer.read(), assignment_name, source_name, SOURCES_MARKER)


if __name__ == "__main__":
    sys.exit(_main(*sys.argv[1:3]))
