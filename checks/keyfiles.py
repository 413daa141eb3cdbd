"""Secret key files an instructor keeps (the pseudonym key, the course's case secret): made on first use, private.

A key file holds at least 16 random bytes in hex, on one line, readable only by
its owner. It lives under `$XDG_CONFIG_HOME/gradjudge/` (`~/.config` by default)
unless a path is named.
"""
from __future__ import annotations

import os
import secrets
from pathlib import Path

from checks.errors import GradjudgeError
from checks.sandbox.files import display

KEY_BYTES = 32
"""Bytes of a key made here; a key file read must hold at least half as many."""

__all__ = ["KEY_BYTES", "KeyFileError", "config_file", "read_or_create"]


class KeyFileError(GradjudgeError, ValueError):
    """A key file that cannot be used; the message says why."""


def config_file(name: str) -> Path:
    """`$XDG_CONFIG_HOME/gradjudge/NAME`, `~/.config/gradjudge/NAME` when XDG_CONFIG_HOME is not set."""
    config = os.environ.get("XDG_CONFIG_HOME") or Path.home() / ".config"
    return Path(config) / "gradjudge" / name


def read_or_create(path: Path, *, what: str, if_lost: str) -> tuple[bytes, bool]:
    """The key in `path`, and whether it was made just now (random, in a new file only its owner can read).

    `what` names the key in messages ("pseudonym key"); `if_lost` says what a new
    key would change ("every pseudonym changes").
    """
    if not os.path.lexists(path):
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        key = secrets.token_bytes(KEY_BYTES)
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "w") as stream:
            stream.write(key.hex() + "\n")
        return key, True
    if path.is_symlink() or not path.is_file():
        raise KeyFileError(f"{display(path)} is not a regular file; give the path of a {what} file")
    text = path.read_text(encoding="ascii", errors="replace").strip()
    try:
        key = bytes.fromhex(text)
    except ValueError:
        key = b""
    if len(key) < KEY_BYTES // 2:
        raise KeyFileError(f"{display(path)} does not hold a key of at least {KEY_BYTES // 2} bytes in hex; delete it "
                           f"to have a new one made ({if_lost}), or name the right file")
    return key, False
