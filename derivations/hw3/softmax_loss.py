"""Section 5: the softmax classifier's loss, averaged over the batch."""
import numpy as np


def _log_probabilities(x):
    shifted = x - x.max(axis=1, keepdims=True)
    return shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))


def softmax_loss_forward(x, y):
    r"""$L = -\frac{1}{N} \sum_n \log \mathrm{softmax}(x_n)_{y_n}$, `()`."""
    return -_log_probabilities(x)[np.arange(len(y)), y].mean()


def softmax_loss_dL_dx(x, y):
    r"""$\partial L/\partial x_n = \frac{1}{N}(\mathrm{softmax}(x_n) - e_{y_n})$, `(N, K)`.

    Section 5: every score pushes its own probability up; the true class's score
    also pulls its log-probability's numerator, which is the one-hot term.
    """
    grad = np.exp(_log_probabilities(x))
    grad[np.arange(len(y)), y] -= 1
    return grad / len(y)
