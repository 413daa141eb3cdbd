"""The reference closed forms of homework 3, one plain numpy function per derivation id.

Written exactly as a submission is: each function asks for vocabulary names as
its parameters and returns an array. Nothing here imports torch or gradjudge:
the package is also graded as a submission, in a sandbox that holds only numpy.
`gradjudge verify --assignment hw3` proves every one of them against PyTorch
autograd and numeric differentiation.
"""
from .conv import conv_dL_db, conv_dL_dw, conv_dL_dx, conv_forward
from .conv_relu_pool import crp_dL_db, crp_dL_dw, crp_dL_dx
from .lstm_step import (lstm_step_dL_da, lstm_step_dL_db, lstm_step_dL_dprev_c, lstm_step_dL_dprev_h, lstm_step_dL_dWh,
                        lstm_step_dL_dWx, lstm_step_dL_dx, lstm_step_forward_c, lstm_step_forward_h)
from .maxpool import maxpool_dL_dx, maxpool_forward
from .rnn import rnn_dL_db, rnn_dL_dh0, rnn_dL_dWh, rnn_dL_dWx, rnn_dL_dx, rnn_forward
from .rnn_step import (rnn_step_dL_db, rnn_step_dL_dprev_h, rnn_step_dL_dWh, rnn_step_dL_dWx, rnn_step_dL_dx,
                       rnn_step_forward)
from .softmax_loss import softmax_loss_dL_dx, softmax_loss_forward
from .spatial_batchnorm import sbn_dL_dbeta, sbn_dL_dgamma, sbn_dL_dx, sbn_forward

__all__ = [
    "conv_forward", "conv_dL_dx", "conv_dL_dw", "conv_dL_db",
    "maxpool_forward", "maxpool_dL_dx",
    "crp_dL_dx", "crp_dL_dw", "crp_dL_db",
    "sbn_forward", "sbn_dL_dx", "sbn_dL_dgamma", "sbn_dL_dbeta",
    "softmax_loss_forward", "softmax_loss_dL_dx",
    "rnn_step_forward", "rnn_step_dL_dx", "rnn_step_dL_dprev_h", "rnn_step_dL_dWx", "rnn_step_dL_dWh", "rnn_step_dL_db",
    "rnn_forward", "rnn_dL_dx", "rnn_dL_dh0", "rnn_dL_dWx", "rnn_dL_dWh", "rnn_dL_db",
    "lstm_step_forward_h", "lstm_step_forward_c", "lstm_step_dL_da", "lstm_step_dL_dx", "lstm_step_dL_dprev_h",
    "lstm_step_dL_dprev_c", "lstm_step_dL_dWx", "lstm_step_dL_dWh", "lstm_step_dL_db",
]
