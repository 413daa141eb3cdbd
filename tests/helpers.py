"""Shared helpers for the harness's own tests: the shipped assignments, small cases, catalog variants, junit outcomes."""
import os
from pathlib import Path

from checks import assignments
from checks.engine.cases import Case
from checks.engine.submission import Overlay, reference
from checks.grading import rubric
from checks.grading.rubric import Rubric

HW1 = assignments.load("hw1")
HW2 = assignments.load("hw2")
ASSIGNMENTS = [assignments.load(name) for name in assignments.registered_by(Path(__file__).resolve().parent.parent)]
"""The assignments gradjudge ships (those its pyproject.toml registers), whatever else is installed: a check about
the engine runs over all of their declarations."""
ENTRIES = [entry for assignment in ASSIGNMENTS for entry in assignment.derivations]
ENTRY_IDS = [f"{assignment.name}.{entry.id}" for assignment in ASSIGNMENTS for entry in assignment.derivations]


def quick_rubric(folder: Path, assignment=HW1) -> Rubric:
    """Ten examples per id, a 2 s timeout and 512 MiB per worker: grading a submission takes a few seconds."""
    path = folder / "quick.toml"
    path.write_text("[grading]\nexamples = 10\ntimeout_seconds = 2.0\nmemory_mb = 512\n")
    return rubric.load(assignment, path)


def small_case(context: str, assignment=HW1, **changes) -> Case:
    """A small case of `context` (batch 4, ranged widths 3, the smallest choices, each scalar's first value, computed
    sizes computed); keywords override any of it."""
    declared = assignment.context(context)
    dims = {axis: size.smallest if size.kind == "choices" else max(size.minimum, 4 if axis == declared.batch_axis else 3)
            for axis, size in declared.sizes.items() if size.kind != "computed"}
    scalars = {scalar.name: scalar.values[0] for scalar in declared.scalars}
    return Case.of(declared, **{**dims, **scalars, **changes})


def with_variant(name: str, assignment=HW1) -> Overlay:
    """The reference with one id replaced by a catalog variant."""
    variant = next(v for v in assignment.catalog if v.name == name)
    return Overlay(reference(assignment), {variant.id: variant.function}, name)


def junit_outcomes(xml: str) -> dict[str, str]:
    """Each derivation id of a `--junitxml` report of the student tests, with `passed`, `failed` or `skipped`."""
    import xml.etree.ElementTree as ElementTree

    outcomes = {}
    for case in ElementTree.fromstring(xml).iter("testcase"):
        id = case.get("name").partition("[")[2].rstrip("]")
        outcome = "failed" if case.find("failure") is not None or case.find("error") is not None else \
            "skipped" if case.find("skipped") is not None else "passed"
        outcomes[id] = outcome
    return outcomes


def processes_with(tag: str) -> list[int]:
    """The ids of the processes alive whose command line carries `tag` (a daemon a test's hostile file started)."""
    found = []
    for name in os.listdir("/proc"):
        if name.isdigit():
            try:
                if tag.encode() in Path(f"/proc/{name}/cmdline").read_bytes():
                    found.append(int(name))
            except OSError:
                continue
    return found
