"""`--gradescope OUT`: Gradescope's results.json, one file, or a folder of them (one per student)."""
from __future__ import annotations


from checks.reports.formats.base import OutputFormat, Written
from checks.reports.gradescope import is_folder_target


def _write(target: str, written: Written, prepared: None) -> None:
    from checks.reports.gradescope import write_gradescope

    write_gradescope(written.grades, written.assignment, written.rubric, target, written.rows)


FORMAT = OutputFormat("gradescope", "write Gradescope results.json: a folder of them when OUT ends with a separator, is a "
                                    "folder, or several rows (students) are graded", _write,
                      folder_target=is_folder_target)
