"""Every benchmark script starts: `--help` imports everything it uses and checks the engine's API it calls.

The benchmarks are run by hand, rarely; an engine change that breaks one (a
module moved, a keyword renamed) fails here, in CI, instead of for the next
person who runs it.
"""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
BENCHMARKS = ROOT / "benchmarks"
SCRIPTS = {
    "vs_gradcheck.py": ("--skip-large-slow", "--no-write", "--no-profile"),
    "grading_speed.py": ("--counts", "--jobs", "--repeats", "--one", "--no-cgroup", "--keep", "--profile", "--no-write"),
    "sandbox_cost.py": ("--starts", "--calls", "--grades", "--no-write", "--level"),
    "bench_worker.py": ("gradcheck", "gradcheck_detect", "ours", "ours_memory", "profile"),
    "diagnosis.py": ("--examples", "--write"),
    "make_class.py": ("--check",),
    "soak_record.py": ("--scale", "--jobs", "--no-write"),
    "integrity_cost.py": ("--repeats", "--baseline", "--no-write"),
    "vs_gradcheck_functions.py": ("--only", "--no-write"),
    "writeups.py": ("--corpus", "--transcriptions", "--examples", "--only", "--write"),
    "witness_precision.py": ("--cases", "--large", "--seed", "--no-write"),
}
"""Each script, and what its help must name: its options (the worker: its tasks). The modules they share
(`common`, `corpus`, `gradcheck_wrapping`, `custom_functions`) are not scripts."""
MODULES = ("common.py", "corpus.py", "gradcheck_wrapping.py", "custom_functions.py")


def test_every_benchmark_script_is_covered():
    assert sorted(SCRIPTS) == sorted(path.name for path in BENCHMARKS.glob("*.py") if path.name not in MODULES)


@pytest.mark.parametrize("script", sorted(SCRIPTS))
def test_help(script, tmp_path):
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT), *filter(None, [os.environ.get("PYTHONPATH")])])}
    done = subprocess.run([sys.executable, str(BENCHMARKS / script), "--help"], capture_output=True, text=True,
                          cwd=tmp_path, env=env, timeout=120)
    assert done.returncode == 0, done.stderr[-3000:]
    missing = [option for option in SCRIPTS[script] if option not in done.stdout]
    assert not missing, f"{script} --help does not name {missing}:\n{done.stdout}"
    assert not list(tmp_path.iterdir()), "--help wrote files where it ran"
