"""How homework 3's write-ups spell its vocabulary: the notation table gradjudge's write-up reader reads.

Write-ups of this homework are read for its matrix layers: the RNN step, the
LSTM step and the softmax loss, whose samples are row vectors (`x W_x`, as the
layers compute them). A spelling is what a formula shows once font wrappers are
taken off: accents first, then the letter or Greek name, then `_` and the
subscript, then `^` and a superscript that is part of the name. Every entry
names a quantity of its context's vocabulary (`assignment.py`).
"""
from checks.declare import Notation

ALIASES = {
    "*": {"L": "L", "ell": "L"},
    "rnn_step": {
        "x": "x", "x_t": "x", "h_prev": "prev_h", "h_t-1": "prev_h", "h": "prev_h", "h_next": "next_h",
        "h_t": "next_h", "W_x": "Wx", "W_xh": "Wx", "W_h": "Wh", "W_hh": "Wh", "b": "b", "a": "a", "a_t": "a",
        "delta_h_next": "dnext_h",
    },
    "lstm_step": {
        "x": "x", "x_t": "x", "h_prev": "prev_h", "c_prev": "prev_c", "h_next": "next_h", "c_next": "next_c",
        "W_x": "Wx", "W_h": "Wh", "b": "b", "a": "a", "i": "i", "f": "f", "o": "o", "g": "g",
    },
    "softmax_loss": {"x": "x", "s": "x", "p": "probs", "hat y": "probs", "Y": "y_onehot", "y": "y_onehot"},
}

AXIS_SYMBOLS = {"*": {"N": "N"}, "softmax_loss": {"K": "K", "C": "K"}}

DERIVATIVE_ALIASES = {
    "rnn_step": {("L", "next_h"): "dnext_h"},
    "lstm_step": {("L", "next_h"): "dnext_h", ("L", "next_c"): "dnext_c"},
}
"""Quantities written as a derivative: the upstream gradient `dnext_h` is `∂L/∂h_next`."""

CONTEXT_KEYWORDS = {
    "rnn_step": ("rnn step", "vanilla rnn", "recurrent step"),
    "lstm_step": ("lstm",),
    "softmax_loss": ("softmax loss", "softmax classifier", "cross-entropy", "cross entropy"),
}

NOTATION = Notation(aliases=ALIASES, axis_symbols=AXIS_SYMBOLS, derivative_aliases=DERIVATIVE_ALIASES,
                    context_keywords=CONTEXT_KEYWORDS, sample_letters=("n",))
