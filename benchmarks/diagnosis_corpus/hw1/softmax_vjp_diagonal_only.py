"""HW1 1.3: Softmax backward."""


def softmax_dL_dx(y, dy):
    # dy_a / dx_a = y_a (1 - y_a)
    return dy * y * (1 - y)
