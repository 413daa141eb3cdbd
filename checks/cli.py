"""The `gradjudge` command: arguments read and checked here, then handed to the engine.

Every usage error is found before torch is imported: the assignment's name, the
ids, the paths, the rubric and the output targets are checked first. Every error
a user sees is a `GradjudgeError` and is caught here, in one place; the outputs
`grade` writes come from the registry of `checks.reports.formats`.
"""
from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import NoReturn

from rich.console import Console

from checks.statuses import GRADED, NOT_ATTEMPTED, NO_SUBMISSION, PASSED
from checks import assignments
from checks.collection import imported
from checks.engine import profiles
from checks.errors import GradjudgeError
from checks.grading.request import GradeRequest
from checks.process_exit import exit_now
from checks.reports import formats
from checks.reports.text import literal, printable
from checks.sandbox.files import display
from checks.sandbox.isolation import CHOICES as ISOLATION_CHOICES


class UsageError(GradjudgeError):
    """Bad input on the command line; the message says what and why."""


class OutputsNotWritten(GradjudgeError):
    """Outputs that could not be written after grading; each was named, with why, as it failed."""


def run() -> NoReturn:
    """The `gradjudge` command: `main` on the process's arguments, then the process ends with its status, without
    the interpreter's teardown (`checks.process_exit`)."""
    exit_now(main())


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    profiles.private_storage()
    console = _console()
    try:
        if hasattr(args, "assignment"):
            args.assignment = args.assignment or assignments.default()
        return COMMANDS[args.command](args, console)
    except GradjudgeError as problem:
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
    grade = commands.add_parser("grade", help="grade submissions: .py files, notebooks, zips, write-ups, packages, "
                                              "students' folders or a class's export")
    grade.add_argument("paths", nargs="+", metavar="PATH")
    for output in formats.registered().values():
        grade.add_argument(output.flag, metavar="OUT", help=output.help)
        for option in output.options:
            grade.add_argument(option.flag, **option.settings)
    grade.add_argument("--roster", type=Path, metavar="FILE",
                       help="a CSV of the enrolled students (id, name, email, group columns): every one of them gets a "
                            "row, no_submission when the export holds nothing of theirs")
    grade.add_argument("--one-submission", action="store_true",
                       help="a folder given is one student's hand-in of several files, not a class")
    grade.add_argument("--case-secret", type=Path, metavar="FILE",
                       help="the course secret every case is derived from, made on first use; keep it from students "
                            "(default: the rubric's case_secret, else ~/.config/gradjudge/case-secret)")
    grade.add_argument("--jobs", type=_positive_int, default=os.cpu_count() or 1,
                       help="submissions graded in parallel (default: the number of cores)")
    grade.add_argument("--allow-weak-isolation", action="store_true",
                       help="grade several submissions, or write --gradescope, with only process isolation")
    grade.add_argument("--details", action="store_true", help="print every submission's table and explanations, "
                                                             "not only the summary (always, for one submission)")
    cache = commands.add_parser("cache", help="show where the truths store is and how big, or clear it")
    cache.add_argument("action", nargs="?", choices=("show", "clear"), default="show",
                       help="show (default): its folder, entries and size; clear: remove every entry")
    check = commands.add_parser("check", help="grade your own file on the public cases: its table, every explanation, "
                                              "exit 1 if anything is not right")
    check.add_argument("path", metavar="FILE", help="a .py file, a notebook, a write-up, a package folder, or your folder of "
                                                    "them (one hand-in)")
    for command in (grade, check):
        command.add_argument("--rubric", type=Path, metavar="FILE", help="TOML rubric overriding the assignment's defaults")
        command.add_argument("--isolation", choices=ISOLATION_CHOICES, default="auto",
                             help="how each submission is shut in: namespaces (bubblewrap), process, or auto (the best "
                                  "this machine has; default)")
        command.add_argument("--no-cache", action="store_true",
                             help="neither read nor add to the truths store: compute every truth and witness anew")
    report = commands.add_parser("report", help="write the class report (one self-contained HTML page) from a "
                                                "grades file of gradjudge grade --json")
    report.add_argument("grades", type=Path, metavar="GRADES", help="a grades file that gradjudge grade --json wrote")
    report.add_argument("-o", "--output", type=Path, metavar="OUT", required=True, help="the HTML file to write")
    html = formats.registered()["html"]
    for option in html.options:
        report.add_argument(option.flag, **option.settings)
    read = commands.add_parser("read", help="read a Markdown/LaTeX write-up into a submission file")
    read.add_argument("writeup", type=Path, metavar="WRITEUP", help="a .md, .tex or .txt write-up")
    read.add_argument("-o", "--output", type=Path, metavar="OUT", help="write the submission here (default: print it)")
    read.add_argument("--force", action="store_true", help="overwrite an existing output file")
    template = commands.add_parser("template", help="write a blank submission with every derivation id")
    template.add_argument("out", nargs="?", type=Path, default=Path("submission.py"), help="default: submission.py")
    template.add_argument("--force", action="store_true", help="overwrite an existing file")
    autograder = commands.add_parser("autograder", help="write a Gradescope autograder zip that grades one upload per container")
    autograder.add_argument("--rubric", type=Path, metavar="FILE",
                            help="TOML rubric to grade with, checked now (default: the assignment's default points)")
    autograder.add_argument("-o", "--output", type=Path, required=True, metavar="ZIP", help="where to write the zip")
    autograder.add_argument("--submission-name", metavar="NAME",
                            help="the file or package folder students upload, such as homework.py (default: the upload's one "
                                 ".py file, package folder or write-up)")
    autograder.add_argument("--force", action="store_true", help="overwrite an existing zip")
    autograder.add_argument("--allow-process-isolation", action="store_true",
                            help="let the zip grade where the image gives only process isolation, in which an upload "
                                 "can rewrite its own results and read the zip's files, its course secret among them, "
                                 "so that every case of the course can be learnt (give such a zip a --case-secret of its "
                                 "own; default: it refuses to grade there and tells staff why)")
    autograder.add_argument("--case-secret", type=Path, metavar="FILE",
                            help="the course secret written into the zip, which every case is derived from (default: "
                                 "the rubric's case_secret, else ~/.config/gradjudge/case-secret, made on first use)")
    kit = commands.add_parser("kit", help="build what students install to check their work: a wheel of the course's "
                                          "assignment package without its reference closed forms, catalog or secrets")
    kit.add_argument("-o", "--output", type=Path, required=True, metavar="FOLDER",
                     help="the folder to write the wheel into (made if missing)")
    kit.add_argument("--force", action="store_true", help="overwrite an existing wheel")
    commands.add_parser("isolation", help="say how this machine would shut submissions in; exit 0 where it contains a "
                                          "hostile submission (namespaces), 1 where it does not (process)")
    for command in (verify, soak, grade, check, read, template, autograder, kit):
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
    imported(("checks.engine.verify",))
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

    assignment, entries = _selected(args)
    assignment.reference_module()
    return soak(args.assignment, entries, args.examples, args.jobs, console)


