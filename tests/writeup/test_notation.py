"""The notation students use, read the same whichever way it is spelled; failure that stays local and says why.

Each test states the expected reading (or message) first and compares what the
reader makes of a small write-up in HW1's notation against it.
"""
import pytest

from checks.writeup import read
from checks.writeup.math.normalize import REWRITES, normalize


def body_of(reading, id):
    """The statements and return line of one generated function (its docstring and comments left out)."""
    source = reading.source
    start = source.index(f"def {id}(")
    end = source.find("\ndef ", start + 1)
    lines = source[start:end if end > 0 else None].splitlines()
    closing = next(i for i, line in enumerate(lines) if i > 0 and line.strip().endswith('"""'))
    return [line.strip() for line in lines[closing + 1:] if line.strip() and not line.strip().startswith("#")]


EQ03 = (r"$$\frac{{\partial L}}{{\partial \theta_{{2B}}}} = "
        r"\frac{{1}}{{m}}\sum_{{i=1}}^m (\hat y_B^i - y_B^i)(x_{{2B}}^i){mark}$$")


@pytest.mark.parametrize("mark", ["^T", "^{T}", r"^\top", r"^{\top}", r"^\intercal", r"^{\mathsf{T}}",
                                  r"^{\mathrm{T}}"])
def test_every_transpose_spelling_reads_as_the_transpose(notation, mark):
    expected = body_of(read(EQ03.format(mark="^T"), notation, source_name="a.md"), "eq03_dL_dtheta2B")
    reading = read(EQ03.format(mark=mark), notation, source_name="a.md")
    assert body_of(reading, "eq03_dL_dtheta2B") == expected


def test_a_prime_is_a_transpose_only_where_the_write_up_says_so(notation):
    declared = "We write $A'$ for the transpose of $A$.\n\n" + EQ03.format(mark="'")
    assert body_of(read(declared, notation, source_name="a.md"), "eq03_dL_dtheta2B") == \
        body_of(read(EQ03.format(mark="^T"), notation, source_name="a.md"), "eq03_dL_dtheta2B")
    undeclared = read(EQ03.format(mark="'"), notation, source_name="a.md")
    assert "eq03_dL_dtheta2B" not in undeclared.provenance


@pytest.mark.parametrize("spelling", [r"\mathrm{softmax}", r"\operatorname{softmax}", r"\text{Softmax}",
                                      r"\operatorname*{softmax}", r"\mathop{\mathrm{softmax}}"])
def test_function_names_in_any_font_name_the_same_function(notation, spelling):
    text = (r"$$\hat{y}_A = \theta_{2A}(M \odot \sin(\theta_{1A} x + b_{1A})) + b_{2A}$$" "\n\n"
            rf"$$\hat{{y}}_B = {spelling}(\theta_{{2B}}(\max(0, h_{{BN}}) + \hat y_A) + b_{{2B}})$$" "\n\n"
            r"where $h_{BN} = \gamma \odot \frac{z_{1B} - \mu}{\sqrt{\sigma^2 + \epsilon}} + \beta$, "
            r"$z_{1B} = \theta_{1B} x + b_{1B}$, $\mu = \frac{1}{m}\sum_{i=1}^m z_{1B}^i$ and "
            r"$\sigma^2 = \frac{1}{m}\sum_{i=1}^m (z_{1B}^i - \mu)^2$.")
    reading = read(text, notation, source_name="a.md")
    assert "forward_yB_hat" in reading.provenance, [item.reason for item in reading.unread]
    assert "softmax(" in "\n".join(body_of(reading, "forward_yB_hat"))


def test_every_rewrite_of_the_normalizer_is_declared_and_keeps_the_mathematics():
    assert set(REWRITES) >= {"braced_arguments", "derivatives", "ones", "unbalanced_sizes", "alignment_comments"}
    assert normalize(r"\frac1m \hat y") == r"\frac{1}{m} \hat{y}"
    for spelling in (r"\partial L/\partial W", r"\frac{dL}{dW}", r"\frac{\mathrm{d}L}{\mathrm{d}W}", r"\nabla_{W} L"):
        assert " ".join(normalize(spelling).split()) == r"\frac{\partial L}{\partial W}", spelling
    assert normalize(r"\mathbb{1}[h > 0] \mathbf 1") == r"\ones[h > 0] \ones"
    assert normalize(r"\cos\left(x + b)") == r"\cos(x + b)"
    assert " ".join(normalize(r"\begin{aligned} a &= b && \text{(chain rule)} \end{aligned}").split()) == \
        r"\begin{aligned} a &= b \end{aligned}"


