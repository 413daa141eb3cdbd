"""`gradjudge soak`: many random examples per id against the reference, counting every failure.

Unlike the test suite it neither stops nor shrinks at a failure: it reports how
many examples ran, how many failed (0 is the only good answer), how many numeric
probes were discarded at kinks, and the worst error each comparison saw, which
is the evidence behind the tolerances in `checks.tolerances`.
"""
from __future__ import annotations

import math
import time
from concurrent.futures import ProcessPoolExecutor

from hypothesis import HealthCheck, Phase, settings
from rich import box
from rich.console import Console
from rich.table import Table

from checks.assignment import Derivation
from checks.engine.check import AUTOGRAD_VS_NUMERIC, CLOSED_VS_AUTOGRAD, CLOSED_VS_NUMERIC
from checks.engine.oracles import use_one_thread
from checks.sandbox.children import pool_context
from checks.engine.properties import unwitnessed_note


def soak(assignment_name: str, entries: list[Derivation], total_examples: int, jobs: int, console: Console) -> int:
    """Soak `entries` of the assignment registered as `assignment_name` (each process looks it up by that name)."""
    per_id = math.ceil(total_examples / len(entries))
    start = time.perf_counter()
    with ProcessPoolExecutor(max_workers=jobs, mp_context=pool_context(), initializer=use_one_thread) as pool:
        rows = list(pool.map(_soak_one, [assignment_name] * len(entries), [entry.id for entry in entries],
                             [per_id] * len(entries)))
    _render(rows, time.perf_counter() - start, jobs, console)
    return 0 if all(row["failures"] == 0 for row in rows) else 1


def _soak_one(assignment_name: str, id: str, examples: int) -> dict:
    from checks import assignments
    from checks.engine.properties import check_property
    from checks.engine.submission import reference

    assignment = assignments.load(assignment_name)
    profile = settings(max_examples=examples, deadline=None, database=None, phases=[Phase.generate],
                       suppress_health_check=list(HealthCheck))
    report = check_property(assignment.by_id[id], reference(assignment), profile=profile, stop_at_failure=False)
    return {"id": id, "examples": report.examples, "failures": report.failures, "probes": report.probes,
            "discarded": report.discarded, "discards": report.discards, "unwitnessed": report.witness_inconclusive,
            "worst": report.worst, "seconds": report.seconds,
            "first_failure": report.failure.message if report.failure else None}


def _render(rows: list[dict], seconds: float, jobs: int, console: Console) -> None:
    table = Table(title="gradjudge soak: the reference derivations", title_justify="left", box=box.SIMPLE_HEAD)
    for header in ("id",):
        table.add_column(header, no_wrap=True)
    for header in ("examples", "failures", "discarded\nkink probes", "closed vs\nautograd", "autograd vs\nnumeric",
                   "closed vs\nnumeric", "time"):
        table.add_column(header, justify="right", no_wrap=True)
    for row in rows:
        worst = [f"{row['worst'][label]:.1e}" if label in row["worst"] else "—"
                 for label in (CLOSED_VS_AUTOGRAD, AUTOGRAD_VS_NUMERIC, CLOSED_VS_NUMERIC)]
        table.add_row(row["id"], str(row["examples"]), str(row["failures"]), row["discards"],
                      *worst, f"{row['seconds']:.0f} s")
    console.print(table)
    examples = sum(row["examples"] for row in rows)
    failures = sum(row["failures"] for row in rows)
    discarded = sum(row["discarded"] for row in rows)
    probes = sum(row["probes"] for row in rows)
    console.print(f"{examples} examples over {len(rows)} ids, {failures} failures, {discarded} of {probes} numeric "
                  f"probes discarded at kinks; {seconds:.0f} s wall clock with {jobs} processes.")
    console.print("Errors are normwise (largest gap over the tolerance scale), worst case per id.")
    note = unwitnessed_note(sum(row["unwitnessed"] for row in rows))
    if note:
        console.print(note)
    for row in rows:
        if row["first_failure"]:
            console.rule(f"[red]{row['id']}: first failure")
            console.print(row["first_failure"], markup=False, highlight=False)
