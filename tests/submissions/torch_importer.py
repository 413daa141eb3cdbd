"""Lets autograd do the work: refused."""
import torch


def dropout_dL_dx(dy, M):
    return torch.as_tensor(M * dy).numpy()


def softmax_dL_dx(y, dy):
    return y * (dy - (dy * y).sum(axis=1, keepdims=True))
