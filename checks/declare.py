"""Everything an assignment's declaration imports: `from checks.declare import Assignment, Context, ...`.

The one public module for writing an assignment (docs/tutorial.md walks
through one). It re-exports the declaration types, the size and kink
declarations, the helpers that length scales and magnitudes are built from, and
PyTorch imported lazily (`F`, `torch`). Like every declaration module, it knows
nothing of the engine: the engine reads declarations, never the other way round.
"""
from checks.assignment import (VARIANT_KINDS, Assignment, Axis, Backward, Context, DeclarationError, Derivation, Drawn,
                               Mask, Node, Notation, Quantity, Scalar, Term, Variant, WrongVariant, absmax, surrogate)
from checks.kinks import ABS, RELU, TIE_MARGIN, TIES, Kink, clamp, max_over, max_pool
from checks.lazy import F, torch
from checks.model import rms_scale
from checks.sizes import BATCH_MAXIMUM, WIDTH_MAXIMUM, Size

__all__ = [
    "Assignment", "Axis", "Context", "Derivation", "Node", "Quantity", "Scalar", "Size", "Mask", "Variant",
    "WrongVariant", "Notation", "Drawn", "Backward", "Term", "DeclarationError", "VARIANT_KINDS", "BATCH_MAXIMUM", "WIDTH_MAXIMUM",
    "Kink", "RELU", "ABS", "clamp", "max_over", "max_pool", "TIES", "TIE_MARGIN",
    "absmax", "surrogate", "rms_scale", "F", "torch",
]
