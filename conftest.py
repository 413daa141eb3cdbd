"""Project-wide pytest set-up: one torch thread, the hypothesis profile named by HYPOTHESIS_PROFILE (default `dev`),
and a truths store of the session's own in a temporary folder, never the user's cache.

The `--submission` and `--assignment` options, and the `submission`, `assignment`
and `derivation` fixtures, come from the gradjudge pytest plugin
(`checks.pytest_plugin`), which the installed package registers.
"""
import atexit
import os
import shutil
import sys
import tempfile
from pathlib import Path

from checks.engine import profiles, store
from checks.engine.oracles import use_one_thread

# The helpers every test folder shares (`helpers`, `needs`) import from `tests/`, wherever a test lives.
sys.path.insert(0, str(Path(__file__).parent / "tests"))
use_one_thread()
profiles.load_from_environment()
os.environ[store.ENVIRONMENT_VARIABLE] = tempfile.mkdtemp(prefix="gradjudge-test-truths-")
atexit.register(shutil.rmtree, os.environ[store.ENVIRONMENT_VARIABLE], ignore_errors=True)
