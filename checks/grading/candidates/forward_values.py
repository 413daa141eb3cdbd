"""The forward value of a quantity of the id's own shape, returned where a derivative was due (`forward_value:`).

A template's stub filled with the layer's output (softmax's `y` for ∂L/∂x), or a
backward pass that returns the activation it was meant to differentiate through,
is no derivative at all: the chain rule was never applied.
"""
from __future__ import annotations

from collections.abc import Iterator

from checks import tags
from checks.assignment import Derivation
from checks.grading.candidates import Candidate, Kind

FORWARD_VALUE = tags.Tag("forward_value", "it is the forward value of the quantity the detail names, not a derivative: "
                                          "the chain rule was never applied", "quantity")


def _candidates(entry: Derivation) -> Iterator[Candidate]:
    if entry.kind == "value":
        return
    context = entry.context
    for name, quantity in context.vocabulary.items():
        if quantity.shape == entry.shape and name != context.loss and name not in context.hidden:
            yield Candidate((FORWARD_VALUE.of(name),), f"the value of {name} ({quantity.meaning}) itself, not a "
                                                       "derivative", lambda o, name=name: o.evaluated.arrays[name])


KIND = Kind("forward_values", 60, _candidates, tags=(FORWARD_VALUE,))
