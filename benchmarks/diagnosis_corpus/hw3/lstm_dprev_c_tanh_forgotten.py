"""HW3 8.2: dL/dprev_c."""
import numpy as np


def lstm_step_dL_dprev_c(f, o, dnext_h, dnext_c):
    dc = dnext_c + dnext_h * o
    return dc * f
