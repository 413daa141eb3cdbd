"""Twelve custom `torch.autograd.Function`s as libraries write them, each with its reference and planted bugs.

Each subject is a Function written the way a library writes one for memory or
speed (saving few tensors, recomputing in backward, fusing ops), with a
reference made of PyTorch's own differentiable ops that names its paths and
nodes (`checks.testing.path`, `node`) and its settings (`knobs`). Each bug is
a subclass that changes the forward or the backward the way such code goes
wrong. For every bug, what is wrong, the cause gradjudge's diagnosis should
name (a tag, or None where no hypothesis covers it), and what gradcheck at its
defaults should do were written down here before the benchmark first ran;
`benchmarks/vs_gradcheck_functions.py` runs them and reports what happened,
expectation or not.
"""
from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
import torch
import torch.nn.functional as F
from torch.autograd import Function
from torch.autograd.function import once_differentiable

from checks.testing import Values, indices, node, path, probability
from checks.testing.model import Input

INF = float("inf")


@dataclass(frozen=True)
class Bug:
    name: str
    function: type
    wrong: str
    """What is wrong, in the words of a code review."""
    cause: str | None
    """The tag (family, or family:detail) gradjudge's diagnosis should name; None where no hypothesis covers it."""
    gradcheck: str
    """What gradcheck at its defaults should do: `caught`, `missed`, or `unsure`, with why."""
    double_backward: bool = False
    """The bug is only in the double backward, which gradcheck does not check (gradgradcheck does)."""


@dataclass(frozen=True)
class Subject:
    name: str
    function: type
    reference: Callable
    shapes: dict
    inputs: dict
    gradcheck_sizes: dict
    """One fixed size per axis for gradcheck's cases (chosen by hand, as a gradcheck user does)."""
    bugs: tuple[Bug, ...]
    constants: dict = field(default_factory=dict)
    knobs: dict = field(default_factory=dict)
    differentiable: bool = True
    wrt: tuple[str, ...] | None = None


def _keep_mask(rng, shape, scale, sizes):
    keep = rng.integers(0, 2, shape).astype(np.float64)
    keep[..., 0] = 1.0
    return keep


KEEP_MASK = Values("0/1 keep mask, the first column always kept", _keep_mask, floating=False)


# ---------------------------------------------------------------------------------------------- 1. fused layer norm

def layer_norm_ref(x, gamma, beta, eps=1e-5, correction=0):
    mu = path("mean", x.mean(-1, keepdim=True), subject="the path through the row mean")
    var = path("variance", x.var(-1, correction=correction, keepdim=True), subject="the path through the row variance")
    xhat = node("xhat", (x - mu) / torch.sqrt(var + eps))
    return gamma * xhat + beta


class FusedLayerNorm(Function):
    """Saves x and gamma only; recomputes the statistics in backward (no double backward)."""

    @staticmethod
    def forward(ctx, x, gamma, beta, eps):
        ctx.save_for_backward(x, gamma)
        ctx.eps = eps
        mu, var = x.mean(-1, keepdim=True), x.var(-1, correction=0, keepdim=True)
        return gamma * (x - mu) * torch.rsqrt(var + eps) + beta

    @staticmethod
    @once_differentiable
    def backward(ctx, dy):
        x, gamma = ctx.saved_tensors
        rstd = torch.rsqrt(x.var(-1, correction=0, keepdim=True) + ctx.eps)
        xhat = (x - x.mean(-1, keepdim=True)) * rstd
        g = dy * gamma
        dx = rstd * (g - g.mean(-1, keepdim=True) - xhat * (g * xhat).mean(-1, keepdim=True))
        return dx, (dy * xhat).sum(0), dy.sum(0), None


class LayerNormBackwardWithoutEps(FusedLayerNorm):
    @staticmethod
    @once_differentiable
    def backward(ctx, dy):
        x, gamma = ctx.saved_tensors
        rstd = torch.rsqrt(x.var(-1, correction=0, keepdim=True))
        xhat = (x - x.mean(-1, keepdim=True)) * rstd
        g = dy * gamma
        dx = rstd * (g - g.mean(-1, keepdim=True) - xhat * (g * xhat).mean(-1, keepdim=True))
        return dx, (dy * xhat).sum(0), dy.sum(0), None


