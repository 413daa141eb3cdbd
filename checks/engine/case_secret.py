"""A course's case secret: the cases staff grade on, derived from a key students never see.

Without a secret, cases come from the public stream: hypothesis's derandomized
stream, the same for everyone, which is what a student's own `gradjudge check`
and `pytest --submission` meet. With one, every case of grading is derived from
it with HMAC-SHA256, each for its own purpose:

- hypothesis's stream of a context is seeded by `HMAC(key, "stream" | context)`,
  so the drawn sizes, scales, scalars and edges follow the secret;
- a drawn case's value seed (`Case.seed`, which fixes its arrays) is
  `HMAC(key, "case" | context | n)` for the number `n` hypothesis drew for it;
- the diagnostic cases' seeds are `HMAC(key, "diagnostic" | context | index)`.

A message may show a failing case, its `seed=` included: that seed reproduces
that one case, and nothing else. It is the output of a keyed hash, from which
neither the key nor the numbers behind the other cases can be computed, so
showing one case does not expose the others. The key itself is never shown,
printed or written anywhere but its own file (and the autograder zip); its
`fingerprint` (a keyed hash of a fixed text) tells two secrets apart without
revealing either.
"""
from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass, field

SEED_BITS = 32
"""Bits of a case's value seed: as hypothesis draws them for the public stream."""
STREAM_BITS = 128
"""Bits of the seed of hypothesis's own random generator for a context's stream."""
MIN_KEY_BYTES = 16

__all__ = ["CaseSecret", "MIN_KEY_BYTES", "SEED_BITS"]


@dataclass(frozen=True)
class CaseSecret:
    """A course's secret key, and the seeds it derives; `repr` never shows the key."""

    key: bytes = field(repr=False)

    def __post_init__(self) -> None:
        if not isinstance(self.key, bytes) or len(self.key) < MIN_KEY_BYTES:
            raise ValueError(f"key of {len(self.key) if isinstance(self.key, bytes) else type(self.key).__name__} "
                             f"bytes, but a case secret needs at least {MIN_KEY_BYTES} random bytes")

    def stream_seed(self, context: str) -> int:
        """The seed of hypothesis's random generator for `context`'s stream: `HMAC(key, "stream" | context)`."""
        return self._derive(STREAM_BITS, "stream", context)

    def case_seed(self, context: str, drawn: int) -> int:
        """A drawn case's value seed: `HMAC(key, "case" | context | drawn)`, 32 bits."""
        return self._derive(SEED_BITS, "case", context, str(drawn))

    def diagnostic_seed(self, context: str, index: int) -> int:
        """The value seed of `context`'s diagnostic case number `index`: `HMAC(key, "diagnostic" | context | index)`."""
        return self._derive(SEED_BITS, "diagnostic", context, str(index))

    @property
    def fingerprint(self) -> str:
        """Eight hex digits that name this secret in outputs, computed from it one way: `HMAC(key, "fingerprint")`."""
        return f"{self._derive(32, 'fingerprint'):08x}"

    def _derive(self, bits: int, *parts: str) -> int:
        message = b"\x00".join(part.encode("utf-8") for part in parts)
        digest = hmac.new(self.key, message, hashlib.sha256).digest()
        return int.from_bytes(digest, "big") >> (256 - bits)
