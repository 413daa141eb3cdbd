"""The truth of every (id, case), computed once and shared by every submission that meets the case.

A case's values are evaluated once for its context. One backward pass from the
loss gives the gradient of every gradient id of the context computed together
(`know`; with respect to leaves and intermediate nodes alike); each Jacobian id
takes its own batched backward pass. The numeric witness of an (id, case) is
computed once too, when first asked for. None of it depends on a submission, so
a batch computes it once for the whole class: the grading processes are seeded
with what the parent computed (`export` and `install`). In memory the cache is
bounded, least recently used first out.

With a store attached (`attach`, while grading), what is known of a case is read
from disk the first time the case is met, and what was computed anew is written
back by `persist`, so a course computes it once: truths, witnesses and
diagnosis's variant truths, one store entry per case, and the derandomized
stream of cases itself (`stream`).
"""
from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable

import numpy as np
import torch

from checks.assignment import Assignment, Context, Derivation, Variant
from checks.engine.cases import Case
from checks.engine.oracles import (Evaluated, Witness, autograd_truth, evaluate, evaluate_variant,
                                   evaluate_with_gradients, from_values, magnitude, numeric_witness)
from checks.engine.records import Record, pack, storable, unpack
from checks.engine.store import Entry, Store, namespace

LIMIT = 20_000
"""Truths kept per process (and as many witnesses; a tenth as many evaluated cases): far more than a
class's shared cases, a bounded few megabytes at the sizes hypothesis draws."""


class OracleError(RuntimeError):
    """The ground truth itself is unusable on a case (never the submission's fault)."""


