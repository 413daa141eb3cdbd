"""Formulas read into numpy code, checked against values computed by hand in numpy.

A toy notation (a layer h of pre-activation z = W x + b, its ReLU mask N, a target
t), declared here, shows that nothing in the reader is specific to HW1. Its table
has no spelling for z, so a mask defined on `z_a` names an unknown argument.
"""
import numpy as np
import pytest

from checks.writeup import ContextSpec, IdSpec, ReadingSpec, QuantitySpec, read
from checks.writeup.readings import READINGS

M, K, D = 4, 3, 2


def toy_notation() -> ReadingSpec:
    leaves = {name: QuantitySpec(name, shape, True) for name, shape in
              [("x", ("m", "d")), ("W", ("k", "d")), ("b", ("k",)), ("t", ("m", "k")), ("m", ())]}
    nodes = {"z": QuantitySpec("z", ("m", "k"), False, frozenset({"x", "W", "b"})),
             "h": QuantitySpec("h", ("m", "k"), False, frozenset({"x", "W", "b", "z"})),
             "N": QuantitySpec("N", ("m", "k"), False, frozenset({"x", "W", "b", "z"})),
             "L": QuantitySpec("L", (), False, frozenset({"x", "W", "b", "h", "t", "m"}))}
    context = ContextSpec("lin", {**leaves, **nodes}, ("linear",))
    ids = (IdSpec("lin_forward", "lin", "h", None, None, ("m", "k"), "1"),
           IdSpec("lin_dL_dW", "lin", "L", "W", None, ("k", "d"), "2"),
           IdSpec("lin_dL_db", "lin", "L", "b", None, ("k",), "3"),
           IdSpec("lin_dL_dh", "lin", "L", "h", None, ("m", "k"), "4"),
           IdSpec("lin_dL_dx", "lin", "L", "x", None, ("m", "d"), "5"),
           IdSpec("lin_dh_dx", "lin", "h", "x", "iaib->iab", ("m", "k", "d"), "6"))
    return ReadingSpec(batch_axis="m", contexts={"lin": context}, ids=ids,
                    aliases={"*": {"L": "L", "m": "m"}, "lin": {"x": "x", "W": "W", "b": "b", "t": "t", "h": "h",
                                                                  "N": "N"}},
                    axis_symbols={"*": {"m": "m"}, "lin": {"k": "k", "d": "d"}})


@pytest.fixture(scope="module")
def arrays():
    rng = np.random.default_rng(7)
    x, W, b, t = rng.normal(size=(M, D)), rng.normal(size=(K, D)), rng.normal(size=K), rng.normal(size=(M, K))
    return {"x": x, "W": W, "b": b, "t": t, "h": x @ W.T + b, "m": M}


def functions_of(text: str):
    reading = read(text, toy_notation(), source_name="toy.md")
    namespace = {}
    exec(compile(reading.source, "toy_read.py", "exec"), namespace)
    return reading, namespace


def call(function, arrays):
    import inspect

    return function(**{name: arrays[name] for name in inspect.signature(function).parameters})


def test_a_forward_pass_with_column_vectors(arrays):
    reading, functions = functions_of("$$h^i = W x^i + b$$")
    np.testing.assert_allclose(call(functions["lin_forward"], arrays), arrays["x"] @ arrays["W"].T + arrays["b"])
    assert reading.provenance["lin_forward"].readings == ()


def test_row_vectors_are_detected_from_the_shapes(arrays):
    reading, functions = functions_of("$$h^i = x^i W^T + b$$")
    np.testing.assert_allclose(call(functions["lin_forward"], arrays), arrays["x"] @ arrays["W"].T + arrays["b"])
    assert "reading:row_vectors" in reading.provenance["lin_forward"].readings


def test_a_weight_gradient_as_a_sum_of_outer_products(arrays):
    _, functions = functions_of(r"$$\frac{\partial L}{\partial W} = \frac{1}{m} \sum_{i=1}^m (h^i - t^i)(x^i)^T$$")
    by_hand = sum(np.outer(arrays["h"][i] - arrays["t"][i], arrays["x"][i]) for i in range(M)) / M
    np.testing.assert_allclose(call(functions["lin_dL_dW"], arrays), by_hand)


