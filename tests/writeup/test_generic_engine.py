"""The generic reader holds no assignment's names: those come from the notation table and the specs passed in."""
import re
from pathlib import Path

from checks.registry import REGISTRY
from checks.vocabulary import CONTEXTS
from checks.writeup.evaluate import VECTOR_FUNCTIONS

ENGINE = Path(__file__).parent.parent.parent / "checks" / "writeup"
ADAPTER = "adapter.py"


def hw1_names() -> set[str]:
    """Ids, context names, and vocabulary names specific enough to be HW1's (with a digit or an underscore).

    A context named like a mathematical function the grammar reads (softmax) is not counted: the
    function's name is math, not HW1.
    """
    vocabulary = {name for quantities in CONTEXTS.values() for name in quantities if re.search(r"\d|_", name)}
    contexts = {f'"{context}"' for context in CONTEXTS if context not in VECTOR_FUNCTIONS.values()}
    return {entry.id for entry in REGISTRY} | vocabulary | contexts


def test_no_hw1_name_appears_outside_the_adapter():
    names = hw1_names()
    found = []
    for path in sorted(ENGINE.glob("*.py")):
        if path.name == ADAPTER:
            continue
        text = path.read_text(encoding="utf-8")
        found += [(path.name, name) for name in names
                  if re.search(rf"(?<![A-Za-z0-9_]){re.escape(name)}(?![A-Za-z0-9_])", text)]
    assert found == []


def test_the_scan_would_see_a_name_if_one_were_there():
    names = hw1_names()
    assert "theta2B" in names and "eq05_dL_dz1B" in names and '"net"' in names
    assert re.search(r"(?<![A-Za-z0-9_])theta2B(?![A-Za-z0-9_])", (ENGINE / ADAPTER).read_text()) is None
