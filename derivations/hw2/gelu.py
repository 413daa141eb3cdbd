"""The exact GELU, `h = h_in * Phi(h_in)`, and its derivative, in numpy (which has no erf of its own)."""
import math

import numpy as np

erf = np.vectorize(math.erf, otypes=[float])


def gelu(z):
    r"""$\mathrm{gelu}(z) = z\,\Phi(z) = \tfrac{z}{2}\left(1 + \mathrm{erf}(z/\sqrt 2)\right)$, shaped like `z`."""
    return 0.5 * z * (1 + erf(z / math.sqrt(2)))


def gelu_derivative(z):
    r"""$\mathrm{gelu}'(z) = \Phi(z) + z\,\varphi(z)$, with $\varphi$ the standard normal density, shaped like `z`."""
    return 0.5 * (1 + erf(z / math.sqrt(2))) + z * np.exp(-0.5 * z**2) / math.sqrt(2 * math.pi)
