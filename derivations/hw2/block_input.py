"""Section 2.5: the loss gradient at the block's input `x`, through the residual and through LayerNorm."""
import math

import numpy as np

from .attention import attention_output_gradient, block_dL_dS
from .layernorm import ln_dL_dx
from .residual import block_dL_dr


def block_dL_dx(y, y_target, m, W2, W1, h_in, Wo, V, A, Q, K, Wq, Wk, Wv, xhat, gamma, var, eps):
    r"""$\partial L / \partial x = \frac{\partial L}{\partial r} + \mathrm{LN}^\top\!\left(\frac{\partial L}{\partial Q} W_q + \frac{\partial L}{\partial K} W_k + \frac{\partial L}{\partial V} W_v\right)$, `(m, t, d)`.

    Section 2.5: `x` reaches `r` directly (the first residual) and through
    LayerNorm's output `u`, which feeds all three projections: the query and key
    gradients come from $\partial L/\partial S$ with its $1/\sqrt d$, and the
    value gradient is $A^\top \partial L/\partial Z$. LayerNorm's input gradient
    (section 1), per token over `d`, then carries $\partial L/\partial u$ to `x`.
    """
    dS = block_dL_dS(y, y_target, m, W2, W1, h_in, Wo, V, A) / math.sqrt(Q.shape[-1])
    dQ = dS @ K
    dK = np.einsum("mqk,mqe->mke", dS, Q)
    dV = np.einsum("mqk,mqe->mke", A, attention_output_gradient(y, y_target, m, W2, W1, h_in, Wo))
    du = dQ @ Wq + dK @ Wk + dV @ Wv
    return block_dL_dr(y, y_target, m, W2, W1, h_in) + ln_dL_dx(du, xhat, gamma, var, eps)
