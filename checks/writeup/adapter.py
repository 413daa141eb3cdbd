"""HW1's `Notation`, built from the engine's registry, vocabulary and models and `derivations/notation_hw1.py`.

This is the only place that ties the generic reader to one assignment; once each
assignment declares its contexts, ids and notation, it is replaced.
"""
from __future__ import annotations

import functools
import importlib

from checks.writeup.spec import ContextSpec, IdSpec, Notation, QuantitySpec

NOTATION_MODULE = "derivations.notation_hw1"


@functools.cache
def hw1_notation() -> Notation:
    """The notation of the homework the registry describes."""
    from checks.models import MODELS
    from checks.registry import REGISTRY
    from checks.vocabulary import CONTEXTS

    table = importlib.import_module(NOTATION_MODULE)
    contexts = {
        context: ContextSpec(
            context,
            {name: QuantitySpec(name, quantity.shape, name in MODELS[context].leaves,
                                frozenset(MODELS[context].ancestors[name]))
             for name, quantity in quantities.items()},
            tuple(getattr(table, "CONTEXT_KEYWORDS", {}).get(context, ())))
        for context, quantities in CONTEXTS.items()
    }
    ids = tuple(IdSpec(entry.id, entry.context, entry.of, entry.wrt, entry.pattern, entry.shape, entry.section)
                for entry in REGISTRY)
    return Notation(batch_axis=table.BATCH_AXIS, contexts=contexts, ids=ids, aliases=table.ALIASES,
                    axis_symbols=table.AXIS_SYMBOLS, derivative_aliases=getattr(table, "DERIVATIVE_ALIASES", {}),
                    sample_letters=tuple(table.SAMPLE_LETTERS))
