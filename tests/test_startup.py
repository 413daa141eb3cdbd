"""`checks.grading.startup`: one submission's sandbox started while torch imports, and graded as if started later."""
import subprocess
import sys
import textwrap
from pathlib import Path

from helpers import HW1, quick_rubric

from checks.grading.batch import grade_many
from checks.grading.discovery import discover
from checks.grading.startup import started_while_importing
from checks.sandbox.client import Sandboxed
from checks.sandbox.isolation import choose

SUBMISSIONS = Path(__file__).parent / "submissions"


def _run(code: str) -> str:
    done = subprocess.run([sys.executable, "-c", textwrap.dedent(code)], capture_output=True, text=True, timeout=180)
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


def test_the_sandbox_runs_and_torch_is_imported_when_the_block_begins(tmp_path):
    """In a fresh interpreter: before the block torch is not imported; inside it the submission answers and torch is
    imported; after it the sandbox's folder is gone."""
    found = _run(f"""
        import sys
        from pathlib import Path
        from checks import assignments
        from checks.grading.discovery import discover
        from checks.grading.rubric import load
        from checks.grading.startup import started_while_importing
        from checks.sandbox.isolation import choose

        declared = assignments.declared("hw1")
        entries = discover([{str(SUBMISSIONS / "list_returner.py")!r}], declared.ids).entries
        print("torch" in sys.modules, end=" ")
        with started_while_importing(entries, declared.ids, load(declared).limits, choose(),
                                     modules=["checks.grading.batch"]) as started:
            staging = started._staging
            print("torch" in sys.modules, type(started).__name__, started.load_error, "dropout_dL_dx" in started.defined,
                  staging.exists(), end=" ")
        print(staging.exists())
    """)
    assert found == "False True Sandboxed None True True False"


def test_nothing_is_started_for_a_class_or_for_code_that_cannot_be_read(tmp_path):
    folder = tmp_path / "class"
    folder.mkdir()
    for name in ("a", "b"):
        (folder / f"{name}.py").write_text((SUBMISSIONS / "list_returner.py").read_text())
    missing = tmp_path / "gone.py"
    missing.write_text("def dropout_dL_dx(dy, M):\n    return M * dy\n")
    found = _run(f"""
        from pathlib import Path
        from checks import assignments
        from checks.grading.discovery import discover
        from checks.grading.rubric import load
        from checks.grading.startup import started_while_importing
        from checks.sandbox.isolation import choose

        declared = assignments.declared("hw1")
        limits = load(declared).limits
        found = [discover(paths, declared.ids).entries for paths in ([{str(folder)!r}], [{str(missing)!r}])]
        Path({str(missing)!r}).unlink()
        for entries in found:
            with started_while_importing(entries, declared.ids, limits, choose(), modules=[]) as started:
                print(type(started).__name__, end=" ")
    """)
    assert found == "Prior Prior"


def test_a_submission_started_early_gets_the_grade_it_gets_when_started_later(tmp_path):
    chosen, isolation = quick_rubric(tmp_path), choose()
    entries = discover([Path(__file__).parent.parent / "examples" / "seed_submission.py"], HW1.ids).entries
    with started_while_importing(entries, HW1.ids, chosen.limits, isolation, modules=[]) as started:
        assert isinstance(started, Sandboxed)
        (early,) = grade_many(entries, "hw1", chosen, 1, isolation, started=started)
    (later,) = grade_many(entries, "hw1", chosen, 1, isolation)
    assert [(row.id, row.status, row.score, row.message) for row in early.derivations] == \
        [(row.id, row.status, row.score, row.message) for row in later.derivations]
    assert {row.status for row in early.derivations} >= {"passed", "failed"}


def test_grading_and_diagnosing_never_imports_sympy(tmp_path):
    """torch imports sympy (through torch.fx) the first time `autograd.grad` is given a tensor `grad_outputs`: a
    quarter of a second of a command's start. Grading the seed, whose wrong ids diagnosis explains through the
    generated variants (each differentiating inside its own forward pass), never does."""
    found = _run(f"""
        import contextlib, io, sys
        from checks.cli import main
        with contextlib.redirect_stdout(io.StringIO()):
            status = main(["grade", {str(Path(__file__).resolve().parent.parent / "examples" / "seed_submission.py")!r},
                           "--no-cache", "--json", {str(tmp_path / "grade.json")!r}])
        print(status, "torch" in sys.modules, "sympy" in sys.modules)
    """)
    assert found == "0 True False"
