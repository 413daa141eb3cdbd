"""HW2 2.3: dL/dr."""


def block_dL_dr(y, y_target, m):
    # y = r + MLP(r): the residual connection passes the gradient straight through to r
    return (y - y_target) / m
