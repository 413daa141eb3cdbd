"""The `gradjudge` command: arguments read and checked here, then handed to the engine.

Every usage error is found before torch is imported: the assignment's name, the
ids, the paths, the rubric and the output targets are checked first.
"""
from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from rich.console import Console

from checks import assignments
from checks.engine import profiles
from checks.reports.text import literal

ISOLATION_CHOICES = ("auto", "namespaces", "process")


class UsageError(Exception):
    """Bad input on the command line; the message says what and why."""


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    profiles.private_storage()
    console = _console()
    try:
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
    check = commands.add_parser("check", help="grade your own file: its table, every explanation, exit 1 if anything "
                                              "is not right")
    check.add_argument("path", metavar="FILE", help="a .py file, a package folder, or a write-up")
    check.add_argument("--rubric", type=Path, metavar="FILE", help="TOML rubric overriding the assignment's defaults")
    check.add_argument("--isolation", choices=ISOLATION_CHOICES, default="auto",
                       help="how the file is shut in (default: the best this machine has)")
    read = commands.add_parser("read", help="read a Markdown/LaTeX write-up into a submission file")
    read.add_argument("writeup", type=Path, metavar="WRITEUP", help="a .md, .tex or .txt write-up")
    read.add_argument("-o", "--output", type=Path, metavar="OUT", help="write the submission here (default: print it)")
    read.add_argument("--force", action="store_true", help="overwrite an existing output file")
    template = commands.add_parser("template", help="write a blank submission with every derivation id")
    template.add_argument("out", nargs="?", type=Path, default=Path("submission.py"), help="default: submission.py")
    template.add_argument("--force", action="store_true", help="overwrite an existing file")
    for command in (verify, soak, grade, check, read, template):
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
    args.paths, args.json, args.csv, args.gradescope = [args.path], None, None, None
    args.jobs, args.allow_weak_isolation = 1, False
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
        for target in (args.json, args.csv):
            if target is not None:
                check_file_target(target, paths)
        if args.gradescope is not None:
            (check_folder_target if is_folder_target(args.gradescope, len(paths)) else check_file_target)(
                Path(args.gradescope), paths)
        isolation = choose(args.isolation)
        rubric = load(declared, args.rubric)
    except (RubricError, NothingToGrade, OutputRefused, IsolationUnavailable) as exc:
        raise UsageError(str(exc)) from None
    if not isolation.strong and (len(paths) > 1 or args.gradescope) and not args.allow_weak_isolation:
        raise UsageError(f"only process isolation is available here ({isolation.detail}); it does not contain a hostile "
                         "submission, so grading a class or writing --gradescope with it needs --allow-weak-isolation")
    from checks.engine.oracles import use_one_thread
    from checks.grading.batch import grade_many

    use_one_thread()
    assignments.load(args.assignment)
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
            grades = grade_many(found.entries, args.assignment, rubric, args.jobs, isolation, finished, probing)
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
    if args.json:
        write_text(args.json, as_json(grades, found.skipped))
    if args.csv:
        write_text(args.csv, as_csv(grades, assignments.load(args.assignment)))
    if args.gradescope:
        write_gradescope(grades, assignments.load(args.assignment), rubric, args.gradescope)
    return grades, interrupted


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


COMMANDS = {"verify": _verify, "soak": _soak, "grade": _grade, "check": _check, "read": _read, "template": _template}


def _console() -> Console:
    """The terminal's own width, or 120 columns when the output goes to a file or a pipe."""
    console = Console()
    return console if console.is_terminal else Console(width=120)


if __name__ == "__main__":
    sys.exit(main())
