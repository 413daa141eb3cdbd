"""An assignment's declaration run once before use: every context on its smallest case, and its reference read.

The declaration types validate what they can see on their own when they are made
(names, shapes in axis names, what is downstream of what). What needs the model
run, or the reference imported, is checked here, early, with a message that says
what to change.
"""
from __future__ import annotations

import inspect

import numpy as np

from checks.assignment import Assignment, Context, DeclarationError, stated_shape
from checks.engine.cases import smallest_case
from checks.engine.oracles import evaluate


def validate(assignment: Assignment) -> None:
    """Run every context once on its smallest case, and read the reference where it is installed: fail early, saying
    what to change."""
    for context in assignment.contexts:
        check_context(context)
    check_reference(assignment)


def check_context(context: Context) -> None:
    """`generate` returns exactly the declared leaves, and every quantity comes out in its declared shape."""
    case = smallest_case(context)
    leaves = context.generate(np.random.default_rng(0), case)
    expected = {q.name for q in context.leaves}
    if set(leaves) != expected:
        raise DeclarationError(f"context {context.name!r}: generate returns {sorted(leaves)}, but the leaves "
                               f"declared are {sorted(expected)} (scalars come from the case)")
    values = evaluate(case).arrays
    for name, quantity in context.vocabulary.items():
        shape = tuple(case.size[axis] for axis in quantity.shape)
        if np.shape(values[name]) != shape:
            raise DeclarationError(f"context {context.name!r}: {name} is declared {quantity.shape}, which is "
                                   f"{shape} on {case!r}, but it comes out {np.shape(values[name])}")


def check_reference(assignment: Assignment) -> None:
    """The reference defines a function per id, whose docstring's first line states the id's shape (where the
    reference is installed: a student kit has none)."""
    if not assignment.references_present:
        return
    module = assignment.reference_module()
    for entry in assignment.derivations:
        function = getattr(module, entry.id, None)
        if function is None:
            raise DeclarationError(f"{entry.id}: the reference {assignment.reference} defines no function {entry.id}; "
                                   "write it there and export it")
        stated = stated_shape(inspect.getdoc(function) or "")
        if stated != entry.shape:
            shown = "none" if stated is None else "`(" + ", ".join(stated) + ("," if len(stated) == 1 else "") + ")`"
            raise DeclarationError(f"{entry.id}: its reference docstring's first line states the shape {shown}, but "
                                   f"the id returns `({', '.join(entry.shape)}{',' if len(entry.shape) == 1 else ''})`")
