"""Project-wide pytest set-up: one torch thread, the hypothesis profile named by HYPOTHESIS_PROFILE (default `dev`),
and a configuration folder of the tests' own, and a truths store of the session's own in a temporary folder, never
the user's cache.

The `--submission` and `--assignment` options, and the `submission`, `assignment`
and `derivation` fixtures, come from the gradjudge pytest plugin
(`checks.pytest_plugin`), which the installed package registers.
"""
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

TEST_CASE_SECRET = "5eed" * 8
"""The tests' course secret: `gradjudge grade` derives its cases from the case secret under $XDG_CONFIG_HOME (made on
first use), so the tests point that at a folder of their own holding this one, and never read or make the user's."""
_config = tempfile.mkdtemp(prefix="gradjudge-test-config-")
os.makedirs(os.path.join(_config, "gradjudge"), mode=0o700)
with open(os.path.join(_config, "gradjudge", "case-secret"), "w") as _stream:
    _stream.write(TEST_CASE_SECRET + "\n")
os.environ["XDG_CONFIG_HOME"] = _config
os.environ[store.ENVIRONMENT_VARIABLE] = _truths = tempfile.mkdtemp(prefix="gradjudge-test-truths-")


def pytest_unconfigure(config) -> None:
    """Both folders removed when the session ends, not when the interpreter does: a runner that starts sessions in
    forked processes it ends with `os._exit` (mutmut, one per mutant) would otherwise leave two folders per session."""
    for folder in (_config, _truths):
        shutil.rmtree(folder, ignore_errors=True)
