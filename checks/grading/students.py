"""Who a submission belongs to: a student's identity as an LMS export or a roster gives it.

Nothing here comes from a student's own files: identity is read from the names
and metadata the LMS writes around them (and from the roster staff give), so a
student cannot claim to be someone else by what they hand in.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import asdict, dataclass, replace

__all__ = ["Student", "folded_name"]


@dataclass(frozen=True)
class Student:
    """One student as the export or the roster names them; every field the source does not give is None."""

    id: str | None = None
    """The LMS's id: Canvas's user id, Moodle's participant id, Blackboard's username, Gradescope's SID, a roster's id."""
    name: str | None = None
    """The name as the source writes it (Canvas writes `lastfirst`, lowercase, in its file names)."""
    email: str | None = None
    late: bool | None = None
    """Whether the LMS marked the hand-in late; None when the export does not say."""
    members: tuple[str, ...] = ()
    """For a group's submission: every member's label, this student's included; empty for one student's own."""
    login: str | None = None
    """A second id the source gives: a Canvas SIS login, a Moodle username, a Gradescope e-mail's user."""
    enrolled: bool | None = None
    """Whether the roster lists the student; None when no roster was given."""

    @property
    def label(self) -> str:
        """`Jane Doe (12345)`: how rows and reports name the student."""
        name = self.name or self.login or self.email or "unnamed student"
        return f"{name} ({self.id})" if self.id and self.id != name else name

    def identifiers(self) -> set[str]:
        """Every id, login and e-mail, compared without case: what a roster row is matched on."""
        found = {value.strip().lower() for value in (self.id, self.login, self.email) if value and value.strip()}
        if self.email and "@" in self.email:
            found.add(self.email.split("@")[0].strip().lower())
        return found

    def merged(self, roster: Student) -> Student:
        """This student as the roster completes them: the roster's name and e-mail where it has them."""
        return replace(self, id=self.id or roster.id, name=roster.name or self.name, email=roster.email or self.email,
                       login=self.login or roster.login, enrolled=True)

    def to_json(self) -> dict:
        found = asdict(self)
        found["members"] = list(self.members)
        return found


def folded_name(name: str | None) -> str:
    """A name reduced to its letters, lowercase, without accents: `Smith, John`, `John Smith` and Canvas's
    `smithjohn` all fold to the same letters once sorted into `smithjohn` order by the caller."""
    if not name:
        return ""
    decomposed = unicodedata.normalize("NFKD", name)
    return re.sub(r"[^a-z]", "", "".join(c for c in decomposed if not unicodedata.combining(c)).lower())
