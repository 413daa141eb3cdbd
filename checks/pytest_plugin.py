"""pytest plugin: `--submission PATH` runs the project's property tests against a submission.

Registered through the `pytest11` entry point. Without the option (or the
GRADJUDGE_SUBMISSION environment variable) the code under test is the project's
own `derivations` package. Heavy imports wait until a test asks for a submission.
"""
from __future__ import annotations

import os

import pytest

ENVIRONMENT_VARIABLE = "GRADJUDGE_SUBMISSION"


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.getgroup("gradjudge").addoption(
        "--submission", metavar="PATH", default=os.environ.get(ENVIRONMENT_VARIABLE),
        help=f"a submission file or package to test instead of the reference derivations (env: {ENVIRONMENT_VARIABLE})")


def pytest_report_header(config: pytest.Config) -> str:
    return f"gradjudge submission: {config.getoption('submission') or 'derivations (reference)'}"


@pytest.fixture(scope="session")
def submission(request: pytest.FixtureRequest):
    """The code under test: the reference derivations, or the sandboxed `--submission`."""
    from checks.submission import reference

    path = request.config.getoption("submission")
    if path is None:
        yield reference()
        return
    from checks import rubric
    from checks.registry import BY_ID
    from checks.sandbox.client import open_submission
    from checks.sandbox.isolation import choose

    with open_submission(path, rubric.load().limits, choose(), frozenset(BY_ID)) as sandboxed:
        if sandboxed.load_error:
            pytest.exit(f"gradjudge: {path} cannot be loaded: {sandboxed.load_error}", returncode=2)
        yield sandboxed


@pytest.fixture
def requires(submission):
    """Call with a derivation id: skips it as not attempted in a submission, fails it in the reference."""
    from checks.submission import REFERENCE_PACKAGE

    def require(id: str) -> None:
        if submission.signature(id) is None:
            if submission.label == REFERENCE_PACKAGE:
                pytest.fail(f"{REFERENCE_PACKAGE} does not define {id}")
            pytest.skip(f"{id}: not attempted")

    return require