class LayerNormVariancePathDropped(FusedLayerNorm):
    @staticmethod
    @once_differentiable
    def backward(ctx, dy):
        x, gamma = ctx.saved_tensors
        rstd = torch.rsqrt(x.var(-1, correction=0, keepdim=True) + ctx.eps)
        xhat = (x - x.mean(-1, keepdim=True)) * rstd
        g = dy * gamma
        return rstd * (g - g.mean(-1, keepdim=True)), (dy * xhat).sum(0), dy.sum(0), None


class LayerNormUnbiasedVariance(Function):
    """Forward and backward both written for the unbiased variance: consistent with each other, wrong as a layer norm."""

    @staticmethod
    def forward(ctx, x, gamma, beta, eps):
        ctx.save_for_backward(x, gamma)
        ctx.eps = eps
        mu, var = x.mean(-1, keepdim=True), x.var(-1, correction=1, keepdim=True)
        return gamma * (x - mu) * torch.rsqrt(var + eps) + beta

    @staticmethod
    @once_differentiable
    def backward(ctx, dy):
        x, gamma = ctx.saved_tensors
        d = x.shape[-1]
        rstd = torch.rsqrt(x.var(-1, correction=1, keepdim=True) + ctx.eps)
        xhat = (x - x.mean(-1, keepdim=True)) * rstd
        g = dy * gamma
        dx = rstd * (g - g.mean(-1, keepdim=True) - xhat * (g * xhat).sum(-1, keepdim=True) / (d - 1))
        return dx, (dy * xhat).sum(0), dy.sum(0), None


LAYER_NORM = Subject(
    "fused_layer_norm", FusedLayerNorm, layer_norm_ref,
    shapes={"batch": (1, 8), "d": (2, 16)},
    inputs={"x": ("batch", "d"), "gamma": ("d",), "beta": ("d",)},
    constants={"eps": 1e-5}, knobs={"eps": 0.0, "correction": 1},
    gradcheck_sizes={"batch": 4, "d": 5},
    bugs=(
        Bug("backward_without_eps", LayerNormBackwardWithoutEps,
            "backward normalises by sqrt(var), leaving eps out (the forward keeps it)", "knob:eps",
            "missed: the error is about eps / (2 var) = 5e-6 relative, below rtol = 1e-3"),
        Bug("variance_path_dropped", LayerNormVariancePathDropped,
            "dx leaves out the term through the variance, -xhat * mean(g * xhat)", "path_missing:variance",
            "caught: an order-one error"),
        Bug("forward_unbiased_variance", LayerNormUnbiasedVariance,
            "forward and backward use the unbiased variance (divides by d - 1): a consistent pair, not a layer norm",
            "knob:correction",
            "missed: gradcheck checks the backward against this forward, and they agree"),
    ),
)


# ------------------------------------------------------------------------------------------ 2. memory-saving GELU

def _normal_cdf(x):
    return 0.5 * (1 + torch.erf(x / math.sqrt(2)))


def _normal_pdf(x):
    return torch.exp(-0.5 * x * x) / math.sqrt(2 * math.pi)


def gelu_ref(x, approximate="none"):
    if approximate == "tanh":
        cdf = 0.5 * (1 + torch.tanh(math.sqrt(2 / math.pi) * (x + 0.044715 * x ** 3)))
    else:
        cdf = _normal_cdf(x)
    return x * path("cdf", cdf, subject="the path through the normal CDF in x * Phi(x)")


class MemorySavingGELU(Function):
    """Saves only x (not the CDF and PDF) and recomputes in backward, with differentiable ops: double backward works."""

    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return x * _normal_cdf(x)

    @staticmethod
    def backward(ctx, dy):
        (x,) = ctx.saved_tensors
        return dy * (_normal_cdf(x) + x * _normal_pdf(x))


class GELUCdfOnly(MemorySavingGELU):
    @staticmethod
    def backward(ctx, dy):
        (x,) = ctx.saved_tensors
        return dy * _normal_cdf(x)


class GELUTanhDerivative(MemorySavingGELU):
    @staticmethod
    def backward(ctx, dy):
        (x,) = ctx.saved_tensors
        inner = math.sqrt(2 / math.pi) * (x + 0.044715 * x ** 3)
        t = torch.tanh(inner)
        return dy * (0.5 * (1 + t) + 0.5 * x * (1 - t * t) * math.sqrt(2 / math.pi) * (1 + 3 * 0.044715 * x * x))


