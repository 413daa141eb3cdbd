"""HW1 1.1: dy/dbeta."""
import numpy as np


def bn_dy_dbeta(x):
    # y_ij = gamma_j xhat_ij + beta_j, so dy_ij / dbeta_k = delta_jk for every sample i
    m, d = x.shape
    return np.stack([np.eye(d) for _ in range(m)])
