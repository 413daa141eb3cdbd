"""A word of one of gradjudge's vocabularies: a plain string with what it means, declared once.

Tags (`checks.tags`) and statuses (`checks.statuses`) are such words: code names
them by their declared constants, never by bare strings, and the docs' tables
are generated from the declarations. A word is a `str`, so grades stay plain data
(JSON, pickles between processes).
"""
from __future__ import annotations

from collections.abc import Iterable

__all__ = ["Word", "vocabulary"]


class Word(str):
    """A string with its `description`: one entry of a declared vocabulary."""

    description: str

    def __new__(cls, name: str, description: str) -> Word:
        word = super().__new__(cls, name)
        word.description = description
        return word

    def __reduce__(self):
        """Copied or pickled (a grade travelling between processes), a word is the plain string it names."""
        return str, (str(self),)


def vocabulary(words: Iterable[Word]) -> dict[str, Word]:
    """The words by name, in the order given; a name declared twice is refused."""
    found: dict[str, Word] = {}
    for word in words:
        if word in found:
            raise ValueError(f"{str(word)!r} is declared twice in one vocabulary")
        found[str(word)] = word
    return found
