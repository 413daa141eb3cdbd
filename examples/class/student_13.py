"""Homework 1, student 13."""
import numpy as np


def bn_dy_dgamma(xhat):
    return xhat


def bn_dL_dbeta(dy):
    return dy.sum(axis=0


def dropout_dL_dx(dy, M):
    return M * dy
