"""HW1 2.2, equation (1)."""


def eq01_dL_dyB_hat(yB, yB_hat, m):
    # L_B = -(1/m) sum_i sum_k yB_ik log yB_hat_ik, and d log(u) / du = 1 / u
    return (1 / m) * yB * (1 / yB_hat)
