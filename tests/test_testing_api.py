"""`checks.testing`: right closed forms and Functions pass, planted mistakes fail with the cause named, bad arguments
are refused with "`name=value`, but why".

Every expected outcome here was written from the mathematics of the planted
mistake (a transpose, a factor of the batch, a path left out, a setting
changed, the gradient at a neighbour), not from a run.
"""
from __future__ import annotations

import math

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from torch.autograd.function import once_differentiable

from checks.testing import (GradientMismatch, Input, assert_function, assert_gradient, function, gradient, indices,
                            node, path, positive)

EXAMPLES = 25


def linear(x, W, b):
    return F.linear(x, W, b)


LINEAR = {"shapes": {"batch": (1, 6), "d_in": (1, 5), "d_out": (1, 5)},
          "inputs": {"x": ("batch", "d_in"), "W": ("d_out", "d_in"), "b": ("d_out",)}, "examples": EXAMPLES}


def linear_backward(x, W, dy):
    return {"x": dy @ W, "W": dy.T @ x, "b": dy.sum(0)}


def failures_of(closed_form, model, **declared):
    with pytest.raises(GradientMismatch) as raised:
        assert_gradient(closed_form, model, **declared)
    return {failure.title: failure for failure in raised.value.failures}


def test_a_right_linear_backward_passes_on_every_case():
    checked = assert_gradient(linear_backward, linear, **LINEAR)
    assert [report.entry.wrt for report in checked.reports] == ["x", "W", "b"]
    assert all(report.failure is None and report.examples == EXAMPLES for report in checked.reports)


def test_a_closed_form_in_torch_passes():
    def backward(x, W, dy):
        return dy @ W, dy.T @ x, dy.sum(0)

    assert_gradient(backward, linear, arrays="torch", **LINEAR)


def test_a_transposed_weight_gradient_is_named_transposed():
    def backward(x, W, dy):
        return {"x": dy @ W, "W": x.T @ dy, "b": dy.sum(0)}

    found = failures_of(backward, linear, **LINEAR)
    assert set(found) == {"∂L/∂W"}
    assert "transposed" in found["∂L/∂W"].tags


def test_a_bias_gradient_averaged_over_the_batch_is_named_by_its_factor():
    def backward(x, W, dy):
        return {"x": dy @ W, "W": dy.T @ x, "b": dy.mean(0)}

    assert "scaled:1/batch" in failures_of(backward, linear, **LINEAR)["∂L/∂b"].tags


def test_a_flipped_sign_is_named():
    def backward(x, W, dy):
        return {"x": -dy @ W, "W": dy.T @ x, "b": dy.sum(0)}

    assert "sign_flipped" in failures_of(backward, linear, **LINEAR)["∂L/∂x"].tags


def test_a_closed_form_that_raises_is_an_error_with_its_exception():
    def backward(x, W, dy):
        raise ZeroDivisionError("planted")

    found = failures_of(backward, linear, **LINEAR)
    assert {failure.status for failure in found.values()} == {"error"}
    assert "ZeroDivisionError: planted" in found["∂L/∂x"].message


def test_a_float32_answer_is_told_it_would_pass_at_its_own_precision():
    def backward(x, W, dy):
        return {"x": (dy @ W).astype(np.float32), "W": dy.T @ x, "b": dy.sum(0)}

    assert "low_precision" in failures_of(backward, linear, **LINEAR)["∂L/∂x"].tags


EPS = 1e-5


def layer_norm(x, gamma, beta, eps=EPS):
    mu = path("mean", x.mean(-1, keepdim=True))
    var = path("variance", x.var(-1, correction=0, keepdim=True))
    xhat = node("xhat", (x - mu) / torch.sqrt(var + eps))
    return gamma * xhat + beta


LAYER_NORM = {"shapes": {"batch": (1, 6), "d": (2, 8)},
              "inputs": {"x": ("batch", "d"), "gamma": ("d",), "beta": ("d",)}, "examples": EXAMPLES}


def layer_norm_parts(x, gamma, dy, eps):
    rstd = 1 / np.sqrt(x.var(-1, keepdims=True) + eps)
    xhat = (x - x.mean(-1, keepdims=True)) * rstd
    return rstd, xhat, dy * gamma


def layer_norm_backward(x, gamma, dy):
    rstd, xhat, g = layer_norm_parts(x, gamma, dy, EPS)
    dx = rstd * (g - g.mean(-1, keepdims=True) - xhat * (g * xhat).mean(-1, keepdims=True))
    return {"x": dx, "gamma": (dy * xhat).sum(0), "beta": dy.sum(0)}


def test_a_right_layer_norm_backward_passes_even_over_two_features():
    """Over two features the true dx is eps-sized (1e-6 of its terms): judged against its terms, it passes."""
    assert_gradient(layer_norm_backward, layer_norm, **LAYER_NORM)


