"""Argument checks for the public calls of `checks.testing`: every refusal reads "`name=value`, but why"."""
from __future__ import annotations

import keyword
from collections.abc import Callable


def refuse(name: str, value: object, why: str, kind: type[Exception] = ValueError) -> Exception:
    """The error for a bad argument, to raise: `shapes={'m': 0}, but every size must be at least 1`."""
    shown = getattr(value, "__qualname__", None) if callable(value) and not isinstance(value, type) else None
    return kind(f"{name}={shown or repr(value)}, but {why}")


def identifier(name: str, value: object, what: str) -> str:
    if not isinstance(value, str) or not value.isidentifier() or keyword.iskeyword(value):
        raise refuse(name, value, f"{what} must be a Python identifier", TypeError if not isinstance(value, str) else ValueError)
    return value


def function(name: str, value: object) -> Callable:
    if not callable(value):
        raise refuse(name, value, "it must be callable", TypeError)
    return value


def choice(name: str, value: object, allowed: dict[str, str]) -> str:
    if value not in allowed:
        raise refuse(name, value, "it must be one of " + "; ".join(f"{key!r} ({meaning})" for key, meaning in allowed.items()))
    return value


def positive_int(name: str, value: object) -> int:
    if not isinstance(value, int) or isinstance(value, bool) or value < 1:
        raise refuse(name, value, "it must be a positive int", TypeError if not isinstance(value, int) else ValueError)
    return value
