"""Every registered derivation of the code under test agrees with autograd and numeric differentiation."""
import pytest

from checks.properties import check_property
from checks.registry import REGISTRY


@pytest.mark.parametrize("entry", REGISTRY, ids=lambda entry: entry.id)
def test_derivation_matches_both_oracles(entry, submission, requires):
    requires(entry.id)
    check_property(entry, submission)
