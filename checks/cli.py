"""The `gradjudge` command: arguments read and checked here, then handed to the engine.

Every usage error is found before torch is imported: the assignment's name, the
ids, the paths, the rubric and the output targets are checked first.
"""
from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from rich.console import Console

from checks import assignments
from checks.engine import profiles
from checks.reports.text import literal
from checks.sandbox.files import display
from checks.sandbox.isolation import CHOICES as ISOLATION_CHOICES

if TYPE_CHECKING:
    from checks.assignment import Assignment
    from checks.grading.grades import SubmissionGrade


class UsageError(Exception):
    """Bad input on the command line; the message says what and why."""


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    profiles.private_storage()
    console = _console()
    try:
        if hasattr(args, "assignment"):
            args.assignment = args.assignment or assignments.default()
        return COMMANDS[args.command](args, console)
    except (UsageError, assignments.UnknownAssignment, assignments.DeclarationError) as problem:
        console.print(literal(f"gradjudge {args.command}: ", "red") + literal(str(problem)), highlight=False)
        return 2


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="gradjudge", description="Prove hand-derived gradients right or wrong.")
    commands = parser.add_subparsers(dest="command", required=True)
    verify = commands.add_parser("verify", help="check the reference derivations against autograd and numeric differentiation")
    verify.add_argument("ids", nargs="*", help="derivation ids to check (default: all)")
    verify.add_argument("--profile", choices=sorted(profiles.PROFILES), default="ci",
                        help="hypothesis profile (default: ci, 100 derandomized examples per id)")
    soak = commands.add_parser("soak", help="run many random examples per id against the reference and count failures")
    soak.add_argument("ids", nargs="*", help="derivation ids to soak (default: all)")
    soak.add_argument("--examples", type=_positive_int, default=100_000, help="examples in all, split evenly (default: 100000)")
    soak.add_argument("--jobs", type=_positive_int, default=os.cpu_count() or 1, help="processes (default: the number of cores)")
    grade = commands.add_parser("grade", help="grade submissions: .py files, package folders, or folders of .py files")
    grade.add_argument("paths", nargs="+", metavar="PATH")
    grade.add_argument("--json", type=Path, metavar="OUT", help="write every grade as JSON")
    grade.add_argument("--gradescope", metavar="OUT",
                       help="write Gradescope results.json: a folder of them when OUT ends with a separator, is a "
                            "folder, or several submissions are graded")
    grade.add_argument("--csv", type=Path, metavar="OUT", help="write one row per submission, one column per id")
    grade.add_argument("--html", type=Path, metavar="OUT", help="write the class report: one self-contained HTML page")
    grade.add_argument("--rubric", type=Path, metavar="FILE", help="TOML rubric overriding the assignment's defaults")
    grade.add_argument("--jobs", type=_positive_int, default=os.cpu_count() or 1,
                       help="submissions graded in parallel (default: the number of cores)")
    grade.add_argument("--isolation", choices=ISOLATION_CHOICES, default="auto",
                       help="how each submission is shut in: namespaces (bubblewrap), process, or auto (the best this "
                            "machine has; default)")
    grade.add_argument("--allow-weak-isolation", action="store_true",
                       help="grade several submissions, or write --gradescope, with only process isolation")
    grade.add_argument("--details", action="store_true", help="print every submission's table and explanations, "
                                                             "not only the summary (always, for one submission)")
    cache = commands.add_parser("cache", help="show where the truths store is and how big, or clear it")
    cache.add_argument("action", nargs="?", choices=("show", "clear"), default="show",
                       help="show (default): its folder, entries and size; clear: remove every entry")
    check = commands.add_parser("check", help="grade your own file: its table, every explanation, exit 1 if anything "
                                              "is not right")
    check.add_argument("path", metavar="FILE", help="a .py file, a package folder, or a write-up")
    check.add_argument("--rubric", type=Path, metavar="FILE", help="TOML rubric overriding the assignment's defaults")
    check.add_argument("--isolation", choices=ISOLATION_CHOICES, default="auto",
                       help="how the file is shut in (default: the best this machine has)")
    for command in (grade, check):
        command.add_argument("--no-cache", action="store_true",
                             help="neither read nor add to the truths store: compute every truth and witness anew")
    report = commands.add_parser("report", help="write the class report (one self-contained HTML page) from a "
                                                "grades file of gradjudge grade --json")
    report.add_argument("grades", type=Path, metavar="GRADES", help="a grades file that gradjudge grade --json wrote")
    report.add_argument("-o", "--output", type=Path, metavar="OUT", required=True, help="the HTML file to write")
    for command in (grade, report):
        command.add_argument("--anonymise", action="store_true",
                             help="show submissions in the HTML report under stable pseudonyms, for sharing it with "
                                  "the class (the other outputs keep the real names)")
        command.add_argument("--pseudonym-key", type=Path, metavar="FILE",
                             help="the secret key --anonymise derives pseudonyms from, made on first use; one per "
                                  "class (default: ~/.config/gradjudge/pseudonym-key)")
    read = commands.add_parser("read", help="read a Markdown/LaTeX write-up into a submission file")
    read.add_argument("writeup", type=Path, metavar="WRITEUP", help="a .md, .tex or .txt write-up")
    read.add_argument("-o", "--output", type=Path, metavar="OUT", help="write the submission here (default: print it)")
    read.add_argument("--force", action="store_true", help="overwrite an existing output file")
    template = commands.add_parser("template", help="write a blank submission with every derivation id")
    template.add_argument("out", nargs="?", type=Path, default=Path("submission.py"), help="default: submission.py")
    template.add_argument("--force", action="store_true", help="overwrite an existing file")
    autograder = commands.add_parser("autograder", help="write a Gradescope autograder zip that grades one upload per container")
    autograder.add_argument("--rubric", type=Path, required=True, metavar="FILE", help="TOML rubric to grade with, checked now")
    autograder.add_argument("-o", "--output", type=Path, required=True, metavar="ZIP", help="where to write the zip")
    autograder.add_argument("--submission-name", metavar="NAME",
                            help="the file or package folder students upload, such as homework.py (default: the upload's one "
                                 ".py file, package folder or write-up)")
    autograder.add_argument("--force", action="store_true", help="overwrite an existing zip")
    for command in (verify, soak, grade, check, read, template, autograder):
        command.add_argument("--assignment", metavar="NAME",
                             help=f"the assignment: a registered name ({', '.join(sorted(assignments.known()))}) or "
                                  "module:ATTRIBUTE (default: the one declared default)")
    return parser


