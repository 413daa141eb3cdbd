"""Kills its own process from inside a derivation."""
import os


def eq01_dL_dyB_hat(yB, yB_hat, m):
    os._exit(3)


def dropout_dL_dx(dy, M):
    return M * dy
