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
    grade.add_argument("--gradescope", type=Path, metavar="OUT",
                       help="write Gradescope results.json (a folder of them for several submissions)")
    grade.add_argument("--csv", type=Path, metavar="OUT", help="write one row per submission, one column per id")
    grade.add_argument("--rubric", type=Path, metavar="FILE", help="TOML rubric overriding the assignment's defaults")
    grade.add_argument("--jobs", type=_positive_int, default=os.cpu_count() or 1,
                       help="submissions graded in parallel (default: the number of cores)")
    grade.add_argument("--isolation", choices=ISOLATION_CHOICES, default="auto",
                       help="how each submission is shut in: namespaces (bubblewrap), process, or auto (the best this "
                            "machine has; default)")
    grade.add_argument("--allow-weak-isolation", action="store_true",
                       help="grade several submissions, or write --gradescope, with only process isolation")
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
    for command in (verify, soak, grade, read, template, autograder):
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
    assignments.spec_of(args.assignment)
    from rich.progress import Progress

    from checks.grading.batch import expand, grade_many
    from checks.grading.rubric import RubricError, load
    from checks.reports import formats
    from checks.reports.outputs import OutputRefused, check_file_target, check_folder_target, write_text
    from checks.sandbox.isolation import IsolationUnavailable, choose

    try:
        paths = expand(args.paths)
        for target in (args.json, args.csv):
            if target is not None:
                check_file_target(target, paths)
        if args.gradescope is not None:
            (check_file_target if len(paths) == 1 and not args.gradescope.is_dir() else check_folder_target)(
                args.gradescope, paths)
        isolation = choose(args.isolation)
        assignment = assignments.load(args.assignment)
        rubric = load(assignment, args.rubric)
    except (RubricError, FileNotFoundError, OutputRefused, IsolationUnavailable) as exc:
        raise UsageError(str(exc)) from None
    from checks.engine.oracles import use_one_thread

    use_one_thread()
    if not isolation.strong and (len(paths) > 1 or args.gradescope) and not args.allow_weak_isolation:
        raise UsageError(f"only process isolation is available here ({isolation.detail}); it does not contain a hostile "
                         "submission, so grading a class or writing --gradescope with it needs --allow-weak-isolation")
    console.print(literal(isolation.describe() + ("" if isolation.strong else
                  ": contains loops, crashes and memory bombs, not a hostile student"), "dim" if isolation.strong else "yellow"))
    done = []
    with Progress(console=console, transient=True, disable=len(paths) == 1) as progress:
        task = progress.add_task("grading", total=len(paths))

        def finished(grade) -> None:
            done.append(grade)
            progress.advance(task)

        try:
            grades = grade_many(paths, args.assignment, rubric, args.jobs, isolation, finished)
        except KeyboardInterrupt:
            order = {formats.display_path(path): index for index, path in enumerate(paths)}
            grades = sorted(done, key=lambda grade: order.get(grade.path, 0))
            console.print(literal(f"Interrupted: writing the {len(grades)} grade(s) finished so far.", "yellow"))
    for grade in grades:
        formats.print_grade(grade, assignment, console)
    if args.json:
        write_text(args.json, formats.as_json(grades))
    if args.csv:
        write_text(args.csv, formats.as_csv(grades, assignment))
    if args.gradescope:
        formats.write_gradescope(grades, assignment, args.gradescope)
    return 0 if len(grades) == len(paths) else 130


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


COMMANDS = {"verify": _verify, "soak": _soak, "grade": _grade, "read": _read, "template": _template,
            "autograder": _autograder}


def _console() -> Console:
    """The terminal's own width, or 120 columns when the output goes to a file or a pipe."""
    console = Console()
    return console if console.is_terminal else Console(width=120)


if __name__ == "__main__":
    sys.exit(main())