class GELUSavedCdf(Function):
    """Saves the CDF and PDF computed in forward: right first derivative, but they are constants to the double backward."""

    @staticmethod
    def forward(ctx, x):
        cdf, pdf = _normal_cdf(x), _normal_pdf(x)
        ctx.save_for_backward(x, cdf, pdf)
        return x * cdf

    @staticmethod
    def backward(ctx, dy):
        x, cdf, pdf = ctx.saved_tensors
        return dy * (cdf + x * pdf)


GELU = Subject(
    "memory_saving_gelu", MemorySavingGELU, gelu_ref,
    shapes={"batch": (1, 8), "d": (1, 16)}, inputs={"x": ("batch", "d")}, knobs={"approximate": "tanh"},
    gradcheck_sizes={"batch": 4, "d": 5},
    bugs=(
        Bug("cdf_only", GELUCdfOnly, "backward returns dy * Phi(x): the product rule's x * phi(x) term is missing",
            "path_missing:cdf", "caught: an order-one error"),
        Bug("tanh_derivative", GELUTanhDerivative,
            "backward is the derivative of the tanh approximation, the forward is the exact erf GELU",
            "knob:approximate", "unsure: the two derivatives differ by at most about 1e-3"),
        Bug("saved_cdf_double_backward", GELUSavedCdf,
            "CDF and PDF saved from the forward: the first derivative is right, the double backward treats them as "
            "constants", None, "missed: gradcheck checks first derivatives only (gradgradcheck would catch it)",
            double_backward=True),
    ),
)


# ------------------------------------------------------------------------------------- 3. straight-through estimator

def ste_ref(x, bound=1.0):
    clipped = torch.clamp(x, -bound, bound)
    return clipped + (torch.sign(x) - clipped).detach()


class StraightThroughSign(Function):
    """sign(x) forward; the gradient of hardtanh backward (passes dy where |x| <= 1)."""

    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return torch.sign(x)

    @staticmethod
    def backward(ctx, dy):
        (x,) = ctx.saved_tensors
        return dy * (x.abs() <= 1).to(dy.dtype)


class STEUnclipped(StraightThroughSign):
    @staticmethod
    def backward(ctx, dy):
        return dy.clone()


STE = Subject(
    "straight_through_sign", StraightThroughSign, ste_ref,
    shapes={"batch": (1, 8), "d": (1, 16)}, inputs={"x": ("batch", "d")}, knobs={"bound": INF},
    differentiable=False, gradcheck_sizes={"batch": 4, "d": 5},
    bugs=(
        Bug("unclipped", STEUnclipped, "backward passes dy everywhere, without the |x| <= 1 clip", "knob:bound",
            "n/a: gradcheck compares the backward with the derivative of sign(x), zero almost everywhere, so it "
            "fails the correct estimator too"),
    ),
)


# ----------------------------------------------------------------------------------------- 4. masked (sparse) softmax

def masked_softmax_ref(x, keep, use_mask=True):
    z = x.masked_fill(keep == 0, -INF) if use_mask else x
    e = torch.exp(z - z.max(-1, keepdim=True).values.detach())
    return e / path("normaliser", e.sum(-1, keepdim=True), subject="the path through the normaliser sum(exp)")


class MaskedSoftmax(Function):
    @staticmethod
    def forward(ctx, x, keep):
        y = torch.softmax(x.masked_fill(keep == 0, -INF), -1)
        ctx.save_for_backward(y)
        return y

    @staticmethod
    def backward(ctx, dy):
        (y,) = ctx.saved_tensors
        return y * (dy - (y * dy).sum(-1, keepdim=True)), None


class SoftmaxNormaliserForgotten(MaskedSoftmax):
    @staticmethod
    def backward(ctx, dy):
        (y,) = ctx.saved_tensors
        return y * dy, None


class SoftmaxRecomputedWithoutMask(Function):
    """Saves x to spare memory and recomputes the softmax in backward, forgetting the mask there."""

    @staticmethod
    def forward(ctx, x, keep):
        ctx.save_for_backward(x)
        return torch.softmax(x.masked_fill(keep == 0, -INF), -1)

    @staticmethod
    def backward(ctx, dy):
        (x,) = ctx.saved_tensors
        y = torch.softmax(x, -1)
        return y * (dy - (y * dy).sum(-1, keepdim=True)), None


