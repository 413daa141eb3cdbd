"""Homework 3, declared: convolutional and recurrent layers, forward and backward, in the manner of a first deep
learning course's second and third assignments.

Sections 1 to 5 are the convolutional network's layers: a convolution with stride
and zero padding, 2x2 max-pooling, the convolution-ReLU-pool block of a network,
spatial batch normalization and the softmax loss. Sections 6 to 8 are recurrent:
one vanilla RNN step, the RNN over a sequence (backpropagation through time) and
one LSTM step. Each layer's context takes a random upstream gradient (`dout`,
`dnext_h`, ...) with the loss `L = sum(dout * out)`, never `out.sum()`, which
hides errors; the softmax loss is a loss of its own. Arrays are batch-first, the
batch axis `N` first; images are `(N, C, H, W)`; the recurrent weights are laid
out `(in, out)`: the input times the weight. Everything gradjudge checks, grades
and explains about this homework follows from this file.
"""
from __future__ import annotations

from pathlib import Path

import numpy as np

from checks.declare import (RELU, F, Assignment, Axis, Context, Derivation, Mask, Node, Quantity, Scalar, Size,
                            Variant, absmax, max_pool, surrogate, torch)

from .catalog import CATALOG
from .notation import NOTATION

TINY_STD = 1e-3
"""Standard deviation of a tiny-variance channel, centred within a few of its own stds of zero."""
SATURATING_BIAS = 16.0
"""The saturated edge's biases are ± this, beyond the few units the rest of the pre-activation adds: tanh's derivative
there is below about 1e-9, a cancellation in 1 - h²."""
LARGE_SCORE = 1000.0
"""The large-scores edge spreads scores over ± this: exp of an unshifted score overflows float64 (past about 709).
A softmax moves its probabilities over about one unit of score, whatever the scores' spread: that is the length
scale of the scores."""
IN_OUT = "(in, out): the input times it"
"""How every recurrent weight is laid out: a row per input unit, a column per output unit."""

AXES = (
    Axis("N", "batch: the images or sequences, first in every batch-first array"),
    Axis("C", "channels of an image"),
    Axis("F", "filters of a convolution: the channels of its output"),
    Axis("H", "height of an image (a convolution's input, or a max-pool's: twice the pooled height)"),
    Axis("W", "width of an image (a convolution's input, or a max-pool's: twice the pooled width)"),
    Axis("HH", "filter height"),
    Axis("WW", "filter width"),
    Axis("H_pad", "height of the zero-padded input: H + 2 pad"),
    Axis("W_pad", "width of the zero-padded input: W + 2 pad"),
    Axis("Ho", "a convolution's output height: (H + 2 pad - HH) / stride + 1"),
    Axis("Wo", "a convolution's output width: (W + 2 pad - WW) / stride + 1"),
    Axis("Hp", "a 2x2 max-pool's output height"),
    Axis("Wp", "a 2x2 max-pool's output width"),
    Axis("K", "classes of the softmax classifier"),
    Axis("T", "time steps of a sequence"),
    Axis("D", "input width of a recurrent layer"),
    Axis("Dh", "hidden width of a recurrent layer"),
    Axis("G", "an LSTM's four gate pre-activations side by side: 4 Dh, in the order i, f, o, g"),
)

STRIDE = Scalar("stride", "the convolution's stride, an int", values=(2, 1), diagnostic=(2, 1))
"""2 first, where shrinking lands, keeps a forgotten stride visible."""
PAD = Scalar("pad", "zeros added on each side of both spatial axes, an int", values=(1, 0, 2), diagnostic=(1, 2, 0))
"""1 first; 0 catches a crop written x_pad[pad:-pad], which is empty there; 2 a padding hard-coded as 1."""
EPS = Scalar("eps", "batch norm epsilon, a float", values=(1e-5, 1e-3), diagnostic=(1e-5,),
             valid=lambda eps: eps > 0, rule="the epsilon must be positive")


def _normal(rng: np.random.Generator, *shape: int, std: float = 1.0) -> np.ndarray:
    return std * rng.standard_normal(shape)


def _upstream_loss(upstream, value):
    """`L = sum(upstream * value)`: a random upstream gradient, never `.sum()`, which hides errors."""
    return (upstream * value).sum()


def _terms(upstream: np.ndarray, *factors: np.ndarray) -> float:
    """The size of the terms an id sums: the upstream gradient's largest entry times each factor's."""
    return absmax(upstream) * float(np.prod([absmax(factor) for factor in factors]))


# ------------------------------------------------------------------------------------------ 1: a convolution

def _conv(x, w, b, stride, pad):
    return F.conv2d(x, w, b, stride=stride, padding=pad)


def _conv_leaves(rng: np.random.Generator, case) -> dict:
    n, c, f, h, w, hh, ww, ho, wo = (case.size[a] for a in ("N", "C", "F", "H", "W", "HH", "WW", "Ho", "Wo"))
    return {"x": _normal(rng, n, c, h, w, std=case.scale), "w": _normal(rng, f, c, hh, ww, std=(c * hh * ww) ** -0.5),
            "b": _normal(rng, f, std=0.5), "dout": _normal(rng, n, f, ho, wo)}


