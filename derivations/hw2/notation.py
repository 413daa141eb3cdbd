"""How homework 2's write-ups spell its vocabulary: the notation table gradjudge's write-up reader reads.

A spelling is what a formula shows once font wrappers (`\\mathbf`, `\\boldsymbol`,
`\\mathrm`, `\\text`, …) are taken off: accents first (`hat`), then the letter or
Greek name, then `_` and the subscript's name part, then `^` and a superscript
that belongs to the name (`sigma^2`, `H^in`). Write-ups of the block usually
write a sequence as a `t × d` matrix with one token per row (`X_i`, `Q_i`), the
handout's names in upper or lower case. Every entry must name a quantity of
its context's vocabulary (`assignment.py`).
"""
from checks.declare import Notation

SAMPLE_LETTERS = ("i",)
"""Superscripts that mark sample (sequence) i (`X^i`; `X^{(i)}` is accepted for any letter)."""


def _both_cases(table: dict[str, str]) -> dict[str, str]:
    """Each one-letter spelling in both cases (`x` and `X`); attention's Q, K, V, S, A, Z are upper case only,
    their lower-case letters being the indices of queries, keys and tokens."""
    return {**table, **{spelling.upper(): name for spelling, name in table.items()}}


_PROJECTIONS = {f"W{mark}{letter}": f"W{letter.lower()}"
                for letter in ("q", "k", "v", "o", "Q", "K", "V", "O") for mark in ("_", "^")}

ALIASES = {
    "*": {
        "L": "L", "ell": "L", "J": "L", "mathcal L": "L",
        "m": "m",
        "epsilon": "eps", "varepsilon": "eps",
        "gamma": "gamma", "beta": "beta",
    },
    "layernorm": {
        "x": "x", "X": "x", "y": "y", "Y": "y",
        "mu": "mu", "sigma^2": "var", "hat x": "xhat", "hat X": "xhat",
    },
    "transformer": {
        **_PROJECTIONS,
        **_both_cases({"x": "x", "u": "u", "r": "r", "h": "h", "y": "y"}),
        "Q": "Q", "K": "K", "V": "V", "S": "S", "A": "A", "Z": "Z",
        "W_1": "W1", "W_2": "W2", "b_1": "b1", "b_2": "b2",
        "y_target": "y_target", "Y_target": "y_target", "y^target": "y_target", "Y^target": "y_target",
        "y_tgt": "y_target", "Y^tgt": "y_target", "y^*": "y_target", "Y^*": "y_target",
        "H^in": "h_in", "H_in": "h_in", "h_in": "h_in", "h^in": "h_in", "Z_1": "h_in",
        "mu": "mu", "sigma^2": "var", "hat x": "xhat", "hat X": "xhat",
    },
}

AXIS_SYMBOLS = {
    "*": {"m": "m"},
    "layernorm": {"d": "d"},
    "transformer": {"t": "t", "T": "t", "n": "t", "d": "d", "d_model": "d", "d_ff": "d_ff", "d_h": "d_ff",
                    "D": "d_ff"},
}

DERIVATIVE_ALIASES = {
    "layernorm": {("L", "y"): "dy"},
}
"""Quantities written as a derivative: the upstream gradient `dy` of section 1 is `∂L/∂y`."""

CONTEXT_KEYWORDS = {
    "layernorm": ("layernorm", "layer norm", "layer normalization", "层归一化"),
    "transformer": ("transformer", "block", "attention", "mlp", "residual", "注意力", "残差"),
}

NOTATION = Notation(aliases=ALIASES, axis_symbols=AXIS_SYMBOLS, derivative_aliases=DERIVATIVE_ALIASES,
                    context_keywords=CONTEXT_KEYWORDS, sample_letters=SAMPLE_LETTERS)
