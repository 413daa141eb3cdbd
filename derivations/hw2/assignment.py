"""Homework 2, declared: LayerNorm on its own, and a pre-LayerNorm transformer block.

Section 1 checks LayerNorm in its own context with a random upstream gradient
`dy` and the loss `L = sum(dy * y)`, never `y.sum()`, whose gradient through a
normalization is zero and hides every error. Section 2 is one transformer block
on `m` sequences of `t` tokens of width `d`: LayerNorm over each token's
features, single-head attention with scores scaled by 1/sqrt(d) and a softmax
over the keys, a residual, an exact-GELU MLP of hidden width `d_ff` and a
second residual, under the loss `L = (1/m) sum_i 1/2 ||y_i - y_target_i||^2`.
Everything gradjudge checks, grades and explains about this homework follows
from this file.
"""
from __future__ import annotations

import math
from pathlib import Path

import numpy as np

from checks.declare import (F, Assignment, Axis, Backward, Context, Derivation, Node, Quantity, Scalar, Term, Variant,
                            absmax, rms_scale, surrogate, torch)

from .catalog import CATALOG
from .notation import NOTATION

LINEAR = "(out, in), as torch.nn.Linear stores it"
"""How every weight is laid out: a row per output unit."""

TINY_STD = 1e-3
"""Standard deviation of a tiny-variance row (variance near 1e-6, below either eps), centred within a
few of its own stds of zero: a large offset would only add a cancellation that punishes correct formulas."""
SATURATED_SCORE = 40.0
"""The saturated-attention edge scales `Wq` and `Wk` alike until the largest score is ± this (scores are
about unit-sized otherwise): a query's softmax is then nearly one-hot, its smallest weights near e^-80,
far from underflow."""

AXES = (
    Axis("m", "batch: the sequences (the samples, in the LayerNorm context), first in every batch-first array"),
    Axis("t", "tokens per sequence; attention mixes them, queries along one axis and keys along the next"),
    Axis("d", "model width: each token's features, over which LayerNorm takes its statistics"),
    Axis("d_ff", "hidden width of the block's MLP"),
)

EPS = Scalar("eps", "LayerNorm epsilon, a float", values=(1e-5, 1e-3), diagnostic=(1e-5,),
             valid=lambda eps: eps > 0, rule="LayerNorm's epsilon must be positive")
"""1e-5 is LayerNorm's default; 1e-3 catches an epsilon hard-coded instead of read from `eps`."""


def _normal(rng: np.random.Generator, *shape: int, std: float = 1.0) -> np.ndarray:
    return std * rng.standard_normal(shape)


def _layer_norm(x, gamma, beta, eps):
    """PyTorch's own LayerNorm over the last axis (each row's features)."""
    return F.layer_norm(x, x.shape[-1:], gamma, beta, eps)


def _row_scale(x, eps):
    """LayerNorm's input moves through its nonlinearity over about one row std: `(..., 1)`, one per row."""
    return (x.var(-1, correction=0, keepdim=True) + eps).sqrt()


def _upstream_loss(dy, y):
    """`L = sum(dy * y)`: a random upstream gradient, never `.sum()`, which hides errors."""
    return (dy * y).sum()


def _layer_norm_as(*, cut: tuple[str, ...] = (), eps_zero: bool = False, gamma_one: bool = False, over: int = -1):
    """LayerNorm written out (the same values as PyTorch's), with some of its paths cut, one knob turned, or its
    statistics taken over another axis `over`."""
    def normalised(x, gamma, beta, eps):
        mean, var = x.mean(over, keepdim=True), x.var(over, correction=0, keepdim=True)
        mean = mean.detach() if "mean" in cut else mean
        var = var.detach() if "variance" in cut else var
        xhat = (x - mean) / (var + (0.0 if eps_zero else eps)).sqrt()
        return xhat + beta if gamma_one else gamma * xhat + beta
    return normalised


def _layer_norm_paths(node: str) -> tuple[Variant, ...]:
    """LayerNorm's two paths through each row's statistics, cut one at a time."""
    return (
        Variant("path", "ln_row_mean", {node: _layer_norm_as(cut=("mean",))},
                "the exact gradient of a LayerNorm whose row means are held constant: the path through each row's "
                "mean is missing", subject="the path through each row's mean"),
        Variant("path", "ln_row_variance", {node: _layer_norm_as(cut=("variance",))},
                "the exact gradient of a LayerNorm whose row variances are held constant: the path through each row's "
                "variance is missing", subject="the path through each row's variance"),
    )


