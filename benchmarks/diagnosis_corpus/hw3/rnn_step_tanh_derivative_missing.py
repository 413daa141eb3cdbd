"""HW3 6.2: dL/dx of the RNN step."""
import numpy as np


def rnn_step_dL_dx(dnext_h, Wx):
    return np.dot(dnext_h, Wx.T)
