"""Homework 1, declared: BatchNorm, Dropout and Softmax each on their own, and a two-task network.

Block one checks each layer in its own context with a random upstream gradient
`dy` and the loss `L = sum(dy * y)`, never `y.sum()`, whose gradient through
softmax or BatchNorm is zero and hides every error. Block two is the network of
section 2.1, with its loss of section 2.2. Everything gradjudge checks, grades
and explains about this homework follows from this file.
"""
from __future__ import annotations

from pathlib import Path

import numpy as np

from checks.declare import (RELU, F, Assignment, Axis, Backward, Context, Derivation, Mask, Node, Quantity, Scalar, Term,
                            Variant, absmax, rms_scale, surrogate, torch)

from .catalog import CATALOG
from .notation import NOTATION

LINEAR = "(out, in), as torch.nn.Linear stores it"
"""How every weight is laid out: a row per output unit."""

TINY_STD = 1e-3
"""Standard deviation of a tiny-variance column, centred within a few of its own stds of zero:
a large offset would only add a cancellation that punishes correct formulas rounded differently."""
EXTREME_LOGIT = 45.0
"""The extreme-logits edge spreads logits over about ± this much (the network's through FC2B's
bias), so that the softmax saturates (probabilities near e^-100) without underflowing to zero."""

AXES = (
    Axis("m", "batch: the samples, the rows of every batch-first array"),
    Axis("d", "feature width in the BatchNorm and Dropout contexts"),
    Axis("n", "number of logits in the Softmax context"),
    Axis("d_in", "network input width"),
    Axis("d_hidden", "width of FC1A, the task-A hidden layer"),
    Axis("d_out", "task-A output width; also FC1B's and BatchNorm's width (the skip connection adds them)"),
    Axis("n_classes", "number of task-B classes"),
)

P = Scalar("p", "drop probability, a float in [0, 1)", values=(0.5, 0.0, 0.2, 0.8), diagnostic=(0.5, 0.2, 0.8),
           valid=lambda p: 0 <= p < 1, rule="the drop probability must lie in [0, 1)",
           factors={"1-p": lambda p: 1 - p, "1/(1-p)": lambda p: 1 / (1 - p)})
"""0.5 first, where shrinking lands, keeps a missing 1/(1-p) visible; 0 is the p = 0 edge."""
EPS = Scalar("eps", "BatchNorm epsilon, a float", values=(1e-5, 1e-3), diagnostic=(1e-5,),
             valid=lambda eps: eps > 0, rule="BatchNorm's epsilon must be positive")
"""1e-5 is BatchNorm's default; 1e-3 catches an epsilon hard-coded instead of read from `eps`."""


def _normal(rng: np.random.Generator, *shape: int, std: float = 1.0) -> np.ndarray:
    return std * rng.standard_normal(shape)


def _mask(rng: np.random.Generator, case, m: int, d: int) -> np.ndarray:
    """Dropout mask: each entry 0 with probability p, else 1/(1-p); a dropped row if asked."""
    keep = rng.random((m, d)) >= case.scalars["p"]
    if case.edge == "dropped_row":
        keep[0] = False
    return keep / (1 - case.scalars["p"])


def _batch_norm(x, gamma, beta, eps):
    return F.batch_norm(x, None, None, gamma, beta, training=True, momentum=0.0, eps=eps)


def _upstream_loss(dy, y):
    """`L = sum(dy * y)`: a random upstream gradient, never `.sum()`, which hides errors."""
    return (dy * y).sum()


def _column_scale(x, eps):
    """BatchNorm's input moves through its nonlinearity over about one column std: `(d,)`."""
    return (x.var(0, correction=0) + eps).sqrt()


