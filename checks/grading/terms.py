"""Partial factors: the answer as a declared backward pass whose terms are each weighted on their own.

Operator precedence puts a factor, a sign or nothing on one term of a sum
(`a*b - c*d` where `a*(b - c*d)` was meant). Where a context declares a node's
backward pass as named terms (`Backward`), an id's truth is the sum of each
term's contribution and the rest (the paths that do not pass through that
node's input). The answer is fitted as that sum with a weight per term, by
least squares on each case; the weights are named from the well-conditioned
cases (`m`, `-1`, 0 for a missing term) and the named weights must then give the
answer on every case. Three levels are tried, the plainest first, and the first
that explains the answer is said:

1. the declared terms, weighted;
2. some terms divided (lacking) or multiplied (once too often) by a product of
   the declared factors, the rest as declared, all weighted;
3. the terms in another setting (evaluated at another quantity, with their sums
   over another axis, or with a scalar left out), weighted.

A missing term whose contribution at the node's input is a one-hot (one entry
per row, all equal) is the one-hot of a loss that was never subtracted: the
fancy-index pitfall.
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from itertools import combinations

import numpy as np

from checks import tags
from checks.assignment import Backward, Derivation
from checks.engine.truths import TRUTHS
from checks.grading import generated, hypotheses, pitfalls
from checks.grading.findings import Finding, Observation, Weight, named_weights

__all__ = ["explain"]

REST = "rest"


@dataclass(frozen=True)
class _Hypothesis:
    """Which bases stand for the terms: the setting, and the terms carrying a factor product to a power."""

    setting: generated.Setting
    factor: tuple[str, ...] = ()
    power: int = 0
    carrying: frozenset[str] = frozenset()


def explain(entry: Derivation, observations: Sequence[Observation]) -> list[Finding]:
    """The plainest level of term hypotheses that explains the answer, over every backward the id passes through."""
    if entry.kind == "value":
        return []
    backwards = [backward for backward in entry.context.backwards if _reaches(entry, backward)]
    for level in (_declared, _with_factors, _in_settings):
        found = []
        for backward in backwards:
            found += _Fit(entry, backward, observations).best(level(entry, backward))
        if found:
            return found
    return []


def _reaches(entry: Derivation, backward: Backward) -> bool:
    """The id differentiates through the backward's edge: its `of` is at or after the node, its `wrt` at or before
    the node's input."""
    graph = entry.context.graph
    return ((entry.of == backward.node or backward.node in graph.ancestors[entry.of])
            and (entry.wrt == backward.input or entry.wrt in graph.ancestors[backward.input]))


def _declared(entry: Derivation, backward: Backward) -> list[_Hypothesis]:
    return [_Hypothesis(generated.Setting())]


def _with_factors(entry: Derivation, backward: Backward) -> list[_Hypothesis]:
    names = [term.name for term in backward.terms]
    subsets = [frozenset(chosen) for size in range(1, len(names) + 1) for chosen in combinations(names, size)]
    return [_Hypothesis(generated.Setting(), factor, power, carrying)
            for factor in generated.factor_products(backward) for power in (-1, 1) for carrying in subsets]


def _in_settings(entry: Derivation, backward: Backward) -> list[_Hypothesis]:
    return [_Hypothesis(setting) for setting in generated.settings(entry.context, backward)]


