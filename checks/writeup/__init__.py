"""Reading a student's Markdown/LaTeX derivation write-up into an ordinary gradjudge submission file.

`read(text, notation, source_name=...)` returns a `Reading`: the generated
Python source (one numpy function per derivation id, each quoting its equation
and saying how it was read), per-id provenance, and the equations that could
not be read with the reason. `hw1_notation()` is the notation of the homework
the registry describes.
"""
from checks.writeup.adapter import hw1_notation
from checks.writeup.document import WriteupError
from checks.writeup.provenance import Provenance, Quote, Reading, Unread
from checks.writeup.reader import read
from checks.writeup.readings import READINGS
from checks.writeup.spec import ContextSpec, IdSpec, Notation, QuantitySpec

__all__ = ["READINGS", "ContextSpec", "IdSpec", "Notation", "Provenance", "QuantitySpec", "Quote", "Reading",
           "Unread", "WriteupError", "hw1_notation", "read"]