def _batch_norm_as(*, cut: tuple[str, ...] = (), eps_zero: bool = False, unbiased: bool = False,
                   gamma_one: bool = False):
    """BatchNorm written out (the same values as PyTorch's), with some of its paths cut or one knob turned."""
    def normalised(x, gamma, beta, eps):
        mean, var = x.mean(0), x.var(0, correction=1 if unbiased else 0)
        mean = mean.detach() if "mean" in cut else mean
        var = var.detach() if "variance" in cut else var
        xhat = (x - mean) / (var + (0.0 if eps_zero else eps)).sqrt()
        return xhat + beta if gamma_one else gamma * xhat + beta
    return normalised


def _batch_norm_variants(node: str) -> tuple[Variant, ...]:
    """What a BatchNorm's derivation can lose: its two batch paths, its eps, its biased variance, its gamma."""
    return (
        Variant("path", "batch_mean", {node: _batch_norm_as(cut=("mean",))},
                "the exact gradient of a BatchNorm whose batch mean is held constant: the path through the batch "
                "mean is missing", subject="the path through the batch mean"),
        Variant("path", "batch_variance", {node: _batch_norm_as(cut=("variance",))},
                "the exact gradient of a BatchNorm whose batch variance is held constant: the path through the batch "
                "variance is missing", subject="the path through the batch variance"),
        Variant("knob", "no_eps", {node: _batch_norm_as(eps_zero=True)},
                "the exact gradient of a BatchNorm without eps: eps is left out of the normaliser"),
        Variant("knob", "unbiased_variance", {node: _batch_norm_as(unbiased=True)},
                "exactly that of a BatchNorm that normalises by the unbiased variance (dividing by m - 1), "
                "where the batch variance divides by m"),
        Variant("knob", "gamma_as_one", {node: _batch_norm_as(gamma_one=True)},
                "the exact gradient of a BatchNorm without its scale: gamma is taken as 1"),
        Variant("knob", "normaliser_only", {node: _batch_norm_as(cut=("mean", "variance"), gamma_one=True)},
                "the exact gradient of (x - mu) / sqrt(var + eps) + beta with the batch mean and variance held "
                "constant: no gamma, and neither path through the batch statistics"),
    )


def _dropout_variants(node: str) -> tuple[Variant, ...]:
    return (
        Variant("knob", "no_rescale", {node: lambda M, x: (M != 0).to(x.dtype) * x},
                "the exact gradient of a dropout that keeps units without scaling them by 1/(1-p)"),
        Variant("knob", "mask_never_applied", {node: lambda M, x: x * 1.0},
                "exactly that of a model without dropout: the mask is never applied"),
    )


def _softmax_variants(node: str) -> tuple[Variant, ...]:
    def with_jacobian(jacobian):
        def node_fn(z):
            y = F.softmax(z, dim=-1)
            return surrogate(y, torch.einsum("...ab,...b->...a", jacobian(y.detach(), z.detach()), z))
        return node_fn

    return (
        Variant("local_derivative", "softmax_jacobian_as_identity",
                {node: with_jacobian(lambda y, z: torch.eye(y.shape[-1], dtype=y.dtype).expand(*y.shape, y.shape[-1]))},
                "the gradient with softmax's Jacobian taken as the identity"),
        Variant("local_derivative", "softmax_jacobian_square_counted_twice",
                {node: with_jacobian(lambda y, z: torch.diag_embed(y * (1 - y)) - y.unsqueeze(-1) * y.unsqueeze(-2))},
                "the gradient with softmax's Jacobian taken as diag(y (1 - y)) minus the whole outer product y yᵀ: "
                "each diagonal entry loses y_a² twice"),
    )


def _sigma(q):
    """`sqrt(var + eps)`, one per feature: `(d,)`."""
    return (q["var"] + q["eps"]).sqrt()


