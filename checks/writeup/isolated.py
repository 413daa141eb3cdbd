"""Reading a student's write-up as hostile input: in a child process with a time and memory cap.

The reader is gradjudge's own code, but the text it parses is the student's: a
pathological formula could make a parser run long or grow large. So the grader
reads a write-up in a child process (`python -m checks.writeup.isolated NAME`,
the text on standard input, the result as JSON on standard output), capped in
address space and CPU time and stopped at a wall-clock deadline. Whatever goes
wrong there is the submission's load error, never the grader's.
"""
from __future__ import annotations

import json
import resource
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

SUFFIXES = (".md", ".markdown", ".tex", ".txt")
"""Files read as write-ups: Markdown with math, LaTeX, and text whose content is Markdown with math."""
SECONDS = 60.0
"""Wall clock for reading one write-up; the seed takes well under a second."""
MEMORY = 2 * 2**30


class Unreadable(Exception):
    """The write-up cannot be read at all; the message says why."""


@dataclass(frozen=True)
class ReadResult:
    """A reading as plain data: the generated source, where each id came from, and what was not read."""

    source: str
    sources: dict[str, dict] = field(default_factory=dict)
    """Per id: its `equation`, `section`, `latex`, the `readings` used and a `note` to check, if any."""
    unread: list[dict] = field(default_factory=list)
    """Each formula not read: its `equation`, `section`, `line`, `latex`, the `reason` and the `id` meant, if known."""


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
    found = json.loads(done.stdout)
    return ReadResult(found["source"], found["sources"], found["unread"])


def _limit() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY, MEMORY))
    resource.setrlimit(resource.RLIMIT_CPU, (int(SECONDS), int(SECONDS)))


def _main(assignment_name: str, source_name: str) -> int:
    from checks import assignments
    from checks.writeup import WriteupError, read, reading_spec

    raw = sys.stdin.buffer.read()
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        print(f"it is not UTF-8 text (byte {exc.start})", file=sys.stderr)
        return 1
    try:
        reading = read(text, reading_spec(assignments.declared(assignment_name)), source_name=source_name)
    except (WriteupError, assignments.UnknownAssignment, LookupError) as exc:
        print(str(exc), file=sys.stderr)
        return 1
    sources = {id: {"equation": p.equation, "section": p.section, "latex": p.latex, "readings": list(p.readings),
                    "note": p.note} for id, p in reading.provenance.items()}
    unread = [{"equation": u.quote.equation, "section": u.quote.section, "line": u.quote.line, "latex": u.quote.latex,
               "reason": u.reason, "id": u.id} for u in reading.unread]
    json.dump({"source": reading.source, "sources": sources, "unread": unread}, sys.stdout)
    return 0


if __name__ == "__main__":
    sys.exit(_main(*sys.argv[1:3]))
