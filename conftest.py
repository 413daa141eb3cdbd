"""Project-wide pytest set-up: the hypothesis profile named by HYPOTHESIS_PROFILE (default `dev`).

The `--submission` option and the `submission` fixture come from the gradjudge
pytest plugin (`checks.pytest_plugin`), which the installed package registers.
"""
from checks import profiles

profiles.load_from_environment()