def _layer_norm_knobs(node: str) -> tuple[Variant, ...]:
    """LayerNorm with one setting changed: a different normalization, differentiated exactly."""
    return (
        Variant("knob", "ln_no_eps", {node: _layer_norm_as(eps_zero=True)},
                "the exact gradient of a LayerNorm without eps: eps is left out of the normaliser"),
        Variant("knob", "ln_gamma_as_one", {node: _layer_norm_as(gamma_one=True)},
                "the exact gradient of a LayerNorm without its scale: gamma is taken as 1"),
    )


def _sigma(q):
    """`sqrt(var + eps)`, one per row, with an axis to broadcast along its features: `(..., 1)`."""
    return (q["var"] + q["eps"]).sqrt().unsqueeze(-1)


def _layer_norm_backward(node: str) -> Backward:
    """LayerNorm's input gradient as three terms, `g' = gamma * g` with the means over each row's features:
    `g'/sigma - <g'>/sigma - xhat <g' xhat>/sigma`."""
    return Backward(
        node, "x", at="xhat", uses=("gamma", "var", "eps"), dim=-1, over=lambda dim: _layer_norm_as(over=dim),
        terms=(Term("direct", "the direct term",
                    lambda g, q, dim: q["gamma"] * g / _sigma(q)),
               Term("row_mean", "the term through each row's mean",
                    lambda g, q, dim: -(q["gamma"] * g).mean(dim, keepdim=True) / _sigma(q)),
               Term("row_variance", "the term through each row's variance",
                    lambda g, q, dim: -q["xhat"] * (q["gamma"] * g * q["xhat"]).mean(dim, keepdim=True) / _sigma(q))),
        factors={"gamma": lambda q: q["gamma"], "1/sqrt(var+eps)": lambda q: 1 / _sigma(q)})


def _layer_norm_derivatives(node: str) -> tuple[Variant, ...]:
    """LayerNorm's forward pass kept and its derivative swapped: inside the block, a mistake of the backward pass."""
    def derivative_of(proxy):
        return lambda x, gamma, beta, eps: surrogate(_layer_norm(x, gamma, beta, eps), proxy(x, gamma, beta, eps))

    return (
        Variant("local_derivative", "layernorm_without_gamma", {node: derivative_of(_layer_norm_as(gamma_one=True))},
                "the gradient with LayerNorm differentiated as if gamma were 1: its scale is missing in the backward "
                "pass"),
        Variant("local_derivative", "layernorm_without_eps", {node: derivative_of(_layer_norm_as(eps_zero=True))},
                "the gradient with LayerNorm differentiated without eps (its forward pass keeps it)"),
    )


def _ln_leaves(rng: np.random.Generator, case) -> dict:
    m, d = case.size["m"], case.size["d"]
    x = _normal(rng, m, 1, std=case.scale) + _normal(rng, m, d, std=case.scale)
    if case.edge == "tiny_variance":
        x[0] = _normal(rng, 1, std=TINY_STD) + _normal(rng, d, std=TINY_STD)
    return {"x": x, "gamma": _normal(rng, d), "beta": _normal(rng, d), "dy": _normal(rng, m, d)}


LAYERNORM = Context(
    "layernorm", "Section 1: LayerNorm over each row's features, y = gamma * xhat + beta, with L = sum(dy * y)",
    axes={"m": 1, "d": 2},
    leaves=(
        Quantity("x", ("m", "d"), "LayerNorm input, one sample per row"),
        Quantity("gamma", ("d",), "LayerNorm scale"),
        Quantity("beta", ("d",), "LayerNorm shift"),
        Quantity("dy", ("m", "d"), "upstream gradient; L = sum(dy * y)"),
    ),
    scalars=(EPS,),
    nodes=(
        Node("mu", ("m",), "mean of each row of x, over its features", ("x",), lambda x: x.mean(-1)),
        Node("var", ("m",), "biased variance of each row of x, over its features", ("x",),
             lambda x: x.var(-1, correction=0)),
        Node("xhat", ("m", "d"), "(x - mu) / sqrt(var + eps), row by row", ("x", "eps"),
             lambda x, eps: _layer_norm(x, None, None, eps)),
        Node("y", ("m", "d"), "gamma * xhat + beta", ("x", "gamma", "beta", "eps"), _layer_norm),
        Node("L", (), "sum(dy * y)", ("dy", "y"), _upstream_loss),
    ),
    generate=_ln_leaves,
    edges={"tiny_variance": "a row of variance near 1e-6"},
    length_scales={"x": lambda v: _row_scale(v["x"], v["eps"])},
    variants=(*_layer_norm_paths("y"), *_layer_norm_knobs("y")),
    backwards=(_layer_norm_backward("y"),),
)


