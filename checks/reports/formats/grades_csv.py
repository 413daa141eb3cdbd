"""`--csv OUT`: one row per student, one column per id, in gradjudge's layout or a gradebook's (`--csv-format`)."""
from __future__ import annotations

from pathlib import Path

from checks.reports.csv_report import CSV_FORMATS
from checks.reports.formats.base import Option, OutputFormat, Written


def _write(target: str, written: Written, prepared: None) -> None:
    from checks.reports.csv_report import as_csv
    from checks.reports.outputs import write_text

    write_text(Path(target), as_csv(written.grades, written.assignment, written.options.csv_format))


FORMAT = OutputFormat(
    "csv", "write one row per student, one column per id", _write,
    options=(Option("--csv-format", {"choices": tuple(CSV_FORMATS), "default": "gradjudge",
                                     "help": "the layout of --csv: gradjudge's own columns (default), or the gradebook "
                                             "import of " + ", ".join(name for name in CSV_FORMATS if name != "gradjudge")}),))