def test_an_unreadable_row_costs_that_row_only(notation):
    text = (r"$$\begin{aligned}"
            r"\frac{\partial L}{\partial \theta_{2B}} &= \frac{1}{m}\sum_{i=1}^m (\hat y_B^i - y_B^i)(x_{2B}^i)^T \\"
            r"\frac{\partial L}{\partial b_{2B}} &= \underbrace{\frac{1}{m}\sum_{i=1}^m (\hat y_B^i - y_B^i)}_{g} \\"
            r"\frac{\partial L}{\partial x_{2B}^i} &= \frac{1}{m}\theta_{2B}^T(\hat y_B^i - y_B^i)"
            r"\end{aligned}$$")
    reading = read(text, notation, source_name="a.md")
    assert set(reading.provenance) == {"eq03_dL_dtheta2B", "eq04_dL_dx2B"}
    (item,) = reading.unread
    assert item.id == "eq03_dL_db2B" and "`\\underbrace` (an underbrace) is not read" in item.reason
    assert item.quote.latex.startswith(r"\frac{\partial L}{\partial b_{2B}}")


def test_an_unreadable_middle_step_of_a_chain_leaves_its_last_member(notation):
    text = (r"$$\frac{\partial L}{\partial b_{2B}} = \underbrace{\sum_{i} g^i}_{\text{by (3)}} = "
            r"\frac{1}{m}\sum_{i=1}^m (\hat y_B^i - y_B^i)$$")
    reading = read(text, notation, source_name="a.md")
    assert "eq03_dL_db2B" in reading.provenance
    assert "middle step could not be read" in reading.provenance["eq03_dL_db2B"].note


def test_an_equation_using_an_unread_one_says_which_and_why(notation):
    text = ("## 2.2\n\n"
            r"$$\frac{\partial L}{\partial \hat y_A^i} = \frac{1}{m}(\hat y_A^i - y_A^i) + \ldots$$" "\n\n"
            r"$$\frac{\partial L}{\partial z_{DP}^i} = \theta_{2A}^T \frac{\partial L}{\partial \hat y_A^i}$$")
    reading = read(text, notation, source_name="a.md")
    reasons = {item.id: item.reason for item in reading.unread}
    assert "formula is unfinished" in reasons["eq10_dL_dyA_hat"]
    assert reasons["eq11_dL_dzDP"].startswith("it uses ∂L/∂yA_hat (eq10_dL_dyA_hat), derived at line 3, section "
                                              "2.2, but that equation was not read: `\\dots` stands for terms left out")


def test_an_unreadable_formula_after_macro_expansion_names_the_macro(notation):
    text = ("$\\newcommand{\\grad}[1]{\\frac{\\partial L}{\\partial #1} \\odto}$\n\n"
            "$$\\grad{b_{2B}} = \\frac{1}{m}\\sum_{i=1}^m (\\hat y_B^i - y_B^i)$$")
    (item,) = read(text, notation, source_name="a.md").unread
    assert "`\\odto` is not a LaTeX command the reader knows" in item.reason
    assert "after expanding the write-up's macros: `\\grad` is a macro defined at line 1 with 1 argument" in item.reason


def test_a_helper_defined_in_words_with_any_subscript(notation):
    text = (r"Let $\delta_2 = \frac{1}{m}(\hat{y}_B - y_B)$ and define $e_A := \theta_{2B}^T \delta_2$." "\n\n"
            r"$$\frac{\partial L}{\partial \theta_{2B}} = \sum_{i=1}^m \delta_2^i (x_{2B}^i)^T, \qquad "
            r"\frac{\partial L}{\partial x_{2B}} = e_A$$")
    reading = read(text, notation, source_name="a.md")
    assert {"eq03_dL_dtheta2B", "eq04_dL_dx2B"} <= set(reading.provenance), [i.reason for i in reading.unread]
    assert "delta_2 = " in reading.source and "e_A = " in reading.source
