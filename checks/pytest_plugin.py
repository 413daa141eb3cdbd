"""pytest plugin: the code under test, the assignment, and one test per derivation id.

Registered through the `pytest11` entry point. `--assignment NAME` (or
GRADJUDGE_ASSIGNMENT) chooses the assignment (the default one if none);
`--submission PATH` (or GRADJUDGE_SUBMISSION) chooses a sandboxed submission
instead of the assignment's own reference. A test that takes a `derivation`
argument runs once per id of the assignment. A declaration of `checks.testing`
(`gradient(...)`, `function(...)`) passed to `pytest.mark.parametrize` is named
after itself in test ids, and `--hypothesis-profile` may name gradjudge's own
profiles (`dev`, `ci`) in any project.

With `--submission`, pytest runs only the tests a student runs (`checks/student_tests/`
of the installed package), from whatever folder it is started in, on the same
derandomized cases as `gradjudge grade`, and writes nothing where it is run.
"""
from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

SUBMISSION_VARIABLE = "GRADJUDGE_SUBMISSION"
ASSIGNMENT_VARIABLE = "GRADJUDGE_ASSIGNMENT"
STUDENT_TESTS = Path(__file__).resolve().parent / "student_tests"
WARNINGS = ("ignore:`torch.jit.script` is deprecated:DeprecationWarning",)
"""torch's forward-mode AD loads TorchScript decompositions on first use; nothing a student can act on."""
FOLDER_OPTIONS = ("benchmark_storage",)
"""Options of installed plugins that write a folder where pytest runs (pytest-benchmark's `.benchmarks/`); a
student's run points them at a private temporary folder, since it must write nothing there."""


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("gradjudge")
    group.addoption("--submission", metavar="PATH", default=os.environ.get(SUBMISSION_VARIABLE),
                    help=f"a submission file or package to test instead of the reference derivations "
                         f"(env: {SUBMISSION_VARIABLE}); runs only the tests a student runs")
    group.addoption("--assignment", metavar="NAME", default=os.environ.get(ASSIGNMENT_VARIABLE),
                    help=f"the assignment whose derivations are tested (env: {ASSIGNMENT_VARIABLE}; default: the "
                         "installed assignment declared default)")


@pytest.hookimpl(tryfirst=True)
def pytest_configure(config: pytest.Config) -> None:
    for line in WARNINGS:
        config.addinivalue_line("filterwarnings", line)
    _register_named_profile(config)
    if config.getoption("submission") is None:
        _require_references(config.getoption("assignment"))
        return
    if not STUDENT_TESTS.is_dir():
        raise pytest.UsageError(f"pytest --submission runs gradjudge's student tests, {STUDENT_TESTS}, which this "
                                "installation does not have; use `gradjudge check FILE` instead")
    from checks.engine import profiles
    from checks.engine.oracles import use_one_thread

    use_one_thread()
    profiles.private_storage()
    for option in FOLDER_OPTIONS:
        if hasattr(config.option, option):
            setattr(config.option, option, f"file://{profiles.private_folder()}")
    config.args[:] = [str(STUDENT_TESTS)]
    cache = config.rootpath / ".pytest_cache"
    if not cache.exists():
        config.add_cleanup(lambda: shutil.rmtree(cache, ignore_errors=True))


def _require_references(named: str | None) -> None:
    """Without `--submission`, the tests run against the named assignment's reference: it must be installed."""
    if named is None:
        return
    from checks import assignments

    found = assignments.load(named)
    if not found.references_present:
        raise pytest.UsageError(f"--assignment {named}: its reference closed forms ({found.reference}) are not "
                                "installed here, as in a student kit; test your own file with --submission FILE")


def _register_named_profile(config: pytest.Config) -> None:
    """Make `--hypothesis-profile dev|ci|mutation` name gradjudge's profiles in any project (registered before
    hypothesis's own plugin loads the profile; a project that registers a profile of the same name keeps its own)."""
    named = config.getoption("hypothesis_profile", None)
    if named is None:
        return
    from hypothesis import settings
    from hypothesis.errors import InvalidArgument

    try:
        settings.get_profile(named)
    except InvalidArgument:
        from checks.engine import profiles  # registers gradjudge's profiles  # noqa: F401


def pytest_report_header(config: pytest.Config) -> str:
    return (f"gradjudge assignment: {config.getoption('assignment') or 'the default'}; "
            f"submission: {config.getoption('submission') or 'the reference derivations'}")


