"""`gradjudge template`: a blank submission with every id, its signature hint, shape and what it asks for."""
from __future__ import annotations

import importlib
import inspect
import textwrap

from checks.registry import REGISTRY, Derivation
from checks.submission import REFERENCE_PACKAGE
from checks.vocabulary import CONTEXTS

HEADER = '''"""My gradjudge submission.

Fill in any function below with a plain numpy closed form. Each function asks
for vocabulary names as its parameters and is called with exactly those; you
may change the parameters to any names its context offers (listed in each
docstring). A function that still raises NotImplementedError counts as not
attempted. Do not import torch, jax, tensorflow or autograd.

Check it with `gradjudge grade THIS_FILE`, or `pytest --submission THIS_FILE`
inside a gradjudge checkout.
"""
import numpy as np
'''

SECTIONS = {"bn": "Block one, 1.1: BatchNorm, y = gamma * xhat + beta, with L = sum(dy * y)",
            "dropout": "Block one, 1.2: Dropout, y = M * x, with L = sum(dy * y)",
            "softmax": "Block one, 1.3: Softmax over each row, with L = sum(dy * y)",
            "net": "Block two: the two-task network, its forward pass (2.1) and equations (1)-(14)"}


def render() -> str:
    reference = importlib.import_module(REFERENCE_PACKAGE)
    parts, context = [HEADER], None
    for entry in REGISTRY:
        if entry.context != context:
            context = entry.context
            parts.append(f"\n# {'-' * 76}\n# {SECTIONS[context]}\n")
        names = inspect.signature(getattr(reference, entry.id)).parameters
        parts.append(_function(entry, ", ".join(names)))
    return "\n".join(parts)


def _function(entry: Derivation, parameters: str) -> str:
    shape = ", ".join(entry.shape) + ("," if len(entry.shape) == 1 else "")
    offered = textwrap.fill(f"Names this context offers: {', '.join(CONTEXTS[entry.context])}.", width=88,
                            initial_indent="    ", subsequent_indent="    ")
    return (f'\ndef {entry.id}({parameters}):\n'
            f'    r"""{_asks(entry)}, returned as `({shape})`. Section {entry.section}.\n\n'
            f'{offered}\n'
            f'    """\n'
            f'    raise NotImplementedError\n')


def _asks(entry: Derivation) -> str:
    if entry.kind == "value":
        return f"The forward value {entry.of}"
    if entry.kind == "gradient":
        return f"∂L/∂{entry.wrt}, shaped like {entry.wrt}"
    inputs, output = entry.pattern.split("->")
    n_of = len(CONTEXTS[entry.context][entry.of].shape)
    of, wrt = inputs[:n_of], inputs[n_of:]
    return f"Entry [{', '.join(output)}] is ∂{entry.of}[{', '.join(of)}]/∂{entry.wrt}[{', '.join(wrt)}]"