def _batch_norm_backward(node: str, input: str) -> Backward:
    """BatchNorm's input gradient as three terms, `g' = gamma * g` with the means over the batch:
    `g'/sigma - <g'>/sigma - xhat <g' xhat>/sigma`."""
    return Backward(
        node, input, at="xhat", uses=("gamma", "var", "eps"), dim=0, over=_batch_norm_over,
        terms=(Term("direct", "the direct term",
                    lambda g, q, dim: q["gamma"] * g / _sigma(q)),
               Term("batch_mean", "the term through the batch mean",
                    lambda g, q, dim: -(q["gamma"] * g).mean(dim, keepdim=True) / _sigma(q)),
               Term("batch_variance", "the term through the batch variance",
                    lambda g, q, dim: -q["xhat"] * (q["gamma"] * g * q["xhat"]).mean(dim, keepdim=True) / _sigma(q))),
        factors={"gamma": lambda q: q["gamma"], "1/sqrt(var+eps)": lambda q: 1 / _sigma(q)})


def _batch_norm_over(dim: int):
    """BatchNorm's function with its mean and variance taken over axis `dim` instead of the batch."""
    def normalised(x, gamma, beta, eps):
        mean, var = x.mean(dim, keepdim=True), x.var(dim, correction=0, keepdim=True)
        return gamma * (x - mean) / (var + eps).sqrt() + beta
    return normalised


def _softmax_backward(node: str, input: str) -> Backward:
    """Softmax's Jacobian as its diagonal and its outer product, `y ⊙ g - y (yᵀ g)`, over each row."""
    return Backward(
        node, input, at=node, dim=-1, over=lambda dim: lambda z: F.softmax(z, dim=dim),
        terms=(Term("diagonal", "the diagonal term of softmax's Jacobian", lambda g, q, dim: q[node] * g,
                    diagonal=True),
               Term("outer_product", "the outer-product term of softmax's Jacobian",
                    lambda g, q, dim: -q[node] * (q[node] * g).sum(dim, keepdim=True))),
        factors={node: lambda q: q[node]})


def _batch_norm_derivatives(node: str) -> tuple[Variant, ...]:
    """BatchNorm's forward pass kept and its derivative swapped: a mistake made in the backward pass alone.

    Inside a network, a knob changes BatchNorm's output and so every value
    after it; a student who drops gamma or eps only while differentiating still
    uses the true forward values, which is a local derivative swapped.
    """
    def derivative_of(proxy):
        return lambda z, gamma, beta, eps: surrogate(_batch_norm(z, gamma, beta, eps), proxy(z, gamma, beta, eps))

    return (
        Variant("local_derivative", "batchnorm_without_eps", {node: derivative_of(_batch_norm_as(eps_zero=True))},
                "the gradient with BatchNorm differentiated without eps (its forward pass keeps it): eps is left out "
                "of the normaliser in the backward pass"),
        Variant("local_derivative", "batchnorm_without_gamma", {node: derivative_of(_batch_norm_as(gamma_one=True))},
                "the gradient with BatchNorm differentiated as if gamma were 1: its scale is missing in the backward "
                "pass"),
        Variant("local_derivative", "batchnorm_unbiased_variance", {node: derivative_of(_batch_norm_as(unbiased=True))},
                "the gradient with BatchNorm differentiated as if it normalised by the unbiased variance (dividing by "
                "m - 1), where its forward pass divides by m"),
        Variant("local_derivative", "batchnorm_normaliser_only",
                {node: derivative_of(_batch_norm_as(cut=("mean", "variance"), gamma_one=True))},
                "the gradient with BatchNorm differentiated as a division by a constant sqrt(var + eps) alone: no "
                "gamma, and neither path through the batch mean or variance"),
    )


def _bn_leaves(rng: np.random.Generator, case) -> dict:
    m, d = case.size["m"], case.size["d"]
    x = _normal(rng, d, std=case.scale) + _normal(rng, m, d, std=case.scale)
    if case.edge == "tiny_variance":
        x[:, 0] = _normal(rng, 1, std=TINY_STD) + _normal(rng, m, std=TINY_STD)
    return {"x": x, "gamma": _normal(rng, d), "beta": _normal(rng, d), "dy": _normal(rng, m, d), "m": m}


