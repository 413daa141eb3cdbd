"""Reading a student's Markdown/LaTeX derivation write-up into an ordinary gradjudge submission file.

`read(text, notation, source_name=...)` returns a `Reading`: the generated
Python source (one numpy function per derivation id, each quoting its equation
and saying how it was read), per-id provenance, and the equations that could
not be read with the reason. `reading_spec(assignment)` is what the reader
needs to know of an assignment, its declared notation included.

The names below are imported on first use: grading a `.py` file only asks
`checks.writeup.isolated` whether a path is a write-up, and must not pay for
the parsers (lark, pylatexenc) it never runs.
"""
import importlib

_HOMES = {
    "NoNotation": "adapter", "reading_spec": "adapter", "WriteupError": "document", "Provenance": "provenance",
    "Quote": "provenance", "Reading": "provenance", "Unread": "provenance", "read": "reader", "READINGS": "readings",
    "ContextSpec": "spec", "IdSpec": "spec", "ReadingSpec": "spec", "QuantitySpec": "spec",
}

__all__ = ["READINGS", "ContextSpec", "IdSpec", "ReadingSpec", "Provenance", "QuantitySpec", "Quote", "Reading",
           "Unread", "WriteupError", "NoNotation", "reading_spec", "read"]


def __getattr__(name: str):
    if name not in _HOMES:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(importlib.import_module(f"{__name__}.{_HOMES[name]}"), name)
