"""A hand-derived gradient as the engine's submission: one function per input checked, called by quantity names.

The closed form takes any of the context's names (the model's inputs, the
upstream gradient `dy`, the output `y`, the nodes the model names) and returns
the gradient of one input as an array, or of several as a dict keyed by input
name (or a tuple in the order of `wrt`). It may compute with numpy arrays or
with torch tensors (`arrays="torch"`: float64 tensors in, any tensors out).
"""
from __future__ import annotations

import inspect
from collections.abc import Callable, Mapping

import numpy as np
import torch

from checks.engine.submission import Functions

ARRAYS = {"numpy": "the closed form takes and returns numpy arrays",
          "torch": "the closed form takes float64 torch tensors and returns tensors"}


def submission(closed_form: Callable, ids: Mapping[str, str], wrt: tuple[str, ...], arrays: str, label: str) -> Functions:
    """The closed form as one function per gradient id (`ids` maps each id to the input it differentiates)."""
    return Functions(label, components(closed_form, ids, wrt, arrays))


def components(closed_form: Callable, ids: Mapping[str, str], wrt: tuple[str, ...], arrays: str) -> dict[str, Callable]:
    """Per gradient id, a function of the closed form's own parameters that returns that id's gradient only."""
    signature = inspect.signature(closed_form)
    return {id: _component(closed_form, signature, name, wrt, arrays) for id, name in ids.items()}


def _component(closed_form: Callable, signature: inspect.Signature, name: str, wrt: tuple[str, ...],
               arrays: str) -> Callable:
    def component(**values):
        if arrays == "torch":
            values = {k: torch.from_numpy(v) if isinstance(v, np.ndarray) else v for k, v in values.items()}
        return as_array(pick(closed_form(**values), name, wrt))

    component.__signature__ = signature
    component.__name__ = getattr(closed_form, "__name__", "closed_form")
    return component


def pick(returned: object, name: str, wrt: tuple[str, ...]) -> object:
    """The gradient of `name` out of what the closed form returned."""
    if isinstance(returned, Mapping):
        if name not in returned:
            raise KeyError(f"the closed form returned a dict with keys {sorted(map(str, returned))}, without {name!r}")
        return returned[name]
    if isinstance(returned, (tuple, list)):
        if len(returned) != len(wrt):
            raise ValueError(f"the closed form returned {len(returned)} values, but {len(wrt)} gradients are checked "
                             f"({', '.join(wrt)}); return one per input, in that order, or a dict keyed by name")
        return returned[wrt.index(name)]
    if len(wrt) > 1:
        raise ValueError(f"the closed form returned one array, but {len(wrt)} gradients are checked ({', '.join(wrt)}); "
                         "return a dict keyed by input name")
    return returned


def as_array(value: object) -> object:
    """A tensor as a numpy array of its own dtype (so a float32 answer is judged as one); anything else as it is."""
    return value.detach().cpu().numpy() if isinstance(value, torch.Tensor) else value