MASKED_SOFTMAX = Subject(
    "masked_softmax", MaskedSoftmax, masked_softmax_ref,
    shapes={"batch": (1, 8), "n": (1, 16)}, inputs={"x": ("batch", "n"), "keep": Input(("batch", "n"), KEEP_MASK)},
    knobs={"use_mask": False}, gradcheck_sizes={"batch": 4, "n": 5},
    bugs=(
        Bug("normaliser_forgotten", SoftmaxNormaliserForgotten, "backward returns y * dy: the -y * sum(y * dy) term "
            "through the normaliser is missing", "path_missing:normaliser", "caught: an order-one error"),
        Bug("recomputed_without_mask", SoftmaxRecomputedWithoutMask,
            "backward recomputes the softmax from the saved logits without the mask", "knob:use_mask",
            "caught: wrong wherever a row has a masked entry"),
    ),
)


# ------------------------------------------------------------------------------ 5. fused linear + bias + activation

def linear_act_ref(x, W, b, activation="silu"):
    z = node("pre_activation", F.linear(x, W, b))
    return F.silu(z) if activation == "silu" else z


class FusedLinearSiLU(Function):
    """Saves the pre-activation from the forward, as a fused kernel does, so its backward is once differentiable."""

    @staticmethod
    def forward(ctx, x, W, b):
        z = x @ W.T + b
        ctx.save_for_backward(x, W, z)
        return z * torch.sigmoid(z)

    @staticmethod
    @once_differentiable
    def backward(ctx, dy):
        x, W, z = ctx.saved_tensors
        s = torch.sigmoid(z)
        g = dy * s * (1 + z * (1 - s))
        return g @ W, g.T @ x, g.sum(0)


class LinearWeightGradTransposed(FusedLinearSiLU):
    @staticmethod
    @once_differentiable
    def backward(ctx, dy):
        x, W, z = ctx.saved_tensors
        s = torch.sigmoid(z)
        g = dy * s * (1 + z * (1 - s))
        return g @ W, x.T @ g, g.sum(0)


class LinearBiasGradMean(FusedLinearSiLU):
    @staticmethod
    @once_differentiable
    def backward(ctx, dy):
        x, W, z = ctx.saved_tensors
        s = torch.sigmoid(z)
        g = dy * s * (1 + z * (1 - s))
        return g @ W, g.T @ x, g.mean(0)


class LinearActivationDerivativeForgotten(FusedLinearSiLU):
    @staticmethod
    @once_differentiable
    def backward(ctx, dy):
        x, W, z = ctx.saved_tensors
        return dy @ W, dy.T @ x, dy.sum(0)


LINEAR_ACT = Subject(
    "fused_linear_silu", FusedLinearSiLU, linear_act_ref,
    shapes={"batch": (1, 8), "d_in": (1, 12), "d_out": (1, 12)},
    inputs={"x": ("batch", "d_in"), "W": ("d_out", "d_in"), "b": ("d_out",)}, knobs={"activation": "identity"},
    gradcheck_sizes={"batch": 4, "d_in": 3, "d_out": 5},
    bugs=(
        Bug("weight_grad_transposed", LinearWeightGradTransposed, "dW = x.T @ g, the transpose of g.T @ x",
            "transposed", "caught: autograd refuses a (d_in, d_out) gradient for a (d_out, d_in) weight"),
        Bug("bias_grad_mean", LinearBiasGradMean, "db averages the rows of g instead of summing them",
            "scaled:1/batch", "caught: wrong by a factor of the batch"),
        Bug("activation_derivative_forgotten", LinearActivationDerivativeForgotten,
            "backward skips SiLU's derivative: g = dy", "knob:activation", "caught: an order-one error"),
    ),
)


# ------------------------------------------------------------------------------------------------- 6. log-sum-exp

def logsumexp_ref(x):
    return torch.logsumexp(x, -1)