def _positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"{value} must be at least 1")
    return value


def _selected(args: argparse.Namespace):
    assignment = assignments.load(args.assignment)
    try:
        return assignment, assignment.select(args.ids)
    except KeyError as exc:
        raise UsageError(exc.args[0]) from None


def _verify(args: argparse.Namespace, console: Console) -> int:
    assignments.spec_of(args.assignment)
    from checks.engine.oracles import use_one_thread
    from checks.engine.submission import reference
    from checks.engine.verify import render, verify

    use_one_thread()
    assignment, entries = _selected(args)
    reports = verify(entries, reference(assignment), profiles.PROFILES[args.profile], console)
    render(reports, console)
    return 0 if all(report.failure is None for report in reports) else 1


def _soak(args: argparse.Namespace, console: Console) -> int:
    assignments.spec_of(args.assignment)
    from checks.engine.soak import soak

    _, entries = _selected(args)
    return soak(args.assignment, entries, args.examples, args.jobs, console)


def _grade(args: argparse.Namespace, console: Console) -> int:
    _, interrupted = _graded(args, console, details=args.details)
    return 130 if interrupted else 0


def _check(args: argparse.Namespace, console: Console) -> int:
    """`grade` for one file, for its author: the table and every explanation, and exit 1 if anything is not right."""
    args.paths, args.json, args.csv, args.gradescope, args.html = [args.path], None, None, None, None
    args.jobs, args.allow_weak_isolation, args.anonymise, args.pseudonym_key = 1, False, False, None
    grades, interrupted = _graded(args, console, details=True)
    wrong = [row.id for grade in grades for row in grade.derivations if row.status not in ("passed", "not_attempted")]
    return 130 if interrupted else 1 if wrong or any(grade.status != "graded" for grade in grades) else 0