class Truth:
    """An id's true value on a case, as an array and a tensor, with the scale its tolerance is taken against (its
    `magnitude`, measured when first asked for)."""

    __slots__ = ("array", "tensor", "_scale", "_measure")

    def __init__(self, array: np.ndarray, tensor: torch.Tensor, scale: float | None = None,
                 measure: Callable[[], float] | None = None):
        self.array, self.tensor, self._scale, self._measure = array, tensor, scale, measure

    @property
    def scale(self) -> float:
        if self._scale is None:
            self._scale = self._measure()
        return self._scale


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
    """Every truth, witness and exact value computed (or read from an attached store) in this process, by case."""

    def __init__(self, limit: int = LIMIT):
        self._evaluated = _Bounded(max(1, limit // 10))
        self._truths = _Bounded(limit)
        self._witnesses = _Bounded(limit)
        self._exact = _Bounded(limit)
        self._gradients: dict[int, tuple[Derivation, ...]] = {}
        self._store: Store | None = None
        self._namespaces: dict[int, str] = {}
        self._attached: list[Assignment] = []
        """Every assignment given a namespace, kept alive so that no other context ever takes one's id."""
        self._read: set[tuple] = set()
        self._alone: set[int] = set()
        """Contexts whose joint backward pass failed: their ids' truths are computed one by one (and fail alone)."""
        self._streams: dict[tuple[int, str], tuple[Case, ...]] = {}
        self._streams_stored: set[tuple[int, str]] = set()
        """Streams the attached store holds."""
        self._values: dict[tuple, dict] = {}
        """Values of cases read from the store and not evaluated yet."""
        self._fresh: set[tuple] = set()
        """Cases (by context and case key) with something computed here that the store has not been given yet."""

    def know(self, entries: tuple[Derivation, ...] | list[Derivation]) -> None:
        """The gradient ids whose truths one backward pass computes together, for each context among `entries`' (the
        ids a command will check: all of an assignment's, or the ones a submission attempts)."""
        for context in {id(entry.context) for entry in entries}:
            self._gradients[context] = tuple(entry for entry in entries
                                             if id(entry.context) == context and entry.kind == "gradient")

    def attach(self, store: Store | None, assignment: Assignment) -> None:
        """Read what `store` holds of `assignment`'s cases as they are met, and give it what is computed (`persist`);
        None detaches it."""
        self._store = store
        self._streams_stored.clear()
        self._read.clear()
        self._namespaces.update({id(context): namespace(assignment) for context in assignment.contexts})
        if all(assignment is not known for known in self._attached):
            self._attached.append(assignment)
        if store is not None:  # what this process already knows of the assignment's cases, the store is given too
            contexts = {id(context) for context in assignment.contexts}
            self._fresh |= {(key[0], key[2]) for cache in (self._truths, self._witnesses, self._exact)
                            for key in cache if key[0] in contexts}

    def persist(self) -> None:
        """Hand the store every case with something computed since it was read, merged with what the store holds
        now (another grader may have added to it), then keep the store within its bound."""
        if self._store is not None and self._fresh:
            for marker, known in self._records_of(self._fresh).items():
                key = self._case_key(marker)
                stored = self._store.read(key)
                self._store.write(key, pack(known if stored is None else unpack(stored).merged(known)))
            self._store.trim()
        self._fresh.clear()

    def stream(self, context: Context, settings: str, draw: Callable[[], tuple[Case, ...]]) -> tuple[Case, ...]:
        """The cases `draw` gives for `context` under `settings` (everything the stream depends on but the
        context's declaration): drawn once per process, and kept in the store where one is attached."""
        marker = (id(context), settings)
        if marker not in self._streams:
            self._streams[marker] = self._stored_stream(context, settings) or draw()
        if self._store is not None and marker not in self._streams_stored and id(context) in self._namespaces:
            self._store.write(self._stream_key(context, settings),
                              Entry(data={"cases": [_key_json(case.key) for case in self._streams[marker]]}))
            self._streams_stored.add(marker)
        return self._streams[marker]

    def _stored_stream(self, context: Context, settings: str) -> tuple[Case, ...] | None:
        if self._store is None or id(context) not in self._namespaces:
            return None
        stored = self._store.read(self._stream_key(context, settings))
        if stored is None:
            return None
        try:
            found = tuple(Case(context, *_case_fields(fields)) for fields in stored.data["cases"])
        except (ValueError, TypeError, KeyError):
            return None
        self._streams_stored.add((id(context), settings))
        return found

    def _stream_key(self, context: Context, settings: str) -> list:
        return ["stream", self._namespaces[id(context)], context.name, settings]

    def evaluated(self, case: Case, variant: Variant | None = None) -> Evaluated:
        """The case's values in the true model, or in `variant`'s. In the true model, the one forward pass also
        gives, by one backward pass, the truths of the gradient ids computed together that are not known yet."""
        key = (id(case.context), case.key, _name(variant))
        found = self._evaluated.find(key)
        if found is not None:
            return found
        if variant is not None:
            return self._evaluated.put(key, evaluate_variant(self.evaluated(case), variant))
        self._read_stored(case)
        missing = self._missing(case, self._together(case.context))
        stored = self._values.pop((id(case.context), case.key), None)
        if not missing and stored is not None:
            return self._evaluated.put(key, from_values(case, stored))
        if not missing:
            return self._evaluated.put(key, evaluate(case))
        try:
            found, computed = evaluate_with_gradients(case, [entry.wrt for entry in missing])
        except Exception:  # the model fails to differentiate somewhere: each id's truth is then computed alone
            self._alone.add(id(case.context))
            return self._evaluated.put(key, evaluate(case))
        self._keep(case, found, dict(zip(missing, computed)))
        return self._evaluated.put(key, found)

    def _together(self, context: Context) -> tuple[Derivation, ...]:
        """The gradient ids whose truths one backward pass computes: none where that pass failed before."""
        return () if id(context) in self._alone else self._gradients.get(id(context), ())

    def _missing(self, case: Case, entries: tuple[Derivation, ...]) -> list[Derivation]:
        return [entry for entry in entries if self._truths.find(_key(entry, case)) is None]

    def exact(self, entry: Derivation, case: Case, variant: Variant | None = None, *, wrt: str | None = None) -> np.ndarray:
        """`entry`'s exact value on `case` in `variant`'s model, or its gradient at another quantity `wrt`: the
        bases diagnosis fits an answer to, the same for every submission that fails on the case."""
        if variant is None and wrt is None:
            return self.truth(entry, case).array
        key = (*_key(entry, case), _name(variant), wrt)
        self._read_stored(case)
        found = self._exact.find(key)
        if found is None:
            found = autograd_truth(entry, self.evaluated(case, variant), wrt=wrt).detach().numpy()
            found.setflags(write=False)
            self._exact.put(key, found)
            self._computed(case)
        return found

    def truth(self, entry: Derivation, case: Case) -> Truth:
        """`entry`'s truth on `case`; the other gradient ids computed together come in the same backward pass."""
        found = self._truths.find(_key(entry, case))
        if found is not None:
            return found
        evaluated = self.evaluated(case)
        found = self._truths.find(_key(entry, case))
        if found is not None:
            return found
        if entry.kind == "gradient":
            together = [entry, *(other for other in self._missing(case, self._together(entry.context)) if other != entry)]
            _, gradients = evaluate_with_gradients(case, [other.wrt for other in together])
            computed = dict(zip(together, gradients))
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
                measure = (lambda entry=entry, tensor=tensor: magnitude(entry, evaluated, tensor))
                self._truths.put(_key(entry, case), Truth(array, tensor, measure=measure))
        self._computed(case)

    def witness(self, entry: Derivation, case: Case, *, elementwise: bool = False) -> Witness:
        """The numeric witness of `entry` on `case`: the directional one that confirms autograd, or the elementwise
        one shown beside a failure (`oracles.numeric_witness`)."""
        key = (*_key(entry, case), elementwise)
        self._read_stored(case)
        found = self._witnesses.find(key)
        if found is None:
            found = self._witnesses.put(key, numeric_witness(entry, self.evaluated(case), elementwise=elementwise))
            self._computed(case)
        return found

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
        for (id_, *rest), arrays in exported["witnesses"].items():
            self._witnesses.put((context[id_], id_, *rest), Witness.from_arrays(arrays))

    def _computed(self, case: Case) -> None:
        if self._store is not None:
            self._fresh.add((id(case.context), case.key))

    def _case_key(self, marker: tuple) -> list:
        """A case's store key, from its context's id and its key."""
        return ["case", self._namespaces[marker[0]], _key_json(marker[1])]

    def _read_stored(self, case: Case) -> None:
        """Everything the store holds of `case`, into this process's caches, the first time the case is met."""
        marker = (id(case.context), case.key)
        if self._store is None or marker in self._read or id(case.context) not in self._namespaces:
            return
        self._read.add(marker)
        stored = self._store.read(self._case_key(marker))
        if stored is not None:
            self._install(marker, unpack(stored))

    def _records_of(self, cases: dict[tuple, Case]) -> dict[tuple, Record]:
        """What this process knows of each of `cases` (keyed by context and case key), as records."""
        records = {marker: Record() for marker in cases if marker[0] in self._namespaces}
        for marker, record in records.items():
            values = self._values_of(marker)
            if all(storable(value) for value in values.values()):
                record.values = dict(values)
        for (context, id_, key), truth in list(self._truths.items()):
            if (context, key) in records and _measurable(truth):
                records[(context, key)].truths[id_] = (truth.array, truth.scale)
        for (context, id_, key, elementwise), witness in list(self._witnesses.items()):
            if (context, key) in records:
                records[(context, key)].witnesses[(id_, elementwise)] = witness.as_arrays()
        for (context, id_, key, variant, wrt), array in list(self._exact.items()):
            if (context, key) in records:
                records[(context, key)].exact[(id_, variant, wrt)] = array
        return records

    def _values_of(self, marker: tuple) -> dict:
        """A case's values in the true model, for its record: as evaluated here, else as read from the store, else
        evaluated again (fewer evaluated cases are kept than truths, so a truth can outlive its case's values)."""
        context, key = marker
        evaluated = self._evaluated.find((context, key, None))
        if evaluated is not None:
            return evaluated.arrays
        if marker in self._values:
            return self._values[marker]
        declared = next(found for assignment in self._attached for found in assignment.contexts if id(found) == context)
        return evaluate(Case(declared, *_case_fields(_key_json(key)))).arrays

    def _install(self, marker: tuple, record: Record) -> None:
        context, key = marker
        if record.values is not None:
            self._values[marker] = record.values
        for id_, (array, scale) in record.truths.items():
            self._truths.put((context, id_, key), Truth(array, torch.from_numpy(array), scale))
        for (id_, elementwise), arrays in record.witnesses.items():
            self._witnesses.put((context, id_, key, elementwise), Witness.from_arrays(arrays))
        for (id_, variant, wrt), array in record.exact.items():
            array.setflags(write=False)
            self._exact.put((context, id_, key, variant, wrt), array)


def _measurable(truth: Truth) -> bool:
    """Whether a truth's scale can be had: a declared magnitude that raises is that id's oracle error when the
    truth is used, and the store simply goes without it."""
    try:
        truth.scale
    except Exception:  # the declaration's own function failed; grading has said so for the id
        return False
    return True


def _key_json(key: tuple) -> list:
    """A case's key (`Case.key`) as JSON: its context's name, dims, scalars, seed, scale and edge."""
    name, dims, params, seed, scale, edge = key
    return [name, [list(pair) for pair in dims], [list(pair) for pair in params], seed, scale, edge]


def _case_fields(fields: list) -> tuple:
    """`_key_json`'s list back as `Case`'s fields after its context; an integer scalar (a stride) stays an int."""
    _, dims, params, seed, scale, edge = fields
    return (tuple((str(axis), int(size)) for axis, size in dims), int(seed), float(scale),
            tuple((str(name), value if isinstance(value, int) and not isinstance(value, bool) else float(value))
                  for name, value in params), edge)


def _key(entry: Derivation, case: Case) -> tuple:
    """An (id, case) of one context object: two assignments may name their ids and contexts alike."""
    return id(entry.context), entry.id, case.key


def _name(variant: Variant | None) -> str | None:
    """A variant's name is unique in its context (a combination's joins its parts' names)."""
    return None if variant is None else variant.name


TRUTHS = Truths()
"""This process's cache."""

__all__ = ["LIMIT", "OracleError", "TRUTHS", "Truth", "Truths"]
