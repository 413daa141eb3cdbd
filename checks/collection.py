"""Garbage collection in gradjudge's own processes: none while the engine imports, and what it imported never walked
again.

Importing torch, numpy and hypothesis makes about 170,000 objects that live as
long as the process. Python's automatic collection walks every one of them in
each full collection: three while they are made (about 0.08 s here), and more
while a command works (hypothesis runs one by itself the first time it draws
cases; a cold `grade` of one submission spent 0.26 s collecting in all). A
command imports what it uses with automatic collection off (`imported`), then
moves everything alive to the permanent generation (`gc.freeze`): later
collections walk only what the command has made since. A process that imports
by itself first (a pool's worker) freezes once it has (`freeze_imported`).
Nothing alive at the freeze is ever collected, and nothing of it is garbage:
modules and what they hold live until the process ends.
"""
from __future__ import annotations

import gc
import importlib
from collections.abc import Sequence

__all__ = ["freeze_imported", "imported"]


def imported(modules: Sequence[str]) -> None:
    """Import `modules` in order, with automatic collection off while they import, then `freeze_imported`; an import
    that fails raises, after collection is restored."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        for module in modules:
            importlib.import_module(module)
    finally:
        freeze_imported()
        if enabled:
            gc.enable()


def freeze_imported() -> None:
    """Everything alive now left out of every later collection (`gc.freeze`): call it once the process has imported
    what it uses."""
    gc.freeze()
