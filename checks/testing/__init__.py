"""Check a hand-derived gradient, or a custom `torch.autograd.Function`, from any test, in one call.

    from checks.testing import assert_gradient

    assert_gradient(linear_backward, linear, shapes={"batch": (1, 8), "width": (1, 16), "outputs": (1, 16)},
                    inputs={"x": ("batch", "width"), "W": ("outputs", "width"), "b": ("outputs",)})

The truth is float64 autograd on the model, confirmed by numeric
differentiation; hypothesis draws the cases; a failure names the gradient, the
case, the worst index with the closed form's, autograd's and the numeric value,
and what the wrong answer computes instead. See docs/testing.md.
"""
__tracebackhide__ = True
"""pytest shows none of this package's own frames: a failure points at the test's call."""

try:
    import torch  # noqa: F401
except ImportError as missing:  # pragma: no cover - exercised in a venv without torch
    from checks.testing.absent import unavailable

    unavailable(missing)

from checks.testing.declarations import GradientCheck, gradient
from checks.testing.functions import FunctionCheck, function
from checks.testing.markers import node, path
from checks.testing.model import Input
from checks.testing.running import Checked, Failure, GradientMismatch
from checks.testing.values import Values, binary, indices, normal, positive, probability

__all__ = [
    "assert_gradient", "assert_function", "gradient", "function", "parametrize", "GradientCheck", "FunctionCheck",
    "Checked", "Failure", "GradientMismatch", "Input", "Values", "node", "path", "normal", "positive", "probability", "binary",
    "indices",
]


def assert_gradient(closed_form, model, **declared) -> Checked:
    """`gradient(closed_form, model, **declared).run()`: raises `GradientMismatch` if any gradient is wrong."""
    __tracebackhide__ = True
    return gradient(closed_form, model, **declared).run()


def assert_function(function_class, **declared) -> Checked:
    """`function(function_class, **declared).run()`: raises `GradientMismatch` if its forward, backward or double
    backward is wrong."""
    __tracebackhide__ = True
    return function(function_class, **declared).run()


def parametrize(declarations, *, argname: str = "declaration"):
    """`pytest.mark.parametrize` over declarations (`gradient(...)`, `function(...)`), each test named after its own."""
    import pytest

    from checks.testing.validation import identifier, refuse

    identifier("argname", argname, "the test's argument")
    found = list(declarations) if not isinstance(declarations, (str, bytes)) and hasattr(declarations, "__iter__") else None
    if not found or not all(isinstance(d, (GradientCheck, FunctionCheck)) for d in found):
        raise refuse("declarations", declarations, "it must be a non-empty sequence of gradient(...) and "
                                                   "function(...) declarations", TypeError)
    return pytest.mark.parametrize(argname, found, ids=[d.name for d in found])
