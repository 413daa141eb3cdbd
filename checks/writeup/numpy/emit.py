"""Writing the generated submission: a plain, self-contained Python file a TA can open, check and fix.

It imports numpy only, defines the few helpers its functions use at the top,
and then one function per id read. Each function's docstring quotes the
equation it was read from (number, section, line and LaTeX); a comment says
how it was read and lists every charitable reading.
"""
from __future__ import annotations

import textwrap

from checks.writeup.numpy.interpret import Generated
from checks.writeup.provenance import Quote, Unread
from checks.writeup.readings import describe

HELPERS = {
    "step": '''
def step(z):
    """1 where z > 0, else 0 (a ReLU's derivative)."""
    return (np.asarray(z) > 0).astype(float)
''',
    "relu": '''
def relu(z):
    """z where z > 0, else 0."""
    return np.where(z > 0, z, 0.0)
''',
    "softmax": '''
def softmax(z):
    """Softmax of each vector along the last axis (one per sample)."""
    e = np.exp(z - z.max(axis=-1, keepdims=True))
    return e / e.sum(axis=-1, keepdims=True)
''',
    "sigmoid": '''
def sigmoid(z):
    """1 / (1 + e^-z)."""
    return 1.0 / (1.0 + np.exp(-z))
''',
    "sigmoid_prime": '''
def sigmoid_prime(z):
    """The sigmoid's derivative, s (1 - s) with s = sigmoid(z)."""
    s = 1.0 / (1.0 + np.exp(-z))
    return s * (1.0 - s)
''',
    "tanh_prime": '''
def tanh_prime(z):
    """The derivative of tanh, 1 - tanh(z)^2."""
    return 1.0 - np.tanh(z) ** 2
''',
    "gelu_prime": '''
def gelu_prime(z):
    """The exact GELU's derivative, Phi(z) + z phi(z)."""
    z = np.asarray(z)
    cdf = 0.5 * (1.0 + np.vectorize(math.erf, otypes=[float])(z / math.sqrt(2.0)))
    return cdf + z * np.exp(-0.5 * z ** 2) / math.sqrt(2.0 * math.pi)
''',
    "erf": '''
def erf(z):
    """The error function, entry by entry (numpy has none of its own)."""
    return np.vectorize(math.erf, otypes=[float])(z)
''',
    "normal_cdf": '''
def normal_cdf(z):
    """Phi: the standard normal CDF, entry by entry."""
    return 0.5 * (1.0 + np.vectorize(math.erf, otypes=[float])(np.asarray(z) / math.sqrt(2.0)))
''',
    "normal_pdf": '''
def normal_pdf(z):
    """phi: the standard normal density, entry by entry."""
    return np.exp(-0.5 * np.asarray(z) ** 2) / math.sqrt(2.0 * math.pi)
''',
    "gelu": '''
def gelu(z):
    """The exact GELU, z Phi(z)."""
    return np.asarray(z) * 0.5 * (1.0 + np.vectorize(math.erf, otypes=[float])(np.asarray(z) / math.sqrt(2.0)))
''',
    "diag_matrix": '''
def diag_matrix(v):
    """The square matrix with v on its diagonal (one per leading index)."""
    v = np.asarray(v, dtype=float)
    return v[..., :, None] * np.eye(v.shape[-1])
''',
    "batch_norm": '''
def batch_norm(z, gamma, beta, eps):
    """BatchNorm over the batch (the first axis), biased variance: gamma * (z - mean) / sqrt(var + eps) + beta."""
    mean = z.mean(axis=0)
    var = ((z - mean) ** 2).mean(axis=0)
    return gamma * (z - mean) / np.sqrt(var + eps) + beta
''',
    "layer_norm": '''
def layer_norm(x, gamma, beta, eps):
    """LayerNorm over the last axis, biased variance: gamma * (x - mean) / sqrt(var + eps) + beta."""
    mean = x.mean(axis=-1, keepdims=True)
    var = ((x - mean) ** 2).mean(axis=-1, keepdims=True)
    return gamma * (x - mean) / np.sqrt(var + eps) + beta
''',
    "with_diagonal": '''
def with_diagonal(entries, diagonal):
    """`entries` with the diagonal of its last two axes replaced by `diagonal`."""
    result = np.array(entries, dtype=float)
    k = np.arange(result.shape[-1])
    result[..., k, k] = diagonal
    return result
''',
}