def _windows_one_step_apart(x, w, b, stride, pad):
    """The convolution's value, with the derivative of one taken at every position (stride 1), cut to its size."""
    ho, wo = (x.shape[-2] + 2 * pad - w.shape[-2]) // stride + 1, (x.shape[-1] + 2 * pad - w.shape[-1]) // stride + 1
    every = F.conv2d(x, w, b, stride=1, padding=pad)[..., :ho, :wo]
    return surrogate(_conv(x, w, b, stride, pad), every)


CONV = Context(
    "conv", "Section 1: a convolution with stride and zero padding, out = conv(x, w) + b, with L = sum(dout * out)",
    axes={"N": 1, "C": Size(maximum=3), "F": Size(maximum=3), "H": 1, "W": 1, "HH": Size(choices=(1, 2, 3)),
          "WW": Size(choices=(1, 2, 3)), "H_pad": Size(computed="H + 2*pad"), "W_pad": Size(computed="W + 2*pad"),
          "Ho": Size(computed="(H + 2*pad - HH)/stride + 1"), "Wo": Size(computed="(W + 2*pad - WW)/stride + 1")},
    leaves=(
        Quantity("x", ("N", "C", "H", "W"), "input images"),
        Quantity("w", ("F", "C", "HH", "WW"), "filters", layout="(F, C, HH, WW): one filter per output channel"),
        Quantity("b", ("F",), "one bias per filter"),
        Quantity("dout", ("N", "F", "Ho", "Wo"), "upstream gradient; L = sum(dout * out)"),
    ),
    scalars=(STRIDE, PAD),
    nodes=(
        Node("x_pad", ("N", "C", "H_pad", "W_pad"), "x with pad zeros on each side of H and W", ("x", "pad"),
             lambda x, pad: F.pad(x, (pad, pad, pad, pad))),
        Node("out", ("N", "F", "Ho", "Wo"), "conv(x, w) + b: each filter slid over x_pad in steps of stride",
             ("x", "w", "b", "stride", "pad"), _conv),
        Node("L", (), "sum(dout * out)", ("dout", "out"), _upstream_loss),
    ),
    generate=_conv_leaves,
    variants=(
        Variant("local_derivative", "stride_ignored", {"out": _windows_one_step_apart},
                "the gradient with the receptive fields taken one step apart (stride 1) where the forward pass moves "
                "them by the stride"),
        Variant("local_derivative", "filters_turned", {"out": lambda x, w, b, stride, pad: surrogate(
            _conv(x, w, b, stride, pad), _conv(x, w.flip(-2, -1), b, stride, pad))},
                "the gradient with each filter turned by 180 degrees: its taps met in the reverse order"),
    ),
)

# ------------------------------------------------------------------------------------------- 2: max-pooling


def _maxpool_leaves(rng: np.random.Generator, case) -> dict:
    n, c, hp, wp = (case.size[a] for a in ("N", "C", "Hp", "Wp"))
    x = _normal(rng, n, c, 2 * hp, 2 * wp, std=case.scale)
    if case.edge == "tied_windows":
        top = x.reshape(n, c, hp, 2, wp, 2).max(axis=(3, 5)) + case.scale
        x[..., 1::2, ::2] = x[..., ::2, 1::2] = top
    return {"x": x, "dout": _normal(rng, n, c, hp, wp)}


def _first_maxima(x):
    """1 at each window's maximum (the first, row by row, at a tie), 0 elsewhere."""
    _, indices = F.max_pool2d(x, 2, return_indices=True)
    return torch.zeros_like(x).flatten(-2).scatter(-1, indices.flatten(-2), 1.0).view_as(x)


def _window_sums(x):
    return F.avg_pool2d(x, 2) * 4


MAXPOOL = Context(
    "maxpool", "Section 2: 2x2 max-pooling with stride 2, with L = sum(dout * out)",
    axes={"N": 1, "C": Size(maximum=3), "Hp": 1, "Wp": 1, "H": Size(computed="2*Hp"), "W": Size(computed="2*Wp")},
    leaves=(
        Quantity("x", ("N", "C", "H", "W"), "input images"),
        Quantity("dout", ("N", "C", "Hp", "Wp"), "upstream gradient; L = sum(dout * out)"),
    ),
    nodes=(
        Node("out", ("N", "C", "Hp", "Wp"), "the maximum of each 2x2 window", ("x",), lambda x: F.max_pool2d(x, 2),
             kink=max_pool(2)),
        Node("is_max", ("N", "C", "H", "W"), "1 where x is its window's maximum (the first, at a tie), else 0",
             ("x",), _first_maxima, offered=False),
        Node("L", (), "sum(dout * out)", ("dout", "out"), _upstream_loss),
    ),
    generate=_maxpool_leaves,
    edges={"tied_windows": "every window's maximum shared by two of its entries"},
    ties=("tied_windows",),
    masks=(Mask("is_max", "window_maxima", "other_entries", "x is its window's maximum",
                "x is not its window's maximum"),),
    variants=(
        Variant("local_derivative", "gradient_to_every_entry", {"out": lambda x: surrogate(F.max_pool2d(x, 2),
                                                                                         _window_sums(x))},
                "the gradient with every entry of a window taken as its maximum: dout copied to all four"),
        Variant("local_derivative", "gradient_shared_by_window", {"out": lambda x: surrogate(F.max_pool2d(x, 2),
                                                                                           F.avg_pool2d(x, 2))},
                "the gradient of an average pool: dout shared equally by the four entries of its window"),
        Variant("local_derivative", "gradient_to_every_tied_maximum", {"out": lambda x: surrogate(
            F.max_pool2d(x, 2), _window_sums(x * (x == F.interpolate(F.max_pool2d(x, 2), scale_factor=2)).to(x.dtype)))},
                "the gradient with dout given to every entry equal to its window's maximum: a tie counted twice"),
    ),
)