def _graded(args: argparse.Namespace, console: Console, *, details: bool):
    """Check every argument and target, grade, print and write: the grades, and whether grading was interrupted."""
    assignments.spec_of(args.assignment)
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    from checks.grading.discovery import NothingToGrade, discover
    from checks.grading.rubric import RubricError, load
    from checks.reports import terminal
    from checks.reports.csv_report import as_csv
    from checks.reports.gradescope import is_folder_target, write_gradescope
    from checks.reports.json_report import as_json
    from checks.reports.outputs import OutputRefused, check_file_target, check_folder_target, write_text
    from checks.sandbox.isolation import IsolationUnavailable, choose

    try:
        declared = assignments.declared(args.assignment)
        found = discover(args.paths, declared.ids)
        paths = [entry.path for entry in found.entries]
        for target in (args.json, args.csv, args.html):
            if target is not None:
                check_file_target(target, paths)
        _distinct_outputs(json=args.json, csv=args.csv, html=args.html, gradescope=args.gradescope)
        if args.gradescope is not None:
            (check_folder_target if is_folder_target(args.gradescope, len(paths)) else check_file_target)(
                Path(args.gradescope), paths)
        isolation = choose(args.isolation)
        rubric = load(declared, args.rubric)
    except (RubricError, NothingToGrade, OutputRefused, IsolationUnavailable) as exc:
        raise UsageError(str(exc)) from None
    if args.html is not None:
        _check_report_libraries()
    elif args.anonymise:
        raise UsageError("--anonymise changes the names in the HTML report only; give --html OUT too")
    if not isolation.strong and (len(paths) > 1 or args.gradescope) and not args.allow_weak_isolation:
        raise UsageError(f"only process isolation is available here ({isolation.detail}); it does not contain a hostile "
                         "submission, so grading a class or writing --gradescope with it needs --allow-weak-isolation")
    key = _pseudonym_key(args, console)
    from checks.engine.oracles import use_one_thread
    from checks.grading.batch import grade_many

    use_one_thread()
    assignment = assignments.load(args.assignment)
    store = None if args.no_cache else _store(console)
    console.print(literal(isolation.describe() + ("" if isolation.strong else
                  ": contains loops, crashes and memory bombs, not a hostile student"), "dim" if isolation.strong else "yellow"))
    done, interrupted = [], False
    columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
    with Progress(*columns, console=console, transient=True, disable=len(paths) == 1) as progress:
        task = progress.add_task("grading", total=len(paths))

        def probing(count: int) -> None:
            progress.update(task, description=f"probing {count} submissions for hangs and crashes")

        def finished(grade) -> None:
            done.append(grade)
            progress.update(task, advance=1, description=f"graded {literal(grade.name).plain}")

        try:
            grades = grade_many(found.entries, args.assignment, rubric, args.jobs, isolation, finished, probing,
                                store=store)
        except KeyboardInterrupt:
            order = {entry.name: index for index, entry in enumerate(found.entries)}
            grades, interrupted = sorted(done, key=lambda grade: order.get(grade.name, 0)), True
            console.print(literal(f"Interrupted: writing the {len(grades)} grade(s) finished so far.", "yellow"))
    if len(grades) > 1:
        terminal.print_summary(grades, found.skipped, console)
    if details or len(grades) == 1:
        for grade in grades:
            terminal.print_details(grade, console)
        if len(grades) == 1:
            terminal.print_skipped(found.skipped, console)
    rubric_file = None if args.rubric is None else display(args.rubric)
    if args.json:
        write_text(args.json, as_json(grades, found.skipped, rubric_file=rubric_file))
    if args.csv:
        write_text(args.csv, as_csv(grades, assignment))
    if args.gradescope:
        write_gradescope(grades, assignment, rubric, args.gradescope)
    if args.html and grades:
        _write_report(args.html, grades, assignment=assignment, rubric_file=rubric_file, key=key)
    return grades, interrupted


