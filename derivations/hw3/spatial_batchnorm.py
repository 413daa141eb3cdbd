"""Section 4: spatial batch normalization, each channel normalized over the batch and both spatial axes."""
import numpy as np


def _statistics(x, eps):
    mean = x.mean(axis=(0, 2, 3), keepdims=True)
    std = np.sqrt(x.var(axis=(0, 2, 3), keepdims=True) + eps)
    return mean, std


def sbn_forward(x, gamma, beta, eps):
    r"""$out = \gamma_c \hat x + \beta_c$, $\hat x = (x - \mu_c)/\sqrt{\sigma_c^2 + \epsilon}$ over $(N, H, W)$, `(N, C, H, W)`."""
    mean, std = _statistics(x, eps)
    return gamma[None, :, None, None] * (x - mean) / std + beta[None, :, None, None]


def sbn_dL_dbeta(dout):
    r"""$\partial L/\partial \beta_c = \sum_{n,h,w} dout_{nchw}$, `(C,)`."""
    return dout.sum(axis=(0, 2, 3))


def sbn_dL_dgamma(x, dout, eps):
    r"""$\partial L/\partial \gamma_c = \sum_{n,h,w} dout_{nchw}\, \hat x_{nchw}$, `(C,)`."""
    mean, std = _statistics(x, eps)
    return (dout * (x - mean) / std).sum(axis=(0, 2, 3))


def sbn_dL_dx(x, gamma, dout, eps):
    r"""$\partial L/\partial x = \frac{\gamma_c}{\sqrt{\sigma_c^2+\epsilon}}\left(dout - \overline{dout} - \hat x\, \overline{dout \odot \hat x}\right)$, `(N, C, H, W)`.

    Section 4: BatchNorm's input gradient, every mean taken over the batch and
    both spatial axes of a channel (`N H W` values), through the direct path and
    the paths through the channel's mean and variance.
    """
    mean, std = _statistics(x, eps)
    xhat = (x - mean) / std
    centred = dout - dout.mean(axis=(0, 2, 3), keepdims=True)
    return gamma[None, :, None, None] / std * (centred - xhat * (dout * xhat).mean(axis=(0, 2, 3), keepdims=True))
