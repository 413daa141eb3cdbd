"""The truth for one value of a scalar, whatever the case's value: the scalar written in, not read (`scalar_fixed:`)."""
from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace

from checks import tags
from checks.assignment import Derivation
from checks.engine.cases import Case
from checks.grading.candidates import Candidate, Kind


def _truth_with_scalar(entry: Derivation, case: Case, name: str, value: float):
    """The id's truth on the same case with one scalar set to `value` (None if the context refuses that value)."""
    from checks.engine.truths import TRUTHS, OracleError

    try:
        changed = replace(case, params=tuple((key, value if key == name else old) for key, old in case.params))
        return TRUTHS.exact(entry, changed)
    except (ValueError, OracleError):
        return None


def _candidates(entry: Derivation) -> Iterator[Candidate]:
    for scalar in entry.context.scalars:
        for setting in dict.fromkeys((*scalar.values, *scalar.diagnostic)):
            yield Candidate((tags.SCALAR_FIXED.of(f"{scalar.name}={setting:g}"),),
                            f"the truth for {scalar.name} = {setting:g} whatever {scalar.name} is: {scalar.name} is "
                            "written in, not read", lambda o, name=scalar.name, setting=setting:
                            _truth_with_scalar(entry, o.case, name, setting))


KIND = Kind("scalar_fixed", 50, _candidates)
