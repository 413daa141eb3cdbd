"""docs/testing.md stays true: its worked example runs as it stands, and the failure it shows is what a run prints.

The worked example is the first Python block under "## Worked example"; it is
written to a file and imported, and every `test_` function in it is called
(they assert what the page says: the right closed form and the SiLU pass, the
wrong closed form fails with the variance path named). The message under
"## What a failure says" must equal the message a fresh process prints for
that wrong closed form under the `ci` profile.
"""
from __future__ import annotations

import importlib.util
import os
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PAGE = ROOT / "docs" / "testing.md"


def block(heading: str, language: str) -> str:
    text = PAGE.read_text()
    section = text.split(f"\n## {heading}\n", 1)[1]
    found = re.search(rf"```{language}\n(.*?)```", section, re.S)
    assert found, f"no {language} block under {heading}"
    return found.group(1)


def test_the_worked_example_runs_as_written(tmp_path):
    source = tmp_path / "worked_example.py"
    source.write_text(block("Worked example", "python"))
    spec = importlib.util.spec_from_file_location("worked_example", source)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    tests = [name for name in vars(module) if name.startswith("test_")]
    assert tests == ["test_layer_norm_backward", "test_a_wrong_backward_is_explained", "test_silu_function"]
    for name in tests:
        getattr(module, name)()


def test_the_failure_shown_is_the_one_printed(tmp_path):
    (tmp_path / "worked_example.py").write_text(block("Worked example", "python"))
    code = ("from checks.engine import profiles; profiles.load_from_environment()\n"
            "from worked_example import *\n"
            "try:\n"
            "    assert_gradient(layer_norm_backward_without_variance_path, layer_norm, shapes=SHAPES, inputs=INPUTS)\n"
            "except GradientMismatch as failed:\n"
            "    print(failed)\n")
    env = {**os.environ, "HYPOTHESIS_PROFILE": "ci", "PYTHONPATH": str(tmp_path)}
    done = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, capture_output=True, text=True, env=env,
                          timeout=600)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == block("What a failure says", "text").strip()
