"""A recurrent helper: each step is called at its input plus the state carried by the loop."""
import numpy as np


def _step(pre):
    return np.tanh(pre)


def _run(x, W):
    h = np.zeros(W.shape[0])
    states = []
    for t in range(x.shape[0]):
        h = _step(x[t] + h @ W)
        states.append(h)
    return np.stack(states)


def dropout_dL_dx(dy, M):
    trace = _run(np.zeros_like(dy), np.zeros((dy.shape[1], dy.shape[1])))
    return dy * M + 0.0 * trace