def _block_leaves(rng: np.random.Generator, case) -> dict:
    m, t, d, d_ff = (case.size[axis] for axis in ("m", "t", "d", "d_ff"))
    leaves = {
        "x": _normal(rng, m, t, 1, std=case.scale) + _normal(rng, m, t, d, std=case.scale),
        "y_target": _normal(rng, m, t, d),
        "gamma": _normal(rng, d),
        "beta": _normal(rng, d, std=0.5),
        "Wq": _normal(rng, d, d, std=d**-0.5),
        "Wk": _normal(rng, d, d, std=d**-0.5),
        "Wv": _normal(rng, d, d, std=d**-0.5),
        "Wo": _normal(rng, d, d, std=d**-0.5),
        "W1": _normal(rng, d_ff, d, std=d**-0.5),
        "b1": _normal(rng, d_ff, std=0.5),
        "W2": _normal(rng, d, d_ff, std=d_ff**-0.5),
        "b2": _normal(rng, d, std=0.5),
        "m": m,
    }
    if case.edge == "tiny_variance":
        leaves["x"][0, 0] = _normal(rng, 1, std=TINY_STD) + _normal(rng, d, std=TINY_STD)
    if case.edge == "saturated_attention":
        gain = np.sqrt(SATURATED_SCORE / np.abs(_numpy_scores(leaves, case.scalars["eps"])).max())
        leaves["Wq"] *= gain
        leaves["Wk"] *= gain
    return leaves


def _numpy_scores(leaves: dict, eps: float) -> np.ndarray:
    """The scores `S` the leaves give, computed in numpy while they are drawn: `(m, t, t)`."""
    x = leaves["x"]
    u = leaves["gamma"] * (x - x.mean(-1, keepdims=True)) / np.sqrt(x.var(-1, keepdims=True) + eps) + leaves["beta"]
    Q, K = u @ leaves["Wq"].T, u @ leaves["Wk"].T
    return Q @ K.transpose(0, 2, 1) / np.sqrt(x.shape[-1])


def _scores(Q, K):
    """`S = Q K^T / sqrt(d)`, one `(t, t)` block per sequence: queries along rows, keys along columns."""
    return torch.matmul(Q, K.transpose(-1, -2)) / Q.shape[-1] ** 0.5


def _gelu_unit_in_r(v):
    """Steps in r that move no GELU input by more than about one unit, the GELU's natural scale:
    1 / the largest L1 norm of a row of W1."""
    return 1 / v["W1"].abs().sum(-1).max()


def _block_loss(y, y_target, m):
    """`L = (1/m) Σ_i ½‖y_i − y_target_i‖²`, the squared norm over each sequence's tokens and features."""
    return (y - y_target).square().sum() / 2 / m


def _attention_softmax_variants(node: str) -> tuple[Variant, ...]:
    """Each query's softmax with its Jacobian swapped for a common wrong one, its weights unchanged."""
    def with_jacobian(jacobian):
        def node_fn(s):
            a = F.softmax(s, dim=-1)
            return surrogate(a, torch.einsum("...kl,...l->...k", jacobian(a.detach()), s))
        return node_fn

    return (
        Variant("local_derivative", "softmax_jacobian_as_identity",
                {node: with_jacobian(lambda a: torch.eye(a.shape[-1], dtype=a.dtype).expand(*a.shape, a.shape[-1]))},
                "the gradient with the attention softmax's Jacobian taken as the identity: ∂L/∂A passed to the scores "
                "unchanged"),
        Variant("local_derivative", "softmax_normaliser_as_constant", {node: with_jacobian(torch.diag_embed)},
                "the gradient with the attention softmax's normalising sum held constant: each weight's derivative "
                "is A itself, times its own score's, and nothing comes from the rest of its row"),
    )