def test_a_layer_norm_without_its_variance_path_is_named():
    def backward(x, gamma, dy):
        rstd, xhat, g = layer_norm_parts(x, gamma, dy, EPS)
        return {"x": rstd * (g - g.mean(-1, keepdims=True)), "gamma": (dy * xhat).sum(0), "beta": dy.sum(0)}

    found = failures_of(backward, layer_norm, **LAYER_NORM)
    assert set(found) == {"∂L/∂x"}
    assert "path_missing:variance" in found["∂L/∂x"].tags


def test_the_gradient_at_a_named_node_is_named_as_that_node():
    def backward(x, gamma, dy, xhat):
        return {"x": dy * gamma, "gamma": (dy * xhat).sum(0), "beta": dy.sum(0)}

    assert "wrong_node:xhat" in failures_of(backward, layer_norm, **LAYER_NORM)["∂L/∂x"].tags


def test_a_backward_without_eps_is_named_by_its_knob():
    def backward(x, gamma, dy):
        rstd, xhat, g = layer_norm_parts(x, gamma, dy, 0.0)
        dx = rstd * (g - g.mean(-1, keepdims=True) - xhat * (g * xhat).mean(-1, keepdims=True))
        return {"x": dx, "gamma": (dy * xhat).sum(0), "beta": dy.sum(0)}

    found = failures_of(backward, layer_norm, knobs={"eps": 0.0}, **LAYER_NORM)
    assert "knob:eps" in found["∂L/∂x"].tags


def test_the_message_says_which_gradient_which_case_the_worst_index_and_why():
    def backward(x, W, dy):
        return {"x": dy @ W, "W": dy.T @ x, "b": dy.mean(0)}

    message = failures_of(backward, linear, **LINEAR)["∂L/∂b"].message
    lines = message.splitlines()
    assert lines[0] == "∂L/∂b: does not match autograd"
    assert lines[1].startswith("Case: batch=")
    assert "Mismatched elements:" in message and "Greatest absolute difference:" in message
    worst = next(line for line in lines if line.startswith("Worst index"))
    assert "closed form = " in worst and "autograd = " in worst and "numeric = " in worst
    assert "numeric = n/a" not in worst
    assert lines[lines.index("Diagnosis:") + 1] == "- It is the truth times 1/batch."


def test_a_scalar_model_is_its_own_loss():
    def bce(z, t):
        return F.binary_cross_entropy_with_logits(z, t)

    def backward(z, t):
        return (1 / (1 + np.exp(-z)) - t) / z.size

    inputs = {"z": ("batch",), "t": Input(("batch",), positive(low=0.1, high=0.9))}
    assert_gradient(backward, bce, shapes={"batch": (1, 8)}, inputs=inputs, wrt="z", examples=EXAMPLES)
    assert "scaled:batch" in failures_of(lambda z, t: (1 / (1 + np.exp(-z)) - t), bce, shapes={"batch": (2, 8)},
                                         inputs=inputs, wrt="z", examples=EXAMPLES)["∂L/∂z"].tags


def test_indices_are_drawn_along_their_axis_and_never_differentiated():
    def lookup(weight, idx):
        return weight[idx]

    def backward(weight, idx, dy):
        found = np.zeros_like(weight)
        np.add.at(found, idx, dy)
        return found

    declared = gradient(backward, lookup, shapes={"batch": (1, 8), "vocab": (1, 4), "d": (1, 3)},
                        inputs={"weight": ("vocab", "d"), "idx": Input(("batch",), indices("vocab"))},
                        examples=EXAMPLES)
    assert declared.wrt == ("weight",)
    declared.run()


class OldStyleTanh(torch.autograd.Function):
    """An old-style Function (ctx first, no setup_context): torch.func.vmap cannot batch it."""

    @staticmethod
    def forward(ctx, x):
        y = torch.tanh(x)
        ctx.save_for_backward(y)
        return y

    @staticmethod
    def backward(ctx, dy):
        (y,) = ctx.saved_tensors
        return dy * (1 - y * y)


def test_a_model_vmap_cannot_batch_is_witnessed_one_sample_at_a_time():
    def model(x):
        return OldStyleTanh.apply(x) * 2

    declared = gradient(lambda x, dy: 2 * dy * (1 - np.tanh(x) ** 2), model, shapes={"batch": (1, 4), "d": (1, 4)},
                        inputs={"x": ("batch", "d")}, examples=10, witness="every")
    checked = declared.run()
    assert declared.built.per_sample
    assert checked.reports[0].witnessed == 10


# ------------------------------------------------------------------------------------------------ arguments


