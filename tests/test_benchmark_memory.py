"""The grading benchmark's memory sampler counts an address space once.

A sandbox being started is, between `vfork` and `exec`, a child that shares
its parent's address space, and /proc shows it with the parent's whole RSS.
The sampler asks the kernel (`kcmp`) and counts such a child with its parent.
A thread of this process stands in for that child here: it is a task that
shares the process's address space and has a /proc entry of its own.
"""
from __future__ import annotations

import os
import subprocess
import sys
import threading
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "benchmarks"))

import grading_speed  # noqa: E402

pytestmark = pytest.mark.skipif(grading_speed.SYS_KCMP is None, reason="kcmp's number is known for x86-64 and arm64")


@pytest.fixture
def other_task():
    """The kernel id of a second task sharing this process's address space, alive for the test."""
    ready, done = threading.Event(), threading.Event()
    found = []

    def run():
        found.append(threading.get_native_id())
        ready.set()
        done.wait()

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    ready.wait()
    yield found[0]
    done.set()
    thread.join()


def test_a_task_sharing_the_address_space_is_recognised(other_task):
    assert grading_speed.same_address_space(other_task, os.getpid())
    assert not grading_speed.same_address_space(os.getpid(), None)


def test_an_execed_child_has_an_address_space_of_its_own():
    child = subprocess.Popen(["sleep", "5"])
    try:
        assert grading_speed.descendants(os.getpid())[child.pid] == os.getpid()
        assert not grading_speed.same_address_space(child.pid, os.getpid())
    finally:
        child.kill()
        child.wait()


def test_a_sample_counts_a_shared_address_space_once(other_task, monkeypatch):
    own_kb = grading_speed._status_kb(os.getpid(), "VmRSS")
    monkeypatch.setattr(grading_speed, "descendants", lambda root: {root: None, other_task: root})
    memory = grading_speed.Memory()
    grading_speed.TreeSampler(os.getpid(), 1.0, memory).sample()
    assert memory.borrowed == 1
    assert memory.peak_processes == 2
    assert memory.peak_rss_mb == pytest.approx(own_kb / 1024, rel=0.2)


def test_a_sample_counts_each_address_space_of_its_own(monkeypatch):
    child = subprocess.Popen(["sleep", "5"])
    try:
        monkeypatch.setattr(grading_speed, "descendants", lambda root: {root: None, child.pid: root})
        memory = grading_speed.Memory()
        grading_speed.TreeSampler(os.getpid(), 1.0, memory).sample()
        assert memory.borrowed == 0
        expected_kb = grading_speed._status_kb(os.getpid(), "VmRSS") + grading_speed._status_kb(child.pid, "VmRSS")
        assert memory.peak_rss_mb == pytest.approx(expected_kb / 1024, rel=0.2)
    finally:
        child.kill()
        child.wait()
