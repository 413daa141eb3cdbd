"""HW1 2.2, equation (1)."""


def eq01_dL_dyB_hat(yB_hat, yB, m):
    # softmax followed by cross-entropy: the well-known (p - y), averaged over the batch
    return (yB_hat - yB) / m
