"""Names a model gives its own parts, so that a failure can be explained in them: `node`, `path`.

Inside a model checked by `checks.testing`:

    centre = path("row_mean", x.mean(-1, keepdim=True))   # a path diagnosis may cut
    scaled = node("scaled", (x - centre) / spread)         # a node the closed form may ask for, diagnosis may blame
    z = node("pre_activation", x @ W.T, kink=True)         # a kink: the witness avoids steps across its sign changes

Outside a check both return their value unchanged, so the model stays an ordinary function.
While a check evaluates the model, `node` hands back a replacement value where
one is given (how gradients at the node are taken), and `path` detaches its
value where the path is cut (how a missing path is recognised).
"""
from __future__ import annotations

from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field


@dataclass
class Trace:
    """One evaluation of a model: the replacements asked for, the paths cut, and what the model named on the way."""

    replacements: dict[str, object] = field(default_factory=dict)
    cut: frozenset[str] = frozenset()
    nodes: dict[str, object] = field(default_factory=dict)
    kinks: set[str] = field(default_factory=set)
    paths: dict[str, str] = field(default_factory=dict)
    """Each path's name and what it is, as a noun ("the path through batch_mean")."""


_CURRENT: ContextVar[Trace | None] = ContextVar("gradjudge_trace", default=None)


def node(name: str, value, *, kink: bool = False):
    """`value`, named `name`: the closed form may ask for it, and diagnosis tries the gradient at it.

    With `kink=True` its sign pattern marks a kink (the input of a ReLU, `x - low`
    of a clamp): the numeric witness uses no step across a change of that pattern.
    """
    trace = _CURRENT.get()
    if trace is None:
        return value
    if name in trace.nodes:
        raise ValueError(f"node({name!r}, ...) is named twice in one evaluation of the model; every name must be unique")
    trace.nodes[name] = value
    if kink:
        trace.kinks.add(name)
    return trace.replacements.get(name, value)


def path(name: str, value, *, subject: str | None = None):
    """`value`, as one path of the model named `name`: diagnosis recognises a gradient with this path left out.

    `subject` says what the path is, as a noun, for explanations (default: "the path through NAME").
    """
    trace = _CURRENT.get()
    if trace is None:
        return value
    trace.paths.setdefault(name, subject or f"the path through {name}")
    return value.detach() if name in trace.cut else value


@contextmanager
def untraced():
    """Markers inside return their values unchanged and record nothing: for a model evaluated inside another (the
    reference inside the double backward's model), whose names are not the outer model's."""
    token = _CURRENT.set(None)
    try:
        yield
    finally:
        _CURRENT.reset(token)


def tracing(trace: Trace):
    """Make `trace` the current one; returns the token to `finish` with."""
    return _CURRENT.set(trace)


def finish(token) -> None:
    _CURRENT.reset(token)
