"""What is known of one case, as the truths store keeps it: a record, packed into a store entry and back.

A record holds the case's values in the true model, every id's truth with its
scale, the witnesses computed on it (by id, and whether elementwise), and
diagnosis's exact values (by id, variant name and `wrt`). Names of any kind
(a generated variant's may hold any character) go in the entry's JSON data,
never into its array names.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from checks.engine.store import Entry, dtype_name

Value = np.ndarray | float | int


@dataclass
class Record:
    values: dict[str, Value] | None = None
    """The case's values in the true model (leaves and nodes, in the model's order), where all can be stored."""
    truths: dict[str, tuple[np.ndarray, float]] = field(default_factory=dict)
    witnesses: dict[tuple[str, bool], dict] = field(default_factory=dict)
    """`Witness.as_arrays()` by (id, elementwise)."""
    exact: dict[tuple[str, str | None, str | None], np.ndarray] = field(default_factory=dict)
    """By (id, variant name, wrt)."""

    def merged(self, newer: Record) -> Record:
        """Everything either knows, `newer`'s where both know a thing."""
        return Record(newer.values if newer.values is not None else self.values, {**self.truths, **newer.truths},
                      {**self.witnesses, **newer.witnesses}, {**self.exact, **newer.exact})


def storable(value: object) -> bool:
    """A value the store can hold: an array of a plain dtype, or a JSON number."""
    return isinstance(value, (int, float)) or (isinstance(value, np.ndarray) and dtype_name(value.dtype) is not None)


def pack(record: Record) -> Entry:
    arrays, data = {}, {"truths": [], "witnesses": [], "exact": [], "values": None}
    for id_, (array, scale) in record.truths.items():
        arrays[f"truth/{len(data['truths'])}"] = array
        data["truths"].append([id_, scale])
    for (id_, elementwise), witness in record.witnesses.items():
        index = len(data["witnesses"])
        scalars = {name: value for name, value in witness.items() if not isinstance(value, np.ndarray)}
        arrays.update({f"witness/{index}/{name}": value for name, value in witness.items() if isinstance(value, np.ndarray)})
        data["witnesses"].append([id_, elementwise, scalars])
    for (id_, variant, wrt), array in record.exact.items():
        arrays[f"exact/{len(data['exact'])}"] = array
        data["exact"].append([id_, variant, wrt])
    if record.values is not None:
        data["values"] = [[name, None] if isinstance(value, np.ndarray) else [name, value]
                          for name, value in record.values.items()]
        arrays.update({f"value/{name}": value for name, value in record.values.items() if isinstance(value, np.ndarray)})
    return Entry(arrays, data)


def unpack(entry: Entry) -> Record:
    """The record an entry holds (a verified entry of this store: written by `pack`)."""
    data, arrays = entry.data, entry.arrays
    record = Record()
    record.truths = {id_: (arrays[f"truth/{index}"], float(scale)) for index, (id_, scale) in enumerate(data["truths"])}
    for index, (id_, elementwise, scalars) in enumerate(data["witnesses"]):
        prefix = f"witness/{index}/"
        record.witnesses[(id_, bool(elementwise))] = {
            **{name[len(prefix):]: value for name, value in arrays.items() if name.startswith(prefix)}, **scalars}
    record.exact = {(id_, variant, wrt): arrays[f"exact/{index}"] for index, (id_, variant, wrt) in enumerate(data["exact"])}
    if data["values"] is not None:
        record.values = {name: arrays[f"value/{name}"] if value is None else value for name, value in data["values"]}
    return record


__all__ = ["Record", "pack", "storable", "unpack"]