class _Fit:
    """One id's answers against one backward's term contributions, computed once each and first on the first case."""

    def __init__(self, entry: Derivation, backward: Backward, observations: Sequence[Observation]):
        self.entry, self.backward = entry, backward
        self.observations = [o for o in observations if o.closed is not None and o.closed.shape == o.truth.shape]
        self._contributions: dict[tuple, np.ndarray] = {}

    def best(self, hypotheses_: list[_Hypothesis]) -> list[Finding]:
        """The findings of the hypotheses that hold with the fewest changed parts."""
        if not self.observations:
            return []
        held = []
        for hypothesis in hypotheses_:
            weights = self._holds(hypothesis)
            if weights is not None:
                held.append((len(hypothesis.carrying) + sum(not w.unit for w in weights.values()), hypothesis, weights))
        if not held:
            return []
        fewest = min(count for count, *_ in held)
        return [self._finding(hypothesis, weights) for count, hypothesis, weights in held if count == fewest]

    def contribution(self, index: int, term, setting: generated.Setting, factor=(), power=0) -> np.ndarray:
        """The id's share that reaches `wrt` through `term` alone, on one case: the variant in which only the term
        carries the node's gradient to its input, less the one in which nothing does."""
        key = (index, term.name, setting, factor, power)
        if key not in self._contributions:
            context, case = self.entry.context, self.observations[index].case
            variant = generated.term_variant(context, self.backward, term, setting, factor, power)
            nothing = generated.term_variant(context, self.backward, None, generated.Setting())
            self._contributions[key] = TRUTHS.exact(self.entry, case, variant) - TRUTHS.exact(self.entry, case, nothing)
        return self._contributions[key]

    def parts(self, index: int, hypothesis: _Hypothesis) -> dict[str, np.ndarray]:
        """Each term's basis on one case under the hypothesis, and the rest of the truth, by name."""
        found = {}
        for term in self.backward.terms:
            carries = term.name in hypothesis.carrying
            found[term.name] = self.contribution(index, term, hypothesis.setting, hypothesis.factor if carries else (),
                                                 hypothesis.power if carries else 0)
        declared = sum(self.contribution(index, term, generated.Setting()) for term in self.backward.terms)
        found[REST] = self.observations[index].truth - declared
        return found

    def _holds(self, hypothesis: _Hypothesis) -> dict[str, Weight] | None:
        """The hypothesis's named weights, if it holds on the first case, then on every case with those names."""
        fitted, parts = [], []
        for index, observation in enumerate(self.observations):
            named = self.parts(index, hypothesis)
            live = {name: part for name, part in named.items()
                    if np.any(np.abs(part) > hypotheses.AGREEMENT * observation.scale)}
            weights = hypotheses.term_weights(observation.closed, list(live.values()), observation.scale)
            if weights is None:
                return None
            fitted.append((dict(zip(live, weights[0])), weights[1]))
            parts.append(named)
        weights = named_weights(fitted, [o.case for o in self.observations], self.entry.context)
        if weights is None or (not hypothesis.carrying and hypothesis.setting.declared
                               and all(w.unit for w in weights.values())):
            return None
        if any(weights[name].missing for name in hypothesis.carrying if name in weights):
            return None
        if not hypothesis.carrying and hypothesis.setting.declared and all(
                w.unit for part, w in weights.items() if part != REST):
            return None  # only the routes around the node change: nothing about its terms
        context = self.entry.context
        for observation, named in zip(self.observations, parts):
            predicted = sum(w.value(observation.case, context) * named[part] for part, w in weights.items())
            if not hypotheses.close(observation.closed, predicted, observation.scale):
                return None
        return weights

    def _finding(self, hypothesis: _Hypothesis, weights: dict[str, Weight]) -> Finding:
        """The tags and words of a hypothesis that holds: each changed part said once, with all that changed in it."""
        node, entry, backward = self.backward.node, self.entry, self.backward
        meaning = entry.context.vocabulary[node].meaning
        subjects = {term.name: term.subject for term in backward.terms}
        subjects[REST] = f"the rest (the routes that do not go through {node}'s input {backward.input})"
        product = generated.FACTOR_PRODUCT.join(hypothesis.factor)
        found, said, missing = [], [], []
        if not hypothesis.setting.declared:
            setting_tags, setting_words = generated.setting_tags_and_words(entry.context, backward, hypothesis.setting)
            found += setting_tags
        if hypothesis.factor:
            found.append((tags.MISSING_FACTOR if hypothesis.power < 0 else tags.EXTRA_FACTOR).of(product))
        for part in [term.name for term in backward.terms] + [REST]:
            weight = weights.get(part, Weight(None))
            changes = []
            if part in hypothesis.carrying:
                changes.append(f"{'lacks' if hypothesis.power < 0 else 'carries once too often'} the factor {product}")
            if weight.missing:
                missing.append(part)
                changes.append("is missing")
            elif not weight.unit:
                changes.append(f"is scaled by {weight.name}")
                found.append(tags.SCALED.of(weight.name))
                if weight.integer_division:
                    found.append(tags.INTEGER_DIVISION)
            if not changes:
                continue
            if part != REST:
                found.append((tags.TERM_MISSING if weight.missing else tags.TERM_SCALED).of(f"{node}.{part}"))
            said.append(f"{subjects[part]} {' and '.join(changes)}")
        if len(missing) == len(backward.terms) + (REST in missing) and not hypothesis.carrying:
            said = [f"nothing goes through {node}'s backward pass to {backward.input}: every term of it is missing",
                    *(text for text in said if not text.endswith("is missing"))]
        if hypothesis.setting.declared:
            text = f"In your {entry.id}, by the terms of {node}'s backward pass ({meaning}): {'; '.join(said)}."
        else:
            text = f"Your {entry.id} is the gradient with {setting_words}; by the terms of it: {'; '.join(said)}."
        if hypothesis.setting.declared and self._one_hot_left_in(missing):
            found.append(tags.FANCY_INDEX_COPY)
            text += (f" The missing term is a one-hot at {backward.input}, a target never subtracted. "
                     f"{pitfalls.HINTS[tags.FANCY_INDEX_COPY]}")
        return Finding(tuple(dict.fromkeys(found)), text)

    def _one_hot_left_in(self, missing: list[str]) -> bool:
        """Whether a missing term's share of the gradient at the node's input is a one-hot on every case."""
        if self.entry.kind != "gradient" or self.backward.dim is None:
            return False
        for term in self.backward.terms:
            if term.name not in missing:
                continue
            context, wrt = self.entry.context, self.backward.input
            variant = generated.term_variant(context, self.backward, term, generated.Setting())
            nothing = generated.term_variant(context, self.backward, None, generated.Setting())
            values = [TRUTHS.exact(self.entry, o.case, variant, wrt=wrt)
                      - TRUTHS.exact(self.entry, o.case, nothing, wrt=wrt) for o in self.observations]
            if pitfalls.one_hot(values, self.backward.dim):
                return True
        return False