def test_a_per_sample_gradient_written_under_a_batch_sum(arrays):
    reading, functions = functions_of(r"$$\frac{\partial L}{\partial h^i} = \frac{1}{m} \sum_{i=1}^m (h^i - t^i)$$")
    np.testing.assert_allclose(call(functions["lin_dL_dh"], arrays), (arrays["h"] - arrays["t"]) / M)
    assert reading.provenance["lin_dL_dh"].readings == ("reading:per_sample_sum",)


def test_prose_joins_a_derivative_to_its_value(arrays):
    reading, functions = functions_of(r"The gradient $\frac{\partial L}{\partial b}$ is $\sum_{i=1}^m (h^i - t^i)$.")
    np.testing.assert_allclose(call(functions["lin_dL_db"], arrays), (arrays["h"] - arrays["t"]).sum(axis=0))
    assert "reading:prose_link" in reading.provenance["lin_dL_db"].readings


def test_a_chain_of_products_is_grouped_by_its_shapes(arrays):
    reading, functions = functions_of(r"$$\frac{\partial L}{\partial x^i} = x^i \odot W^T (h^i - t^i)$$")
    by_hand = np.stack([arrays["x"][i] * (arrays["W"].T @ (arrays["h"][i] - arrays["t"][i])) for i in range(M)])
    np.testing.assert_allclose(call(functions["lin_dL_dx"], arrays), by_hand)
    assert "reading:grouping_by_shape" in reading.provenance["lin_dL_dx"].readings


def test_a_jacobian_from_its_entries_constant_across_samples(arrays):
    reading, functions = functions_of(r"$$\frac{\partial h_a}{\partial x_b} = W_{ab}$$")
    np.testing.assert_allclose(call(functions["lin_dh_dx"], arrays), np.broadcast_to(arrays["W"], (M, K, D)))
    assert "reading:scalar_broadcast" in reading.provenance["lin_dh_dx"].readings


def test_a_mask_on_an_argument_of_another_shape_reads_as_a_relu(arrays):
    text = "- $h = N \\odot (W x + b)$\n- where $N_a = 1$ if $z_a > 0$ else 0\n"
    reading, functions = functions_of(text)
    result = call(functions["lin_forward"], arrays)
    np.testing.assert_allclose(result["h"], np.maximum(arrays["x"] @ arrays["W"].T + arrays["b"], 0))
    np.testing.assert_array_equal(result["N"], (arrays["x"] @ arrays["W"].T + arrays["b"] > 0).astype(float))
    assert "reading:mask_as_relu" in reading.provenance["lin_forward"].readings


def test_elementwise_functions_norms_and_sgn_as_a_step(arrays):
    _, functions = functions_of(r"$$\frac{\partial L}{\partial h^i} = \text{sgn}(h^i) \odot \exp(t^i) \|x^i\|_2^2$$")
    by_hand = (arrays["h"] > 0) * np.exp(arrays["t"]) * (arrays["x"] ** 2).sum(axis=1, keepdims=True)
    np.testing.assert_allclose(call(functions["lin_dL_dh"], arrays), by_hand)


def test_an_unknown_symbol_leaves_its_id_undefined_and_names_the_closest(arrays):
    reading, functions = functions_of(r"$$\frac{\partial L}{\partial W} = \sum_{i=1}^m \delta^i (x^i)^T \quad (2)$$"
                                      "\n\n$$h^i = W x^i + b$$")
    assert "lin_dL_dW" not in functions and "lin_forward" in functions
    (item,) = reading.unread
    assert item.id == "lin_dL_dW" and item.quote.equation == "2" and "unknown symbol 'delta^i'" in item.reason


def test_the_generated_file_imports_numpy_only_and_declares_its_readings():
    import ast

    reading, _ = functions_of(r"$$\frac{\partial L}{\partial h^i} = \frac{1}{m} \sum_{i=1}^m \text{sgn}(h^i)$$")
    tree = ast.parse(reading.source)
    imports = {alias.name for node in ast.walk(tree) if isinstance(node, ast.Import) for alias in node.names}
    assert imports == {"numpy"} and not [n for n in ast.walk(tree) if isinstance(n, ast.ImportFrom)]
    for tag in reading.provenance["lin_dL_dh"].readings:
        assert tag in READINGS and READINGS[tag] in " ".join(reading.source.replace("#", " ").split())


