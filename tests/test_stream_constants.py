"""A case stream depends on its declaration and secret, not on the literals of whatever modules are imported.

Hypothesis (since 6.131) sometimes draws a number from the literals of the
"local" modules a process has imported; the engine draws its streams without
them (`profiles.without_local_constants`), so that the same course gets the
same cases whichever modules a command imported first and however gradjudge
was installed.
"""
from __future__ import annotations

import importlib.util
import sys

import pytest
from hypothesis import settings

from checks import assignments
from checks.engine import profiles, properties

HW1 = assignments.load("hw1")
PROFILE = settings(profiles.PROFILES["ci"], max_examples=300)
"""Enough examples that some seeds come from hypothesis's pools of constants (5% of draws, half of them local)."""

LITERALS = "\n".join([
    "WIDE = [" + ", ".join(str(n) for n in (2**31 - 1, 2**32 + 7, 123456789, 987654321, 10**12 + 3, 2**62 - 5)) + "]",
    "MIDDLE = [" + ", ".join(str(n) for n in range(101, 400)) + "]",
    "SCALES = [" + ", ".join(f"{n / 7:.6f}" for n in range(1, 300)) + "]",
    "NAMES = [" + ", ".join(f"'name{n}'" for n in range(100)) + "]",
])
"""A module of the kind hypothesis mines (under its 1,024 literals; small integers it skips): numbers a seed or a
size could be, floats and strings."""


def _stream(context) -> list:
    return [case.key for case in properties._drawn(context, PROFILE, None, None)]


@pytest.fixture
def local_module(tmp_path):
    """A module full of literals, imported from a folder of its own, as a user's project module would be."""
    folder = tmp_path / "project"
    folder.mkdir()
    path = folder / "many_literals.py"
    path.write_text(LITERALS + "\n")
    spec = importlib.util.spec_from_file_location("many_literals", path)
    module = importlib.util.module_from_spec(spec)
    sys.modules["many_literals"] = module
    spec.loader.exec_module(module)
    yield module
    del sys.modules["many_literals"]


def test_a_stream_is_the_same_whatever_modules_are_imported(local_module):
    context = HW1.contexts[0]
    del sys.modules["many_literals"]
    before = _stream(context)
    sys.modules["many_literals"] = local_module
    assert _stream(context) == before


def test_hypothesis_keeps_its_own_behaviour_outside_the_engines_draws(local_module):
    from hypothesis.internal.conjecture import providers

    collect = providers._get_local_constants
    _stream(HW1.contexts[0])
    assert providers._get_local_constants is collect
    assert 123456789 in collect().integers, "outside the engine's draws, hypothesis still reads local modules"
