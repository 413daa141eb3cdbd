"""What `import checks.testing` does where PyTorch is not installed: skip the test module under pytest, else say so."""
from __future__ import annotations

import sys

REASON = ("checks.testing needs PyTorch (its truth is float64 autograd), and torch cannot be imported here; "
          "install it, e.g. pip install torch --index-url https://download.pytorch.org/whl/cpu")


def unavailable(missing: ImportError) -> None:
    """Skip the importing test module (as `pytest.importorskip` does) under pytest; raise ImportError elsewhere."""
    __tracebackhide__ = True
    if "pytest" in sys.modules:
        import pytest

        raise pytest.skip.Exception(f"{REASON} ({missing})", allow_module_level=True)
    raise ImportError(f"{REASON} ({missing})") from missing