BN = Context(
    "bn", "Block one, 1.1: BatchNorm, y = gamma * xhat + beta, with L = sum(dy * y)",
    axes={"m": 2, "d": 1},
    leaves=(
        Quantity("x", ("m", "d"), "BatchNorm input"),
        Quantity("gamma", ("d",), "BatchNorm scale"),
        Quantity("beta", ("d",), "BatchNorm shift"),
        Quantity("dy", ("m", "d"), "upstream gradient; L = sum(dy * y)"),
        Quantity("m", (), "batch size, an int"),
    ),
    scalars=(EPS,),
    nodes=(
        Node("mu", ("d",), "batch mean of x", ("x",), lambda x: x.mean(0)),
        Node("var", ("d",), "biased batch variance of x", ("x",), lambda x: x.var(0, correction=0)),
        Node("xhat", ("m", "d"), "(x - mu) / sqrt(var + eps)", ("x", "eps"), lambda x, eps: _batch_norm(x, None, None, eps)),
        Node("y", ("m", "d"), "gamma * xhat + beta", ("x", "gamma", "beta", "eps"), _batch_norm),
        Node("L", (), "sum(dy * y)", ("dy", "y"), _upstream_loss),
    ),
    generate=_bn_leaves,
    edges={"tiny_variance": "a column of variance near 1e-6"},
    length_scales={"x": lambda v: _column_scale(v["x"], v["eps"])},
    variants=_batch_norm_variants("y"),
    backwards=(_batch_norm_backward("y", "x"),),
)


def _dropout_leaves(rng: np.random.Generator, case) -> dict:
    m, d = case.size["m"], case.size["d"]
    return {"x": _normal(rng, m, d, std=case.scale), "M": _mask(rng, case, m, d), "dy": _normal(rng, m, d), "m": m}


DROPOUT = Context(
    "dropout", "Block one, 1.2: Dropout, y = M * x, with L = sum(dy * y)",
    axes={"m": 1, "d": 1},
    leaves=(
        Quantity("x", ("m", "d"), "Dropout input"),
        Quantity("M", ("m", "d"), "fixed mask: each entry 0 or 1/(1-p)"),
        Quantity("dy", ("m", "d"), "upstream gradient; L = sum(dy * y)"),
        Quantity("m", (), "batch size, an int"),
    ),
    scalars=(P,),
    nodes=(
        Node("y", ("m", "d"), "M * x", ("M", "x"), torch.mul),
        Node("L", (), "sum(dy * y)", ("dy", "y"), _upstream_loss),
    ),
    generate=_dropout_leaves,
    edges={"dropped_row": "a sample with every unit dropped"},
    masks=(Mask("M", "units_kept", "units_dropped", "dropout keeps the unit (M ≠ 0)", "dropout drops the unit (M = 0)"),),
    variants=_dropout_variants("y"),
)


def _softmax_leaves(rng: np.random.Generator, case) -> dict:
    m, n = case.size["m"], case.size["n"]
    if case.edge == "extreme_logits":
        x = rng.uniform(-EXTREME_LOGIT, EXTREME_LOGIT, (m, n))
    else:
        x = _normal(rng, m, n, std=case.scale) + _normal(rng, m, 1, std=case.scale)
    return {"x": x, "dy": _normal(rng, m, n), "m": m}


SOFTMAX = Context(
    "softmax", "Block one, 1.3: Softmax over each row, with L = sum(dy * y)",
    axes={"m": 1, "n": 1},
    leaves=(
        Quantity("x", ("m", "n"), "logits"),
        Quantity("dy", ("m", "n"), "upstream gradient; L = sum(dy * y)"),
        Quantity("m", (), "batch size, an int"),
    ),
    nodes=(
        Node("y", ("m", "n"), "softmax(x) over each row", ("x",), lambda x: F.softmax(x, dim=-1)),
        Node("L", (), "sum(dy * y)", ("dy", "y"), _upstream_loss),
    ),
    generate=_softmax_leaves,
    edges={"extreme_logits": "logits spread over about ±50"},
    variants=_softmax_variants("y"),
    backwards=(_softmax_backward("y", "x"),),
)


