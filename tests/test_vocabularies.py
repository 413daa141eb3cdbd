"""Each vocabulary is declared once: statuses and tags are named by their constants in the engine, never as bare
strings, and every word of every vocabulary says what it means."""
import ast
from pathlib import Path

from checks import statuses, tags
from checks.grading.grades import ORIGINS

CHECKS = Path(__file__).resolve().parent.parent / "checks"
WORDS = set(statuses.STATUSES) | set(statuses.SUBMISSION_STATUSES)


def _bare_statuses(tree: ast.AST) -> list[tuple[int, str]]:
    """String constants that are statuses where a status is compared, given by keyword, or built into a grade."""
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Compare):
            operands = [node.left, *node.comparators]
            found += [(operand.lineno, operand.value) for operand in operands
                      if isinstance(operand, ast.Constant) and operand.value in WORDS]
            found += [(element.lineno, element.value) for operand in operands if isinstance(operand, (ast.Tuple, ast.Set))
                      for element in operand.elts if isinstance(element, ast.Constant) and element.value in WORDS]
        elif isinstance(node, ast.keyword) and node.arg == "status" and isinstance(node.value, ast.Constant):
            found.append((node.value.lineno, node.value.value))
        elif isinstance(node, ast.Call) and getattr(node.func, "id", None) in ("DerivationGrade", "SubmissionGrade",
                                                                               "CaseResult"):
            found += [(arg.lineno, arg.value) for arg in node.args if isinstance(arg, ast.Constant) and arg.value in WORDS]
    return found


def test_no_status_is_written_as_a_bare_string():
    """(The write-up reader is left out: its words are LaTeX's, where `partial` is `\\partial`.)"""
    scanned = [path for path in sorted(CHECKS.rglob("*.py")) if path.name != "statuses.py" and "writeup" not in path.parts]
    bare = {str(path.relative_to(CHECKS)): spots for path in scanned if (spots := _bare_statuses(ast.parse(path.read_text())))}
    assert bare == {}


def test_the_scan_finds_a_bare_status():
    tree = ast.parse('if row.status == "passed" or grade.status in ("graded",):\n    row = DerivationGrade("x", "error")\n')
    assert sorted(value for _, value in _bare_statuses(tree)) == ["error", "graded", "passed"]


def test_every_word_of_every_vocabulary_says_what_it_means():
    vocabularies = {"statuses": statuses.STATUSES, "submission statuses": statuses.SUBMISSION_STATUSES,
                    "tags": tags.VOCABULARY, "origins": ORIGINS}
    for name, words in vocabularies.items():
        assert words, name
        for word, declared in words.items():
            assert word == str(declared) and declared.description.strip(), (name, word)
    assert statuses.NOT_GRADED <= set(statuses.SUBMISSION_STATUSES) and statuses.GRADED not in statuses.NOT_GRADED
    assert set(statuses.LOST_POINTS) | set(statuses.CREDITED) <= set(statuses.STATUSES)
