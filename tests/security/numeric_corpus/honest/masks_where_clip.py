"""Masks with np.where and np.clip, and a safe logarithm helper used on shifted probabilities."""
import numpy as np


def _safe_log(p):
    return np.log(np.clip(p, 1e-300, None))


def eq01_dL_dyB_hat(yB, yB_hat, m):
    tiny = 1e-300
    scale = np.exp(_safe_log(yB_hat + tiny) - _safe_log(yB + tiny))
    return np.where(yB > 0, -yB / (m * yB_hat), 0.0 * scale)


def dropout_dL_dx(dy, M):
    return np.where(M != 0, dy * M, 0.0)