def test_kronecker_deltas_and_entry_sums_become_arrays(arrays):
    reading, functions = functions_of(
        r"$$\frac{\partial L}{\partial x_{j}} = \sum_{a}\sum_{c} (h_a - t_a)\,\delta_{ac}\,W_{cj}$$")
    by_hand = (arrays["h"] - arrays["t"]) @ arrays["W"]
    np.testing.assert_allclose(call(functions["lin_dL_dx"], arrays), by_hand)


def test_an_indicator_multiplies_as_a_zero_one_mask(arrays):
    _, functions = functions_of(r"$$\frac{\partial L}{\partial h^i} = \mathbb{1}[h^i > 0] \odot (h^i - t^i)$$")
    by_hand = (arrays["h"] > 0) * (arrays["h"] - arrays["t"])
    np.testing.assert_allclose(call(functions["lin_dL_dh"], arrays), by_hand)


def test_max_with_zero_is_a_relu_and_diag_times_a_vector_is_elementwise(arrays):
    _, functions = functions_of(r"$$h^i = \max(0, W x^i + b)$$" "\n\n"
                                r"$$\frac{\partial L}{\partial h^i} = \operatorname{diag}(t^i)\,(h^i - t^i)$$")
    np.testing.assert_allclose(call(functions["lin_forward"], arrays),
                               np.maximum(arrays["x"] @ arrays["W"].T + arrays["b"], 0))
    np.testing.assert_allclose(call(functions["lin_dL_dh"], arrays), arrays["t"] * (arrays["h"] - arrays["t"]))


def test_capitals_are_batch_matrices_whose_product_sums_the_samples(arrays):
    reading, functions = functions_of(r"$$\frac{\partial L}{\partial W} = \frac{1}{m}(H - T)^\top X$$" "\n\n"
                                      r"$$\frac{\partial L}{\partial b} = (H - T)^\top \mathbf{1}$$")
    np.testing.assert_allclose(call(functions["lin_dL_dW"], arrays), (arrays["h"] - arrays["t"]).T @ arrays["x"] / M)
    np.testing.assert_allclose(call(functions["lin_dL_db"], arrays), (arrays["h"] - arrays["t"]).sum(axis=0))
    assert "reading:batch_matrix" in reading.provenance["lin_dL_dW"].readings


def test_a_helper_with_a_subscript_is_a_name_of_its_own(arrays):
    text = (r"Let $\delta_2 = h^i - t^i$ and $e_h = \frac{1}{m}\delta_2$." "\n\n"
            r"$$\frac{\partial L}{\partial W} = \sum_{i=1}^m e_h^i (x^i)^\top$$")
    _, functions = functions_of(text)
    np.testing.assert_allclose(call(functions["lin_dL_dW"], arrays), (arrays["h"] - arrays["t"]).T @ arrays["x"] / M)


def test_a_condition_in_words_defines_nothing(arrays):
    text = (r"The gradient passes only where $r = 1$, with $r = h^i - t^i$:" "\n\n"
            r"$$\frac{\partial L}{\partial h^i} = r$$")
    _, functions = functions_of(text)
    np.testing.assert_allclose(call(functions["lin_dL_dh"], arrays), arrays["h"] - arrays["t"])


def test_the_docs_list_every_declared_reading_as_declared():
    from conftest import ROOT

    page = (ROOT / "docs" / "writeups.md").read_text(encoding="utf-8")
    table = page.split("<!-- readings:start -->", 1)[1].split("<!-- readings:end -->", 1)[0]
    rows = [line.strip("| ").split(" | ", 1) for line in table.strip().splitlines()[2:]]
    assert {name.strip("`"): meaning for name, meaning in rows} == READINGS


def test_a_value_whose_sentence_goes_on_multiplying_is_not_taken_for_the_whole(arrays):
    text = r"The gradient $\frac{\partial L}{\partial x^i}$ is $W^T$ times $(h^i - t^i)$, and $h^i = W x^i + b$."
    reading, functions = functions_of(text)
    assert "lin_dL_dx" not in functions and "lin_forward" in functions
