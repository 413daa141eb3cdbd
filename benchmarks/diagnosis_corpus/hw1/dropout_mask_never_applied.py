"""HW1 1.2: Dropout backward."""


def dropout_dL_dx(dy):
    # dropout has no parameters: the gradient just flows through it
    return dy.copy()
