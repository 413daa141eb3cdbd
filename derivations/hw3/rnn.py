"""Section 7: a vanilla RNN over a whole sequence, forward, and backward through time."""
import numpy as np


def rnn_forward(x, h0, Wx, Wh, b):
    r"""$h_t = \tanh(x_t W_x + h_{t-1} W_h + b)$ for $t = 1..T$, from $h_0$, `(N, T, Dh)`."""
    states, state = [], h0
    for t in range(x.shape[1]):
        state = np.tanh(x[:, t] @ Wx + state @ Wh + b)
        states.append(state)
    return np.stack(states, axis=1)


def backward_through_time(Wh, h, dh):
    """Every pre-activation's gradient `(N, T, Dh)`, and the gradient at `h0`: from the last step to the first."""
    da = np.zeros_like(h)
    carried = np.zeros_like(h[:, 0])
    for t in reversed(range(h.shape[1])):
        da[:, t] = (dh[:, t] + carried) * (1 - h[:, t] ** 2)
        carried = da[:, t] @ Wh.T
    return da, carried


def rnn_dL_dx(Wx, Wh, h, dh):
    r"""$\partial L/\partial x_t = \delta_t W_x^\top$, $\delta_t = (dh_t + \delta_{t+1} W_h^\top) \odot (1 - h_t^2)$, `(N, T, D)`.

    Section 7: the gradient at a state gathers its own upstream and what the
    next step sends back through `Wh`.
    """
    da, _ = backward_through_time(Wh, h, dh)
    return da @ Wx.T


def rnn_dL_dh0(Wh, h, dh):
    r"""$\partial L/\partial h_0 = \delta_1 W_h^\top$, `(N, Dh)`."""
    return backward_through_time(Wh, h, dh)[1]


def rnn_dL_dWx(x, Wh, h, dh):
    r"""$\partial L/\partial W_x = \sum_t x_t^\top \delta_t$, `(D, Dh)`."""
    da, _ = backward_through_time(Wh, h, dh)
    return np.einsum("ntd,nth->dh", x, da)


def rnn_dL_dWh(h0, Wh, h, dh):
    r"""$\partial L/\partial W_h = \sum_t h_{t-1}^\top \delta_t$, `(Dh, Dh)`.

    Section 7: each step multiplies the previous state, `h0` for the first.
    """
    da, _ = backward_through_time(Wh, h, dh)
    previous = np.concatenate([h0[:, None], h[:, :-1]], axis=1)
    return np.einsum("ntg,nth->gh", previous, da)


def rnn_dL_db(Wh, h, dh):
    r"""$\partial L/\partial b = \sum_{n,t} \delta_{nt}$, `(Dh,)`."""
    da, _ = backward_through_time(Wh, h, dh)
    return da.sum(axis=(0, 1))
