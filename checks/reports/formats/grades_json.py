"""`--json OUT`: every grade as JSON, the contract other tools read (`checks.reports.json_report`)."""
from __future__ import annotations

from pathlib import Path

from checks.reports.formats.base import OutputFormat, Written


def _write(target: str, written: Written, prepared: None) -> None:
    from checks.reports.json_report import as_json
    from checks.reports.outputs import write_text

    write_text(Path(target), as_json(written.grades, written.skipped, rubric_file=written.rubric_file,
                               skipped_more=written.skipped_more, layout=written.layout, secret=written.rubric.secret))


FORMAT = OutputFormat("json", "write every grade as JSON", _write)