def _net_leaves(rng: np.random.Generator, case) -> dict:
    m, d_in, d_hidden, d_out, n_classes = (case.size[a] for a in ("m", "d_in", "d_hidden", "d_out", "n_classes"))
    leaves = {
        "x": _normal(rng, m, d_in, std=case.scale),
        "yA": _normal(rng, m, d_out),
        "yB": np.eye(n_classes)[rng.integers(0, n_classes, m)],
        "theta1A": _normal(rng, d_hidden, d_in, std=d_in**-0.5),
        "b1A": _normal(rng, d_hidden, std=0.5),
        "theta2A": _normal(rng, d_out, d_hidden, std=d_hidden**-0.5),
        "b2A": _normal(rng, d_out, std=0.5),
        "theta1B": _normal(rng, d_out, d_in, std=d_in**-0.5),
        "b1B": _normal(rng, d_out),
        "gamma": _normal(rng, d_out),
        "beta": _normal(rng, d_out, std=0.5),
        "theta2B": _normal(rng, n_classes, d_out, std=d_out**-0.5),
        "b2B": _normal(rng, n_classes, std=0.5),
        "M": _mask(rng, case, m, d_hidden),
        "m": m,
    }
    if case.edge == "tiny_variance":
        leaves["theta1B"][0] *= TINY_STD / case.scale
        leaves["b1B"][0] *= TINY_STD
    if case.edge == "extreme_logits":
        leaves["b2B"] = rng.uniform(-EXTREME_LOGIT, EXTREME_LOGIT, n_classes)
    return leaves


def _net_loss(yA_hat, yA, yB, yB_hat, m):
    """`L = (1/m) Σ_i [½‖yA_hat_i − yA_i‖² − Σ_k yB_ik log yB_hat_ik]`."""
    return ((yA_hat - yA).square().sum() / 2 - (yB * torch.log(yB_hat)).sum()) / m


def _pulled_back_to_x(v):
    """Steps in x small enough for BatchNorm's narrowest column, seen through theta1B."""
    sigma = _column_scale(v["z1B"], v["eps"])
    pulled_back = (sigma[:, None] / v["theta1B"].abs().clamp_min(1e-300)).min()
    return torch.minimum(pulled_back, rms_scale(v["x"]))


