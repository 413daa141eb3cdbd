"""Pseudonyms: keyed hashes of the paths, the names of each path scrubbed from its messages, listed in their order."""
import hashlib
import hmac

import pytest

from checks.grading.grades import DerivationGrade, SubmissionGrade
from checks.reports.pseudonyms import KeyFileError, anonymise, read_or_create_key

KEY = bytes(range(32))


def _expected(path: str) -> str:
    return "student-" + hmac.new(KEY, path.encode(), hashlib.sha256).hexdigest()[:10]


def _grade(path: str, message: str) -> SubmissionGrade:
    return SubmissionGrade(path, "graded", message, 0.0, 1.0, [DerivationGrade("a", "error", ["exception"], 0.0, 1.0, message)])


def test_a_class_export_keeps_the_file_name_they_all_share_and_loses_the_folder_that_names_the_student():
    grades = [_grade(f"export/{name}/answers.py", f'File "/tmp/w/{name}/answers.py", line 3: ValueError (answers.py)')
              for name in ("alice", "bob")]
    shown = {grade.path: grade for grade in anonymise(grades, key=KEY)}
    alice = _expected("export/alice/answers.py")
    assert set(shown) == {alice, _expected("export/bob/answers.py")}
    assert shown[alice].message == f'File "{alice}/answers.py", line 3: ValueError (answers.py)'
    assert shown[alice].derivations[0].message == shown[alice].message
    assert [grade.path for grade in anonymise(grades, key=KEY)] == sorted(shown)


def test_a_lone_submission_loses_its_file_name_and_stem_but_not_its_folder():
    (grade,) = anonymise([_grade("course/jane_doe.py", "SyntaxError (jane_doe.py, line 2); see jane_doe")], key=KEY)
    name = _expected("course/jane_doe.py")
    assert grade.message == f"SyntaxError ({name}, line 2); see {name}"


def test_a_key_file_is_made_private_once_and_a_bad_one_refused(tmp_path):
    path = tmp_path / "keys" / "class.key"
    key, made = read_or_create_key(path)
    assert made and len(key) == 32 and path.stat().st_mode & 0o777 == 0o600
    assert read_or_create_key(path) == (key, False)
    path.write_text("not hex\n")
    with pytest.raises(KeyFileError, match="does not hold a key"):
        read_or_create_key(path)
