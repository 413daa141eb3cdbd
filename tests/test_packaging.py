"""What an installed gradjudge carries: the wheel holds the student tests `pytest --submission` runs."""
import subprocess
import sys
import zipfile
from pathlib import Path

ROOT = Path(__file__).parent.parent


def test_the_wheel_carries_the_student_tests_and_the_package_data(tmp_path):
    done = subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "--quiet",
                           "--wheel-dir", str(tmp_path), str(ROOT)], capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr
    (wheel,) = tmp_path.glob("gradjudge-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    assert "checks/student_tests/test_derivations.py" in names
    assert "checks/pytest_plugin.py" in names and "checks/grading/default_rubric.toml" in names
