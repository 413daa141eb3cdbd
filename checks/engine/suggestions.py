"""Which names a function probably meant when it asks for one its context does not have.

In order: the same name but for case and underscores (`hout` for `h_Out`); a
common name of the batch size (`batch_size`, `N`) for the context's batch axis;
the same name with another usual prefix for a weight, a bias or an upstream
gradient (`W3` or `w_3` for `theta3`, `bias` for `b`); then the vocabulary's
closest spellings.
"""
from __future__ import annotations

import difflib
from collections.abc import Iterable

BATCH_NAMES = ("batch_size", "batch", "n", "num_samples", "n_samples", "bs", "b", "size")
"""Names students give the batch size; matched without regard to case."""
PREFIXES = (("theta", "w", "weight", "weights"), ("b", "bias"), ("dy", "grad", "dout", "upstream", "grad_output", "g"))
"""Prefixes that mean the same thing in a name: a weight, a bias, an upstream gradient."""


def _plain(name: str) -> str:
    return name.replace("_", "").lower()


def closest(name: str, vocabulary: Iterable[str], batch_axis: str) -> list[str]:
    """Up to three names of `vocabulary` that `name` probably meant, best first."""
    names = list(vocabulary)
    plain = {_plain(known): known for known in names}
    found: list[str] = []

    def add(candidates: Iterable[str]) -> None:
        found.extend(candidate for candidate in candidates if candidate not in found)

    add([plain[_plain(name)]] if _plain(name) in plain else [])
    if _plain(name) in {_plain(other) for other in BATCH_NAMES} and batch_axis in names:
        add([batch_axis])
    for group in PREFIXES:
        if _plain(name) in group:
            add(plain[other] for other in group if other in plain)
        for prefix in group:
            if _plain(name).startswith(prefix) and len(_plain(name)) > len(prefix):
                rest = _plain(name)[len(prefix):]
                add(known for other in group for key, known in plain.items() if key == other + rest)
                add(known for other in group for key, known in plain.items()
                    if key.startswith(other + rest) and other + rest != other)
    add(plain[match] for match in difflib.get_close_matches(_plain(name), list(plain), n=3, cutoff=0.5))
    return found[:3]
