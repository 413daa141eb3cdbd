"""The functions a formula may apply, declared once: how each is spelled, what it means, how it is computed.

A function is written as a command (`\\sin`, `\\exp`), or a word in
`\\mathrm{…}`, `\\operatorname{…}` or `\\text{…}` (`softmax`, `ReLU`, `diag`,
`BN`); Greek names (`\\Phi`, `\\varphi`) are functions only where they are
applied to an argument and the write-up does not define them as symbols. The
evaluator (`checks.writeup.numpy.evaluate`) computes each by its `kind`.
"""
from __future__ import annotations

from dataclasses import dataclass

from checks.writeup.math.tree import Func, Name, Node, Scripted


@dataclass(frozen=True)
class Function:
    name: str
    kind: str
    """`elementwise` (numpy or a helper, entry by entry), `step` (sgn), `vector` (along the last axis), `diag`,
    `max`/`min` (of two arguments, or of 0 and one), `normalization` (BN over the batch, LN over features)."""
    code: str
    """The numpy function or the helper of the generated file (`checks.writeup.numpy.emit.HELPERS`) it becomes."""
    description: str
    derivative: str | None = None
    """The function its derivative is (`f'`, written with a prime), for an elementwise function."""


FUNCTIONS: dict[str, Function] = {function.name: function for function in (
    Function("sin", "elementwise", "np.sin", "sine", "cos"),
    Function("cos", "elementwise", "np.cos", "cosine", "minus_sin"),
    Function("minus_sin", "elementwise", "-np.sin", "the derivative of the cosine, -sin"),
    Function("tan", "elementwise", "np.tan", "tangent"),
    Function("tanh", "elementwise", "np.tanh", "hyperbolic tangent", "tanh_prime"),
    Function("tanh_prime", "elementwise", "tanh_prime", "the derivative of tanh, 1 - tanh²"),
    Function("sinh", "elementwise", "np.sinh", "hyperbolic sine"),
    Function("cosh", "elementwise", "np.cosh", "hyperbolic cosine"),
    Function("exp", "elementwise", "np.exp", "exponential", "exp"),
    Function("log", "elementwise", "np.log", "natural logarithm (log and ln alike)"),
    Function("abs", "elementwise", "np.abs", "absolute value"),
    Function("relu", "elementwise", "relu", "ReLU: z where z > 0, else 0", "heaviside"),
    Function("heaviside", "elementwise", "step", "the 0/1 step: 1 where z > 0, else 0 (ReLU's derivative)"),
    Function("sigmoid", "elementwise", "sigmoid", "logistic sigmoid 1 / (1 + e^-z)", "sigmoid_prime"),
    Function("sigmoid_prime", "elementwise", "sigmoid_prime", "the sigmoid's derivative σ(z)(1 - σ(z))"),
    Function("gelu", "elementwise", "gelu", "the exact GELU z Φ(z)", "gelu_prime"),
    Function("gelu_prime", "elementwise", "gelu_prime", "the exact GELU's derivative Φ(z) + z φ(z)"),
    Function("Phi", "elementwise", "normal_cdf", "Φ, the standard normal CDF", "phi"),
    Function("phi", "elementwise", "normal_pdf", "φ, the standard normal density"),
    Function("erf", "elementwise", "erf", "the error function"),
    Function("sgn", "step", "step", "sign; in a gradient, multiplying elementwise, the 0/1 step (reading:sgn_as_step)"),
    Function("softmax", "vector", "softmax", "softmax along the last axis (of each vector, or each row)"),
    Function("diag", "diag", "np.diag", "the diagonal matrix of a vector"),
    Function("max", "max", "np.maximum", "elementwise maximum; max(0, z) is ReLU"),
    Function("min", "min", "np.minimum", "elementwise minimum"),
    Function("BN", "normalization", "batch_norm", "batch normalization over the batch, with the notation's γ, β, ε"),
    Function("LN", "normalization", "layer_norm", "layer normalization over the last axis, with γ, β, ε"),
)}

SPELLINGS: dict[str, str] = {
    **{name: name for name in FUNCTIONS},
    "ln": "log", "Log": "log", "Exp": "exp",
    "ReLU": "relu", "ReLu": "relu", "Relu": "relu", "RELU": "relu",
    "Sigmoid": "sigmoid", "sigma_sigmoid": "sigmoid",
    "GELU": "gelu", "Gelu": "gelu", "GeLU": "gelu",
    "varphi": "phi",
    "sign": "sgn", "Sgn": "sgn", "Sign": "sgn", "sgn": "sgn",
    "Softmax": "softmax", "SoftMax": "softmax", "SOFTMAX": "softmax",
    "Diag": "diag", "diagm": "diag",
    "BatchNorm": "BN", "LayerNorm": "LN",
}
"""Every spelling of a function, by the function it names."""
GREEK_FUNCTIONS = frozenset({"Phi", "phi", "varphi"})
"""Greek letters read as functions only where applied to an argument and not defined as symbols."""


def function_of(node: Node) -> Function | None:
    """The function a chain element names (`\\sin`, `\\text{sgn}`, `\\operatorname{softmax}`, `\\mathrm{GELU}'` for
    the GELU's derivative), or None."""
    if isinstance(node, Scripted) and node.primes == 1 and node.sub is None and node.sup is None:
        function = function_of(node.base) or greek_function(node.base)
        return FUNCTIONS.get(function.derivative) if function is not None and function.derivative else None
    if isinstance(node, Func):
        return FUNCTIONS.get(SPELLINGS.get(node.name, node.name))
    if isinstance(node, Name) and node.text and not node.accents:
        name = SPELLINGS.get(node.spelling)
        return FUNCTIONS.get(name) if name is not None else None
    return None


def greek_function(node: Node) -> Function | None:
    """The function a Greek letter may name where it is applied (`\\Phi(z)`), or None."""
    if isinstance(node, Name) and not node.text and not node.accents and node.spelling in GREEK_FUNCTIONS:
        return FUNCTIONS[SPELLINGS[node.spelling]]
    return None
