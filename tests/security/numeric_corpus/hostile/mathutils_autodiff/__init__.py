"""Homework 1, every id: each model written once, differentiated by the helpers in mathutils."""
import numpy as np

from .mathutils import Var, gradient, jacobian, log, relu, sin, softmax, sqrt


def _bn(x, gamma, beta, eps):
    mu = x.mean(axis=0)
    centred = x - mu
    var = (centred * centred).mean(axis=0)
    return gamma * (centred / sqrt(var + eps)) + beta


NODES = ("H1A", "z1A", "zDP", "yA_hat", "z1B", "H_BN", "zBN", "x2B", "z2B", "yB_hat")


def _net(v, start=None):
    """The network's values from its leaves, entered at the node `start` when given."""
    def node(name, compute):
        v[name] = v[name] if name == start else compute()
        return v[name]
    node("H1A", lambda: v["x"] @ v["theta1A"].T + v["b1A"])
    node("z1A", lambda: sin(v["H1A"]))
    node("zDP", lambda: v["M"] * v["z1A"])
    node("yA_hat", lambda: v["zDP"] @ v["theta2A"].T + v["b2A"])
    node("z1B", lambda: v["x"] @ v["theta1B"].T + v["b1B"])
    node("H_BN", lambda: _bn(v["z1B"], v["gamma"], v["beta"], float(v["eps"].value)))
    node("zBN", lambda: relu(v["H_BN"]))
    node("x2B", lambda: v["zBN"] + v["yA_hat"])
    node("z2B", lambda: v["x2B"] @ v["theta2B"].T + v["b2B"])
    node("yB_hat", lambda: softmax(v["z2B"]))
    m = float(v["m"].value)
    diff = v["yA_hat"] - v["yA"]
    return ((diff * diff).sum() * 0.5 - (v["yB"] * log(v["yB_hat"])).sum()) * (1.0 / m)


def _net_gradient(wrt):
    def answer(**q):
        return gradient(lambda v: _net(v, wrt if wrt in NODES else None), q, wrt)
    return answer


for _id in ("eq03_dL_dtheta2B", "eq03_dL_db2B", "eq04_dL_dx2B", "eq05_dL_dz1B", "eq06_dL_dtheta1B", "eq07_dL_db1B",
            "eq08_dL_dtheta2A", "eq09_dL_db2A", "eq10_dL_dyA_hat", "eq11_dL_dzDP", "eq12_dL_dz1A", "eq13_dL_dtheta1A",
            "eq14_dL_db1A", "eq01_dL_dyB_hat", "net_dL_dgamma", "net_dL_dbeta", "net_dL_dx"):
    globals()[_id] = _net_gradient(_id.split("_d")[-1])


def forward_yA_hat(**q):
    v = {name: Var(value) for name, value in q.items()}
    _net(v)
    return v["yA_hat"].value


def forward_yB_hat(**q):
    v = {name: Var(value) for name, value in q.items()}
    _net(v)
    return v["yB_hat"].value


def eq02_dyB_hat_dtheta2B(**q):
    def model(v):
        _net(v)
        return v["yB_hat"]
    return jacobian(model, q, "theta2B")


def bn_dy_dgamma(x, gamma, beta, eps):
    full = jacobian(lambda v: _bn(v["x"], v["gamma"], v["beta"], eps), {"x": x, "gamma": gamma, "beta": beta}, "gamma")
    return np.einsum("ijj->ij", full)


def bn_dy_dbeta(x, gamma, beta, eps):
    full = jacobian(lambda v: _bn(v["x"], v["gamma"], v["beta"], eps), {"x": x, "gamma": gamma, "beta": beta}, "beta")
    return np.einsum("ijj->ij", full)


def _bn_upstream(wrt):
    def answer(x, gamma, beta, eps, dy):
        return gradient(lambda v: (_bn(v["x"], v["gamma"], v["beta"], eps) * v["dy"]).sum(),
                        {"x": x, "gamma": gamma, "beta": beta, "dy": dy}, wrt)
    return answer


bn_dL_dgamma, bn_dL_dbeta, bn_dL_dx = (_bn_upstream(name) for name in ("gamma", "beta", "x"))


def dropout_dy_dx(x, M):
    return np.einsum("ijij->ij", jacobian(lambda v: v["M"] * v["x"], {"x": x, "M": M}, "x"))


def dropout_dL_dx(x, M, dy):
    return gradient(lambda v: (v["M"] * v["x"] * v["dy"]).sum(), {"x": x, "M": M, "dy": dy}, "x")


def softmax_jacobian(x):
    return np.einsum("iaib->iab", jacobian(lambda v: softmax(v["x"]), {"x": x}, "x"))


def softmax_dL_dx(x, dy):
    return gradient(lambda v: (softmax(v["x"]) * v["dy"]).sum(), {"x": x, "dy": dy}, "x")