NET = Context(
    "net", "Block two: the two-task network, its forward pass (2.1) and equations (1)-(14)",
    axes={"m": 2, "d_in": 1, "d_hidden": 1, "d_out": 1, "n_classes": 1},
    leaves=(
        Quantity("x", ("m", "d_in"), "input"),
        Quantity("yA", ("m", "d_out"), "task-A regression target"),
        Quantity("yB", ("m", "n_classes"), "task-B one-hot target"),
        Quantity("theta1A", ("d_hidden", "d_in"), "FC1A weight", layout=LINEAR),
        Quantity("b1A", ("d_hidden",), "FC1A bias"),
        Quantity("theta2A", ("d_out", "d_hidden"), "FC2A weight", layout=LINEAR),
        Quantity("b2A", ("d_out",), "FC2A bias"),
        Quantity("theta1B", ("d_out", "d_in"), "FC1B weight", layout=LINEAR),
        Quantity("b1B", ("d_out",), "FC1B bias"),
        Quantity("gamma", ("d_out",), "BatchNorm scale"),
        Quantity("beta", ("d_out",), "BatchNorm shift"),
        Quantity("theta2B", ("n_classes", "d_out"), "FC2B weight", layout=LINEAR),
        Quantity("b2B", ("n_classes",), "FC2B bias"),
        Quantity("M", ("m", "d_hidden"), "fixed dropout mask: each entry 0 or 1/(1-p)"),
        Quantity("m", (), "batch size, an int"),
    ),
    scalars=(P, EPS),
    nodes=(
        Node("H1A", ("m", "d_hidden"), "x theta1A^T + b1A", ("x", "theta1A", "b1A"), F.linear),
        Node("z1A", ("m", "d_hidden"), "sin(H1A)", ("H1A",), torch.sin),
        Node("zDP", ("m", "d_hidden"), "M * z1A", ("M", "z1A"), torch.mul),
        Node("yA_hat", ("m", "d_out"), "zDP theta2A^T + b2A, the task-A output", ("zDP", "theta2A", "b2A"), F.linear),
        Node("z1B", ("m", "d_out"), "x theta1B^T + b1B", ("x", "theta1B", "b1B"), F.linear),
        Node("mu", ("d_out",), "batch mean of z1B", ("z1B",), lambda z: z.mean(0)),
        Node("var", ("d_out",), "biased batch variance of z1B", ("z1B",), lambda z: z.var(0, correction=0)),
        Node("xhat", ("m", "d_out"), "(z1B - mu) / sqrt(var + eps)", ("z1B", "eps"),
             lambda z, eps: _batch_norm(z, None, None, eps)),
        Node("H_BN", ("m", "d_out"), "gamma * xhat + beta", ("z1B", "gamma", "beta", "eps"), _batch_norm),
        Node("N", ("m", "d_out"), "1[H_BN > 0], the ReLU mask (floats 0 and 1)", ("H_BN",), lambda h: (h > 0).to(h.dtype)),
        Node("zBN", ("m", "d_out"), "relu(H_BN)", ("H_BN",), F.relu, kink=RELU),
        Node("x2B", ("m", "d_out"), "zBN + yA_hat, the skip connection", ("zBN", "yA_hat"), torch.add),
        Node("z2B", ("m", "n_classes"), "x2B theta2B^T + b2B", ("x2B", "theta2B", "b2B"), F.linear),
        Node("yB_hat", ("m", "n_classes"), "softmax(z2B) over each row, the task-B output", ("z2B",),
             lambda z: F.softmax(z, dim=-1)),
        Node("L", (), "(1/m) sum_i [ 1/2 ‖yA_hat_i - yA_i‖² - sum_k yB_ik log yB_hat_ik ]",
             ("yA_hat", "yA", "yB", "yB_hat", "m"), _net_loss),
    ),
    generate=_net_leaves,
    edges={"tiny_variance": "a BatchNorm column of variance near 1e-6", "dropped_row": "a sample with every unit dropped",
           "extreme_logits": "logits spread over about ±50"},
    length_scales={
        "z1B": lambda v: _column_scale(v["z1B"], v["eps"]),
        "theta1B": lambda v: (_column_scale(v["z1B"], v["eps"]) / rms_scale(v["x"]))[:, None],
        "x": _pulled_back_to_x,
        "yB_hat": lambda v: v["yB_hat"].abs(),
    },
    masks=(Mask("N", "relu_active", "relu_inactive", "the ReLU is active (N = 1)", "the ReLU is off (N = 0)"),
           Mask("M", "units_kept", "units_dropped", "dropout keeps the unit (M ≠ 0)", "dropout drops the unit (M = 0)")),
    variants=(
        *_batch_norm_variants("H_BN"),
        *_dropout_variants("zDP"),
        *_softmax_variants("yB_hat"),
        *_batch_norm_derivatives("H_BN"),
        Variant("local_derivative", "dropout_mask_missing", {"zDP": lambda M, z1A: surrogate(M * z1A, z1A)},
                "the gradient with dropout's derivative taken as 1: its mask M is left out of the backward pass"),
        Variant("local_derivative", "dropout_without_rescale",
                {"zDP": lambda M, z1A: surrogate(M * z1A, (M != 0).to(z1A.dtype) * z1A)},
                "the gradient with dropout differentiated as its 0/1 keep pattern, without the 1/(1-p) its mask "
                "carries"),
        Variant("path", "input_through_task_A", {"H1A": lambda x, theta1A, b1A: F.linear(x.detach(), theta1A, b1A)},
                "the gradient with the path from x through FC1A cut: only the path through FC1B and BatchNorm is "
                "followed", subject="the path from x through FC1A into task A"),
        Variant("path", "skip_connection", {"x2B": lambda zBN, yA_hat: zBN + yA_hat.detach()},
                "the gradient with the skip connection cut: the path from yA_hat through x2B into task B is missing",
                subject="the path from yA_hat through the skip connection into task B"),
        Variant("path", "task_A_loss",
                {"L": lambda yA_hat, yA, yB, yB_hat, m: _net_loss(yA_hat.detach(), yA, yB, yB_hat, m)},
                "the gradient of the task-B loss alone: the task-A term of the loss is missing",
                subject="the task-A term of the loss"),
        Variant("path", "task_B_loss",
                {"L": lambda yA_hat, yA, yB, yB_hat, m: _net_loss(yA_hat, yA, yB, yB_hat.detach(), m)},
                "the gradient of the task-A loss alone: the task-B term of the loss is missing",
                subject="the task-B term of the loss"),
        Variant("knob", "loss_without_mean", {"L": lambda yA_hat, yA, yB, yB_hat, m: _net_loss(yA_hat, yA, yB, yB_hat, m) * m},
                "the exact gradient of a loss summed over the batch: the loss's 1/m is missing"),
        Variant("local_derivative", "sine_derivative_as_sine",
                {"z1A": lambda h: surrogate(torch.sin(h), torch.sin(h).detach() * h)},
                "the gradient with the sine's derivative taken as sin instead of cos"),
        Variant("local_derivative", "sine_derivative_missing", {"z1A": lambda h: surrogate(torch.sin(h), h)},
                "the gradient with the sine's derivative left out (taken as 1)"),
        Variant("local_derivative", "relu_derivative_as_one", {"zBN": lambda h: surrogate(F.relu(h), h)},
                "the gradient with the ReLU's derivative taken as 1: its mask N is missing"),
    ),
    backwards=(
        Backward("z1A", "H1A", at="H1A",
                 terms=(Term("cosine", "the sine's derivative", lambda g, q, dim: g * torch.cos(q["H1A"]),
                             diagonal=True),)),
        _batch_norm_backward("H_BN", "z1B"),
        _softmax_backward("yB_hat", "z2B"),
    ),
)


