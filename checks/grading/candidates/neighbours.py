"""∂L/∂v for every other quantity v the loss depends on whose shape is the id's, or its transpose (`wrong_node:`)."""
from __future__ import annotations

from collections.abc import Iterator

from checks import tags
from checks.assignment import Derivation
from checks.grading.candidates import Candidate, Kind


def _candidates(entry: Derivation) -> Iterator[Candidate]:
    from checks.engine.truths import TRUTHS

    if entry.kind != "gradient":
        return
    context = entry.context
    shape = context.vocabulary[entry.wrt].shape
    loss_inputs = context.graph.ancestors[context.loss]
    for name, quantity in context.vocabulary.items():
        if name == entry.wrt or name not in loss_inputs or not quantity.shape:
            continue
        if quantity.shape != shape and quantity.shape != tuple(reversed(shape)):
            continue
        meaning = f"∂{entry.of}/∂{name}, the gradient at {name} ({quantity.meaning})"
        yield Candidate((tags.WRONG_NODE.of(name),), f"{meaning}, not at {entry.wrt} "
                                                  f"({context.vocabulary[entry.wrt].meaning})",
                        lambda o, name=name: TRUTHS.exact(entry, o.case, wrt=name))


KIND = Kind("neighbours", 30, _candidates)
