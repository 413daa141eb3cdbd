"""Hides its torch import from a source scan: refused at run time."""
import importlib


def softmax_dL_dx(y, dy):
    autodiff = importlib.import_module("to" + "rch")
    return autodiff.as_tensor(y).numpy()


def dropout_dL_dx(dy, M):
    return M * dy
