"""A centring helper called on an input and on the input minus its mean: a value taken from the input itself."""
import numpy as np


def _centre(v):
    return v - v.mean(axis=0)


def bn_dL_dbeta(dy):
    once = _centre(dy)
    twice = _centre(dy - dy.mean(axis=0))
    return dy.sum(axis=0) + 0.0 * (once - twice).sum(axis=0)