def _gelu_cdf(z):
    """Phi, the standard normal CDF, through erf as the exact GELU is."""
    return 0.5 * (1 + torch.erf(z / 2**0.5))


def _gelu_derivative(z):
    """`Phi(z) + z phi(z)`: the exact GELU's derivative, one term from each factor of `z Phi(z)`."""
    return _gelu_cdf(z) + z * torch.exp(-z * z / 2) / math.sqrt(2 * math.pi)


TRANSFORMER = Context(
    "transformer", "Section 2: a pre-LayerNorm transformer block, its forward pass (2.1) and backward pass (2.2-2.5)",
    axes={"m": 1, "t": 2, "d": 2, "d_ff": 1},
    leaves=(
        Quantity("x", ("m", "t", "d"), "the block's input, one row of features per token"),
        Quantity("y_target", ("m", "t", "d"), "regression target of the block's output"),
        Quantity("gamma", ("d",), "LayerNorm scale"),
        Quantity("beta", ("d",), "LayerNorm shift"),
        Quantity("Wq", ("d", "d"), "query projection", layout=LINEAR),
        Quantity("Wk", ("d", "d"), "key projection", layout=LINEAR),
        Quantity("Wv", ("d", "d"), "value projection", layout=LINEAR),
        Quantity("Wo", ("d", "d"), "attention output projection", layout=LINEAR),
        Quantity("W1", ("d_ff", "d"), "MLP first weight", layout=LINEAR),
        Quantity("b1", ("d_ff",), "MLP first bias"),
        Quantity("W2", ("d", "d_ff"), "MLP second weight", layout=LINEAR),
        Quantity("b2", ("d",), "MLP second bias"),
        Quantity("m", (), "batch size, an int"),
    ),
    scalars=(EPS,),
    nodes=(
        Node("mu", ("m", "t"), "mean of each token's features of x", ("x",), lambda x: x.mean(-1)),
        Node("var", ("m", "t"), "biased variance of each token's features of x", ("x",),
             lambda x: x.var(-1, correction=0)),
        Node("xhat", ("m", "t", "d"), "(x - mu) / sqrt(var + eps), token by token", ("x", "eps"),
             lambda x, eps: _layer_norm(x, None, None, eps)),
        Node("u", ("m", "t", "d"), "gamma * xhat + beta, LayerNorm's output", ("x", "gamma", "beta", "eps"), _layer_norm),
        Node("Q", ("m", "t", "d"), "u Wq^T, the queries", ("u", "Wq"), F.linear),
        Node("K", ("m", "t", "d"), "u Wk^T, the keys", ("u", "Wk"), F.linear),
        Node("V", ("m", "t", "d"), "u Wv^T, the values", ("u", "Wv"), F.linear),
        Node("S", ("m", "t", "t"), "Q K^T / sqrt(d), the attention scores (query, key)", ("Q", "K"), _scores),
        Node("A", ("m", "t", "t"), "softmax(S) over the keys (the last axis), the attention weights", ("S",),
             lambda s: F.softmax(s, dim=-1)),
        Node("Z", ("m", "t", "d"), "A V, the attention output", ("A", "V"), torch.matmul),
        Node("r", ("m", "t", "d"), "x + Z Wo^T, the first residual", ("x", "Z", "Wo"), lambda x, z, w: x + F.linear(z, w)),
        Node("h_in", ("m", "t", "d_ff"), "r W1^T + b1, the GELU's input", ("r", "W1", "b1"), F.linear),
        Node("h", ("m", "t", "d_ff"), "gelu(h_in), the exact (erf) GELU", ("h_in",), F.gelu),
        Node("y", ("m", "t", "d"), "r + h W2^T + b2, the second residual: the block's output", ("r", "h", "W2", "b2"),
             lambda r, h, w, b: r + F.linear(h, w, b)),
        Node("L", (), "(1/m) sum_i 1/2 ‖y_i - y_target_i‖²", ("y", "y_target", "m"), _block_loss),
    ),
    generate=_block_leaves,
    edges={"tiny_variance": "a token whose features have variance near 1e-6",
           "saturated_attention": "Wq and Wk scaled up until the largest score is ±40: softmaxes nearly one-hot"},
    length_scales={
        "x": lambda v: torch.minimum(_row_scale(v["x"], v["eps"]), _gelu_unit_in_r(v)),
        "r": lambda v: torch.minimum(rms_scale(v["r"]), _gelu_unit_in_r(v)),
        "W1": lambda v: torch.minimum(rms_scale(v["W1"]), 1 / v["r"].abs().sum(-1).max()),
        "S": lambda v: v["S"].new_ones(()),
    },
    variants=(
        *_layer_norm_paths("u"),
        *_layer_norm_derivatives("u"),
        Variant("knob", "unscaled_scores", {"S": lambda Q, K: torch.matmul(Q, K.transpose(-1, -2))},
                "exactly that of a block whose scores Q Kᵀ are not divided by sqrt(d)"),
        Variant("local_derivative", "score_scale_left_out",
                {"S": lambda Q, K: surrogate(_scores(Q, K), torch.matmul(Q, K.transpose(-1, -2)))},
                "the gradient with the scores differentiated as Q Kᵀ alone: their 1/sqrt(d) is missing in the "
                "backward pass"),
        *_attention_softmax_variants("A"),
        Variant("local_derivative", "values_through_A",
                {"Z": lambda A, V: surrogate(torch.matmul(A, V), torch.matmul(A, V.detach())
                                             + torch.matmul(A.detach().transpose(-1, -2), V))},
                "the gradient with ∂L/∂V taken as A ∂L/∂Z: the attention weights applied to the values' gradient as "
                "in the forward pass, queries along the rows, not transposed"),
        Variant("path", "first_residual", {"r": lambda x, z, w: x.detach() + F.linear(z, w)},
                "the gradient with the first residual cut: x reaches r only through LayerNorm and the attention",
                subject="the path from x straight to r (the first residual)"),
        Variant("local_derivative", "gelu_derivative_as_cdf",
                {"h": lambda z: surrogate(F.gelu(z), _gelu_cdf(z.detach()) * z)},
                "the gradient with GELU's derivative taken as Phi(h_in) alone: the factor h_in of h_in Phi(h_in) is "
                "held constant"),
        Variant("local_derivative", "gelu_tanh_derivative",
                {"h": lambda z: surrogate(F.gelu(z), F.gelu(z, approximate="tanh"))},
                "the gradient with GELU's derivative taken from its tanh approximation, where the block's GELU is the "
                "exact (erf) one"),
        Variant("path", "second_residual", {"y": lambda r, h, w, b: r.detach() + F.linear(h, w, b)},
                "the gradient with the second residual cut: r reaches y only through the MLP",
                subject="the path from r straight to y (the second residual)"),
        Variant("knob", "loss_without_mean", {"L": lambda y, y_target, m: _block_loss(y, y_target, m) * m},
                "the exact gradient of a loss summed over the sequences: the loss's 1/m is missing"),
    ),
    backwards=(
        _layer_norm_backward("u"),
        Backward("A", "S", at="A", dim=-1, over=lambda dim: lambda s: F.softmax(s, dim=dim),
                 terms=(Term("diagonal", "the diagonal term of the attention softmax's Jacobian",
                             lambda g, q, dim: q["A"] * g, diagonal=True),
                        Term("outer_product", "the row-sum term of the attention softmax's Jacobian",
                             lambda g, q, dim: -q["A"] * (q["A"] * g).sum(dim, keepdim=True))),
                 factors={"A": lambda q: q["A"]}),
        Backward("h", "h_in", at="h_in",
                 terms=(Term("gelu_derivative", "GELU's derivative",
                             lambda g, q, dim: g * _gelu_derivative(q["h_in"]), diagonal=True),)),
    ),
)


