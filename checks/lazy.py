"""PyTorch, imported on first use, so that a declaration can name torch's functions without paying for the import.

`from checks.lazy import F, torch` gives stand-ins whose attributes are the real
functions, resolved (and torch imported) the first time one is called. Commands
that only read declarations (listing ids, checking a rubric, refusing a bad
argument) then answer without importing torch at all.
"""
from __future__ import annotations

import importlib


class _Function:
    def __init__(self, module: str, name: str):
        self._module, self._name, self._resolved = module, name, None

    def __call__(self, *arguments, **keywords):
        if self._resolved is None:
            self._resolved = getattr(importlib.import_module(self._module), self._name)
        return self._resolved(*arguments, **keywords)

    def __repr__(self) -> str:
        return f"{self._module}.{self._name}"


class _Module:
    def __init__(self, module: str):
        self._module = module

    def __getattr__(self, name: str) -> _Function:
        return _Function(self._module, name)


torch = _Module("torch")
F = _Module("torch.nn.functional")
