"""Project-wide pytest set-up: one torch thread, and the hypothesis profile named by HYPOTHESIS_PROFILE (default `dev`).

The `--submission` and `--assignment` options, and the `submission`, `assignment`
and `derivation` fixtures, come from the gradjudge pytest plugin
(`checks.pytest_plugin`), which the installed package registers.
"""
import sys
from pathlib import Path

from checks.engine import profiles
from checks.engine.oracles import use_one_thread

# The helpers every test folder shares (`helpers`, `needs`) import from `tests/`, wherever a test lives.
sys.path.insert(0, str(Path(__file__).parent / "tests"))
use_one_thread()
profiles.load_from_environment()