def _loss_gradient(v, name: str) -> np.ndarray:
    """∂L/∂name on a case's values, by autograd through the declared block: the size of what an id's terms carry."""
    tensors = {key: torch.from_numpy(np.array(value)) if isinstance(value, np.ndarray) else value
               for key, value in v.items()}
    point = tensors[name].requires_grad_(True)
    TRANSFORMER.graph.reenter(tensors, name, point, targets=(TRANSFORMER.loss,))[TRANSFORMER.loss].backward()
    return point.grad.numpy()


def _ln_gain(v, upstream: float) -> float:
    """LayerNorm's input gradient scales its output gradient by up to |gamma| / sqrt(var + eps)."""
    return upstream * absmax(v["gamma"]) / float(np.sqrt(np.min(v["var"]) + v["eps"]))


def _out_of_gelu(v) -> float:
    """Terms through GELU's output h = z Phi(z), sized as if Phi were 1: Phi comes from 1 + erf, whose roundoff is
    about 1e-16 absolute however small Phi is, so a GELU far below zero gives h = 0 in one honest formula (torch's)
    and 1e-16 |z| in another (erfc's)."""
    return absmax(_loss_gradient(v, "y")) * absmax(v["h_in"])


def _into_gelu(v) -> float:
    """Terms through GELU's derivative Phi(z) + z phi(z), sized as if it were 1, for the same reason."""
    return absmax(_loss_gradient(v, "h"))


