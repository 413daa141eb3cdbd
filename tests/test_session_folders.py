"""The test harness itself: the folders the project's conftest makes for a session are gone when the session ends."""
from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_sessions_in_a_process_that_never_runs_its_exit_handlers_leave_no_folder(tmp_path):
    """As mutmut runs them: two pytest sessions in one process, which then ends with `os._exit`. Each session's
    configuration folder and truths store are removed as the session ends."""
    temporary = tmp_path / "tmp"
    temporary.mkdir()
    script = textwrap.dedent(f"""
        import os, pytest
        for _ in range(2):
            code = pytest.main(["-q", "-p", "no:cacheprovider", "--rootdir", {str(ROOT)!r},
                                {str(ROOT / "tests" / "test_compare.py")!r} + "::test_relative_error_of_a_missing_eps_is_caught"])
            print("status", int(code), "left", sorted(os.listdir({str(temporary)!r})))
        os._exit(0)
    """)
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=300, cwd=ROOT,
                          env={**os.environ, "TMPDIR": str(temporary)})
    assert done.returncode == 0, done.stderr
    lines = [line for line in done.stdout.splitlines() if line.startswith("status")]
    assert lines == ["status 0 left []"] * 2, done.stdout[-2000:]
    assert list(temporary.iterdir()) == []
