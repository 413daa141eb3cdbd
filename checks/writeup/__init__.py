"""Reading a student's Markdown/LaTeX derivation write-up into an ordinary gradjudge submission file.

`read(text, notation, source_name=...)` returns a `Reading`: the generated
Python source (one numpy function per derivation id, each quoting its equation
and saying how it was read), per-id provenance, and the equations that could
not be read with the reason. `reading_spec(assignment)` is what the reader
needs to know of an assignment, its declared notation included.
"""
from checks.writeup.adapter import NoNotation, reading_spec
from checks.writeup.document import WriteupError
from checks.writeup.provenance import Provenance, Quote, Reading, Unread
from checks.writeup.reader import read
from checks.writeup.readings import READINGS
from checks.writeup.spec import ContextSpec, IdSpec, ReadingSpec, QuantitySpec

__all__ = ["READINGS", "ContextSpec", "IdSpec", "ReadingSpec", "Provenance", "QuantitySpec", "Quote", "Reading",
           "Unread", "WriteupError", "NoNotation", "reading_spec", "read"]
