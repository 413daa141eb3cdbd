"""What diagnosis works on and gives: the observed answers, the findings, and the names of the factors of a case."""
from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from checks.assignment import Context
from checks.engine.cases import Case
from checks.engine.oracles import Evaluated
from checks.grading import hypotheses

__all__ = ["Finding", "Observation", "Weight", "floored_expressions", "named_factor", "named_weights",
           "scale_expressions", "unit"]

Expression = tuple[str, Callable[[Case], float | None]]


@dataclass(frozen=True)
class Finding:
    tags: tuple[str, ...]
    explanation: str


@dataclass(frozen=True)
class Observation:
    """The submission's answer on one case next to the truth; `closed` is None where it gave no array (`error`)."""

    case: Case
    evaluated: Evaluated
    truth: np.ndarray
    closed: np.ndarray | None
    scale: float
    error: str = ""


def unit(values: Sequence[float]) -> bool:
    return all(abs(value - 1) <= hypotheses.AGREEMENT for value in values)


def scale_expressions(context: Context) -> list[Expression]:
    """Factors a wrong answer may be off by: the batch size in five forms, 2 and 1/2, every other axis's size and
    its inverse, then the scalars' own factors."""
    b = context.batch_axis
    found = [
        (b, lambda case: case.size[b]),
        (f"1/{b}", lambda case: 1 / case.size[b]),
        (f"{b}-1", lambda case: case.size[b] - 1),
        (f"({b}-1)/{b}", lambda case: (case.size[b] - 1) / case.size[b]),
        (f"{b}/({b}-1)", lambda case: case.size[b] / (case.size[b] - 1) if case.size[b] > 1 else None),
        ("2", lambda case: 2.0),
        ("1/2", lambda case: 0.5),
    ]
    for axis in context.axes:
        if axis != b:
            found += [(axis, lambda case, axis=axis: case.size[axis]),
                      (f"1/{axis}", lambda case, axis=axis: 1 / case.size[axis])]
    for scalar in context.scalars:
        for name, factor in scalar.factors.items():
            found.append((name, lambda case, factor=factor, scalar=scalar.name: factor(case.scalars[scalar])))
    return found


def floored_expressions(context: Context) -> list[Expression]:
    """Each expression that is not always whole, computed by integer division: `⌊e⌋/(e)` is the factor an answer
    is off by when it uses `⌊e⌋` (`1 // (1 - p)`, an int cast) where `e` was due."""
    found = []
    for name, expression in scale_expressions(context):
        found.append((f"⌊{name}⌋/({name})", lambda case, expression=expression: _floored_ratio(expression(case))))
    return found


def named_factor(values: Sequence[float], cases: Sequence[Case], context: Context) -> tuple[str, bool] | None:
    """The name of the factor every case's value fits, and whether it is an integer division; None if none fits."""
    name = hypotheses.name_factor(values, cases, scale_expressions(context))
    if name is not None:
        return name, False
    name = hypotheses.name_factor(values, cases, floored_expressions(context), constant=False)
    return (name, True) if name is not None else None


def _floored_ratio(value: float | None) -> float | None:
    if value is None or value <= 0 or float(value).is_integer():
        return None if value is None or value <= 0 else 1.0
    return math.floor(value) / value


@dataclass(frozen=True)
class Weight:
    """A part's weight, named: 1 (`name` None), 0 (missing), or a factor of the case (maybe an integer division)."""

    name: str | None
    integer_division: bool = False

    @property
    def unit(self) -> bool:
        return self.name is None

    @property
    def missing(self) -> bool:
        return self.name == "0"

    def value(self, case: Case, context: Context) -> float:
        if self.name is None:
            return 1.0
        expressions = dict(scale_expressions(context) + floored_expressions(context))
        return float(expressions[self.name](case)) if self.name in expressions else float(self.name)


def named_weights(fitted: Sequence[tuple[dict[str, float], bool]], cases: Sequence[Case],
                  context: Context) -> dict[str, Weight] | None:
    """Each part's weight, named from the cases where it was fitted and determined (`fitted` holds, per case, the
    weights of the parts live there and whether they are determined); None if one cannot be named."""
    found = {}
    for part in dict.fromkeys(name for weights, _ in fitted for name in weights):
        pairs = [(weights[part], case) for (weights, determined), case in zip(fitted, cases)
                 if part in weights and determined]
        if not pairs:
            continue
        values = [value for value, _ in pairs]
        if unit(values):
            found[part] = Weight(None)
        elif all(abs(value) <= hypotheses.AGREEMENT for value in values):
            found[part] = Weight("0")
        else:
            named = named_factor(values, [case for _, case in pairs], context)
            if named is None:
                return None
            found[part] = Weight(*named)
    return found
