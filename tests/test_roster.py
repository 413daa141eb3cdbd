"""`--roster FILE`: a roster that is not clean CSV is refused, naming the line, never read as fewer students."""
from pathlib import Path

import pytest

from checks.grading.roster import RosterError, read_roster


@pytest.mark.parametrize(("text", "line"), [
    ('id,name,username\n1,"Bob Jones,bjones\n2,Jane Smith,jsmith\n3,Ann Lee,alee\n', 2),
    ('id,name,username\n1,Bob Jones,bjones\n2,"Jane" Smith,jsmith\n3,Ann Lee,alee\n', 3),
    ('id,name,username\n1,Bob Jones,bjones\n2,"Jane\nSmith",jsmith\n3,Ann Lee,alee\n', 3),
])
def test_a_malformed_roster_is_refused_naming_the_line(tmp_path, text, line):
    path = tmp_path / "r.csv"
    path.write_text(text)
    with pytest.raises(RosterError, match=rf"r\.csv, line {line}: "):
        read_roster(path)


def test_a_clean_roster_reads_every_student(tmp_path):
    path = tmp_path / "r.csv"
    path.write_text('id,name,username\n1,"Jones, Bob",bjones\n\n2,Jane Smith,jsmith\n')
    assert [student.name for student in read_roster(Path(path)).students] == ["Bob Jones", "Jane Smith"]


def test_a_student_with_two_hand_ins_gets_one_row_and_the_other_is_listed(tmp_path):
    """Every enrolled student has exactly one row: a second hand-in matched to the same student is not graded, and
    the run says which and why."""
    from checks.grading.discovery import discover

    roster = tmp_path / "r.csv"
    roster.write_text("id,name,username\n1,Jane Smith,jsmith\n2,Bob Jones,bjones\n")
    folder = tmp_path / "class"
    (folder / "jsmith").mkdir(parents=True)
    (folder / "jsmith.py").write_text("def dropout_dL_dx(dy, M):\n    return M * dy\n")
    (folder / "jsmith" / "hw1.py").write_text("def dropout_dL_dx(dy, M):\n    return dy\n")
    found = discover([folder], frozenset({"dropout_dL_dx"}), roster=read_roster(roster))
    ids = [entry.students[0].id for entry in found.entries]
    assert sorted(ids) == ["1", "2"], "one row per enrolled student, and no more"
    assert [skipped.reason for skipped in found.skipped if "second hand-in of Jane Smith" in skipped.reason]