def _into_scores(v) -> float:
    """Terms of ∂L/∂S: the attention weights times the gradient at them."""
    return absmax(v["A"]) * absmax(_loss_gradient(v, "A"))


DERIVATIONS = (
    Derivation("ln_dL_dx", "1", LAYERNORM, of="L", wrt="x", magnitude=lambda v: _ln_gain(v, absmax(v["dy"]))),
    Derivation("ln_dL_dgamma", "1", LAYERNORM, of="L", wrt="gamma", magnitude=lambda v: absmax(v["dy"]) * absmax(v["xhat"])),
    Derivation("ln_dL_dbeta", "1", LAYERNORM, of="L", wrt="beta", rows_of="y"),
    Derivation("forward_y", "2.1", TRANSFORMER, of="y"),
    Derivation("block_dL_db2", "2.2", TRANSFORMER, of="L", wrt="b2", rows_of="y"),
    Derivation("block_dL_dW2", "2.2", TRANSFORMER, of="L", wrt="W2", magnitude=_out_of_gelu),
    Derivation("block_dL_dW1", "2.2", TRANSFORMER, of="L", wrt="W1", magnitude=lambda v: _into_gelu(v) * absmax(v["r"])),
    Derivation("block_dL_db1", "2.2", TRANSFORMER, of="L", wrt="b1", rows_of="h_in", magnitude=_into_gelu),
    Derivation("block_dL_dr", "2.3", TRANSFORMER, of="L", wrt="r"),
    Derivation("block_dL_dWo", "2.4", TRANSFORMER, of="L", wrt="Wo"),
    Derivation("block_dL_dA", "2.4", TRANSFORMER, of="L", wrt="A"),
    Derivation("block_dA_dS", "2.4", TRANSFORMER, of="A", wrt="S", pattern="iqkiql->iqkl", magnitude=lambda v: absmax(v["A"]) ** 2),
    Derivation("block_dL_dS", "2.4", TRANSFORMER, of="L", wrt="S", magnitude=_into_scores),
    Derivation("block_dL_dWq", "2.4", TRANSFORMER, of="L", wrt="Wq",
               magnitude=lambda v: _into_scores(v) * absmax(v["K"]) * absmax(v["u"]) / np.sqrt(v["K"].shape[-1])),
    Derivation("block_dL_dx", "2.5", TRANSFORMER, of="L", wrt="x", magnitude=lambda v: _ln_gain(v, absmax(_loss_gradient(v, "u")))),
)

TEMPLATE = '''"""My gradjudge submission for homework 2: LayerNorm, and a pre-LayerNorm transformer block.

Fill in any function below with a plain numpy closed form. Each function asks
for names of its context as its parameters and is called with exactly those:
give it the parameters you need, from the names its docstring lists. Arrays are
batch-first, `(m, t, d)` for the block's tokens; weights are `(out, in)`, as
torch.nn.Linear stores them. The GELU is the exact one, x * Phi(x): numpy has
no erf, but `np.vectorize(math.erf)` gives one. A function that still raises
NotImplementedError counts as not attempted. Do not import torch, jax,
tensorflow or autograd.

Grade it with `gradjudge grade THIS_FILE --assignment hw2`, or run the
property tests with `pytest --assignment hw2 --submission THIS_FILE`.
"""
import math

import numpy as np
'''

ASSIGNMENT = Assignment(
    name="hw2",
    title="Homework 2: LayerNorm, and the forward and backward pass of a pre-LayerNorm transformer block",
    axes=AXES,
    contexts=(LAYERNORM, TRANSFORMER),
    derivations=DERIVATIONS,
    reference="derivations.hw2",
    template=TEMPLATE,
    rubric=Path(__file__).with_name("rubric.toml"),
    catalog=CATALOG,
    notation=NOTATION,
)
