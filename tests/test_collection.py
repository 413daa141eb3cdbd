"""`checks.collection`: a command's imports are made without garbage collection and left out of every later one."""
from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _run(code: str, tmp_path: Path) -> str:
    """`code` in a fresh interpreter (freezing is for the whole process: never this one's), with `tmp_path` on its
    path; its standard output."""
    done = subprocess.run([sys.executable, "-c", textwrap.dedent(code)], capture_output=True, text=True, timeout=180,
                          cwd=ROOT, env={**__import__("os").environ, "PYTHONPATH": f"{tmp_path}:{ROOT}"})
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


def test_modules_import_with_collection_off_and_everything_then_alive_is_frozen(tmp_path):
    (tmp_path / "watched.py").write_text("import gc\nENABLED_WHILE_IMPORTED = gc.isenabled()\nHELD = [[] for _ in range(1000)]\n")
    found = _run("""
        import gc, weakref
        from checks.collection import imported

        class Cycle:
            def __init__(self):
                self.itself = self

        def garbage():
            made = Cycle()
            return weakref.ref(made)

        before = gc.get_freeze_count()
        gc.collect()
        kept = garbage()  # garbage already, not yet collected when the freeze comes
        imported(["watched"])
        import watched
        collected = garbage()
        gc.collect()
        print(watched.ENABLED_WHILE_IMPORTED, gc.isenabled(), gc.get_freeze_count() - before >= 1000,
              collected() is None, kept() is not None)
    """, tmp_path)
    assert found == "False True True True True"


def test_collection_stays_as_it_was_when_an_import_fails(tmp_path):
    (tmp_path / "broken.py").write_text("raise RuntimeError('broken on purpose')\n")
    found = _run("""
        import gc
        from checks.collection import imported
        outcomes = []
        for enabled in (True, False):
            (gc.enable if enabled else gc.disable)()
            try:
                imported(["broken"])
            except RuntimeError as error:
                outcomes.append(f"{error}:{gc.isenabled()}")
        print(";".join(outcomes))
    """, tmp_path)
    assert found == "broken on purpose:True;broken on purpose:False"


def test_one_submissions_command_freezes_what_it_imported_while_its_sandbox_started(tmp_path):
    """The import `grade` and `check` make beside the sandbox's start (`checks.grading.startup`) is the engine's: once
    it is done, torch's objects are out of every later collection, and collection is on again."""
    found = _run(f"""
        import gc
        from checks import assignments
        from checks.grading.discovery import discover
        from checks.grading.rubric import load
        from checks.grading.startup import started_while_importing
        from checks.sandbox.isolation import choose

        declared = assignments.declared("hw1")
        entries = discover([{str(ROOT / "tests" / "submissions" / "list_returner.py")!r}], declared.ids).entries
        frozen = gc.get_freeze_count()
        with started_while_importing(entries, declared.ids, load(declared).limits, choose(),
                                     modules=["checks.grading.batch"]):
            print(gc.get_freeze_count() - frozen > 100_000, gc.isenabled())
    """, tmp_path)
    assert found == "True True"


def test_a_class_grading_process_freezes_the_truths_it_was_given(tmp_path):
    found = _run("""
        import gc
        from checks import assignments
        from checks.engine.truths import TRUTHS
        from checks.grading.batch import _start_worker
        exported = TRUTHS.export(assignments.load("hw1").derivations)
        frozen = gc.get_freeze_count()
        _start_worker("hw1", exported, None)
        print(gc.get_freeze_count() > frozen, gc.isenabled())
    """, tmp_path)
    assert found == "True True"
