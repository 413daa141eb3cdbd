"""`checks.testing` under pytest, run as a user runs it: pytest in a folder of its own, on a test file of its own.

Each test writes a small project into a temporary folder and runs pytest there
in a subprocess (no gradjudge conftest, no checkout on the path but the
installed package): test ids named after declarations, the hypothesis profile
and seed given on pytest's command line honoured, a module skipped with its
reason where torch cannot be imported, and a failure reported with its
diagnosis and without gradjudge's own frames.
"""
from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

DECLARATIONS = '''
import numpy as np
import torch
import torch.nn.functional as F

from checks.testing import gradient, parametrize


def linear(x, W, b):
    return F.linear(x, W, b)


def right(x, W, dy):
    return {"x": dy @ W, "W": dy.T @ x, "b": dy.sum(0)}


def transposed(x, W, dy):
    return {"x": dy @ W, "W": x.T @ dy, "b": dy.sum(0)}


SHAPES = {"batch": (1, 6), "d_in": (1, 5), "d_out": (1, 5)}
INPUTS = {"x": ("batch", "d_in"), "W": ("d_out", "d_in"), "b": ("d_out",)}
DECLARATIONS = [gradient(right, linear, shapes=SHAPES, inputs=INPUTS),
                gradient(transposed, linear, shapes=SHAPES, inputs=INPUTS)]
'''


def pytest_in(folder: Path, *arguments: str, prelude: str = "") -> subprocess.CompletedProcess:
    """pytest run in `folder` by this interpreter, with the environment's hypothesis profile variable removed."""
    env = {k: v for k, v in os.environ.items() if k not in ("HYPOTHESIS_PROFILE", "PYTHONPATH")}
    code = f"{prelude}import pytest, sys; sys.exit(pytest.main({list(arguments)!r}))"
    return subprocess.run([sys.executable, "-c", code], cwd=folder, capture_output=True, text=True, env=env,
                          timeout=600)


def project(tmp_path: Path, tests: str, conftest: str = "") -> Path:
    (tmp_path / "test_backward.py").write_text(DECLARATIONS + textwrap.dedent(tests))
    if conftest:
        (tmp_path / "conftest.py").write_text(textwrap.dedent(conftest))
    return tmp_path


def test_declarations_name_their_tests_both_through_parametrize_and_pytest_mark(tmp_path):
    folder = project(tmp_path, '''
        import pytest

        @parametrize(DECLARATIONS)
        def test_ours(declaration):
            declaration.run()

        @pytest.mark.parametrize("check", DECLARATIONS)
        def test_pytest_mark(check):
            check.run()
        ''')
    done = pytest_in(folder, "--collect-only", "-q", "-p", "no:cacheprovider")
    assert done.returncode == 0, done.stdout + done.stderr
    for expected in ("test_ours[right]", "test_ours[transposed]", "test_pytest_mark[right]",
                     "test_pytest_mark[transposed]"):
        assert expected in done.stdout


def test_a_failure_reads_like_assert_close_with_the_diagnosis_and_no_gradjudge_frames(tmp_path):
    folder = project(tmp_path, '''
        def test_transposed():
            from checks.testing import assert_gradient
            assert_gradient(transposed, linear, shapes=SHAPES, inputs=INPUTS)
        ''')
    done = pytest_in(folder, "-q", "-p", "no:cacheprovider", "--hypothesis-profile=default")
    assert done.returncode == 1
    assert "GradientMismatch: transposed: 1 of 3 checks failed" in done.stdout
    assert "It is the transpose of the truth" in done.stdout
    assert "checks/testing/declarations.py" not in done.stdout and "checks/engine" not in done.stdout


def test_the_profile_named_on_the_command_line_sets_the_number_of_cases(tmp_path):
    folder = project(tmp_path, '''
        def test_three_cases():
            checked = DECLARATIONS[0].run()
            assert [report.examples for report in checked.reports] == [3, 3, 3]
        ''', conftest='''
        from hypothesis import settings
        settings.register_profile("three", max_examples=3, derandomize=True, database=None)
        ''')
    done = pytest_in(folder, "-q", "-p", "no:cacheprovider", "--hypothesis-profile=three")
    assert done.returncode == 0, done.stdout + done.stderr


def test_gradjudges_own_profiles_can_be_named_in_any_project(tmp_path):
    folder = project(tmp_path, '''
        def test_ci_cases():
            checked = DECLARATIONS[0].run()
            assert [report.examples for report in checked.reports] == [100, 100, 100]
        ''')
    done = pytest_in(folder, "-q", "-p", "no:cacheprovider", "--hypothesis-profile=ci")
    assert done.returncode == 0, done.stdout + done.stderr


def test_the_seed_given_to_pytest_chooses_the_cases(tmp_path):
    """The model writes down every input shape it is evaluated on: the same seed, the same cases; another, others."""
    folder = project(tmp_path, '''
        import os
        from checks.testing import assert_gradient

        def logged(x, W, b):
            with open(os.environ["SHAPES_LOG"], "a") as log:
                log.write(f"{tuple(x.shape)} {tuple(W.shape)}\\n")
            return linear(x, W, b)

        def test_logged():
            assert_gradient(right, logged, shapes=SHAPES, inputs=INPUTS, examples=8, name="right")
        ''')
    logs = []
    for run, seed in enumerate((11, 11, 12)):
        log = tmp_path / f"shapes{run}.log"
        done = pytest_in(folder, "-q", "-p", "no:cacheprovider", "--hypothesis-profile=default",
                         f"--hypothesis-seed={seed}", prelude=f"import os; os.environ['SHAPES_LOG'] = {str(log)!r}; ")
        assert done.returncode == 0, done.stdout + done.stderr
        logs.append(log.read_text())
    assert logs[0] == logs[1]
    assert logs[0] != logs[2]


def test_a_module_importing_it_is_skipped_with_the_reason_where_torch_is_absent(tmp_path):
    (tmp_path / "test_needs_torch.py").write_text("from checks.testing import assert_gradient\n\n\n"
                                                  "def test_never_runs():\n    assert False\n")
    done = pytest_in(tmp_path, "-q", "-rs", "-p", "no:cacheprovider", prelude="import sys; sys.modules['torch'] = None; ")
    assert done.returncode == 5, done.stdout + done.stderr  # no test ran, as with pytest.importorskip
    assert "1 skipped" in done.stdout
    assert "checks.testing needs PyTorch" in done.stdout
    assert "SKIPPED [1] test_needs_torch.py" in done.stdout


def test_outside_pytest_a_missing_torch_is_an_import_error_saying_why():
    done = subprocess.run([sys.executable, "-c", "import sys; sys.modules['torch'] = None; import checks.testing"],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 1
    assert "ImportError: checks.testing needs PyTorch" in done.stderr