def _store(console: Console):
    """The truths store to grade with; where it cannot be used, grading goes on without it, and says why."""
    from checks.engine.store import Store, StoreUnavailable, location

    try:
        return Store(location())
    except StoreUnavailable as problem:
        console.print(literal(f"{problem}: grading without it", "yellow"), highlight=False)
        return None


def _cache(args: argparse.Namespace, console: Console) -> int:
    """Where the truths store is and how big; with `clear`, empty it first."""
    from checks.engine.store import ENVIRONMENT_VARIABLE, Store, StoreUnavailable, location

    try:
        store = Store(location())
    except StoreUnavailable as problem:
        raise UsageError(f"{problem} (set {ENVIRONMENT_VARIABLE} to a folder you can write)") from None
    if args.action == "clear":
        removed = store.clear()
        console.print(literal(f"removed {removed} entries from the truths store {display(store.root)}"), highlight=False)
    entries, size = store.usage()
    console.print(literal(f"truths store: {display(store.root)}\n{entries} entries, {size / 2**20:.1f} MiB of at most "
                          f"{store.limit_bytes / 2**20:.0f} MiB (set {ENVIRONMENT_VARIABLE} to move it)"),
                  highlight=False)
    return 0


def _report(args: argparse.Namespace, console: Console) -> int:
    from checks.reports import grades_file
    from checks.reports.outputs import OutputRefused, check_file_target

    try:
        if args.output.resolve() == args.grades.resolve():
            raise UsageError(f"-o {display(args.output)} would overwrite the grades file; name another file")
        check_file_target(args.output, [args.grades])
        found = grades_file.load(args.grades)
        assignment = assignments.declared(found.assignment)
        found.check_ids(assignment.ids)
    except (grades_file.NotAGradesFile, OutputRefused) as problem:
        raise UsageError(str(problem)) from None
    _check_report_libraries()
    key = _pseudonym_key(args, console)
    _write_report(args.output, found.grades, assignment=assignment, rubric_file=found.rubric_file, key=key)
    console.print(literal(f"wrote {args.output}: the class report of {len(found.grades)} submission(s) of "
                          f"{assignment.name}{', under pseudonyms' if key else ''}"), highlight=False)
    return 0


def _distinct_outputs(**targets: str | Path | None) -> None:
    given = {name: Path(target).resolve() for name, target in targets.items() if target is not None}
    for name, target in given.items():
        same = [other for other, found in given.items() if other != name and found == target]
        if same:
            raise UsageError(f"--{name} and --{same[0]} name the same file ({display(target)}); give each its own")


def _check_report_libraries() -> None:
    """The HTML report draws with matplotlib and fills a Jinja2 template: both must be installed, before any work."""
    import importlib.util

    missing = [name for name in ("matplotlib", "jinja2") if importlib.util.find_spec(name) is None]
    if missing:
        raise UsageError(f"the HTML report needs {' and '.join(missing)}: pip install 'gradjudge[report]'")


def _pseudonym_key(args: argparse.Namespace, console: Console) -> bytes | None:
    """The key of --anonymise's pseudonyms (made, and said so, on first use); None without --anonymise."""
    if not args.anonymise:
        if args.pseudonym_key is not None:
            raise UsageError("--pseudonym-key is the key of --anonymise's pseudonyms; give --anonymise too")
        return None
    from checks.reports.pseudonyms import KeyFileError, default_key_file, read_or_create_key

    path = args.pseudonym_key or default_key_file()
    try:
        key, made = read_or_create_key(path)
    except (KeyFileError, OSError) as problem:
        raise UsageError(f"--pseudonym-key {display(path)}: {problem}") from None
    if made:
        console.print(literal(f"made the pseudonym key {display(path)}: keep it private, and keep it to give the same "
                              "submissions the same pseudonyms next time", "yellow"), highlight=False)
    return key


