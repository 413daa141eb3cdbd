"""For an id that sums per-sample rows (`rows_of`): those rows summed over the feature axis instead of the batch."""
from __future__ import annotations

from collections.abc import Iterator

from checks import tags
from checks.assignment import Derivation
from checks.grading.candidates import Candidate, Kind


def _candidates(entry: Derivation) -> Iterator[Candidate]:
    from checks.engine.truths import TRUTHS

    if entry.rows_of is None:
        return
    yield Candidate((tags.SUMMED_OVER_WRONG_AXIS,),
                    f"the per-sample rows of ∂{entry.of}/∂{entry.rows_of} summed over the feature axis, where the "
                    "batch axis was due", lambda o: TRUTHS.exact(entry, o.case, wrt=entry.rows_of).sum(axis=1))


KIND = Kind("rows_summed", 40, _candidates)