NEED_MATH = frozenset({"erf", "normal_cdf", "normal_pdf", "gelu", "gelu_prime"})
"""Helpers that use the math module (its erf): the generated file imports it only for them."""

CONVENTION = {
    False: "Read per sample i, with column vectors; each per-sample result is one row (batch-first).",
    True: "Read per sample i, with row vectors; each per-sample result is one row (batch-first).",
}


def render(*, source_name: str, functions: list[Generated], quotes: dict[str, tuple[Quote, ...]],
           unread: list[Unread]) -> str:
    """The generated file's text."""
    helpers = sorted(set().union(*(function.helpers for function in functions)), key=list(HELPERS).index)
    imports = "import math\n\nimport numpy as np\n" if NEED_MATH & set(helpers) else "import numpy as np\n"
    parts = [_header(source_name, functions, unread), imports]
    parts += [HELPERS[name] for name in helpers]
    parts += [_function(function, quotes[function.id.id]) for function in functions]
    return "\n".join(part.rstrip("\n") + "\n" for part in parts)


def _safe(text: str) -> str:
    """Text that can stand inside a raw triple-quoted string: no run of three quotes survives."""
    while '"""' in text:
        text = text.replace('"""', '" " "')
    return text + " " if text.endswith("\\") else text


def _header(source_name: str, functions: list[Generated], unread: list[Unread]) -> str:
    lines = [f"Submission read from {source_name} by gradjudge's write-up reader.", "",
             "Each function quotes the equation it was read from and says how it was read; check it against",
             "the write-up, and fix it by hand where the reading is wrong. Ids the write-up does not derive,",
             "or whose equations could not be read, are not defined (they count as not attempted).", ""]
    lines.append(f"Read: {', '.join(function.id.id for function in functions) or 'nothing'}.")
    if unread:
        lines += ["", "Not read:"]
        for item in unread:
            lines += textwrap.wrap(f"- {item.describe().splitlines()[0]}", 100, subsequent_indent="  ")
            lines.append(f"    {item.quote.latex}")
    return 'r"""' + _safe("\n".join(lines)) + '\n"""\n'


def _function(function: Generated, quotes: tuple[Quote, ...]) -> str:
    entry = function.id
    title = {"value": f"The forward value {entry.of}", "gradient": f"∂{entry.of}/∂{entry.wrt}",
             "jacobian": f"The Jacobian ∂{entry.of}/∂{entry.wrt}"}[entry.kind]
    doc = [f"{title}, shape ({', '.join(entry.shape)}), as the write-up states it:", ""]
    for quote in quotes:
        doc.append(f"{quote.cite()}:")
        doc += ["", textwrap.indent(quote.latex, "    "), ""]
    docstring = "\n".join(("    " + line).rstrip() for line in _safe("\n".join(doc)).splitlines()).strip()
    body = ['    r"""' + docstring + '\n    """']
    comments = [CONVENTION["reading:row_vectors" in function.readings]]
    macros = {macro.name: macro for equation in function.equations for macro in equation.origin.macros}
    if macros:
        comments.append("The write-up's macros, expanded: " + "; ".join(
            f"\\{macro.name} (line {macro.place.line}) = {macro.body}" for macro in macros.values()) + ".")
    comments += [f"{tag}: {describe(tag)}." for tag in function.readings]
    if function.note:
        comments.append(f"Note: {function.note}.")
    for comment in comments:
        body += textwrap.wrap(comment, 112, initial_indent="    # ", subsequent_indent="    #   ")
    for statement in function.statements:
        body += textwrap.wrap(_one_line(statement.comment), 112, initial_indent="    # ", subsequent_indent="    #   ")
        body.append(f"    {statement.target} = {statement.code}")
    body.append(f"    return {function.result}")
    return f"\ndef {entry.id}({', '.join(function.parameters)}):\n" + "\n".join(body) + "\n"


def _one_line(text: str) -> str:
    return " ".join(text.split())
