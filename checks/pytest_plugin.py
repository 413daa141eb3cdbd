"""pytest plugin: the code under test, the assignment, and one test per derivation id.

Registered through the `pytest11` entry point. `--assignment NAME` (or
GRADJUDGE_ASSIGNMENT) chooses the assignment (the default one if none); `--submission PATH`
(or GRADJUDGE_SUBMISSION) chooses a sandboxed submission instead of the
assignment's own reference. A test that takes a `derivation` argument runs once
per id of the assignment. Heavy imports wait until a test asks for them.
"""
from __future__ import annotations

import os

import pytest

SUBMISSION_VARIABLE = "GRADJUDGE_SUBMISSION"
ASSIGNMENT_VARIABLE = "GRADJUDGE_ASSIGNMENT"


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("gradjudge")
    group.addoption("--submission", metavar="PATH", default=os.environ.get(SUBMISSION_VARIABLE),
                    help=f"a submission file or package to test instead of the reference derivations "
                         f"(env: {SUBMISSION_VARIABLE})")
    group.addoption("--assignment", metavar="NAME", default=os.environ.get(ASSIGNMENT_VARIABLE),
                    help=f"the assignment whose derivations are tested (env: {ASSIGNMENT_VARIABLE}; default: the "
                         "installed assignment declared default)")


def pytest_report_header(config: pytest.Config) -> str:
    return (f"gradjudge assignment: {config.getoption('assignment') or 'the default'}; "
            f"submission: {config.getoption('submission') or 'the reference derivations'}")


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if "derivation" in metafunc.fixturenames:
        from checks import assignments

        chosen = assignments.load(metafunc.config.getoption("assignment") or assignments.default())
        metafunc.parametrize("derivation", chosen.derivations, ids=[entry.id for entry in chosen.derivations])


@pytest.fixture(scope="session")
def assignment(request: pytest.FixtureRequest):
    """The assignment `--assignment` names."""
    from checks import assignments

    return assignments.load(request.config.getoption("assignment") or assignments.default())


@pytest.fixture(scope="session")
def submission(request: pytest.FixtureRequest, assignment):
    """The code under test: the assignment's reference derivations, or the sandboxed `--submission`."""
    from checks.engine.submission import reference

    path = request.config.getoption("submission")
    if path is None:
        yield reference(assignment)
        return
    from checks.grading import rubric
    from checks.sandbox.client import open_submission
    from checks.sandbox.isolation import choose

    with open_submission(path, rubric.load(assignment).limits, choose(), assignment.ids) as sandboxed:
        if sandboxed.load_error:
            pytest.exit(f"gradjudge: {path} cannot be loaded: {sandboxed.load_error}", returncode=2)
        yield sandboxed


@pytest.fixture
def requires(submission):
    """Call with a derivation id: skips it as not attempted in a submission, fails it in the reference."""

    def require(id: str) -> None:
        if submission.signature(id) is None:
            if getattr(submission, "is_reference", False):
                pytest.fail(f"{submission.label} does not define {id}")
            pytest.skip(f"{id}: not attempted")

    return require
