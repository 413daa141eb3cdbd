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