# ---------------------------------------------------------------------------- 3: the convolution-ReLU-pool block


def _crp_leaves(rng: np.random.Generator, case) -> dict:
    n, c, f, h, w, hh = (case.size[a] for a in ("N", "C", "F", "H", "W", "HH"))
    return {"x": _normal(rng, n, c, h, w, std=case.scale), "w": _normal(rng, f, c, hh, hh, std=(c * hh * hh) ** -0.5),
            "b": _normal(rng, f, std=0.5), "dout": _normal(rng, n, f, h // 2, w // 2)}


def _same_conv(x, w, b):
    """Stride 1 and padding HH // 2: the output is as high and wide as the input."""
    return F.conv2d(x, w, b, padding=w.shape[-1] // 2)


CONV_RELU_POOL = Context(
    "conv_relu_pool", "Section 3: a network's first block, out = maxpool(relu(conv(x, w) + b)), with "
                      "L = sum(dout * out)",
    axes={"N": 1, "C": Size(maximum=3), "F": Size(maximum=3), "Hp": Size(maximum=3), "Wp": Size(maximum=3),
          "HH": Size(choices=(1, 3, 5)), "H": Size(computed="2*Hp"), "W": Size(computed="2*Wp")},
    leaves=(
        Quantity("x", ("N", "C", "H", "W"), "input images"),
        Quantity("w", ("F", "C", "HH", "HH"), "square filters, padded by HH // 2 at stride 1 (the size is kept)",
                 layout="(F, C, HH, HH): one filter per output channel"),
        Quantity("b", ("F",), "one bias per filter"),
        Quantity("dout", ("N", "F", "Hp", "Wp"), "upstream gradient; L = sum(dout * out)"),
    ),
    nodes=(
        Node("c", ("N", "F", "H", "W"), "conv(x, w) + b, stride 1, padding HH // 2", ("x", "w", "b"), _same_conv),
        Node("r", ("N", "F", "H", "W"), "relu(c)", ("c",), F.relu, kink=RELU),
        Node("out", ("N", "F", "Hp", "Wp"), "the maximum of each 2x2 window of r", ("r",), lambda r: F.max_pool2d(r, 2),
             kink=max_pool(2)),
        Node("L", (), "sum(dout * out)", ("dout", "out"), _upstream_loss),
    ),
    generate=_crp_leaves,
    ties="allow",
    variants=(
        Variant("local_derivative", "relu_derivative_as_one", {"r": lambda c: surrogate(F.relu(c), c)},
                "the gradient with the ReLU's derivative taken as 1: its mask is missing"),
        Variant("local_derivative", "pool_gradient_to_every_entry",
                {"out": lambda r: surrogate(F.max_pool2d(r, 2), _window_sums(r))},
                "the gradient with every entry of a pooling window taken as its maximum: dout copied to all four"),
    ),
)
"""Ties are allowed: a window whose four ReLU outputs are all 0 is a tie built into the model (it cannot be drawn
away), and a harmless one, since the ReLU passes no gradient there whichever entry the pool routes it to."""

# ------------------------------------------------------------------------------ 4: spatial batch normalization


def _spatial_bn(x, gamma, beta, eps):
    return F.batch_norm(x, None, None, gamma, beta, training=True, momentum=0.0, eps=eps)


def _sbn_leaves(rng: np.random.Generator, case) -> dict:
    n, c, h, w = (case.size[a] for a in ("N", "C", "H", "W"))
    x = _normal(rng, 1, c, 1, 1, std=case.scale) + _normal(rng, n, c, h, w, std=case.scale)
    if case.edge == "tiny_variance":
        x[:, 0] = _normal(rng, 1, std=TINY_STD) + _normal(rng, n, h, w, std=TINY_STD)
    return {"x": x, "gamma": _normal(rng, c), "beta": _normal(rng, c), "dout": _normal(rng, n, c, h, w)}


def _sbn_as(*, cut: tuple[str, ...] = (), eps_zero: bool = False, unbiased: bool = False, gamma_one: bool = False):
    """Spatial batch norm written out (the same values as PyTorch's), some paths cut or one knob turned."""
    def normalised(x, gamma, beta, eps):
        mean, var = x.mean((0, 2, 3), keepdim=True), x.var((0, 2, 3), correction=1 if unbiased else 0, keepdim=True)
        mean = mean.detach() if "mean" in cut else mean
        var = var.detach() if "variance" in cut else var
        xhat = (x - mean) / (var + (0.0 if eps_zero else eps)).sqrt()
        scale = 1.0 if gamma_one else gamma[None, :, None, None]
        return scale * xhat + beta[None, :, None, None]
    return normalised


def _bn_of_flattened(x, gamma, beta, eps):
    """Batch norm over `x.reshape(-1, C)`'s columns, which mix the channels, folded back to `(N, C, H, W)`."""
    return F.batch_norm(x.reshape(-1, x.shape[1]), None, None, gamma, beta, training=True, eps=eps).reshape(x.shape)


def _bn_per_location(x, gamma, beta, eps):
    """Batch norm of every (channel, row, column) on its own, over the batch alone."""
    mean, var = x.mean(0, keepdim=True), x.var(0, correction=0, keepdim=True)
    return gamma[None, :, None, None] * (x - mean) / (var + eps).sqrt() + beta[None, :, None, None]


SPATIAL_BN = Context(
    "spatial_bn", "Section 4: spatial batch normalization, each channel over (N, H, W), with L = sum(dout * out)",
    axes={"N": 2, "C": Size(maximum=3), "H": 1, "W": 1},
    leaves=(
        Quantity("x", ("N", "C", "H", "W"), "input images"),
        Quantity("gamma", ("C",), "scale, one per channel"),
        Quantity("beta", ("C",), "shift, one per channel"),
        Quantity("dout", ("N", "C", "H", "W"), "upstream gradient; L = sum(dout * out)"),
    ),
    scalars=(EPS,),
    nodes=(
        Node("mu", ("C",), "mean of each channel over the batch and both spatial axes", ("x",),
             lambda x: x.mean((0, 2, 3))),
        Node("var", ("C",), "biased variance of each channel over the batch and both spatial axes", ("x",),
             lambda x: x.var((0, 2, 3), correction=0)),
        Node("xhat", ("N", "C", "H", "W"), "(x - mu) / sqrt(var + eps), channel by channel", ("x", "eps"),
             lambda x, eps: _spatial_bn(x, None, None, eps)),
        Node("out", ("N", "C", "H", "W"), "gamma * xhat + beta", ("x", "gamma", "beta", "eps"), _spatial_bn),
        Node("L", (), "sum(dout * out)", ("dout", "out"), _upstream_loss),
    ),
    generate=_sbn_leaves,
    edges={"tiny_variance": "a channel of variance near 1e-6"},
    length_scales={"x": lambda v: (v["x"].var((0, 2, 3), correction=0, keepdim=True) + v["eps"]).sqrt()},
    variants=(
        Variant("path", "channel_mean", {"out": _sbn_as(cut=("mean",))},
                "the exact gradient of a batch norm whose channel means are held constant: the path through each "
                "channel's mean is missing", subject="the path through each channel's mean"),
        Variant("path", "channel_variance", {"out": _sbn_as(cut=("variance",))},
                "the exact gradient of a batch norm whose channel variances are held constant: the path through each "
                "channel's variance is missing", subject="the path through each channel's variance"),
        Variant("knob", "no_eps", {"out": _sbn_as(eps_zero=True)},
                "the exact gradient of a batch norm without eps: eps is left out of the normaliser"),
        Variant("knob", "unbiased_variance", {"out": _sbn_as(unbiased=True)},
                "exactly that of a batch norm that divides the variance by N H W - 1, where it divides by N H W"),
        Variant("knob", "gamma_as_one", {"out": _sbn_as(gamma_one=True)},
                "the exact gradient of a batch norm without its scale: gamma is taken as 1"),
        Variant("knob", "statistics_per_location", {"out": _bn_per_location},
                "the exact gradient of a batch norm over the batch alone, one (channel, row, column) at a time, where "
                "each channel's statistics run over the batch and both spatial axes"),
        Variant("knob", "reshaped_without_transpose", {"out": _bn_of_flattened},
                "the exact gradient of a batch norm over the columns of x.reshape(-1, C), which mix the channels: "
                "the channel axis was not moved last before reshaping"),
    ),
)

# ------------------------------------------------------------------------------------------ 5: the softmax loss


def _softmax_loss_leaves(rng: np.random.Generator, case) -> dict:
    n, k = case.size["N"], case.size["K"]
    x = rng.uniform(-LARGE_SCORE, LARGE_SCORE, (n, k)) if case.edge == "large_scores" else \
        _normal(rng, n, k, std=case.scale) + _normal(rng, n, 1, std=case.scale)
    return {"x": x, "y": rng.integers(0, k, n)}


def _cross_entropy(x, y):
    """`L = -(1/N) Σ_n log softmax(x_n)[y_n]`."""
    return F.cross_entropy(x, y)


SOFTMAX_LOSS = Context(
    "softmax_loss", "Section 5: the softmax classifier's loss, L = -(1/N) sum_n log softmax(x_n)[y_n]",
    axes={"N": 1, "K": 2},
    leaves=(
        Quantity("x", ("N", "K"), "class scores, one row per sample"),
        Quantity("y", ("N",), "labels: ints in [0, K)"),
    ),
    nodes=(
        Node("probs", ("N", "K"), "softmax(x) over each row", ("x",), lambda x: F.softmax(x, dim=-1)),
        Node("y_onehot", ("N", "K"), "the labels one-hot: 1 at (n, y_n), else 0", ("x", "y"),
             lambda x, y: F.one_hot(y, x.shape[-1]).to(x.dtype)),
        Node("L", (), "-(1/N) sum_n log probs[n, y_n]", ("x", "y"), _cross_entropy),
    ),
    generate=_softmax_loss_leaves,
    edges={"large_scores": "scores spread over ±1000, where an unshifted exp overflows"},
    length_scales={"x": lambda v: v["x"].new_ones(())},
    variants=(
        Variant("knob", "loss_without_mean", {"L": lambda x, y: _cross_entropy(x, y) * x.shape[0]},
                "the exact gradient of the loss summed over the batch: the loss's 1/N is missing"),
        Variant("path", "true_class_score", {"L": lambda x, y: (torch.logsumexp(x, -1) - x.detach().gather(
            -1, y[:, None]).squeeze(-1)).mean()},
                "the gradient with the path through the true class's score cut: the one-hot term is missing",
                subject="the path through the true class's score"),
    ),
)

# ------------------------------------------------------------------------------------------- 6: an RNN step


def _recurrent_weights(rng: np.random.Generator, d: int, dh: int, gates: int = 1) -> dict:
    return {"Wx": _normal(rng, d, gates * dh, std=d**-0.5), "Wh": _normal(rng, dh, gates * dh, std=dh**-0.5)}


def _rnn_step_leaves(rng: np.random.Generator, case) -> dict:
    n, d, dh = (case.size[a] for a in ("N", "D", "Dh"))
    leaves = {"x": _normal(rng, n, d, std=case.scale), "prev_h": np.tanh(_normal(rng, n, dh)),
              **_recurrent_weights(rng, d, dh), "b": _normal(rng, dh, std=0.5), "dnext_h": _normal(rng, n, dh)}
    if case.edge == "saturated":
        leaves["b"] = SATURATING_BIAS * rng.choice((-1.0, 1.0), dh)
    return leaves


TANH_DERIVATIVES = (
    ("tanh_derivative_as_one_minus_h", lambda a: surrogate(torch.tanh(a), (1 - torch.tanh(a).detach()) * a),
     "the gradient with tanh's derivative taken as 1 - h instead of 1 - h²"),
    ("tanh_derivative_at_its_input", lambda a: surrogate(torch.tanh(a), (1 - a.detach() ** 2) * a),
     "the gradient with tanh's derivative taken as 1 - a², at its input a instead of its output h"),
    ("tanh_derivative_missing", lambda a: surrogate(torch.tanh(a), a),
     "the gradient with tanh's derivative left out (taken as 1)"),
)
"""The tanh's value kept and its derivative swapped for a common wrong one: name, activation, what it computes."""


def _affine(x, prev_h, Wx, Wh, b):
    return x @ Wx + prev_h @ Wh + b


RNN_STEP = Context(
    "rnn_step", "Section 6: one vanilla RNN step, next_h = tanh(x Wx + prev_h Wh + b), with L = sum(dnext_h * next_h)",
    axes={"N": 1, "D": 1, "Dh": 1},
    leaves=(
        Quantity("x", ("N", "D"), "the step's input"),
        Quantity("prev_h", ("N", "Dh"), "the previous hidden state"),
        Quantity("Wx", ("D", "Dh"), "input-to-hidden weight", layout=IN_OUT),
        Quantity("Wh", ("Dh", "Dh"), "hidden-to-hidden weight", layout=IN_OUT),
        Quantity("b", ("Dh",), "bias"),
        Quantity("dnext_h", ("N", "Dh"), "upstream gradient; L = sum(dnext_h * next_h)"),
    ),
    nodes=(
        Node("a", ("N", "Dh"), "x Wx + prev_h Wh + b, the pre-activation", ("x", "prev_h", "Wx", "Wh", "b"), _affine),
        Node("next_h", ("N", "Dh"), "tanh(a), the next hidden state", ("a",), torch.tanh),
        Node("L", (), "sum(dnext_h * next_h)", ("dnext_h", "next_h"), _upstream_loss),
    ),
    generate=_rnn_step_leaves,
    edges={"saturated": "biases of ±16: tanh saturated, its derivative below about 1e-9"},
    variants=tuple(Variant("local_derivative", name, {"next_h": activation}, says)
                   for name, activation, says in TANH_DERIVATIVES),
)

# ------------------------------------------------------------------------- 7: backpropagation through time


def _rnn_leaves(rng: np.random.Generator, case) -> dict:
    n, t, d, dh = (case.size[a] for a in ("N", "T", "D", "Dh"))
    return {"x": _normal(rng, n, t, d, std=case.scale), "h0": np.tanh(_normal(rng, n, dh)),
            **_recurrent_weights(rng, d, dh), "b": _normal(rng, dh, std=0.5), "dh": _normal(rng, n, t, dh)}


def _unrolled(*, cut_through_time: bool = False, activation=torch.tanh):
    """Every step's pre-activation `(N, T, Dh)`, from x and h0; with the path through time cut, each step takes the
    previous state as a constant; `activation` makes each state from its pre-activation."""
    def preactivations(x, h0, Wx, Wh, b):
        found, state = [], h0
        for t in range(x.shape[1]):
            found.append(x[:, t] @ Wx + (state.detach() if cut_through_time else state) @ Wh + b)
            state = activation(found[-1])
        return torch.stack(found, 1)
    return preactivations


RNN = Context(
    "rnn", "Section 7: a vanilla RNN over T steps from h0, h_t = tanh(x_t Wx + h_(t-1) Wh + b), with L = sum(dh * h)",
    axes={"N": 1, "T": 2, "D": 1, "Dh": 1},
    leaves=(
        Quantity("x", ("N", "T", "D"), "the inputs, one per step"),
        Quantity("h0", ("N", "Dh"), "the initial hidden state"),
        Quantity("Wx", ("D", "Dh"), "input-to-hidden weight", layout=IN_OUT),
        Quantity("Wh", ("Dh", "Dh"), "hidden-to-hidden weight", layout=IN_OUT),
        Quantity("b", ("Dh",), "bias"),
        Quantity("dh", ("N", "T", "Dh"), "upstream gradient at every state; L = sum(dh * h)"),
    ),
    nodes=(
        Node("a", ("N", "T", "Dh"), "every step's pre-activation, x_t Wx + h_(t-1) Wh + b",
             ("x", "h0", "Wx", "Wh", "b"), _unrolled()),
        Node("h", ("N", "T", "Dh"), "tanh(a): every step's hidden state", ("a",), torch.tanh),
        Node("L", (), "sum(dh * h)", ("dh", "h"), _upstream_loss),
    ),
    generate=_rnn_leaves,
    variants=(
        Variant("path", "through_time", {"a": _unrolled(cut_through_time=True)},
                "the gradient with the path back through time cut: each step's state is taken as a constant by the "
                "next, so a state gets only its own upstream gradient", subject="the path back through time"),
        *(Variant("local_derivative", name, {"a": _unrolled(activation=activation), "h": activation},
                  says + ", at every step") for name, activation, says in TANH_DERIVATIVES),
    ),
)

# ---------------------------------------------------------------------------------------------- 8: an LSTM step


def _lstm_leaves(rng: np.random.Generator, case) -> dict:
    n, d, dh = (case.size[a] for a in ("N", "D", "Dh"))
    return {"x": _normal(rng, n, d, std=case.scale), "prev_h": np.tanh(_normal(rng, n, dh)),
            "prev_c": _normal(rng, n, dh), **_recurrent_weights(rng, d, dh, gates=4), "b": _normal(rng, 4 * dh, std=0.5),
            "dnext_h": _normal(rng, n, dh), "dnext_c": _normal(rng, n, dh)}


def _gate(index: int, activation):
    """Gate `index` (i, f, o, g) of the pre-activations, through its activation."""
    return lambda a: activation(a.chunk(4, -1)[index])


def _lstm_loss(dnext_h, next_h, dnext_c, next_c):
    """`L = sum(dnext_h * next_h) + sum(dnext_c * next_c)`: the step's two outputs, each with its own upstream."""
    return (dnext_h * next_h).sum() + (dnext_c * next_c).sum()


LSTM_STEP = Context(
    "lstm_step", "Section 8: one LSTM step, gates i, f, o, g from a = x Wx + prev_h Wh + b, with "
                 "L = sum(dnext_h * next_h) + sum(dnext_c * next_c)",
    axes={"N": 1, "D": 1, "Dh": 1, "G": Size(computed="4*Dh")},
    leaves=(
        Quantity("x", ("N", "D"), "the step's input"),
        Quantity("prev_h", ("N", "Dh"), "the previous hidden state"),
        Quantity("prev_c", ("N", "Dh"), "the previous cell state"),
        Quantity("Wx", ("D", "G"), "input-to-gates weight", layout=IN_OUT + ", the gates side by side"),
        Quantity("Wh", ("Dh", "G"), "hidden-to-gates weight", layout=IN_OUT + ", the gates side by side"),
        Quantity("b", ("G",), "gate biases"),
        Quantity("dnext_h", ("N", "Dh"), "upstream gradient at next_h"),
        Quantity("dnext_c", ("N", "Dh"), "upstream gradient at next_c"),
    ),
    nodes=(
        Node("a", ("N", "G"), "x Wx + prev_h Wh + b: the gates' pre-activations, i, f, o, g side by side",
             ("x", "prev_h", "Wx", "Wh", "b"), _affine),
        Node("i", ("N", "Dh"), "sigmoid of the first quarter of a: the input gate", ("a",), _gate(0, torch.sigmoid)),
        Node("f", ("N", "Dh"), "sigmoid of the second quarter: the forget gate", ("a",), _gate(1, torch.sigmoid)),
        Node("o", ("N", "Dh"), "sigmoid of the third quarter: the output gate", ("a",), _gate(2, torch.sigmoid)),
        Node("g", ("N", "Dh"), "tanh of the last quarter: the candidate cell", ("a",), _gate(3, torch.tanh)),
        Node("next_c", ("N", "Dh"), "f * prev_c + i * g, the next cell state", ("f", "prev_c", "i", "g"),
             lambda f, c, i, g: f * c + i * g),
        Node("next_h", ("N", "Dh"), "o * tanh(next_c), the next hidden state", ("o", "next_c"),
             lambda o, c: o * torch.tanh(c)),
        Node("L", (), "sum(dnext_h * next_h) + sum(dnext_c * next_c)", ("dnext_h", "next_h", "dnext_c", "next_c"),
             _lstm_loss),
    ),
    generate=_lstm_leaves,
    variants=(
        Variant("path", "cell_into_hidden", {"next_h": lambda o, c: o * torch.tanh(c.detach())},
                "the gradient with the path from next_c into next_h cut: the cell gets dnext_c alone",
                subject="the path from next_c into next_h"),
        Variant("local_derivative", "sigmoid_derivative_as_sigmoid",
                {gate: (lambda index: lambda a: surrogate(torch.sigmoid(a.chunk(4, -1)[index]),
                                                          torch.sigmoid(a.chunk(4, -1)[index]).detach()
                                                          * a.chunk(4, -1)[index]))(index)
                 for index, gate in enumerate(("i", "f", "o"))},
                "the gradient with the sigmoid's derivative taken as sigmoid(a) instead of sigmoid(a) (1 - sigmoid(a))"),
        Variant("local_derivative", "cell_tanh_derivative_missing",
                {"next_h": lambda o, c: surrogate(o * torch.tanh(c), o * torch.tanh(c.detach()) + o.detach() * c)},
                "the gradient with the derivative of tanh(next_c) left out (taken as 1) on the way into the cell"),
    ),
)

# ------------------------------------------------------------------------------------------------ the ids


def _bptt_terms(v) -> np.ndarray:
    """The largest terms backpropagation through time sums, as if every tanh' were 1 and nothing cancelled:
    |dh| carried back through |Wh|, `(N, T, Dh)`."""
    dh, wh = np.abs(v["dh"]), np.abs(v["Wh"])
    sizes, carried = np.empty_like(dh), np.zeros_like(dh[:, 0])
    for t in reversed(range(dh.shape[1])):
        carried = dh[:, t] + carried @ wh.T
        sizes[:, t] = carried
    return sizes


def _into_cell(v) -> float:
    """Terms into the LSTM's pre-activations, as if every gate's derivative were 1."""
    return (absmax(v["dnext_c"]) + absmax(v["dnext_h"])) * max(1.0, absmax(v["prev_c"]))


def _per_sample(v) -> float:
    """Terms of the softmax loss's gradient are probabilities and one-hot entries over N: each at most 1/N. Where the
    true class dominates by hundreds, the truth is about e^-1000 and an honest formula's 0 is right."""
    return 1 / v["x"].shape[0]


def _sbn_gain(v) -> float:
    """Batch norm's input gradient scales its upstream by up to |gamma| / sqrt(var + eps)."""
    return absmax(v["gamma"]) / float(np.sqrt(np.min(v["var"]) + v["eps"]))


DERIVATIONS = (
    Derivation("conv_forward", "1.1", CONV, of="out"),
    Derivation("conv_dL_dx", "1.2", CONV, of="L", wrt="x"),
    Derivation("conv_dL_dw", "1.2", CONV, of="L", wrt="w"),
    Derivation("conv_dL_db", "1.2", CONV, of="L", wrt="b", magnitude=lambda v: absmax(v["dout"])),
    Derivation("maxpool_forward", "2", MAXPOOL, of="out"),
    Derivation("maxpool_dL_dx", "2", MAXPOOL, of="L", wrt="x"),
    Derivation("crp_dL_dx", "3", CONV_RELU_POOL, of="L", wrt="x"),
    Derivation("crp_dL_dw", "3", CONV_RELU_POOL, of="L", wrt="w"),
    Derivation("crp_dL_db", "3", CONV_RELU_POOL, of="L", wrt="b", magnitude=lambda v: absmax(v["dout"])),
    Derivation("sbn_forward", "4", SPATIAL_BN, of="out"),
    Derivation("sbn_dL_dx", "4", SPATIAL_BN, of="L", wrt="x", magnitude=lambda v: absmax(v["dout"]) * _sbn_gain(v)),
    Derivation("sbn_dL_dgamma", "4", SPATIAL_BN, of="L", wrt="gamma",
               magnitude=lambda v: _terms(v["dout"], v["xhat"])),
    Derivation("sbn_dL_dbeta", "4", SPATIAL_BN, of="L", wrt="beta"),
    Derivation("softmax_loss_forward", "5", SOFTMAX_LOSS, of="L"),
    Derivation("softmax_loss_dL_dx", "5", SOFTMAX_LOSS, of="L", wrt="x", magnitude=_per_sample),
    Derivation("rnn_step_forward", "6.1", RNN_STEP, of="next_h"),
    Derivation("rnn_step_dL_dx", "6.2", RNN_STEP, of="L", wrt="x", magnitude=lambda v: _terms(v["dnext_h"], v["Wx"])),
    Derivation("rnn_step_dL_dprev_h", "6.2", RNN_STEP, of="L", wrt="prev_h",
               magnitude=lambda v: _terms(v["dnext_h"], v["Wh"])),
    Derivation("rnn_step_dL_dWx", "6.2", RNN_STEP, of="L", wrt="Wx", magnitude=lambda v: _terms(v["dnext_h"], v["x"])),
    Derivation("rnn_step_dL_dWh", "6.2", RNN_STEP, of="L", wrt="Wh",
               magnitude=lambda v: _terms(v["dnext_h"], v["prev_h"])),
    Derivation("rnn_step_dL_db", "6.2", RNN_STEP, of="L", wrt="b", rows_of="a", magnitude=lambda v: absmax(v["dnext_h"])),
    Derivation("rnn_forward", "7.1", RNN, of="h"),
    Derivation("rnn_dL_dx", "7.2", RNN, of="L", wrt="x", magnitude=lambda v: _terms(_bptt_terms(v), v["Wx"])),
    Derivation("rnn_dL_dh0", "7.2", RNN, of="L", wrt="h0", magnitude=lambda v: _terms(_bptt_terms(v), v["Wh"])),
    Derivation("rnn_dL_dWx", "7.2", RNN, of="L", wrt="Wx", magnitude=lambda v: _terms(_bptt_terms(v), v["x"])),
    Derivation("rnn_dL_dWh", "7.2", RNN, of="L", wrt="Wh",
               magnitude=lambda v: _terms(_bptt_terms(v), np.maximum(absmax(v["h"]), absmax(v["h0"])))),
    Derivation("rnn_dL_db", "7.2", RNN, of="L", wrt="b", magnitude=lambda v: absmax(_bptt_terms(v))),
    Derivation("lstm_step_forward_h", "8.1", LSTM_STEP, of="next_h"),
    Derivation("lstm_step_forward_c", "8.1", LSTM_STEP, of="next_c"),
    Derivation("lstm_step_dL_da", "8.2", LSTM_STEP, of="L", wrt="a", magnitude=_into_cell),
    Derivation("lstm_step_dL_dx", "8.2", LSTM_STEP, of="L", wrt="x", magnitude=lambda v: _into_cell(v) * absmax(v["Wx"])),
    Derivation("lstm_step_dL_dprev_h", "8.2", LSTM_STEP, of="L", wrt="prev_h",
               magnitude=lambda v: _into_cell(v) * absmax(v["Wh"])),
    Derivation("lstm_step_dL_dprev_c", "8.2", LSTM_STEP, of="L", wrt="prev_c", magnitude=_into_cell),
    Derivation("lstm_step_dL_dWx", "8.2", LSTM_STEP, of="L", wrt="Wx", magnitude=lambda v: _into_cell(v) * absmax(v["x"])),
    Derivation("lstm_step_dL_dWh", "8.2", LSTM_STEP, of="L", wrt="Wh",
               magnitude=lambda v: _into_cell(v) * absmax(v["prev_h"])),
    Derivation("lstm_step_dL_db", "8.2", LSTM_STEP, of="L", wrt="b", rows_of="a", magnitude=_into_cell),
)

TEMPLATE = '''"""My gradjudge submission for homework 3: convolutional and recurrent layers.

Fill in any function below with a plain numpy closed form. Each function asks
for names of its context as its parameters and is called with exactly those:
give it the parameters you need, from the names its docstring lists. Arrays are
batch-first: images `(N, C, H, W)`, filters `(F, C, HH, WW)`, sequences
`(N, T, D)`. The recurrent weights are laid out `(in, out)`: `x @ Wx`. `stride`
and `pad` are Python ints. The LSTM's gates come in the order i, f, o, g. A
function that still raises NotImplementedError counts as not attempted. Do not
import torch, jax, tensorflow or autograd.

Grade it with `gradjudge grade THIS_FILE --assignment hw3`, or run the
property tests with `pytest --assignment hw3 --submission THIS_FILE`.
"""
import numpy as np
'''

ASSIGNMENT = Assignment(
    name="hw3",
    title="Homework 3: convolution, max-pooling, spatial batch norm and the softmax loss; RNN, BPTT and LSTM",
    axes=AXES,
    contexts=(CONV, MAXPOOL, CONV_RELU_POOL, SPATIAL_BN, SOFTMAX_LOSS, RNN_STEP, RNN, LSTM_STEP),
    derivations=DERIVATIONS,
    reference="derivations.hw3",
    template=TEMPLATE,
    rubric=Path(__file__).with_name("rubric.toml"),
    catalog=CATALOG,
    notation=NOTATION,
)
