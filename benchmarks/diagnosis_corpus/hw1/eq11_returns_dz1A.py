"""HW1 2.2, equation (11)."""


def eq11_dL_dzDP(yA_hat, yA, yB_hat, yB, theta2B, theta2A, M, m):
    delta = (yA_hat - yA + (yB_hat - yB) @ theta2B) / m
    # back through FC2A, then through the dropout
    return delta @ theta2A * M
