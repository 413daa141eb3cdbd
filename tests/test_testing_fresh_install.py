"""A fresh project that only pip installs gradjudge can use `checks.testing` from pytest.

The machine has no network but the package registries, and PyTorch's wheel
takes minutes to install, so the project's dependencies are not installed
again: a new virtual environment (no system site-packages) sees the ones of
the environment running this test through a `.pth` file pointing at a folder
of links to them (gradjudge's own installation left out; pip and setuptools come from there too). gradjudge itself is
`pip install`ed into it from a copy of this checkout: a real, non-editable
install, whose pytest plugin is registered by its entry point. pytest then runs
in a folder of its own, outside the checkout, on a test file that uses
`checks.testing`: first with PyTorch left out of the links (the module is
skipped with the reason), then with it (every test passes, and `checks` is the
installed copy).
"""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
import sysconfig
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OWN = ("gradjudge", "__editable__", "checks", "derivations")
TORCH = ("torch", "functorch", "torchgen")
USER_TESTS = '''
from checks.testing import assert_function, assert_gradient

import checks
import numpy as np
import torch


def test_installed_copy_with_its_plugin(pytestconfig):
    assert checks.__file__.startswith({venv!r}), checks.__file__
    assert pytestconfig.pluginmanager.has_plugin("gradjudge")


def test_a_closed_form():
    assert_gradient(lambda x, dy: dy * (1 - np.tanh(x) ** 2), lambda x: torch.tanh(x),
                    shapes={{"batch": (1, 4), "d": (1, 4)}}, inputs={{"x": ("batch", "d")}}, examples=10)


class Square(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return x * x

    @staticmethod
    def backward(ctx, dy):
        (x,) = ctx.saved_tensors
        return 2 * x * dy


def test_a_function():
    assert_function(Square, reference=lambda x: x * x, shapes={{"batch": (1, 4)}}, inputs={{"x": ("batch",)}},
                    examples=10)
'''


def run(command: list[str], cwd: Path, **extra) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "HYPOTHESIS_PROFILE", "VIRTUAL_ENV")}
    env["PIP_NO_INDEX"] = "1"
    return subprocess.run(command, cwd=cwd, capture_output=True, text=True, env={**env, **extra}, timeout=600)


def link_dependencies(into: Path, *, with_torch: bool) -> None:
    """Links to every package of this environment but gradjudge's own (and, unless asked, PyTorch's)."""
    into.mkdir(exist_ok=True)
    for entry in Path(sysconfig.get_paths()["purelib"]).iterdir():
        name = entry.name
        if name.endswith(".pth") or name.startswith(OWN) or (name.startswith(TORCH) and not with_torch):
            continue
        if not (into / name).exists():
            (into / name).symlink_to(entry)


def test_a_fresh_project_uses_it_from_pytest(tmp_path):
    source = tmp_path / "gradjudge"
    shutil.copytree(ROOT, source, ignore=shutil.ignore_patterns(".git", "*.egg-info", "build", "__pycache__",
                                                                 ".hypothesis", ".pytest_cache", "mutants", "*.png"))
    venv = tmp_path / "venv"
    made = run([sys._base_executable, "-m", "venv", "--without-pip", str(venv)], tmp_path)
    assert made.returncode == 0, made.stderr
    python = venv / "bin" / "python"
    site = Path(run([str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                    tmp_path).stdout.strip())
    links = tmp_path / "dependencies"
    link_dependencies(links, with_torch=False)
    (site / "dependencies.pth").write_text(f"{links}\n")
    installed = run([str(python), "-m", "pip", "install", "--no-deps", "--no-build-isolation", "-q", str(source)],
                    tmp_path)
    assert installed.returncode == 0, installed.stdout + installed.stderr

    project = tmp_path / "project"
    project.mkdir()
    (project / "test_backward.py").write_text(USER_TESTS.format(venv=str(venv)))
    without = run([str(python), "-m", "pytest", "-q", "-rs", "-p", "no:cacheprovider"], project)
    assert without.returncode == 5, without.stdout + without.stderr  # no test ran: the module was skipped
    assert "1 skipped" in without.stdout and "checks.testing needs PyTorch" in without.stdout

    link_dependencies(links, with_torch=True)
    done = run([str(python), "-m", "pytest", "-q", "-p", "no:cacheprovider"], project)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "3 passed" in done.stdout
