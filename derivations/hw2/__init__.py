"""The reference closed forms of homework 2, one plain numpy function per derivation id.

Written exactly as a submission is: each function asks for vocabulary names as
its parameters and returns an array. Nothing here imports torch or gradjudge:
the package is also graded as a submission, in a sandbox that holds only numpy.
`gradjudge verify --assignment hw2` proves every one of them against PyTorch
autograd and numeric differentiation.
"""
from .attention import block_dA_dS, block_dL_dA, block_dL_dS, block_dL_dWo, block_dL_dWq
from .block_input import block_dL_dx
from .forward import forward_y
from .layernorm import ln_dL_dbeta, ln_dL_dgamma, ln_dL_dx
from .mlp import block_dL_db1, block_dL_db2, block_dL_dW1, block_dL_dW2
from .residual import block_dL_dr

__all__ = [
    "ln_dL_dx", "ln_dL_dgamma", "ln_dL_dbeta",
    "forward_y", "block_dL_db2", "block_dL_dW2", "block_dL_dW1", "block_dL_db1", "block_dL_dr",
    "block_dL_dWo", "block_dL_dA", "block_dA_dS", "block_dL_dS", "block_dL_dWq", "block_dL_dx",
]
