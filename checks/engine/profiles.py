"""Hypothesis profiles, chosen by the HYPOTHESIS_PROFILE environment variable.

No profile has a deadline: these machines are shared and noisy, and time is
measured by the benchmark scripts, never asserted by a test.
"""
from __future__ import annotations

import atexit
import os
import shutil
import tempfile

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
