"""The contract: every name a derivation may ask for, with its shape in axis names.

This module imports nothing but the standard library, so the sandbox worker that
runs untrusted submissions can read it without importing torch.
"""
from __future__ import annotations

from dataclasses import dataclass

AXES: dict[str, str] = {
    "m": "batch: the samples, the rows of every batch-first array",
    "d": "feature width in the BatchNorm and Dropout contexts",
    "n": "number of logits in the Softmax context",
    "d_in": "network input width",
    "d_hidden": "width of FC1A, the task-A hidden layer",
    "d_out": "task-A output width; also FC1B's and BatchNorm's width (the skip connection adds them)",
    "n_classes": "number of task-B classes",
}


@dataclass(frozen=True)
class Quantity:
    """One named array (or scalar, when `shape == ()`) that a derivation may ask for."""

    name: str
    shape: tuple[str, ...]
    meaning: str


def _table(*rows: tuple[str, tuple[str, ...], str]) -> dict[str, Quantity]:
    return {name: Quantity(name, shape, meaning) for name, shape, meaning in rows}


CONTEXTS: dict[str, dict[str, Quantity]] = {
    "bn": _table(
        ("x", ("m", "d"), "BatchNorm input"),
        ("gamma", ("d",), "BatchNorm scale"),
        ("beta", ("d",), "BatchNorm shift"),
        ("eps", (), "BatchNorm epsilon, a float"),
        ("mu", ("d",), "batch mean of x"),
        ("var", ("d",), "biased batch variance of x"),
        ("xhat", ("m", "d"), "(x - mu) / sqrt(var + eps)"),
        ("y", ("m", "d"), "gamma * xhat + beta"),
        ("dy", ("m", "d"), "upstream gradient; L = sum(dy * y)"),
        ("m", (), "batch size, an int"),
        ("L", (), "sum(dy * y)"),
    ),
    "dropout": _table(
        ("x", ("m", "d"), "Dropout input"),
        ("p", (), "drop probability, a float in [0, 1)"),
        ("M", ("m", "d"), "fixed mask: each entry 0 or 1/(1-p)"),
        ("y", ("m", "d"), "M * x"),
        ("dy", ("m", "d"), "upstream gradient; L = sum(dy * y)"),
        ("m", (), "batch size, an int"),
        ("L", (), "sum(dy * y)"),
    ),
    "softmax": _table(
        ("x", ("m", "n"), "logits"),
        ("y", ("m", "n"), "softmax(x) over each row"),
        ("dy", ("m", "n"), "upstream gradient; L = sum(dy * y)"),
        ("m", (), "batch size, an int"),
        ("L", (), "sum(dy * y)"),
    ),
    "net": _table(
        ("x", ("m", "d_in"), "input"),
        ("yA", ("m", "d_out"), "task-A regression target"),
        ("yB", ("m", "n_classes"), "task-B one-hot target"),
        ("theta1A", ("d_hidden", "d_in"), "FC1A weight"),
        ("b1A", ("d_hidden",), "FC1A bias"),
        ("theta2A", ("d_out", "d_hidden"), "FC2A weight"),
        ("b2A", ("d_out",), "FC2A bias"),
        ("theta1B", ("d_out", "d_in"), "FC1B weight"),
        ("b1B", ("d_out",), "FC1B bias"),
        ("gamma", ("d_out",), "BatchNorm scale"),
        ("beta", ("d_out",), "BatchNorm shift"),
        ("theta2B", ("n_classes", "d_out"), "FC2B weight"),
        ("b2B", ("n_classes",), "FC2B bias"),
        ("M", ("m", "d_hidden"), "fixed dropout mask: each entry 0 or 1/(1-p)"),
        ("p", (), "drop probability, a float in [0, 1)"),
        ("eps", (), "BatchNorm epsilon, a float"),
        ("m", (), "batch size, an int"),
        ("H1A", ("m", "d_hidden"), "x theta1A^T + b1A"),
        ("z1A", ("m", "d_hidden"), "sin(H1A)"),
        ("zDP", ("m", "d_hidden"), "M * z1A"),
        ("yA_hat", ("m", "d_out"), "zDP theta2A^T + b2A, the task-A output"),
        ("z1B", ("m", "d_out"), "x theta1B^T + b1B"),
        ("mu", ("d_out",), "batch mean of z1B"),
        ("var", ("d_out",), "biased batch variance of z1B"),
        ("xhat", ("m", "d_out"), "(z1B - mu) / sqrt(var + eps)"),
        ("H_BN", ("m", "d_out"), "gamma * xhat + beta"),
        ("N", ("m", "d_out"), "1[H_BN > 0], the ReLU mask (floats 0 and 1)"),
        ("zBN", ("m", "d_out"), "relu(H_BN)"),
        ("x2B", ("m", "d_out"), "zBN + yA_hat, the skip connection"),
        ("z2B", ("m", "n_classes"), "x2B theta2B^T + b2B"),
        ("yB_hat", ("m", "n_classes"), "softmax(z2B) over each row, the task-B output"),
        ("L", (), "(1/m) sum_i [ 1/2 ‖yA_hat_i - yA_i‖² - sum_k yB_ik log yB_hat_ik ]"),
    ),
}

CONTEXT_AXES: dict[str, tuple[str, ...]] = {
    "bn": ("m", "d"),
    "dropout": ("m", "d"),
    "softmax": ("m", "n"),
    "net": ("m", "d_in", "d_hidden", "d_out", "n_classes"),
}
