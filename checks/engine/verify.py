"""`gradjudge verify`: prove the reference derivations against both oracles, as a table."""
from __future__ import annotations

from hypothesis import settings
from rich import box
from rich.console import Console
from rich.progress import Progress
from rich.table import Table

from checks.engine.check import AUTOGRAD_VS_NUMERIC, CLOSED_VS_AUTOGRAD
from checks.engine.properties import CheckFailed, PropertyReport, check_property, unwitnessed_note
from checks.assignment import Derivation
from checks.engine.submission import Submission


def verify(entries: list[Derivation], submission: Submission, profile: settings, console: Console) -> list[PropertyReport]:
    reports = []
    with Progress(console=console, transient=True) as progress:
        task = progress.add_task("verifying", total=len(entries))
        for entry in entries:
            progress.update(task, description=entry.id)
            try:
                reports.append(check_property(entry, submission, profile=profile))
            except CheckFailed as failure:
                reports.append(failure.report)
            progress.advance(task)
    return reports


def render(reports: list[PropertyReport], console: Console) -> None:
    table = Table(title="gradjudge verify", title_justify="left", box=box.SIMPLE_HEAD)
    for header in ("id", "status"):
        table.add_column(header, no_wrap=True)
    for header in ("examples", "closed vs\nautograd", "autograd vs\nnumeric", "discarded\nkink probes", "time"):
        table.add_column(header, justify="right", no_wrap=True)
    for report in reports:
        status = "[green]passed" if report.failure is None else f"[red]{report.failure.status}"
        table.add_row(report.entry.id, status, str(report.examples), _error(report, CLOSED_VS_AUTOGRAD),
                      _error(report, AUTOGRAD_VS_NUMERIC), report.discards,
                      f"{report.seconds:.2f} s")
    console.print(table)
    console.print("Errors are normwise: the largest gap over the tolerance scale, worst case over all examples.")
    note = unwitnessed_note(sum(report.witness_inconclusive for report in reports))
    if note:
        console.print(note)
    for report in reports:
        if report.failure is not None:
            console.rule(f"[red]{report.entry.id}")
            console.print(report.failure.message, markup=False, highlight=False)


def _error(report: PropertyReport, label: str) -> str:
    return f"{report.worst[label]:.1e}" if label in report.worst else "—"