def pytest_make_parametrize_id(config: pytest.Config, val: object, argname: str) -> str | None:
    """A `checks.testing` declaration's test id is its name (read without importing torch)."""
    if type(val).__module__.startswith("checks.testing.") and isinstance(getattr(val, "name", None), str):
        return val.name
    return None


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """One test per id: of the assignment named (or of a submission's), or, for the references, of every one the
    project under test registers in its pyproject.toml (every one installed, if it registers none) whose references
    are installed."""
    if "derivation" not in metafunc.fixturenames:
        return
    from checks import assignments

    named = metafunc.config.getoption("assignment")
    if named is None and metafunc.config.getoption("submission") is None:
        own = assignments.registered_by(metafunc.config.rootpath)
        chosen = [found for found in map(assignments.load, own or sorted(assignments.known())) if found.references_present]
    else:
        chosen = [assignments.load(named or assignments.default())]
    pairs = [(assignment, entry) for assignment in chosen for entry in assignment.derivations]
    names = [entry.id if len(chosen) == 1 else f"{assignment.name}.{entry.id}" for assignment, entry in pairs]
    metafunc.parametrize(("assignment", "derivation"), pairs, ids=names)


@pytest.fixture(scope="session")
def assignment(request: pytest.FixtureRequest):
    """The assignment `--assignment` names (a test with a `derivation` gets its own)."""
    from checks import assignments

    return assignments.load(request.config.getoption("assignment") or assignments.default())


@pytest.fixture
def grading_profile(request: pytest.FixtureRequest, assignment):
    """For a submission, the rubric's derandomized budget, as `gradjudge grade` uses; else the loaded profile."""
    if request.config.getoption("submission") is None:
        return None
    from checks.grading import rubric

    return rubric.load(assignment).profile


@pytest.fixture(scope="session")
def _sandboxed(request: pytest.FixtureRequest):
    """The `--submission`, opened once for the session in a sandbox, for the one assignment it is tested against."""
    path = request.config.getoption("submission")
    if path is None:
        yield None
        return
    from checks import assignments
    from checks.grading import rubric
    from checks.sandbox.client import open_submission
    from checks.sandbox.isolation import choose

    chosen = assignments.load(request.config.getoption("assignment") or assignments.default())
    from checks.reports.text import printable

    with open_submission(path, rubric.load(chosen).limits, choose(), chosen.ids) as sandboxed:
        if sandboxed.load_error:
            pytest.exit(printable(f"gradjudge: {path} cannot be loaded: {sandboxed.load_error}"), returncode=2)
        if sandboxed.forbidden_imports:
            pytest.exit(printable(f"gradjudge: {path} is refused: it {'; '.join(sandboxed.forbidden_imports)}"),
                        returncode=2)
        yield sandboxed


@pytest.fixture
def submission(_sandboxed, assignment):
    """The code under test: the assignment's reference derivations, or the sandboxed `--submission`."""
    from checks.engine.submission import reference

    return _sandboxed if _sandboxed is not None else reference(assignment)


@pytest.fixture
def requires(submission, assignment):
    """Call with a derivation id: skips it as not attempted in a submission, fails it in the reference.

    A function that is defined but still raises `NotImplementedError` (a
    template's stub) is not attempted either.
    """
    def require(id: str) -> None:
        from checks import tags
        from checks.engine.cases import smallest_case
        from checks.engine.check import refusal
        from checks.engine.oracles import evaluate
        from checks.engine.submission import call_derivation

        signature = submission.signature(id)
        if signature is None:
            if getattr(submission, "is_reference", False):
                pytest.fail(f"{submission.label} does not define {id}")
            pytest.skip(f"{id}: not attempted")
        entry = assignment.by_id[id]
        if signature.problem is None and refusal(entry, signature) is None:
            (outcome,) = call_derivation(submission, entry, [evaluate(smallest_case(entry.context)).arrays])
            if tags.NOT_IMPLEMENTED in outcome.tags:
                pytest.skip(f"{id}: not attempted (it raises NotImplementedError)")

    return require


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo):
    """With `--submission`, a failure reads as `gradjudge grade` explains it, without gradjudge's own frames, and is
    printed as inert text: it quotes what the submission raised."""
    outcome = yield
    report = outcome.get_result()
    if not report.failed or report.longrepr is None or item.config.getoption("submission") is None:
        return
    from checks.reports.text import printable

    if call.when == "call" and call.excinfo is not None and isinstance(call.excinfo.value, AssertionError):
        report.longrepr = _explanation(item, call.excinfo.value)
    report.longrepr = printable(str(report.longrepr))


def _explanation(item: pytest.Item, failure: AssertionError) -> str:
    """The failure's message with `gradjudge grade`'s diagnosis, as `gradjudge check` prints it."""
    from checks.engine.properties import CheckFailed
    from checks.reports.terminal import unicode_math

    entry = item.funcargs.get("derivation")
    if isinstance(failure, CheckFailed) and entry is not None:
        from checks.grading.grade import failed_row

        # A student's run uses the public cases: no course secret.
        row = failed_row(entry, item.funcargs["assignment"], failure, item.funcargs["submission"], 0.0, 0.0, None)
        return f"{entry.id}: {row.status} ({', '.join(row.tags) or 'no tag'})\n{unicode_math(row.message)}"
    message = str(failure).split("\nassert ")[0]
    return f"{getattr(entry, 'id', item.name)}: failed\n{unicode_math(message)}"
