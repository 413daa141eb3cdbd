"""Project-wide pytest set-up: one torch thread, and the hypothesis profile named by HYPOTHESIS_PROFILE (default `dev`).

The `--submission` option and the `submission` fixture come from the gradjudge
pytest plugin (`checks.pytest_plugin`), which the installed package registers.
"""
from checks import profiles
from checks.oracles import use_one_thread

use_one_thread()
profiles.load_from_environment()
