"""Hand transcription of c20_failure_stays_local_network.md, as a TA reads it (unfinished equations left out)."""
import numpy as np


def eq03_dL_dtheta2B(yB_hat, yB, x2B, m):
    return (yB_hat - yB).T @ x2B / m


def eq03_dL_db2B(yB_hat, yB, m):
    return (yB_hat - yB).sum(axis=0) / m


def eq08_dL_dtheta2A(yA_hat, yA, yB_hat, yB, theta2B, zDP, m):
    return ((yA_hat - yA) + (yB_hat - yB) @ theta2B).T @ zDP / m


def eq09_dL_db2A(yA_hat, yA, yB_hat, yB, theta2B, m):
    return ((yA_hat - yA) + (yB_hat - yB) @ theta2B).sum(axis=0) / m
