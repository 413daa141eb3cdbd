"""What some tests need that a machine may lack: bubblewrap and cgroups for the sandbox, matplotlib and Jinja2
to make the class report, Chromium and Playwright to open it.

Each is skipped with the reason where it is missing, but never in CI: CI
(`CI=true`) installs them all (`.ci/run`), so there a missing one fails the test
instead. Playwright drives the system's Chromium (`playwright install` is not
used); each launch has a fresh profile and the flags that keep it off the network.
"""
from __future__ import annotations

import importlib.util
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

CHROMIUM = Path("/usr/bin/chromium")
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync"]
VIEWPORT = {"width": 1100, "height": 1400}


def require_namespaces(*, module: bool = False) -> None:
    """Skip (fail in CI) without bubblewrap's namespaces."""
    from checks.sandbox import isolation

    found = isolation.choose()
    if not found.strong:
        _missing(f"needs bubblewrap namespaces: {found.detail}", allow_module_level=module)


def require_cgroups() -> None:
    """Skip (fail in CI) where the grader cannot make a capped cgroup."""
    from checks.sandbox.cgroups import Cgroup

    if not Cgroup.available():
        _missing("needs a writable cgroup")


def require_report_libraries() -> None:
    """Skip (fail in CI) the calling module without the `report` extra."""
    missing = [name for name in ("matplotlib", "jinja2") if importlib.util.find_spec(name) is None]
    if missing:
        _missing(f"needs {' and '.join(missing)} (pip install -e '.[report]')", allow_module_level=True)


def require_docs_tools() -> None:
    """Skip (fail in CI) the calling test without MkDocs (the `docs` extra)."""
    if importlib.util.find_spec("mkdocs") is None:
        _missing("needs MkDocs (pip install -e '.[docs]')")


def require_browser() -> None:
    """Skip (fail in CI) the calling test without Chromium at /usr/bin/chromium or without Playwright."""
    if not CHROMIUM.exists():
        _missing(f"needs Chromium at {CHROMIUM} (Debian package chromium)")
    if importlib.util.find_spec("playwright") is None:
        _missing("needs playwright (pip install -e '.[test]')")


@contextmanager
def chromium(profile: Path, *, viewport: dict[str, int] = VIEWPORT) -> Iterator[object]:
    """A Playwright browser context of the system Chromium, with `profile` as its fresh user-data folder."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        context = playwright.chromium.launch_persistent_context(
            str(profile), executable_path=str(CHROMIUM), args=FLAGS, headless=True, viewport=viewport)
        try:
            yield context
        finally:
            context.close()


def _missing(reason: str, *, allow_module_level: bool = False) -> None:
    if os.environ.get("CI") == "true":
        pytest.fail(f"CI must have this: {reason}", pytrace=False)
    pytest.skip(reason, allow_module_level=allow_module_level)
