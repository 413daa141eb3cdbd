"""PyTorch, imported on first use, so that a declaration can name torch's functions without paying for the import.

`from checks.lazy import F, torch` gives stand-ins for `torch` and
`torch.nn.functional`. What an attribute gives:

- once PyTorch is imported (whenever a model runs, so inside every node's
  function), the real attribute, whatever it is: `torch.bool`, `torch.inf`,
  `torch.linalg.norm`;
- before that, a function name (`torch.tanh`, `F.linear`, `torch.linalg.norm`)
  gives a stand-in that imports PyTorch the first time it is called, and a
  dtype, constant or class (`torch.float64`, `torch.inf`, `torch.Tensor`:
  every name of `VALUES`) imports PyTorch there and then and gives the real
  one, since nothing but the real object works in its place.

Commands that only read declarations (listing ids, checking a rubric, refusing
a bad argument) then answer without importing torch at all.
"""
from __future__ import annotations

import importlib
import sys

VALUES = frozenset({
    "bool", "uint8", "int8", "int16", "int32", "int64", "short", "int", "long",
    "float16", "bfloat16", "half", "float32", "float", "float64", "double", "complex64", "cfloat", "complex128",
    "cdouble", "inf", "nan", "pi", "e", "newaxis", "Tensor", "Size", "Generator", "dtype", "device",
})
"""torch's names that are not functions: dtypes, constants and classes, resolved on access, not on call."""


def _real(path: str) -> object:
    """The object `path` (`torch.linalg.norm`) names, importing its top module first."""
    module, _, attribute = path.rpartition(".")
    try:
        return getattr(importlib.import_module(module), attribute)
    except ModuleNotFoundError:
        return getattr(_real(module), attribute)


class _Function:
    """A function of a module not yet imported: it imports the module the first time it is called."""

    def __init__(self, path: str):
        self._path, self._resolved = path, None

    def __call__(self, *arguments, **keywords):
        if self._resolved is None:
            self._resolved = _real(self._path)
        return self._resolved(*arguments, **keywords)

    def __getattr__(self, name: str) -> object:
        if name.startswith("_"):
            raise AttributeError(name)
        return _attribute(f"{self._path}.{name}")

    def __repr__(self) -> str:
        return self._path


class _Module:
    def __init__(self, module: str):
        self._module = module

    def __getattr__(self, name: str) -> object:
        if name.startswith("__"):
            raise AttributeError(name)
        return _attribute(f"{self._module}.{name}")

    def __repr__(self) -> str:
        return f"<lazy module {self._module}>"


def _attribute(path: str) -> object:
    root = path.partition(".")[0]
    if root in sys.modules or path.rpartition(".")[2] in VALUES:
        return _real(path)
    return _Function(path)


torch = _Module("torch")
F = _Module("torch.nn.functional")