class LogSumExp(Function):
    @staticmethod
    def forward(ctx, x):
        m = x.max(-1, keepdim=True).values
        y = (m + torch.log(torch.exp(x - m).sum(-1, keepdim=True))).squeeze(-1)
        ctx.save_for_backward(x, y)
        return y

    @staticmethod
    def backward(ctx, dy):
        x, y = ctx.saved_tensors
        return dy.unsqueeze(-1) * torch.exp(x - y.unsqueeze(-1))


class LogSumExpSoftmaxOverBatch(LogSumExp):
    @staticmethod
    def backward(ctx, dy):
        x, y = ctx.saved_tensors
        return dy.unsqueeze(-1) * torch.softmax(x, 0)


class LogSumExpDividedByBatch(LogSumExp):
    @staticmethod
    def backward(ctx, dy):
        x, y = ctx.saved_tensors
        return dy.unsqueeze(-1) * torch.exp(x - y.unsqueeze(-1)) / x.shape[0]


LOGSUMEXP = Subject(
    "logsumexp", LogSumExp, logsumexp_ref, shapes={"batch": (1, 8), "n": (1, 16)}, inputs={"x": ("batch", "n")},
    gradcheck_sizes={"batch": 4, "n": 5},
    bugs=(
        Bug("softmax_over_batch", LogSumExpSoftmaxOverBatch, "the softmax in backward is taken over dim 0, the batch",
            None, "caught: an order-one error"),
        Bug("divided_by_batch", LogSumExpDividedByBatch, "backward divides by the batch size, as for a mean loss",
            "scaled:1/batch", "caught: wrong by a factor of the batch"),
    ),
)


# ---------------------------------------------------------------------------------------------- 7. batched matmul

def matmul_ref(A, B):
    return A @ B


class BatchedMatmul(Function):
    @staticmethod
    def forward(ctx, A, B):
        ctx.save_for_backward(A, B)
        return A @ B

    @staticmethod
    def backward(ctx, dy):
        A, B = ctx.saved_tensors
        return dy @ B.transpose(-1, -2), A.transpose(-1, -2) @ dy


class MatmulRightGradTransposed(BatchedMatmul):
    @staticmethod
    def backward(ctx, dy):
        A, B = ctx.saved_tensors
        return dy @ B.transpose(-1, -2), dy.transpose(-1, -2) @ A


MATMUL = Subject(
    "batched_matmul", BatchedMatmul, matmul_ref, shapes={"batch": (1, 4), "m": (1, 6), "k": (1, 6), "n": (1, 6)},
    inputs={"A": ("batch", "m", "k"), "B": ("batch", "k", "n")}, gradcheck_sizes={"batch": 2, "m": 3, "k": 4, "n": 5},
    bugs=(
        Bug("right_grad_transposed", MatmulRightGradTransposed, "dB = dy^T @ A per batch, the transpose of A^T @ dy",
            "transposed", "caught: autograd refuses an (n, k) gradient for a (k, n) matrix"),
    ),
)


# ------------------------------------------------------------------------------------- 8. weight-normalised linear

def weight_norm_ref(x, v, g):
    norm = path("norm", v.norm(dim=1, keepdim=True), subject="the path through the row norms |v|")
    W = node("W", g.unsqueeze(1) * v / norm)
    return x @ W.T


class WeightNormLinear(Function):
    """Saves the norms and the normalised weight from the forward: its backward is once differentiable."""

    @staticmethod
    def forward(ctx, x, v, g):
        norm = v.norm(dim=1, keepdim=True)
        W = g.unsqueeze(1) * v / norm
        ctx.save_for_backward(x, v, g, norm, W)
        return x @ W.T

    @staticmethod
    @once_differentiable
    def backward(ctx, dy):
        x, v, g, norm, W = ctx.saved_tensors
        dW = dy.T @ x
        direction = v / norm
        along = (dW * direction).sum(1, keepdim=True)
        return dy @ W, g.unsqueeze(1) / norm * (dW - direction * along), along.squeeze(1)


class WeightNormNormPathMissing(WeightNormLinear):
    @staticmethod
    @once_differentiable
    def backward(ctx, dy):
        x, v, g, norm, W = ctx.saved_tensors
        dW = dy.T @ x
        along = (dW * v / norm).sum(1)
        return dy @ W, g.unsqueeze(1) / norm * dW, along


