"""A command's fast exit (`checks.process_exit.exit_now`) loses nothing a normal exit would have done."""
from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from checks.process_exit import BROKEN_PIPE_STATUS, exit_now

ROOT = Path(__file__).resolve().parent.parent
BUFFERED = {name: value for name, value in os.environ.items() if name != "PYTHONUNBUFFERED"}
"""The environment with standard output buffered, as it is by default: what the flush at exit is for."""


def _run(code: str, tmp_path: Path, **options) -> subprocess.CompletedProcess:
    script = tmp_path / "script.py"
    script.write_text(textwrap.dedent(code))
    return subprocess.run([sys.executable, str(script)], cwd=ROOT, text=True, env=BUFFERED, **{"timeout": 60, **options})


def test_handlers_threads_finalizers_and_buffers_all_finish_before_the_status(tmp_path):
    done = _run(f"""
        import atexit, sys, tempfile, threading, time
        from pathlib import Path
        from checks.process_exit import exit_now
        out = Path({str(tmp_path)!r})
        atexit.register(lambda: (out / "handler").write_text("ran"))
        def late():
            time.sleep(0.3)
            (out / "thread").write_text("joined")
        threading.Thread(target=late).start()
        folder = tempfile.TemporaryDirectory()
        (out / "folder").write_text(folder.name)
        sys.stdout.write("buffered, never flushed by hand")
        sys.stderr.write("an error line")
        exit_now(3)
        """, tmp_path, capture_output=True)
    assert done.returncode == 3, done.stderr
    assert done.stdout == "buffered, never flushed by hand"
    assert done.stderr == "an error line"
    assert (tmp_path / "handler").read_text() == "ran"
    assert (tmp_path / "thread").read_text() == "joined"
    assert not Path((tmp_path / "folder").read_text()).exists(), "the temporary folder was left behind"


def test_an_executor_left_open_is_stopped_as_pythons_own_exit_stops_it(tmp_path):
    done = _run("""
        from concurrent.futures import ThreadPoolExecutor
        from checks.process_exit import exit_now
        pool = ThreadPoolExecutor(max_workers=2)
        pool.submit(print, "ran")
        exit_now(4)
        """, tmp_path, capture_output=True, timeout=60)
    assert (done.returncode, done.stdout) == (4, "ran\n"), done.stderr


def test_a_closed_standard_output_ends_with_pythons_own_status(tmp_path):
    script = tmp_path / "script.py"
    script.write_text("import sys\nfrom checks.process_exit import exit_now\nsys.stdout.write('still buffered')\n"
                      "exit_now(0)\n")
    reader, writer = os.pipe()
    os.close(reader)
    try:
        done = subprocess.run([sys.executable, str(script)], cwd=ROOT, stdout=writer, stderr=subprocess.PIPE,
                              timeout=60, env=BUFFERED)
    finally:
        os.close(writer)
    assert done.returncode == BROKEN_PIPE_STATUS


@pytest.mark.parametrize("status", [-1, 256, True, "0", None])
def test_a_status_no_process_can_have_is_refused_by_value(status):
    with pytest.raises(ValueError, match=r"status=.*, but a process's exit status is a whole number from 0 to 255"):
        exit_now(status)


def test_the_command_ends_with_its_own_status(tmp_path):
    done = subprocess.run([sys.executable, "-m", "checks.cli", "verify", "no_such_id"], cwd=ROOT, capture_output=True,
                          text=True, timeout=120)
    assert done.returncode == 2
    assert "unknown derivation id" in done.stdout
