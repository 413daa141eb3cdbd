"""File names made from row names, injective: two different rows can never get the same file, on any file system.

A name keeps its lowercase letters, digits, `.` and `-`; a space is `_`; an
uppercase letter is `^` and the letter in lowercase; every other byte of its
UTF-8 (`_`, `^`, `%`, `~`, `/`, a leading `.`, ...) is `%XX` in uppercase hex. Each
mark (`_`, `^`, `%`) is never produced as itself, so the name can be read back
from the file name: the mapping is injective. Since uppercase letters appear
only inside `%XX`, and every `%` starts exactly two hex digits, it stays
injective on a file system that ignores case (macOS, Windows). A name whose
file name would pass `LONGEST` bytes is cut there and ends `~N`, N its row's
place: `~` is never produced otherwise, and places differ.
"""
from __future__ import annotations

__all__ = ["file_stem"]

LONGEST = 200
"""Bytes of a file name's stem at most (file systems allow 255, with room for `.json`)."""
KEPT = frozenset("abcdefghijklmnopqrstuvwxyz0123456789.-")


def file_stem(name: str, place: int) -> str:
    """The stem of the file of the row named `name`, the `place`-th row written (counted from 1)."""
    parts = []
    for index, character in enumerate(name):
        if character in KEPT and not (index == 0 and character == "."):
            parts.append(character)
        elif character == " ":
            parts.append("_")
        elif "A" <= character <= "Z":
            parts.append("^" + character.lower())
        else:
            parts.append("".join(f"%{byte:02X}" for byte in character.encode("utf-8", "surrogatepass")))
    stem = "".join(parts) or "%00"
    if len(stem) <= LONGEST:
        return stem
    cut = stem[:LONGEST - 12]
    cut = cut[:cut.rfind("%")] if "%" in cut[-2:] else cut
    return f"{cut}~{place}"
