"""Reading a student's write-up as hostile input: in a sandboxed child process with a time and memory cap.

The reader is gradjudge's own code, but the text it parses is the student's: a
pathological formula could make a parser run long or grow large, and a flaw in
a parser could be made to run code. So the grader reads a write-up in a child
process shut in as a worker is (`checks.sandbox.isolation.module_command`): under
bubblewrap it sees the Python runtime and, read-only, only the packages of
`SANDBOX_PACKAGES` and the paths of `SANDBOX_PATHS`; never the assignment's
reference, the rubric, other submissions or the grader's files. The grader hands
it what it needs to know of the assignment (its `ReadingSpec`) and the text on
standard input, and reads the result as JSON from its standard output, capped in
address space and CPU time and stopped at a wall-clock deadline. Whatever goes
wrong there is the submission's load error, never the grader's.
"""
from __future__ import annotations

import json
import pickle
import resource
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from checks.sandbox.isolation import Isolation

SUFFIXES = (".md", ".markdown", ".tex", ".txt")
"""Files read as write-ups: Markdown with math, LaTeX, and text whose content is Markdown with math."""
SECONDS = 60.0
"""Wall clock for reading one write-up; the seed takes well under a second."""
MEMORY = 2 * 2**30
READER = "checks.writeup.isolated"
"""The module the child runs."""
SANDBOX_PACKAGES = ("checks", "lark", "numpy", "pylatexenc")
"""Every top-level package the reader may import inside its sandbox, each bound read-only: gradjudge's own code
and the libraries reading uses. A reading stage that needs another library adds it here."""
SANDBOX_PATHS: tuple[str, ...] = ()
"""Host files or folders the reader needs besides packages (a converter's binary, say), bound read-only where
they are."""


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


def read_isolated(text: bytes, assignment_name: str, source_name: str, *,
                  isolation: Isolation | None = None) -> ReadResult:
    """Read `text` (the write-up's bytes) in a capped child process, shut in by `isolation` (default: the best here)."""
    from checks import assignments
    from checks.sandbox.isolation import ENVIRONMENT, choose, module_command
    from checks.writeup import NoNotation, reading_spec

    try:
        spec = reading_spec(assignments.declared(assignment_name))
    except NoNotation as exc:
        raise Unreadable(str(exc)) from None
    argv, folder = module_command(isolation or choose(), READER, [source_name], packages=SANDBOX_PACKAGES,
                                  paths=SANDBOX_PATHS)
    try:
        done = subprocess.run(argv, input=pickle.dumps((spec, text)), capture_output=True, timeout=SECONDS,
                              preexec_fn=_limit, env=ENVIRONMENT, cwd=folder)
    except subprocess.TimeoutExpired:
        raise Unreadable(f"reading it took longer than {SECONDS:g} s") from None
    if done.returncode != 0:
        last = (done.stderr.decode(errors="replace").strip().splitlines() or [f"exit code {done.returncode}"])[-1]
        raise Unreadable(last[:500])
    try:
        found = json.loads(done.stdout)
        return ReadResult(str(found["source"]), dict(found["sources"]), list(found["unread"]))
    except (ValueError, TypeError, KeyError) as exc:
        raise Unreadable(f"the reader's reply is not a reading ({type(exc).__name__})") from None


def _limit() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY, MEMORY))
    resource.setrlimit(resource.RLIMIT_CPU, (int(SECONDS), int(SECONDS)))


def _main(source_name: str) -> int:
    from checks.writeup import WriteupError, read

    spec, raw = pickle.load(sys.stdin.buffer)
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        print(f"it is not UTF-8 text (byte {exc.start})", file=sys.stderr)
        return 1
    try:
        reading = read(text, spec, source_name=source_name)
    except (WriteupError, LookupError) as exc:
        print(str(exc), file=sys.stderr)
        return 1
    sources = {id: {"equation": p.equation, "section": p.section, "latex": p.latex, "readings": list(p.readings),
                    "note": p.note} for id, p in reading.provenance.items()}
    unread = [{"equation": u.quote.equation, "section": u.quote.section, "line": u.quote.line, "latex": u.quote.latex,
               "reason": u.reason, "id": u.id} for u in reading.unread]
    json.dump({"source": reading.source, "sources": sources, "unread": unread}, sys.stdout)
    return 0


if __name__ == "__main__":
    sys.exit(_main(sys.argv[1]))