class WeightNormInputGradThroughV(WeightNormLinear):
    @staticmethod
    @once_differentiable
    def backward(ctx, dy):
        x, v, g, norm, W = ctx.saved_tensors
        dW = dy.T @ x
        direction = v / norm
        along = (dW * direction).sum(1, keepdim=True)
        return dy @ v, g.unsqueeze(1) / norm * (dW - direction * along), along.squeeze(1)


WEIGHT_NORM = Subject(
    "weight_norm_linear", WeightNormLinear, weight_norm_ref,
    shapes={"batch": (1, 8), "d_in": (1, 10), "d_out": (1, 10)},
    inputs={"x": ("batch", "d_in"), "v": ("d_out", "d_in"), "g": ("d_out",)}, gradcheck_sizes={"batch": 4, "d_in": 3, "d_out": 5},
    bugs=(
        Bug("norm_path_missing", WeightNormNormPathMissing,
            "dv = g / |v| * dW: the projection removing the component along v (through |v|) is missing",
            "path_missing:norm", "caught: an order-one error"),
        Bug("input_grad_through_v", WeightNormInputGradThroughV, "dx = dy @ v, with the unnormalised v for W", None,
            "caught: an order-one error"),
    ),
)


# --------------------------------------------------------------------------------------- 9. gather (embedding lookup)

def embedding_ref(weight, idx):
    return weight[idx]


class Embedding(Function):
    @staticmethod
    def forward(ctx, weight, idx):
        ctx.save_for_backward(idx)
        ctx.rows = weight.shape[0]
        return weight[idx]

    @staticmethod
    def backward(ctx, dy):
        (idx,) = ctx.saved_tensors
        dW = dy.new_zeros(ctx.rows, dy.shape[-1])
        return dW.index_add_(0, idx, dy), None


class EmbeddingScatterOverwrites(Embedding):
    @staticmethod
    def backward(ctx, dy):
        (idx,) = ctx.saved_tensors
        dW = dy.new_zeros(ctx.rows, dy.shape[-1])
        dW[idx] = dy
        return dW, None


EMBEDDING = Subject(
    "embedding_gather", Embedding, embedding_ref, shapes={"batch": (1, 8), "vocab": (1, 6), "d": (1, 8)},
    inputs={"weight": ("vocab", "d"), "idx": Input(("batch",), indices("vocab"))}, wrt=("weight",),
    gradcheck_sizes={"batch": 4, "vocab": 5, "d": 3},
    bugs=(
        Bug("scatter_overwrites", EmbeddingScatterOverwrites,
            "dW[idx] = dy assigns instead of accumulating: a row looked up twice keeps only one of its gradients", None,
            "unsure: caught only on cases whose indices repeat"),
    ),
)


# -------------------------------------------------------------------------------- 10. numerically stable sigmoid BCE

def bce_ref(logits, targets):
    return F.binary_cross_entropy_with_logits(logits, targets)


class SigmoidBCE(Function):
    """Mean binary cross-entropy on logits, computed stably: max(z, 0) - z t + log(1 + exp(-|z|))."""

    @staticmethod
    def forward(ctx, logits, targets):
        ctx.save_for_backward(logits, targets)
        return (logits.clamp(min=0) - logits * targets + torch.log1p(torch.exp(-logits.abs()))).mean()

    @staticmethod
    def backward(ctx, dy):
        z, t = ctx.saved_tensors
        return dy * (torch.sigmoid(z) - t) / z.numel(), None


class BCEMeanForgotten(SigmoidBCE):
    @staticmethod
    def backward(ctx, dy):
        z, t = ctx.saved_tensors
        return dy * (torch.sigmoid(z) - t), None


class BCESignFlipped(SigmoidBCE):
    @staticmethod
    def backward(ctx, dy):
        z, t = ctx.saved_tensors
        return dy * (t - torch.sigmoid(z)) / z.numel(), None


BCE = Subject(
    "sigmoid_bce", SigmoidBCE, bce_ref, shapes={"batch": (1, 16)},
    inputs={"logits": ("batch",), "targets": Input(("batch",), probability())}, wrt=("logits",),
    gradcheck_sizes={"batch": 6},
    bugs=(
        Bug("mean_forgotten", BCEMeanForgotten, "backward leaves out the 1/N of the mean", "scaled:batch",
            "caught: wrong by a factor of the batch"),
        Bug("sign_flipped", BCESignFlipped, "backward returns t - sigmoid(z), the negative gradient", "sign_flipped",
            "caught: an order-one error"),
    ),
)


