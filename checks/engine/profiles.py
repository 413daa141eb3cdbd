"""Hypothesis profiles, chosen by the HYPOTHESIS_PROFILE environment variable.

No profile has a deadline: these machines are shared and noisy, and time is
measured by the benchmark scripts, never asserted by a test.
"""
from __future__ import annotations

import atexit
import contextlib
import os
import shutil
import tempfile
from collections.abc import Iterator

from hypothesis import HealthCheck, Phase, settings
from hypothesis.configuration import set_hypothesis_home_dir

STORAGE_VARIABLE = "HYPOTHESIS_STORAGE_DIRECTORY"

PHASES = (Phase.explicit, Phase.reuse, Phase.generate, Phase.target, Phase.shrink)
"""Every phase but `explain`, whose list of the checker's own lines says nothing about a derivation."""

PROFILES = {
    "dev": settings(max_examples=20, deadline=None, phases=PHASES),
    "ci": settings(max_examples=100, derandomize=True, deadline=None, database=None, phases=PHASES,
                   suppress_health_check=[HealthCheck.too_slow]),
    # mutmut runs the property tests once per mutant: a small derandomized budget, and no
    # shrinking, since a killed mutant needs no minimal example.
    "mutation": settings(max_examples=15, derandomize=True, deadline=None, database=None,
                         phases=(Phase.explicit, Phase.generate), suppress_health_check=[HealthCheck.too_slow]),
}
DEFAULT = "dev"

for _name, _settings in PROFILES.items():
    settings.register_profile(_name, _settings)


def load_from_environment() -> str:
    """Load the profile named by HYPOTHESIS_PROFILE (default `dev`) and return its name."""
    name = os.environ.get("HYPOTHESIS_PROFILE", DEFAULT)
    if name not in PROFILES:
        raise SystemExit(f"HYPOTHESIS_PROFILE={name!r}, but the profiles are {', '.join(PROFILES)}")
    settings.load_profile(name)
    return name


def private_storage() -> None:
    """Keep hypothesis's own files (`.hypothesis/`) out of the current folder: in a temporary one, removed at exit.

    Grading and checking a student's file must write nothing where they are run
    but the outputs asked for. Processes this one starts inherit the folder.
    """
    if os.environ.get(STORAGE_VARIABLE, "").startswith(tempfile.gettempdir()):
        set_hypothesis_home_dir(os.environ[STORAGE_VARIABLE])
        return
    folder = private_folder()
    os.environ[STORAGE_VARIABLE] = folder
    set_hypothesis_home_dir(folder)


def private_folder() -> str:
    """A new temporary folder of this process's own, removed at exit."""
    folder = tempfile.mkdtemp(prefix="gradjudge-")
    atexit.register(shutil.rmtree, folder, ignore_errors=True)
    return folder


@contextlib.contextmanager
def without_local_constants() -> Iterator[None]:
    """Hypothesis drawing, until the block ends, as if no module of this process had constants of its own.

    Since 6.131, when hypothesis draws a number it sometimes (5% of draws) takes
    one of the literals in the source of the "local" modules this process has
    imported: not installed in site-packages, not the standard library. Which
    modules those are depends on how gradjudge was installed (a checkout or
    `pip install -e` makes its own source local, a wheel does not), on which
    modules a command happened to import before the draw, and, in a pytest run,
    on the code under test; reading them parses every such file (about 0.3 s).
    A derandomized case stream must depend on the course secret and the
    declaration only, so the engine draws its cases without them (hypothesis has
    no setting for this yet). Outside the block, hypothesis is left as it was:
    a test suite gradjudge runs in keeps its own behaviour.
    """
    try:
        from hypothesis.internal.conjecture import providers
        collect, cached = providers._get_local_constants, providers.CONSTANTS_CACHE
        nothing = providers.Constants()
    except (ImportError, AttributeError):  # a hypothesis without local constants, or a new way to collect them
        yield
        return
    providers._get_local_constants = lambda: nothing
    cached.cache.clear()
    try:
        yield
    finally:
        providers._get_local_constants = collect
        cached.cache.clear()
