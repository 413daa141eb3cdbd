"""`--html OUT`: the class report, one self-contained HTML page, under pseudonyms with `--anonymise`."""
from __future__ import annotations

from argparse import Namespace
from pathlib import Path

from rich.console import Console

from checks.reports.formats.base import Option, OutputFormat, Written

LIBRARIES = ("matplotlib", "jinja2")
"""The report draws with matplotlib and fills a Jinja2 template (`pip install 'gradjudge[report]'`)."""
OPTIONS = (
    Option("--anonymise", {"action": "store_true",
                           "help": "show students in the HTML report under stable pseudonyms, for sharing it with the "
                                   "class (the other outputs keep the real names)"}),
    Option("--pseudonym-key", {"type": Path, "metavar": "FILE",
                               "help": "the secret key --anonymise derives pseudonyms from, made on first use; one per "
                                       "class (default: ~/.config/gradjudge/pseudonym-key)"}),
)


def pseudonym_key(options: Namespace, console: Console) -> bytes | None:
    """The key of `--anonymise`'s pseudonyms (made, and said so, on first use); None without `--anonymise`."""
    from checks.reports.pseudonyms import default_key_file, read_or_create_key
    from checks.reports.text import literal
    from checks.sandbox.files import display

    if not options.anonymise:
        if options.pseudonym_key is not None:
            from checks.errors import GradjudgeError

            raise GradjudgeError("--pseudonym-key is the key of --anonymise's pseudonyms; give --anonymise too")
        return None
    path = options.pseudonym_key or default_key_file()
    try:
        key, made = read_or_create_key(path)
    except OSError as problem:
        from checks.errors import GradjudgeError

        raise GradjudgeError(f"--pseudonym-key {display(path)}: {problem}") from None
    if made:
        console.print(literal(f"made the pseudonym key {display(path)}: keep it private, and keep it to give the same "
                              "students the same pseudonyms next time", "yellow"), highlight=False)
    return key


def write_report(target: str, written: Written, key: bytes | None) -> None:
    """The class report of the grades at `target`, under pseudonyms if there is a `key`."""
    from datetime import datetime, timezone
    from importlib.metadata import PackageNotFoundError, version

    from checks.reports.class_report import render
    from checks.reports.outputs import write_text
    from checks.reports.pseudonyms import anonymise

    if not written.grades:
        return
    try:
        made_by = version("gradjudge")
    except PackageNotFoundError:
        made_by = "(not installed)"
    shown = anonymise(written.grades, key=key) if key is not None else written.grades
    write_text(Path(target), render(shown, assignment=written.assignment, rubric_file=written.rubric_file,
                              made=datetime.now(timezone.utc), version=made_by))


FORMAT = OutputFormat("html", "write the class report: one self-contained HTML page", write_report, options=OPTIONS,
                      libraries=LIBRARIES, prepare=pseudonym_key)