@pytest.mark.parametrize(("changes", "error", "message"), [
    ({"shapes": {"batch": 0}}, ValueError, "shapes={'batch': 0}, but batch must be (low, high)"),
    ({"shapes": {"batch": (3, 2)}}, ValueError, "shapes={'batch': (3, 2)}, but batch must be (low, high)"),
    ({"inputs": {"x": ("batch", "nope"), "W": ("d_out", "d_in"), "b": ("d_out",)}}, ValueError,
     "x has axes nope, which `shapes` does not declare"),
    ({"inputs": {"x": ("batch", "d_in"), "W": ("d_out", "d_in")}}, ValueError,
     "model=linear, but it takes b, which `inputs` does not declare"),
    ({"wrt": "y"}, ValueError, "wrt='y', but 'y' is not an input with float values (x, W, b)"),
    ({"arrays": "jax"}, ValueError, "arrays='jax', but it must be one of 'numpy'"),
    ({"examples": 0}, ValueError, "examples=0, but it must be a positive int"),
    ({"witness": "never"}, ValueError, "witness='never', but it must be one of 'every'"),
    ({"knobs": {"eps": 0.0}}, ValueError, "knobs={'eps': 0.0}, but 'eps' is not a setting of the model"),
    ({"differentiable": "no"}, TypeError, "differentiable='no', but it must be True or False"),
])
def test_bad_arguments_are_refused_saying_why(changes, error, message):
    with pytest.raises(error) as raised:
        gradient(linear_backward, linear, **{**LINEAR, **changes})
    assert message in str(raised.value)


def test_a_closed_form_asking_for_a_name_the_model_lacks_is_refused_with_what_it_can_ask_for():
    def backward(x, W, dout):
        return {}

    with pytest.raises(ValueError) as raised:
        gradient(backward, linear, **LINEAR).run()
    assert str(raised.value).startswith("closed_form=test_a_closed_form_asking_for_a_name_the_model_lacks_is_refused_"
                                        "with_what_it_can_ask_for.<locals>.backward, but it asks for dout")
    assert "the upstream gradient dy" in str(raised.value)


def test_function_refuses_what_is_not_a_function_subclass():
    with pytest.raises(TypeError, match=r"^function_class=<class 'int'>, but it must be a subclass of "
                                        r"torch.autograd.Function"):
        function(int, shapes={"batch": 2}, inputs={"x": ("batch",)})


# ------------------------------------------------------------------------------------------ autograd Functions


