"""The grammar: what a formula parses into (tags, chains, cases, scripts, matrices) and how it refuses."""
import pytest

from checks.writeup.math.parse import FormulaSyntaxError, parse
from checks.writeup.math.tree import (Cases, Derivative, Dots, Matrix, Norm, Product, Relation, Scripted, Sum, spell,
                                      walk)


def only(formula):
    (row,) = formula.rows
    (clause,) = [c for c in row.clauses]
    return clause


@pytest.mark.parametrize("latex, tag", [(r"a = b \quad (3)", "3"), (r"a = b \tag{1.2a}", "1.2a"), (r"a = b", None)])
def test_equation_tags(latex, tag):
    assert parse(latex).tag == tag


def test_an_aligned_chain_is_one_relation_with_every_step():
    formula = parse(r"\begin{aligned} y &= a + b \\ &= c \\ &= d \end{aligned} \quad (2)")
    chain = only(formula)
    assert isinstance(chain, Relation) and [spell(item) for item in chain.items] == ["y", "a+b", "c", "d"]
    assert formula.tag == "2"


def test_scripts_keep_their_parts_and_spelling():
    symbol = only(parse(r"\hat{\mathbf{y}}_{B,k}^i"))
    assert isinstance(symbol, Scripted)
    assert spell(symbol.base) == "hat y" and symbol.sub.spelling == "B,k" and symbol.sup.spelling == "i"
    assert only(parse(r"\boldsymbol{\theta}_{2B}")).sub.spelling == "2B"


def test_a_derivative_and_a_sum_whose_body_is_the_rest_of_the_product():
    chain = only(parse(r"\frac{\partial L}{\partial W} = \frac{1}{m} \sum_{i=1}^m a^i (b^i)^T + c"))
    assert isinstance(chain.items[0], Derivative)
    sums = [node for node in walk(chain) if isinstance(node, Sum)]
    assert len(sums) == 1 and spell(sums[0].body) == "a^i(b^i)^T"


def test_cases_rows_keep_value_and_condition():
    cases = only(parse(r"\begin{cases} 1, & x > 0 \\ 0, & \text{otherwise} \end{cases}"))
    assert isinstance(cases, Cases) and len(cases.rows) == 2
    assert isinstance(cases.rows[0].condition.clauses[0], Relation)


def test_a_column_with_dots_rows():
    matrix = only(parse(r"\begin{bmatrix} a_1 \\ \dots \\ a_b \end{bmatrix}"))
    assert isinstance(matrix, Matrix) and isinstance(matrix.rows[1][0], Dots)


def test_norms_and_sized_delimiters():
    norm = only(parse(r"\left\| \hat{y} - y \right\|_2^2"))
    assert isinstance(norm, Scripted) and isinstance(norm.base, Norm) and norm.sup.spelling == "2"
    product = only(parse(r"\left(1 - \frac{1}{m}\right) x"))
    assert isinstance(product, Product)


def test_prose_inside_a_formula_separates_its_clauses():
    (row,) = parse(r"y = \frac{a}{b}, \text{ where } b = c").rows
    assert [type(c).__name__ for c in row.clauses] == ["Relation", "Prose", "Relation"]


@pytest.mark.parametrize("latex, says", [
    (r"\prod_{k=1}^n a_k", r"`\\prod` \(a product over an index\) is not read, in `…\\prod_\{k=1\}\^n a_k…`"),
    (r"a = \frac{1}{", r"the formula ends before it is complete \(`\{` is never closed\)"),
    (r"\int_0^1 x", r"`\\int` \(an integral\) is not read"),
    (r"a \odto b", r"`\\odto` is not a LaTeX command the reader knows, nor a macro the write-up defines; did you "
                  r"mean `\\odot`\?"),
    (r"\cos(\theta x + b", r"ends before it is complete \(`\(` is never closed\)"),
])
def test_unsupported_constructs_are_refused_naming_the_construct(latex, says):
    with pytest.raises(FormulaSyntaxError, match=says):
        parse(latex)