# ---------------------------------------------------------------------------------------------- 11. rotary embedding

def _rotated(x):
    """Each pair (a, b) as (-b, a): the pair turned a quarter."""
    return torch.stack([-x[..., 1], x[..., 0]], -1)


def rotary_ref(x, theta):
    cos, sin = torch.cos(theta).unsqueeze(-1), torch.sin(theta).unsqueeze(-1)
    return x * cos + path("rotated", _rotated(x) * sin, subject="the path through the rotated pairs (the sine term)")


class Rotary(Function):
    """Rotates each pair of x by the angle theta of its position and pair: the backward rotates dy back."""

    @staticmethod
    def forward(ctx, x, theta):
        ctx.save_for_backward(theta)
        return x * torch.cos(theta).unsqueeze(-1) + _rotated(x) * torch.sin(theta).unsqueeze(-1)

    @staticmethod
    def backward(ctx, dy):
        (theta,) = ctx.saved_tensors
        return dy * torch.cos(theta).unsqueeze(-1) - _rotated(dy) * torch.sin(theta).unsqueeze(-1), None


class RotarySineTermDropped(Rotary):
    @staticmethod
    def backward(ctx, dy):
        (theta,) = ctx.saved_tensors
        return dy * torch.cos(theta).unsqueeze(-1), None


class RotaryNotInverted(Rotary):
    @staticmethod
    def backward(ctx, dy):
        (theta,) = ctx.saved_tensors
        return dy * torch.cos(theta).unsqueeze(-1) + _rotated(dy) * torch.sin(theta).unsqueeze(-1), None


ROTARY = Subject(
    "rotary_embedding", Rotary, rotary_ref, shapes={"batch": (1, 4), "seq": (1, 6), "pairs": (1, 4), "two": 2},
    inputs={"x": ("batch", "seq", "pairs", "two"), "theta": ("seq", "pairs")}, wrt=("x",),
    gradcheck_sizes={"batch": 2, "seq": 3, "pairs": 4, "two": 2},
    bugs=(
        Bug("sine_term_dropped", RotarySineTermDropped, "backward keeps dy * cos and drops the sine term",
            "path_missing:rotated", "caught: an order-one error"),
        Bug("rotation_not_inverted", RotaryNotInverted,
            "backward rotates dy by +theta (the forward's rotation) instead of by -theta", "path_scaled:rotated",
            "caught: an order-one error"),
    ),
)


# ----------------------------------------------------------------------------------- 12. clamp with a custom gradient

def clamp_ref(x, low=-1.0, high=1.0):
    node("above_low", x - low, kink=True)
    node("below_high", high - x, kink=True)
    return torch.clamp(x, low, high)


class Clamp(Function):
    @staticmethod
    def forward(ctx, x, low, high):
        ctx.save_for_backward(x)
        ctx.bounds = (low, high)
        return x.clamp(low, high)

    @staticmethod
    def backward(ctx, dy):
        (x,) = ctx.saved_tensors
        low, high = ctx.bounds
        return dy * ((x >= low) & (x <= high)).to(dy.dtype), None, None


class ClampUpperBoundForgotten(Clamp):
    @staticmethod
    def backward(ctx, dy):
        (x,) = ctx.saved_tensors
        low, _ = ctx.bounds
        return dy * (x >= low).to(dy.dtype), None, None


CLAMP = Subject(
    "clamp", Clamp, clamp_ref, shapes={"batch": (1, 8), "d": (1, 16)}, inputs={"x": ("batch", "d")},
    constants={"low": -1.0, "high": 1.0}, knobs={"high": INF}, gradcheck_sizes={"batch": 4, "d": 5},
    bugs=(
        Bug("upper_bound_forgotten", ClampUpperBoundForgotten, "backward masks only x >= low: dy passes above high",
            "knob:high", "caught: wrong wherever x > high"),
    ),
)


SUBJECTS = (LAYER_NORM, GELU, STE, MASKED_SOFTMAX, LINEAR_ACT, LOGSUMEXP, MATMUL, WEIGHT_NORM, EMBEDDING, BCE, ROTARY,
            CLAMP)
