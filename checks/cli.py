"""The `gradjudge` command."""
from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from rich.console import Console

from checks import profiles

ISOLATION_CHOICES = ("auto", "namespaces", "process")


def main(argv: list[str] | None = None) -> int:
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
    grade.add_argument("--rubric", type=Path, metavar="FILE", help="TOML rubric overriding the shipped defaults")
    grade.add_argument("--jobs", type=_positive_int, default=os.cpu_count() or 1,
                       help="submissions graded in parallel (default: the number of cores)")
    grade.add_argument("--isolation", choices=ISOLATION_CHOICES, default="auto",
                       help="how each submission is shut in: namespaces (bubblewrap), process, or auto (the best this "
                            "machine has; default)")
    grade.add_argument("--allow-weak-isolation", action="store_true",
                       help="grade several submissions, or write --gradescope, with only process isolation")
    template = commands.add_parser("template", help="write a blank submission with every derivation id")
    template.add_argument("out", nargs="?", type=Path, default=Path("submission.py"), help="default: submission.py")
    template.add_argument("--force", action="store_true", help="overwrite an existing file")
    args = parser.parse_args(argv)
    from checks.oracles import use_one_thread

    use_one_thread()
    return {"verify": _verify, "soak": _soak, "grade": _grade, "template": _template}[args.command](args)


def _positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"{value} must be at least 1")
    return value


def _entries(args: argparse.Namespace, console: Console) -> list | None:
    from checks.registry import REGISTRY, lookup

    try:
        return lookup(args.ids) if args.ids else list(REGISTRY)
    except KeyError as exc:
        console.print(f"[red]gradjudge {args.command}:[/] {exc.args[0]}", highlight=False)
        return None


def _verify(args: argparse.Namespace) -> int:
    from checks.submission import reference
    from checks.verify import render, verify

    console = _console()
    entries = _entries(args, console)
    if entries is None:
        return 2
    reports = verify(entries, reference(), profiles.PROFILES[args.profile], console)
    render(reports, console)
    return 0 if all(report.failure is None for report in reports) else 1


def _soak(args: argparse.Namespace) -> int:
    from checks.soak import soak

    console = _console()
    entries = _entries(args, console)
    if entries is None:
        return 2
    return soak(entries, args.examples, args.jobs, console)


def _grade(args: argparse.Namespace) -> int:
    from rich.progress import Progress

    from checks.grading import expand, grade_many
    from checks.reports import formats
    from checks.reports.outputs import OutputRefused, check_file_target, check_folder_target, write_text
    from checks.reports.text import literal
    from checks.rubric import RubricError, load
    from checks.sandbox.isolation import IsolationUnavailable, choose

    console = _console()
    try:
        rubric = load(args.rubric)
        paths = expand(args.paths)
        for target in (args.json, args.csv):
            if target is not None:
                check_file_target(target, paths)
        if args.gradescope is not None:
            (check_file_target if len(paths) == 1 and not args.gradescope.is_dir() else check_folder_target)(
                args.gradescope, paths)
        isolation = choose(args.isolation)
    except (RubricError, FileNotFoundError, OutputRefused, IsolationUnavailable) as exc:
        console.print(literal("gradjudge grade: ", "red"), literal(str(exc)), highlight=False)
        return 2
    if not isolation.strong and (len(paths) > 1 or args.gradescope) and not args.allow_weak_isolation:
        console.print(literal("gradjudge grade: ", "red"), literal(
            f"only process isolation is available here ({isolation.detail}); it does not contain a hostile "
            "submission, so grading a class or writing --gradescope with it needs --allow-weak-isolation"))
        return 2
    console.print(literal(isolation.describe() + ("" if isolation.strong else
                  ": contains loops, crashes and memory bombs, not a hostile student"), "dim" if isolation.strong else "yellow"))
    done = []
    with Progress(console=console, transient=True, disable=len(paths) == 1) as progress:
        task = progress.add_task("grading", total=len(paths))

        def finished(grade) -> None:
            done.append(grade)
            progress.advance(task)

        try:
            grades = grade_many(paths, rubric, args.jobs, isolation, finished)
        except KeyboardInterrupt:
            order = {formats.display_path(path): index for index, path in enumerate(paths)}
            grades = sorted(done, key=lambda grade: order.get(grade.path, 0))
            console.print(literal(f"Interrupted: writing the {len(grades)} grade(s) finished so far.", "yellow"))
    for grade in grades:
        formats.print_grade(grade, console)
    if args.json:
        write_text(args.json, formats.as_json(grades))
    if args.csv:
        write_text(args.csv, formats.as_csv(grades))
    if args.gradescope:
        formats.write_gradescope(grades, args.gradescope)
    return 0 if len(grades) == len(paths) else 130


def _template(args: argparse.Namespace) -> int:
    from checks.template import render

    if args.out.exists() and not args.force:
        print(f"gradjudge template: {args.out} exists; pass --force to overwrite it", file=sys.stderr)
        return 2
    args.out.write_text(render())
    print(f"wrote {args.out}")
    return 0


def _console() -> Console:
    """The terminal's own width, or 120 columns when the output goes to a file or a pipe."""
    console = Console()
    return console if console.is_terminal else Console(width=120)


if __name__ == "__main__":
    sys.exit(main())
