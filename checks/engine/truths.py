"""The truth of every (id, case), computed once per process and shared by every submission that meets the case.

A case's values are evaluated once for its context. One backward pass from the
loss gives the gradient of every gradient id of the context at once (with
respect to leaves and intermediate nodes alike); each Jacobian id takes its own
batched backward pass. The numeric witness of an (id, case) is computed once too, when first
asked for. None of it depends on a submission, so a batch computes it once for
the whole class: the grading processes are seeded with what the parent computed
(`export` and `install`). The cache is bounded, least recently used first out,
and lives in memory only.
"""
from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass

import numpy as np
import torch

from checks.assignment import Derivation, Variant
from checks.engine.cases import Case
from checks.engine.oracles import (Evaluated, Witness, autograd_truth, evaluate, evaluate_with_gradients, magnitude,
                                   numeric_witness, tracked)

LIMIT = 20_000
"""Truths kept per process (and as many witnesses; a tenth as many evaluated cases): far more than a
class's shared cases, a bounded few megabytes at the sizes hypothesis draws."""


class OracleError(RuntimeError):
    """The ground truth itself is unusable on a case (never the submission's fault)."""


@dataclass(frozen=True)
class Truth:
    """An id's true value on a case, as an array and a tensor, with the scale its tolerance is taken against."""

    array: np.ndarray
    tensor: torch.Tensor
    scale: float


class _Bounded(OrderedDict):
    def __init__(self, limit: int):
        super().__init__()
        self.limit = limit

    def put(self, key, value):
        self[key] = value
        self.move_to_end(key)
        while len(self) > self.limit:
            self.popitem(last=False)
        return value

    def find(self, key):
        if key in self:
            self.move_to_end(key)
            return self[key]
        return None


class Truths:
    def __init__(self, limit: int = LIMIT):
        self._evaluated = _Bounded(max(1, limit // 10))
        self._truths = _Bounded(limit)
        self._witnesses = _Bounded(limit)
        self._exact = _Bounded(limit)
        self._gradients: dict[int, tuple[Derivation, ...]] = {}

    def know(self, entries: tuple[Derivation, ...]) -> None:
        """Learn an assignment's ids, so that a case's gradient ids share one backward pass."""
        for entry in entries:
            if entry.kind == "gradient":
                found = self._gradients.get(id(entry.context), ())
                if entry not in found:
                    self._gradients[id(entry.context)] = (*found, entry)

    def evaluated(self, case: Case, variant: Variant | None = None) -> Evaluated:
        """The case's values in the true model, or in `variant`'s. In the true model, the one forward pass also
        gives, by one backward pass, the truth of every gradient id of the context it knows."""
        key = (id(case.context), case.key, _name(variant))
        found = self._evaluated.find(key)
        if found is not None:
            return found
        gradients = self._gradients.get(id(case.context), ()) if variant is None else ()
        if not gradients:
            return self._evaluated.put(key, evaluate(case, variant))
        found, computed = evaluate_with_gradients(case, [entry.wrt for entry in gradients])
        self._keep(case, found, dict(zip(gradients, computed)))
        return self._evaluated.put(key, found)

    def exact(self, entry: Derivation, case: Case, variant: Variant | None = None, *, wrt: str | None = None) -> np.ndarray:
        """`entry`'s exact value on `case` in `variant`'s model, or its gradient at another quantity `wrt`: the
        bases diagnosis fits an answer to, the same for every submission that fails on the case."""
        if variant is None and wrt is None:
            return self.truth(entry, case).array
        key = (*_key(entry, case), _name(variant), wrt)
        found = self._exact.find(key)
        if found is None:
            found = autograd_truth(entry, self.evaluated(case, variant), wrt=wrt).detach().numpy()
            found.setflags(write=False)
            self._exact.put(key, found)
        return found

    def truth(self, entry: Derivation, case: Case) -> Truth:
        """`entry`'s truth on `case`; the other gradient ids of its context it knows come in the same backward pass."""
        found = self._truths.find(_key(entry, case))
        if found is not None:
            return found
        evaluated = self.evaluated(case)
        found = self._truths.find(_key(entry, case))
        if found is not None:
            return found
        if entry.kind == "gradient":
            others = [other for other in self._gradients.get(id(entry.context), ()) if other.id != entry.id]
            computed = _gradients([entry, *others], evaluated)
        else:
            computed = {entry: autograd_truth(entry, evaluated)}
        self._keep(case, evaluated, computed)
        found = self._truths.find(_key(entry, case))
        if found is None:
            raise OracleError(f"{entry.id}: autograd gives non-finite values on {case!r}; that case is outside what "
                              "gradjudge can judge, a fault of the case strategies, not of the submission")
        return found

    def _keep(self, case: Case, evaluated: Evaluated, computed: dict[Derivation, torch.Tensor]) -> None:
        """Cache each finite truth (a non-finite one is refused when it is asked for)."""
        for entry, tensor in computed.items():
            tensor = tensor.detach()
            array = tensor.numpy()
            if np.all(np.isfinite(array)):
                self._truths.put(_key(entry, case), Truth(array, tensor, magnitude(entry, evaluated, tensor)))

    def witness(self, entry: Derivation, case: Case) -> Witness:
        found = self._witnesses.find(_key(entry, case))
        return found if found is not None else self._witnesses.put(_key(entry, case),
                                                                   numeric_witness(entry, self.evaluated(case)))

    def export(self, entries: tuple[Derivation, ...]) -> dict:
        """What this process has computed for `entries` (an assignment's ids), as plain data another can `install`."""
        contexts = {id(entry.context) for entry in entries}
        return {kind: {key[1:]: value for key, value in items if key[0] in contexts}
                for kind, items in (("truths", ((k, (t.array, t.scale)) for k, t in self._truths.items())),
                                    ("witnesses", ((k, w.as_arrays()) for k, w in self._witnesses.items())))}

    def install(self, exported: dict, entries: tuple[Derivation, ...]) -> None:
        """Take what another process computed for the same assignment, whose ids here are `entries`."""
        context = {entry.id: id(entry.context) for entry in entries}
        for (id_, case_key), (array, scale) in exported["truths"].items():
            self._truths.put((context[id_], id_, case_key), Truth(array, torch.from_numpy(array), scale))
        for (id_, case_key), arrays in exported["witnesses"].items():
            self._witnesses.put((context[id_], id_, case_key), Witness.from_arrays(arrays))


def _key(entry: Derivation, case: Case) -> tuple:
    """An (id, case) of one context object: two assignments may name their ids and contexts alike."""
    return id(entry.context), entry.id, case.key


def _name(variant: Variant | None) -> str | None:
    """A variant's name is unique in its context (a combination's joins its parts' names)."""
    return None if variant is None else variant.name


def _gradients(entries: list[Derivation], evaluated: Evaluated) -> dict[Derivation, torch.Tensor]:
    """∂L/∂(wrt) for every entry, by one backward pass through the context evaluated with gradients on."""
    context = entries[0].context
    leaves = {name: tracked(evaluated.tensors[name]) for name in context.leaf_names}
    with torch.enable_grad():
        values = context.graph.evaluate(leaves)
        wanted = [values[entry.wrt] for entry in entries]
        loss = values[context.loss]
        if not loss.requires_grad:
            return {entry: torch.zeros_like(values[entry.wrt]) for entry in entries}
        found = torch.autograd.grad(loss, wanted, allow_unused=True, materialize_grads=True)
    return dict(zip(entries, found))


TRUTHS = Truths()
"""This process's cache."""
