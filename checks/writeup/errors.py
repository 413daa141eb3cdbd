"""Why part of a write-up could not be read."""
from __future__ import annotations


class Unreadable(ValueError):
    """What in a formula could not be read, and why (an unsupported construct, a missing definition, …)."""
