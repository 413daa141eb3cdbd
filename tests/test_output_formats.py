"""The output formats' registry: the command line knows no format by name, and a course can add its own."""
import subprocess
import sys
from pathlib import Path

import pytest

from checks import cli
from checks.reports import formats

SEED = Path(__file__).resolve().parent.parent / "examples" / "seed_submission.py"


def test_every_registered_format_and_its_options_are_options_of_grade():
    done = subprocess.run([sys.executable, "-m", "checks.cli", "grade", "--help"], capture_output=True, text=True,
                          timeout=120, env={"COLUMNS": "200", "PATH": "/usr/bin:/bin"})
    assert done.returncode == 0, done.stderr
    names = formats.registered()
    assert {"json", "csv", "gradescope", "html", "junit"} <= set(names)
    for output in names.values():
        assert f"{output.flag} OUT" in done.stdout
        assert all(option.flag in done.stdout for option in output.options)


@pytest.mark.parametrize(("given", "says"), [
    (["--csv-format", "canvas"], "--csv-format goes with --csv OUT"),
    (["--anonymise"], "--anonymise goes with --html OUT"),
])
def test_a_formats_own_option_without_the_format_is_refused_before_any_work(capsys, given, says):
    assert cli.main(["grade", str(SEED), *given]) == 2
    assert says in capsys.readouterr().out


def test_a_format_a_course_registers_by_entry_point_is_written(tmp_path, monkeypatch):
    """One module and its entry point: `--lines OUT` writes one line per student."""
    (tmp_path / "lines_format.py").write_text(
        "from pathlib import Path\nfrom checks.reports.formats import OutputFormat\n"
        "def _write(target, written, prepared):\n"
        "    Path(target).write_text(''.join(f'{grade.name} {grade.score:g}\\n' for grade in written.grades))\n"
        "FORMAT = OutputFormat('lines', 'one line per student', _write)\n")
    info = tmp_path / "lines_format-1.0.dist-info"
    info.mkdir()
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: lines-format\nVersion: 1.0\n")
    (info / "entry_points.txt").write_text("[gradjudge.formats]\nlines = lines_format:FORMAT\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    formats.registered.cache_clear()
    try:
        target = tmp_path / "out.txt"
        assert cli.main(["grade", str(SEED), "--lines", str(target)]) == 0
        assert target.read_text() == f"{SEED} 17.5\n"
    finally:
        formats.registered.cache_clear()