class SiLU(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return x * torch.sigmoid(x)

    @staticmethod
    def backward(ctx, dy):
        (x,) = ctx.saved_tensors
        s = torch.sigmoid(x)
        return dy * s * (1 + x * (1 - s))


class SiLUSavedSigmoid(torch.autograd.Function):
    """Saves sigmoid(x) from the forward: right first derivative; the double backward takes it as a constant."""

    @staticmethod
    def forward(ctx, x):
        s = torch.sigmoid(x)
        ctx.save_for_backward(x, s)
        return x * s

    @staticmethod
    def backward(ctx, dy):
        x, s = ctx.saved_tensors
        return dy * s * (1 + x * (1 - s))


class SiLUOnce(SiLU):
    @staticmethod
    @once_differentiable
    def backward(ctx, dy):
        (x,) = ctx.saved_tensors
        s = torch.sigmoid(x)
        return dy * s * (1 + x * (1 - s))


SILU = {"reference": lambda x: F.silu(x), "shapes": {"batch": (1, 6), "d": (1, 6)}, "inputs": {"x": ("batch", "d")},
        "examples": EXAMPLES}


def test_a_right_function_passes_its_forward_backward_and_double_backward():
    checked = assert_function(SiLU, **SILU)
    checks = [(report.entry.section, report.entry.title) for report in checked.reports]
    assert checks == [("SiLU", "y (forward value)"), ("SiLU", "∂L/∂x"), ("SiLU_double_backward", "∂L/∂x"),
                      ("SiLU_double_backward", "∂L/∂dy")]


def test_a_double_backward_through_a_saved_intermediate_fails_there_only():
    with pytest.raises(GradientMismatch) as raised:
        assert_function(SiLUSavedSigmoid, **SILU)
    assert {(failure.check, failure.title) for failure in raised.value.failures} == {
        ("SiLUSavedSigmoid_double_backward", "∂L/∂x")}


def test_a_once_differentiable_backward_has_no_double_backward_unless_required():
    checked = assert_function(SiLUOnce, **SILU)
    assert {report.entry.section for report in checked.reports} == {"SiLUOnce"}
    with pytest.raises(AssertionError, match="double_backward=True, but SiLUOnce's backward is not differentiable"):
        assert_function(SiLUOnce, double_backward=True, **SILU)


def test_a_forward_that_differs_from_the_reference_fails_as_a_forward_value():
    class Doubled(SiLU):
        @staticmethod
        def forward(ctx, x):
            ctx.save_for_backward(x)
            return 2 * x * torch.sigmoid(x)

    with pytest.raises(GradientMismatch) as raised:
        assert_function(Doubled, double_backward=False, **SILU)
    assert "the forward value y" in {failure.title for failure in raised.value.failures}


class Linear(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x, W):
        ctx.save_for_backward(x, W)
        return x @ W.T

    @staticmethod
    def backward(ctx, dy):
        x, W = ctx.saved_tensors
        return dy @ W, x.T @ dy


def test_a_transposed_function_gradient_autograd_refuses_is_still_named_transposed():
    with pytest.raises(GradientMismatch) as raised:
        assert_function(Linear, reference=lambda x, W: x @ W.T, shapes={"batch": (1, 4), "d_in": (1, 4), "d_out": (1, 4)},
                        inputs={"x": ("batch", "d_in"), "W": ("d_out", "d_in")}, examples=EXAMPLES)
    found = {failure.title: failure for failure in raised.value.failures}
    assert "transposed" in found["∂L/∂W"].tags


def _cdf(x):
    return 0.5 * (1 + torch.erf(x / math.sqrt(2)))


class NumpyGELU(torch.autograd.Function):
    """A forward autograd cannot follow (numpy inside): only numeric differentiation can judge the backward."""

    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        from math import erf

        values = x.detach().numpy()
        return torch.from_numpy(values * 0.5 * (1 + np.vectorize(erf)(values / math.sqrt(2))))

    @staticmethod
    @once_differentiable
    def backward(ctx, dy):
        (x,) = ctx.saved_tensors
        return dy * (_cdf(x) + x * torch.exp(-x * x / 2) / math.sqrt(2 * math.pi))


class NumpyGELUCdfOnly(NumpyGELU):
    @staticmethod
    @once_differentiable
    def backward(ctx, dy):
        (x,) = ctx.saved_tensors
        return dy * _cdf(x)


def test_without_a_reference_the_backward_is_judged_by_numeric_differentiation_alone():
    shapes, inputs = {"batch": (1, 3), "d": (1, 3)}, {"x": ("batch", "d")}
    checked = assert_function(NumpyGELU, shapes=shapes, inputs=inputs, examples=10)
    assert checked.reports[0].witnessed == 10
    with pytest.raises(GradientMismatch) as raised:
        assert_function(NumpyGELUCdfOnly, shapes=shapes, inputs=inputs, examples=10)
    assert "the backward does not match numeric differentiation of the forward" in str(raised.value)


class SignSTE(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return torch.sign(x)

    @staticmethod
    def backward(ctx, dy):
        (x,) = ctx.saved_tensors
        return dy * (x.abs() <= 1).to(dy.dtype)


class SignSTEUnclipped(SignSTE):
    @staticmethod
    def backward(ctx, dy):
        return dy.clone()


def ste(x, bound=1.0):
    clipped = torch.clamp(x, -bound, bound)
    return clipped + (torch.sign(x) - clipped).detach()


def test_a_surrogate_gradient_is_judged_by_autograd_alone():
    declared = {"reference": ste, "shapes": {"batch": (1, 6), "d": (1, 6)}, "inputs": {"x": ("batch", "d")},
                "knobs": {"bound": math.inf}, "differentiable": False, "examples": EXAMPLES}
    checked = assert_function(SignSTE, **declared)
    assert sum(report.witnessed for report in checked.reports) == 0
    with pytest.raises(GradientMismatch) as raised:
        assert_function(SignSTEUnclipped, **declared)
    (failure,) = raised.value.failures
    assert "knob:bound" in failure.tags
    assert "numeric = not computed" in failure.message and "autograd vs numeric" not in failure.message


def test_parametrize_refuses_what_is_not_a_declaration():
    from checks.testing import parametrize

    with pytest.raises(TypeError, match=r"^declarations=\[<function linear_backward at .*>\], but it must be a non-empty"):
        parametrize([linear_backward])
    with pytest.raises(TypeError, match=r"^declarations=\[\], but it must be a non-empty sequence"):
        parametrize([])


@pytest.mark.parametrize(("changes", "error", "message"), [
    ({"inputs": {"z": ("batch", "d")}}, ValueError, "inputs=['z'], but SiLU.forward takes x, not z"),
    ({"constants": [("eps", 1.0)]}, TypeError, "constants=[('eps', 1.0)], but it must map the forward's other"),
    ({"output": -1}, ValueError, "output=-1, but it must be the index of one output"),
    ({"reference": None, "knobs": {"eps": 0.0}}, ValueError, "knobs={'eps': 0.0}, but knobs change a setting of the "
                                                             "reference, and there is none"),
    ({"double_backward": "yes"}, ValueError, "double_backward='yes', but it must be one of None"),
])
def test_bad_function_arguments_are_refused_saying_why(changes, error, message):
    with pytest.raises(error) as raised:
        function(SiLU, **{**SILU, **changes})
    assert str(raised.value).startswith(message)
