"""The engine (`checks/`) names no assignment: no id, context, quantity or axis of any shipped declaration.

Every name a declaration introduces that is more than a generic symbol (a
one- or two-letter name like `x`, `m`, `L` or `dy`, or an ordinary word) must be
absent from the engine's code and strings, so that an assignment can only reach
the engine as a value handed down from `checks.assignments`.
"""
import io
import keyword
import re
import tokenize
from pathlib import Path

from helpers import ASSIGNMENTS

ENGINE = Path(__file__).resolve().parent.parent / "checks"
GREEK = {"alpha", "beta", "gamma", "delta", "epsilon", "zeta", "eta", "theta", "iota", "kappa", "lambda", "mu", "nu",
         "xi", "pi", "rho", "sigma", "tau", "upsilon", "phi", "chi", "psi", "omega"}
GENERIC = {"var", "eps", "softmax", "out", "dout", "pad", "stride"} | GREEK
"""Names that are ordinary words of mathematics and numerical code (a variance, a machine epsilon, the softmax
function and the Greek letters the write-up grammar knows; a layer's output and its upstream gradient, which the
engine's synonyms of an upstream gradient list; a convolution's padding and stride, which the size declarations
take as their example), whichever assignment also uses them."""


def declared_names() -> set[str]:
    names = set()
    for assignment in ASSIGNMENTS:
        names |= {assignment.name} | set(assignment.by_id) | {context.name for context in assignment.contexts}
        names |= {name for context in assignment.contexts for name in context.vocabulary}
        names |= {axis.name for axis in assignment.axes}
        names |= {variant.name for variant in assignment.catalog}
    return {name for name in names if len(name) > 2 and name not in GENERIC and not keyword.iskeyword(name)}


def engine_words() -> dict[str, set[str]]:
    """Every identifier and every word inside a string or comment, per engine file."""
    found = {}
    for path in sorted(ENGINE.rglob("*.py")) + sorted(ENGINE.rglob("*.toml")) + sorted(ENGINE.rglob("*.lark")):
        text = path.read_text()
        words = set(re.findall(r"[A-Za-z_][A-Za-z0-9_]*", text))
        if path.suffix == ".py":
            for token in tokenize.generate_tokens(io.StringIO(text).readline):
                if token.type == tokenize.NAME:
                    words.add(token.string)
        found[str(path.relative_to(ENGINE.parent))] = words
    return found


def test_the_engine_holds_no_name_of_any_assignment():
    names = declared_names()
    leaks = {file: sorted(words & names) for file, words in engine_words().items() if words & names}
    assert leaks == {}


def test_the_check_itself_would_see_a_leak():
    names = declared_names()
    assert {"theta2B", "eq05_dL_dz1B", "hw1"} <= names
    assert "theta2B" in set(re.findall(r"[A-Za-z_][A-Za-z0-9_]*", "x @ theta2B.T"))
