"""Known wrong formulas of homework 3: each is a mistake a careful student makes, with a hint that points at the
missed idea without giving the answer away.

Each is the reference with one idea changed, built from the reference's own
steps where it shares them. The test suite asserts that the checker catches
every one of them; grading names them when a submission matches one.
"""
from __future__ import annotations

import numpy as np

from checks.declare import WrongVariant

from .conv import padded_input_gradient
from .lstm_step import lstm_step_dL_da
from .rnn import backward_through_time
from .rnn_step import preactivation_gradient


def dx_padding_kept(x, w, dout, stride, pad):
    """The gradient at the padded input, its border included."""
    return padded_input_gradient(x, w, dout, stride, pad)


def db_over_batch_only(dout):
    return dout.sum(axis=0)


def dWx_transposed(x, dnext_h, next_h):
    return preactivation_gradient(dnext_h, next_h).T @ x


def dWh_with_the_same_step(Wh, h, dh):
    """Each step's gradient met with its own state, where the step multiplies the state before it."""
    da, _ = backward_through_time(Wh, h, dh)
    return np.einsum("ntg,nth->gh", h, da)


def da_gates_in_order_ifgo(prev_c, i, f, o, g, next_c, dnext_h, dnext_c):
    """The gates' gradients laid side by side as i, f, g, o."""
    i_part, f_part, o_part, g_part = np.split(lstm_step_dL_da(prev_c, i, f, o, g, next_c, dnext_h, dnext_c), 4, axis=1)
    return np.concatenate([i_part, f_part, g_part, o_part], axis=1)


CATALOG: tuple[WrongVariant, ...] = (
    WrongVariant("padding_kept_in_dx", "conv_dL_dx", dx_padding_kept,
                 "The zero padding is not part of the input: its gradient has the input's own shape."),
    WrongVariant("bias_summed_over_batch_only", "conv_dL_db", db_over_batch_only,
                 "A filter's bias is added at every output position of every image."),
    WrongVariant("transposed_weight_gradient", "rnn_step_dL_dWx", dWx_transposed,
                 "A weight gradient has the weight's own shape: Wx is (D, Dh), laid out (in, out)."),
    WrongVariant("state_of_the_same_step", "rnn_dL_dWh", dWh_with_the_same_step,
                 "A step multiplies Wh by the state it starts from: h0 for the first step."),
    WrongVariant("gates_in_order_ifgo", "lstm_step_dL_da", da_gates_in_order_ifgo,
                 "The pre-activations hold the gates in the order a forward pass slices them."),
)