def _write_report(target: Path, grades: list[SubmissionGrade], *, assignment: Assignment, rubric_file: str | None,
                  key: bytes | None) -> None:
    """The class report of `grades` at `target`, under pseudonyms if there is a `key`."""
    from datetime import datetime, timezone
    from importlib.metadata import PackageNotFoundError, version

    from checks.reports.class_report import render
    from checks.reports.outputs import write_text
    from checks.reports.pseudonyms import anonymise

    try:
        made_by = version("gradjudge")
    except PackageNotFoundError:
        made_by = "(not installed)"
    shown = anonymise(grades, key=key) if key is not None else grades
    write_text(target, render(shown, assignment=assignment, rubric_file=rubric_file, made=datetime.now(timezone.utc),
                              version=made_by))


def _read(args: argparse.Namespace, console: Console) -> int:
    assignments.spec_of(args.assignment)
    from checks.reports.outputs import OutputRefused, check_file_target, write_text
    from checks.sandbox.files import Refused, read_text
    from checks.writeup.isolated import Unreadable, read_isolated

    try:
        if args.output is not None:
            if args.output.exists() and not args.force:
                raise UsageError(f"{args.output} exists; pass --force to overwrite it")
            check_file_target(args.output, [args.writeup])
        result = read_isolated(read_text(args.writeup), args.assignment, args.writeup.name)
    except (Refused, Unreadable, OutputRefused) as problem:
        raise UsageError(f"{args.writeup}: {problem}") from None
    if args.output is None:
        sys.stdout.write(result.source)
    else:
        write_text(args.output, result.source)
        console.print(literal(f"wrote {args.output}"))
    for id, source in result.sources.items():
        number = f"eq. ({source['equation']}), " if source["equation"] else ""
        console.print(literal(f"read {id}: {number}section {source['section']}; "
                              f"{', '.join(source['readings']) or 'as written'}"), highlight=False)
    for item in result.unread:
        console.print(literal(f"not read{' ' + item['id'] if item['id'] else ''}: line {item['line']}: {item['reason']}",
                              "yellow"), highlight=False)
    return 0


def _template(args: argparse.Namespace, console: Console) -> int:
    assignments.spec_of(args.assignment)
    if args.out.exists() and not args.force:
        raise UsageError(f"{args.out} exists; pass --force to overwrite it")
    from checks.reports.outputs import write_text
    from checks.template import render

    write_text(args.out, render(assignments.load(args.assignment)))
    console.print(literal(f"wrote {args.out}"))
    return 0


def _autograder(args: argparse.Namespace, console: Console) -> int:
    from checks.reports.autograder import AutograderRefused, write_autograder

    try:
        made = write_autograder(output=args.output, rubric=args.rubric, assignment=args.assignment,
                                submission_name=args.submission_name, force=args.force)
    except AutograderRefused as problem:
        raise UsageError(str(problem)) from None
    settings = made.settings
    console.print(literal(f"wrote {args.output}: gradjudge {settings['gradjudge']} grading {made.assignment} out of "
                          f"{made.max_score:g}; students upload "
                          f"{settings['submission_name'] or 'one .py file, package folder or write-up'}"), highlight=False)
    return 0


COMMANDS = {"verify": _verify, "soak": _soak, "grade": _grade, "check": _check, "report": _report, "read": _read,
            "template": _template, "autograder": _autograder, "cache": _cache}


def _console() -> Console:
    """The terminal's own width (or `COLUMNS`, if set), else 120 columns when the output goes to a file or a pipe."""
    console = Console()
    return console if console.is_terminal or "COLUMNS" in os.environ else Console(width=120)


if __name__ == "__main__":
    sys.exit(main())
