"""A truths store filled before any submission comes: what every grading of a rubric will meet.

A Gradescope container grades one upload and is thrown away, so a store it
filled itself would serve no other student. `gradjudge autograder` fills one
instead and puts it in the zip: the rubric's derandomized stream of every
context, with every id's truth and the witnesses the grading policy samples on
it; and where failures are confirmed and explained, each context's smallest
case (the first a failure is shrunk to) with every id's elementwise witness,
and the cases diagnosis and error carried forward run on.
"""
from __future__ import annotations

from checks.assignment import Assignment
from checks.engine import witnessing
from checks.engine.cases import diagnostic_cases, smallest_case
from checks.engine.properties import prepare
from checks.engine.store import Store
from checks.engine.truths import TRUTHS
from checks.grading.rubric import Rubric


def warm(store: Store, assignment: Assignment, rubric: Rubric) -> None:
    """Fill `store` with what grading `assignment` under `rubric` (its course secret's cases) meets whatever the
    submission."""
    TRUTHS.attach(store, assignment)
    TRUTHS.know(assignment.derivations)
    try:
        prepare(assignment.derivations, rubric.profile, witnessing.SAMPLED, rubric.secret)
        for entry in assignment.derivations:
            smallest = smallest_case(entry.context, rubric.secret)
            for case in (smallest, *diagnostic_cases(entry.context, rubric.secret)):
                TRUTHS.truth(entry, case)
            if entry.wrt is not None:
                TRUTHS.witness(entry, smallest, elementwise=True)
        TRUTHS.persist()
    finally:
        TRUTHS.attach(None, assignment)


__all__ = ["warm"]
