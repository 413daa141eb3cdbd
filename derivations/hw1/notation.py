"""How homework 1's write-ups spell its vocabulary: the notation table gradjudge's write-up reader reads.

A spelling is what a formula shows once font wrappers (`\\mathbf`, `\\boldsymbol`,
`\\mathcal`, `\\text`, …) are taken off: accents first (`hat`, `bar`, `tilde`), then
the letter or Greek name without its backslash, then `_` and the subscript's
name part, then `^` and a superscript that belongs to the name (`sigma^2`).
Indices are not part of a spelling: `\\hat{\\mathbf{y}}_{B,k}^i` is `hat y_B` with
class k of sample i. Extend a table to accept more notation; every entry must
name a quantity of its context's vocabulary (`assignment.py`).
"""
from checks.declare import Notation

SAMPLE_LETTERS = ("i",)
"""Superscripts that mark sample i (`x^i`; `x^{(i)}` is accepted for any letter)."""

_WEIGHTS = {
    f"{letter}_{layer}": f"theta{layer}"
    for layer in ("1A", "2A", "1B", "2B")
    for letter in ("theta", "W", "w", "Theta")
}

ALIASES = {
    "*": {
        "L": "L", "ell": "L", "J": "L",
        "m": "m",
        "epsilon": "eps", "varepsilon": "eps",
    },
    "bn": {
        "x": "x", "y": "y", "gamma": "gamma", "beta": "beta",
        "mu": "mu", "mu_beta": "mu", "mu_B": "mu",
        "sigma^2": "var", "sigma_beta^2": "var", "sigma_B^2": "var",
        "hat x": "xhat",
    },
    "dropout": {
        "x": "x", "y": "y", "M": "M", "p": "p",
    },
    "softmax": {
        "x": "x", "y": "y", "z": "x", "s": "y", "hat y": "y",
    },
    "net": {
        **_WEIGHTS,
        "x": "x",
        "y_A": "yA", "y_B": "yB", "hat y_A": "yA_hat", "hat y_B": "yB_hat",
        "b_1A": "b1A", "b_2A": "b2A", "b_1B": "b1B", "b_2B": "b2B",
        "gamma": "gamma", "beta": "beta",
        "M": "M", "N": "N", "p": "p",
        "H_1A": "H1A", "h_1A": "H1A", "z_1A": "z1A", "z_DP": "zDP",
        "z_1B": "z1B", "mu": "mu", "mu_beta": "mu", "mu_B": "mu",
        "sigma^2": "var", "sigma_beta^2": "var", "sigma_B^2": "var",
        "hat x": "xhat", "hat z_1B": "xhat", "hat z": "xhat",
        "H_BN": "H_BN", "h_BN": "H_BN", "z_BN": "zBN",
        "x_2B": "x2B", "z_2B": "z2B",
    },
}

AXIS_SYMBOLS = {
    "*": {"m": "m"},
    "bn": {"d": "d"},
    "dropout": {"d": "d"},
    "softmax": {"n": "n", "K": "n", "C": "n"},
    "net": {"b": "n_classes", "K": "n_classes", "C": "n_classes", "c": "n_classes"},
}

DERIVATIVE_ALIASES = {
    "bn": {("L", "y"): "dy"},
    "dropout": {("L", "y"): "dy"},
    "softmax": {("L", "y"): "dy"},
}
"""Quantities written as a derivative: the upstream gradient `dy` of block one is `∂L/∂y`."""

CONTEXT_KEYWORDS = {
    "bn": ("batchnorm", "batch norm", "batch normalization", "batchnormalization", "批归一化", "批量归一化"),
    "dropout": ("dropout",),
    "softmax": ("softmax",),
    "net": ("network", "feed-forward", "feedforward", "forward pass", "backprop", "two-task", "block two",
            "网络", "前向", "反向传播"),
}

NOTATION = Notation(aliases=ALIASES, axis_symbols=AXIS_SYMBOLS, derivative_aliases=DERIVATIVE_ALIASES,
                    context_keywords=CONTEXT_KEYWORDS, sample_letters=SAMPLE_LETTERS)