def _grade(args: argparse.Namespace, console: Console) -> int:
    outputs = {name: getattr(args, name) for name in formats.registered() if getattr(args, name) is not None}
    _, interrupted = _graded(GradeRequest.from_options(args, outputs=outputs), console)
    return 130 if interrupted else 0


def _check(args: argparse.Namespace, console: Console) -> int:
    """`grade` for one submission (a folder given is the author's own hand-in of several files, never a class), for
    its author, on the public cases: the table and every explanation, and exit 1 if anything is not right."""
    request = GradeRequest.from_options(args, outputs={}, paths=(args.path,), one_submission=True, public_cases=True,
                                        details=True)
    grades, interrupted = _graded(request, console)
    wrong = [row.id for grade in grades for row in grade.derivations if row.status not in (PASSED, NOT_ATTEMPTED)]
    return 130 if interrupted else 1 if wrong or any(grade.status != GRADED for grade in grades) else 0


def _grade_found(request: GradeRequest, found, rubric, isolation, started, console: Console):
    """Grade what discovery `found` (its one submission perhaps `started` already), with a progress bar for a class:
    the grades, and whether grading was interrupted (then the grades finished by then)."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    from checks.engine.oracles import use_one_thread
    from checks.grading.batch import grade_many

    use_one_thread()
    store = None if request.no_cache else _store(console)
    console.print(literal(isolation.describe() + ("" if isolation.strong else
                  ": contains loops, crashes and memory bombs, not a hostile student"), "dim" if isolation.strong else "yellow"))
    done, interrupted = [], False
    columns = (TextColumn("{task.description}", markup=False), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
    submitted = sum(entry.status != NO_SUBMISSION for entry in found.entries)
    with Progress(*columns, console=console, transient=True, disable=submitted == 1) as progress:
        task = progress.add_task("grading", total=submitted)

        def probing(count: int) -> None:
            progress.update(task, description=f"waiting out the slow calls of {count} submissions together")

        def finished(grade) -> None:
            done.append(grade)
            progress.update(task, advance=1, description=f"graded {printable(grade.name)}")

        try:
            grades = grade_many(found.entries, request.assignment, rubric, request.jobs, isolation, finished, probing,
                                store=store, started=started)
        except KeyboardInterrupt:
            order = {entry.name: index for index, entry in enumerate(found.entries)}
            grades, interrupted = sorted(done, key=lambda grade: order.get(grade.name, 0)), True
            console.print(literal(f"Interrupted: writing the {len(grades)} grade(s) finished so far.", "yellow"))
    return grades, interrupted


def _graded(request: GradeRequest, console: Console):
    """Check every argument and target, grade, print and write: the grades, and whether grading was interrupted.

    Cases come from the course secret (`course_secret`), or for a request of
    `public_cases` from the public stream.
    """
    assignments.spec_of(request.assignment)
    from checks.grading.discovery import discover
    from checks.grading.roster import read_roster
    from checks.grading.rubric import load
    from checks.reports import terminal
    from checks.reports.formats import Written
    from checks.sandbox.isolation import choose

    declared = assignments.declared(request.assignment)
    roster = None if request.roster is None else read_roster(request.roster)
    found = discover(list(request.paths), declared.ids, roster=roster, one_submission=request.one_submission)
    paths = [entry.path for entry in found.entries if entry.status != NO_SUBMISSION]
    rubric = load(declared, request.rubric)
    chosen = _outputs(request, paths, found.rows, _inputs(request, rubric))
    isolation = choose(request.isolation)
    if not isolation.strong and (len(paths) > 1 or "gradescope" in chosen) and not request.allow_weak_isolation:
        raise UsageError(f"only process isolation is available here ({isolation.detail}); it does not contain a hostile "
                         "submission, so grading a class or writing --gradescope with it needs --allow-weak-isolation")
    prepared = {name: output.prepare(request.options, console) for name, output in chosen.items()}
    rubric = rubric if request.public_cases else _with_case_secret(rubric, request.case_secret, console)
    from checks.grading.startup import started_while_importing

    with started_while_importing(found.entries, declared.ids, rubric.limits, isolation,
                                 modules=("checks.grading.batch",)) as started:
        grades, interrupted = _grade_found(request, found, rubric, isolation, started, console)
    assignment = assignments.load(request.assignment)
    if len(grades) > 1:
        terminal.print_summary(grades, found.skipped, console, found.skipped_more)
    if request.details or len(grades) == 1:
        for grade in grades:
            terminal.print_details(grade, console)
        if len(grades) == 1:
            terminal.print_skipped(found.skipped, console, found.skipped_more)
    written = Written(grades, assignment, rubric, None if request.rubric is None else display(request.rubric),
                      found.skipped, found.skipped_more, found.layout, request.options, found.rows)
    _write_outputs(chosen, request.outputs, written, prepared, console)
    return grades, interrupted


def _write_outputs(chosen: dict, targets: dict[str, str], written, prepared: dict, console: Console) -> None:
    """Write every output asked for, each whether or not another could be written; then refuse, naming each that
    could not (a fault of gradjudge's own also with its traceback, to be reported)."""
    failed = []
    for name, output in chosen.items():
        try:
            output.write(targets[name], written, prepared[name])
        except Exception as problem:
            failed.append(f"{output.flag} {display(Path(targets[name]))}")
            console.print(literal(f"{output.flag} {display(Path(targets[name]))} was not written: {problem}", "red"),
                          highlight=False)
            if not isinstance(problem, (GradjudgeError, OSError)):
                console.print_exception()
    if failed:
        raise OutputsNotWritten(f"{len(failed)} of {len(chosen)} outputs not written ({', '.join(failed)}), for the "
                                "reasons above; every other output was written")


def _inputs(request: GradeRequest, rubric) -> list[tuple[str, Path]]:
    """The files besides the submissions that the run reads, which no output may overwrite: the roster, the rubric,
    the case secret, the default course secret and pseudonym key, and any file a format's own option names (such as
    --pseudonym-key)."""
    from checks.grading import course_secret
    from checks.reports.pseudonyms import default_key_file

    named = [("the roster", request.roster), ("the rubric", request.rubric),
             ("the case secret", request.case_secret or rubric.case_secret_file),
             ("the default case secret", course_secret.default_file()),
             ("the default pseudonym key", default_key_file())]
    named += [(f"the {option.flag} file", getattr(request.options, option.dest, None))
              for name, output in formats.registered().items() if name in request.outputs
              for option in output.options if option.settings.get("type") is Path]
    return [(what, path) for what, path in named if path is not None]


def _outputs(request: GradeRequest, submissions: list[Path], rows: int, inputs: list[tuple[str, Path]]) -> dict:
    """The output formats asked for, each target checked before any work; a format's own option given without the
    format, two formats writing the same file, a target that is one of the run's `inputs`, and a format whose
    libraries are missing are refused. A folder format's target is a file or a folder as the run's `rows` decide."""
    from checks.reports.outputs import check_file_target, check_folder_target

    registered = formats.registered()
    for name, output in registered.items():
        for option in output.options:
            default = option.settings.get("default", False if option.settings.get("action") == "store_true" else None)
            if name not in request.outputs and getattr(request.options, option.dest, default) != default:
                raise UsageError(f"{option.flag} goes with {output.flag} OUT; give {output.flag} OUT too")
    chosen = {name: registered[name] for name in request.outputs}
    resolved: dict[Path, str] = {}
    for name, output in chosen.items():
        target = Path(request.outputs[name])
        if target.resolve() in resolved:
            raise UsageError(f"--{resolved[target.resolve()]} and --{name} name the same file ({display(target)}); "
                             "give each its own")
        resolved[target.resolve()] = name
        _require_libraries(output)
        folder = output.folder_target(request.outputs[name], rows)
        (check_folder_target if folder else check_file_target)(target, submissions, inputs)
    return chosen


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
    from checks.reports.formats import Written
    from checks.reports.outputs import check_file_target

    if args.output.resolve() == args.grades.resolve():
        raise UsageError(f"-o {display(args.output)} would overwrite the grades file; name another file")
    check_file_target(args.output, [args.grades])
    found = grades_file.load(args.grades)
    assignment = assignments.declared(found.assignment)
    found.check_ids(assignment.ids)
    html = formats.registered()["html"]
    _require_libraries(html)
    key = html.prepare(args, console)
    written = Written(found.grades, assignment, None, found.rubric_file, [], 0, None, args, len(found.grades))
    html.write(str(args.output), written, key)
    console.print(literal(f"wrote {args.output}: the class report of {len(found.grades)} submission(s) of "
                          f"{assignment.name}{', under pseudonyms' if key else ''}"), highlight=False)
    return 0


def _require_libraries(output: formats.OutputFormat) -> None:
    """Refuse, before any work, an output whose libraries are not installed, saying how to install them."""
    import importlib.util

    missing = [module for module in output.libraries if importlib.util.find_spec(module) is None]
    if missing:
        raise UsageError(f"{output.flag} needs {' and '.join(missing)}: pip install 'gradjudge[report]'")


def _with_case_secret(rubric, given: Path | None, console: Console):
    """`rubric` with the course secret its cases come from (made, and said so, on first use); the line says which."""
    from checks.grading import course_secret

    try:
        chosen = course_secret.choose(rubric, given)
    except OSError as problem:
        raise UsageError(f"case secret {display(given or rubric.case_secret_file or course_secret.default_file())}: "
                         f"{problem}") from None
    if chosen.made:
        console.print(literal(f"made the case secret {display(chosen.path)}: keep it from students, and keep it to "
                              "grade on the same cases next time", "yellow"), highlight=False)
    console.print(literal(f"cases: from the course secret {display(chosen.path)} (fingerprint "
                          f"{chosen.rubric.secret.fingerprint})", "dim"), highlight=False)
    return chosen.rubric


def _read(args: argparse.Namespace, console: Console) -> int:
    assignments.spec_of(args.assignment)
    from checks.reports.outputs import check_file_target, write_text
    from checks.sandbox.files import read_text
    from checks.writeup.isolated import read_isolated

    if args.output is not None:
        if args.output.exists() and not args.force:
            raise UsageError(f"{args.output} exists; pass --force to overwrite it")
        check_file_target(args.output, [args.writeup])
    try:
        result = read_isolated(read_text(args.writeup), assignments.spec_of(args.assignment), args.writeup.name)
    except GradjudgeError as problem:
        raise UsageError(f"{display(args.writeup)}: {problem}") from None
    if args.output is None:
        sys.stdout.write(printable(result.source))
    else:
        write_text(args.output, result.source)
        console.print(literal(f"wrote {args.output}"))
    for id, provenance in result.provenance.items():
        console.print(literal(f"read {id}: {provenance.cite()}; {', '.join(provenance.readings) or 'as written'}"),
                      highlight=False)
    for item in result.not_read:
        console.print(literal(f"not read{' ' + item.id if item.id else ''}: {item.quote.cite()}: {item.reason}",
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
    from checks.reports.autograder import write_autograder

    made = write_autograder(output=args.output, rubric=args.rubric, assignment=args.assignment,
                            submission_name=args.submission_name, force=args.force,
                            allow_process_isolation=args.allow_process_isolation, case_secret=args.case_secret)
    if made.secret.made:
        console.print(literal(f"made the case secret {display(made.secret.path)}: keep it from students; grade with it "
                              "to grade on the zip's cases", "yellow"), highlight=False)
    settings = made.settings
    console.print(literal(f"wrote {args.output}: gradjudge {settings['gradjudge']} grading {made.assignment} out of "
                          f"{made.max_score:g}; students upload "
                          f"{settings['submission_name'] or 'one .py file, package folder or write-up'}"), highlight=False)
    if settings["allow_process_isolation"]:
        console.print(literal("it grades even where the image gives only process isolation, in which an upload can "
                              "rewrite its own results", "yellow"), highlight=False)
    return 0


def _kit(args: argparse.Namespace, console: Console) -> int:
    from checks.kit import build_kit

    made = build_kit(assignment=args.assignment, output=args.output, force=args.force)
    console.print(literal(f"wrote {display(made.wheel)}: the kit of {made.assignment}, {len(made.files)} files, without "
                          f"{', '.join(made.left_out)}; students install it with `pip install {made.wheel.name}` beside "
                          f"gradjudge, then use --assignment {made.assignment}"), highlight=False)
    return 0


def _isolation(args: argparse.Namespace, console: Console) -> int:
    from checks.sandbox.isolation import choose

    found = choose()
    console.print(literal(found.describe()), highlight=False)
    return 0 if found.strong else 1


COMMANDS = {"verify": _verify, "soak": _soak, "grade": _grade, "check": _check, "report": _report, "read": _read,
            "template": _template, "autograder": _autograder, "kit": _kit, "isolation": _isolation, "cache": _cache}


def _console() -> Console:
    """The terminal's own width (or `COLUMNS`, if set), else 120 columns when the output goes to a file or a pipe."""
    console = Console()
    return console if console.is_terminal or "COLUMNS" in os.environ else Console(width=120)


if __name__ == "__main__":
    run()