def _net_upstream(v) -> float:
    """Terms of ∂L/∂z2B are (yB_hat - yB)/m, whose parts are each at most 1/m."""
    return 1 / v["m"]


def _bn_gain(v) -> float:
    """BatchNorm's input gradient scales its output gradient by |gamma| / sqrt(var + eps)."""
    return absmax(v["gamma"]) / float(np.sqrt(np.min(v["var"]) + v["eps"]))


def _into_bn(v) -> float:
    return _net_upstream(v) * absmax(v["theta2B"]) * _bn_gain(v)


DERIVATIONS = (
    Derivation("bn_dy_dgamma", "1.1", BN, of="y", wrt="gamma", pattern="ijj->ij"),
    Derivation("bn_dy_dbeta", "1.1", BN, of="y", wrt="beta", pattern="ijj->ij"),
    Derivation("bn_dL_dgamma", "1.1", BN, of="L", wrt="gamma", magnitude=lambda v: absmax(v["dy"]) * absmax(v["xhat"])),
    Derivation("bn_dL_dbeta", "1.1", BN, of="L", wrt="beta", rows_of="y"),
    Derivation("bn_dL_dx", "1.1", BN, of="L", wrt="x", magnitude=lambda v: absmax(v["dy"]) * _bn_gain(v)),
    Derivation("dropout_dy_dx", "1.2", DROPOUT, of="y", wrt="x", pattern="ijij->ij"),
    Derivation("dropout_dL_dx", "1.2", DROPOUT, of="L", wrt="x"),
    Derivation("softmax_jacobian", "1.3", SOFTMAX, of="y", wrt="x", pattern="iaib->iab",
               magnitude=lambda v: absmax(v["y"]) ** 2),
    Derivation("softmax_dL_dx", "1.3", SOFTMAX, of="L", wrt="x", magnitude=lambda v: absmax(v["y"]) * absmax(v["dy"])),
    Derivation("forward_yA_hat", "2.1", NET, of="yA_hat"),
    Derivation("forward_yB_hat", "2.1", NET, of="yB_hat"),
    Derivation("eq01_dL_dyB_hat", "(1)", NET, of="L", wrt="yB_hat"),
    Derivation("eq02_dyB_hat_dtheta2B", "(2)", NET, of="yB_hat", wrt="theta2B", pattern="ikjl->ikjl",
               magnitude=lambda v: absmax(v["yB_hat"]) ** 2 * absmax(v["x2B"])),
    Derivation("eq03_dL_dtheta2B", "(3)", NET, of="L", wrt="theta2B", magnitude=lambda v: _net_upstream(v) * absmax(v["x2B"])),
    Derivation("eq03_dL_db2B", "(3)", NET, of="L", wrt="b2B", rows_of="z2B", magnitude=_net_upstream),
    Derivation("eq04_dL_dx2B", "(4)", NET, of="L", wrt="x2B", magnitude=lambda v: _net_upstream(v) * absmax(v["theta2B"])),
    Derivation("eq05_dL_dz1B", "(5)", NET, of="L", wrt="z1B", magnitude=_into_bn),
    Derivation("eq06_dL_dtheta1B", "(6)", NET, of="L", wrt="theta1B", magnitude=lambda v: _into_bn(v) * absmax(v["x"])),
    Derivation("eq07_dL_db1B", "(7)", NET, of="L", wrt="b1B", rows_of="z1B", magnitude=_into_bn),
    Derivation("eq08_dL_dtheta2A", "(8)", NET, of="L", wrt="theta2A"),
    Derivation("eq09_dL_db2A", "(9)", NET, of="L", wrt="b2A", rows_of="yA_hat"),
    Derivation("eq10_dL_dyA_hat", "(10)", NET, of="L", wrt="yA_hat"),
    Derivation("eq11_dL_dzDP", "(11)", NET, of="L", wrt="zDP"),
    Derivation("eq12_dL_dz1A", "(12)", NET, of="L", wrt="z1A"),
    Derivation("eq13_dL_dtheta1A", "(13)", NET, of="L", wrt="theta1A"),
    Derivation("eq14_dL_db1A", "(14)", NET, of="L", wrt="b1A", rows_of="H1A"),
    Derivation("net_dL_dgamma", "beyond (14)", NET, of="L", wrt="gamma",
               magnitude=lambda v: _net_upstream(v) * absmax(v["theta2B"]) * absmax(v["xhat"])),
    Derivation("net_dL_dbeta", "beyond (14)", NET, of="L", wrt="beta", rows_of="H_BN",
               magnitude=lambda v: _net_upstream(v) * absmax(v["theta2B"])),
    Derivation("net_dL_dx", "beyond (14)", NET, of="L", wrt="x", magnitude=lambda v: _into_bn(v) * absmax(v["theta1B"])),
)

TEMPLATE = '''"""My gradjudge submission for homework 1.

Fill in any function below with a plain numpy closed form. Each function asks
for names of its context as its parameters and is called with exactly those:
give it the parameters you need, from the names its docstring lists. A function
that still raises NotImplementedError counts as not attempted. Do not import
torch, jax, tensorflow or autograd.

Check it with `gradjudge check THIS_FILE`, or `pytest --submission THIS_FILE`.
"""
import numpy as np
'''

ASSIGNMENT = Assignment(
    name="hw1",
    title="Homework 1: BatchNorm, Dropout and Softmax gradients, and a two-task network's backward pass",
    axes=AXES,
    contexts=(BN, DROPOUT, SOFTMAX, NET),
    derivations=DERIVATIONS,
    reference="derivations.hw1",
    template=TEMPLATE,
    rubric=Path(__file__).with_name("rubric.toml"),
    catalog=CATALOG,
    notation=NOTATION,
    default=True,
)
