"""Reading a student's Markdown/LaTeX derivation write-up into an ordinary gradjudge submission file.

Three stages, each a subpackage, each calling only the one before it:
`document` (text, or a notebook's cells, into sections, prose and formulas:
macros expanded, equations numbered), `math` (formulas into syntax trees,
equations, definitions, and the id each equation answers) and `numpy` (an
id's equations into a numpy function, shapes checked). `read(text, notation,
source_name=...)` runs them and returns a `Reading`: the generated Python
source, per-id provenance, and what could not be read with the reason.
`reading_spec(assignment)` is what the reader needs to know of an assignment.

Names are imported when first used, so that importing the process boundary
(`checks.writeup.isolated`) costs the grader nothing.
"""
from __future__ import annotations

import importlib

_EXPORTS = {
    "NoNotation": "checks.writeup.adapter", "reading_spec": "checks.writeup.adapter",
    "WriteupError": "checks.writeup.document", "Source": "checks.writeup.document",
    "Provenance": "checks.writeup.provenance", "Quote": "checks.writeup.provenance",
    "Reading": "checks.writeup.provenance", "Unread": "checks.writeup.provenance",
    "read": "checks.writeup.reader", "read_sources": "checks.writeup.reader",
    "READINGS": "checks.writeup.readings",
    "ContextSpec": "checks.writeup.spec", "IdSpec": "checks.writeup.spec", "ReadingSpec": "checks.writeup.spec",
    "QuantitySpec": "checks.writeup.spec",
}

__all__ = sorted(_EXPORTS)


def __getattr__(name: str):
    if name not in _EXPORTS:
        raise AttributeError(f"module 'checks.writeup' has no attribute {name!r}")
    return getattr(importlib.import_module(_EXPORTS[name]), name)
