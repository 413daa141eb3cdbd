"""Build the example class, `examples/class/student_NN.py`, from the diagnosis corpus.

    python benchmarks/make_class.py            # write the class (and print who made which mistake)
    python benchmarks/make_class.py --check    # exit 1 if the committed files differ from what it builds

Each student is a full-ish homework-1 attempt: every id comes from a correct
corpus file unless the student makes one of the corpus's mistakes, which
brings every wrong id of that corpus file; a few ids are left unattempted.
Mistakes overlap across students as in a real class: five miss the variance
path through BatchNorm in equation (5), three transpose dL/dtheta2B (one of them
also without the loss's 1/m), four others forget the 1/m, and two are nearly
perfect.
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

import corpus  # noqa: E402
from checks import assignments  # noqa: E402

CLASS = ROOT / "examples" / "class"
ASSIGNMENT = "hw1"
BLOCK_ONE = "hw1/correct_block_one_loops.py"
NETWORK = "hw1/correct_network_einsum.py"
STAGED = "hw1/correct_staged_cache.py"

STUDENTS: dict[str, dict] = {
    "student_01": {"mistakes": ["eq05_variance_path_missing", "bn_variance_path_missing", "eq13_loss_without_mean",
                                "eq02_diagonal_softmax"]},
    "student_02": {"mistakes": ["eq03_transposed", "eq13_sin_for_cos", "bn_dgamma_row_vector"]},
    "student_03": {"mistakes": ["eq05_variance_path_missing", "eq08_skip_path_missing", "eq07_bias_through_bn",
                                "softmax_jacobian_square_counted_twice"]},
    "student_04": {"mistakes": ["eq03_bias_without_mean", "eq05_relu_mask_missing", "dropout_no_rescale",
                                "net_dx_task_B_only"], "correct": STAGED},
    "student_05": {"mistakes": ["eq05_variance_path_missing", "bn_variance_path_missing", "eq03_transposed",
                                "eq09_rows_not_summed"],
                   "skipped": ["eq02_dyB_hat_dtheta2B", "net_dL_dgamma", "net_dL_dbeta", "net_dL_dx"]},
    "student_06": {"mistakes": ["eq13_sin_for_cos", "softmax_vjp_diagonal_only", "eq01_returns_dz2B",
                                "net_dx_task_B_only"]},
    "student_07": {"mistakes": ["eq13_loss_without_mean", "eq10_task_A_term_missing", "bn_gamma_forgotten",
                                "forward_unbiased_bn"], "correct": STAGED},
    "student_08": {"mistakes": ["eq05_variance_path_missing", "bn_variance_path_missing", "eq01_returns_dz2B",
                                "eq12_mask_never_applied"]},
    "student_09": {"mistakes": ["eq03_transposed_times_m", "eq05_relu_mask_missing", "dropout_no_rescale",
                                "eq07_bias_through_bn"], "skipped": ["eq02_dyB_hat_dtheta2B", "softmax_jacobian"]},
    "student_10": {"mistakes": ["eq05_variance_path_missing", "softmax_vjp_diagonal_only", "eq01_sign_flipped",
                                "forward_no_dropout"]},
    "student_11": {"mistakes": ["eq03_bias_without_mean", "bn_no_eps_anywhere", "dropout_mask_never_applied",
                                "eq04_identity_softmax"], "skipped": ["net_dL_dgamma", "net_dL_dbeta", "net_dL_dx"]},
    "student_12": {"mistakes": ["bn_dgamma_row_vector"]},
    "student_13": {"mistakes": ["eq11_returns_dz1A"], "correct": STAGED},
}
"""Each student's mistakes (corpus file stems), the correct file preferred for BatchNorm (the loops by
default), and the ids left unattempted."""


def sources(student: dict, manifest: corpus.Manifest) -> dict[str, Path]:
    """Where each of the student's ids comes from: a mistake's corpus file, else a correct one."""
    assignment = assignments.load(ASSIGNMENT)
    correct = {entry.file: entry for entry in manifest.correct}
    preferred = correct[student.get("correct", BLOCK_ONE)]
    chosen: dict[str, Path] = {}
    for entry in assignment.derivations:
        if entry.id in student.get("skipped", ()):
            continue
        for file in (preferred.file, BLOCK_ONE, NETWORK):
            if entry.id in correct[file].ids:
                chosen[entry.id] = correct[file].path
                break
    taken: dict[str, str] = {}
    for mistake in student["mistakes"]:
        wrong = [entry for entry in manifest.wrong if entry.name == mistake and entry.assignment == ASSIGNMENT]
        if not wrong:
            raise ValueError(f"no hw1 corpus file {mistake!r} with a wrong id")
        for entry in wrong:
            if entry.id in taken:
                raise ValueError(f"{entry.id} is wrong both in {taken[entry.id]} and in {mistake}")
            taken[entry.id] = mistake
            chosen[entry.id] = entry.path
    return chosen


def build(manifest: corpus.Manifest) -> dict[str, str]:
    """Every student's file name and source."""
    assignment = assignments.load(ASSIGNMENT)
    files = {}
    for name, student in STUDENTS.items():
        chosen = sources(student, manifest)
        picks = [(chosen[entry.id], entry.id) for entry in assignment.derivations if entry.id in chosen]
        number = name.rpartition("_")[2]
        docstring = f"Student {number}'s homework 1, assembled by benchmarks/make_class.py from the diagnosis corpus."
        files[f"{name}.py"] = corpus.assemble(picks, assignment.ids, docstring)
    return files


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--check", action="store_true", help="compare with the committed files instead of writing")
    args = parser.parse_args()
    files = build(corpus.load())
    if args.check:
        stale = sorted(name for name, text in files.items()
                       if not (CLASS / name).is_file() or (CLASS / name).read_text() != text)
        extra = sorted(path.name for path in CLASS.glob("student_*.py") if path.name not in files)
        for name in stale + extra:
            print(f"out of date: examples/class/{name}")
        return 1 if stale or extra else 0
    CLASS.mkdir(parents=True, exist_ok=True)
    for path in CLASS.glob("student_*.py"):
        if path.name not in files:
            path.unlink()
    for name, text in files.items():
        (CLASS / name).write_text(text)
    for name, student in STUDENTS.items():
        skipped = f"; skips {', '.join(student['skipped'])}" if student.get("skipped") else ""
        print(f"{name}: {', '.join(student['mistakes'])}{skipped}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
