"""Evaluating trees in the RNN model: names, sums, products and the model-aware OCR readings."""

import math

import pytest
import sympy

from grader.mathtext.atoms import Outer, Partial, Transposed
from grader.solvers import get_solver
from grader.domains.deep_learning.derivation_eval import NotInModel, base_name, evaluate

REFS = get_solver("rnn_bptt").fn(get_solver("rnn_bptt").params.model_validate({"T": 3, "seed": 4}))
SAMPLES = REFS["samples"]
E, O, H, Oh, J = (sympy.IndexedBase(n) for n in ("E", "O", "H", "Ohat", "J"))
W, U, V, k, j, kappa = sympy.symbols("W U V k j kappa")


def head(t=3):
    return sympy.Mul(Partial(E[t], O[t]), Partial(O[t], H[t]), evaluate=False)


@pytest.mark.parametrize("node, name", [
    (sympy.Symbol("Ohat"), "Ohat"), (Oh[2], "Ohat"), (sympy.Symbol("W"), "W"), (E[3], "E"), (sympy.Symbol("O_hat"), "Ohat"),
])
def test_base_names(node, name):
    assert base_name(node) == name


def test_v_formula_with_outer_and_transpose():
    expr = Outer(sympy.Add(O[2], sympy.Mul(-1, Oh[2], evaluate=False), evaluate=False), Transposed(H[2]))
    values, _ = evaluate(expr, SAMPLES, 3, 2)
    assert values == pytest.approx([s.gradient(2, "V") for s in SAMPLES])


def test_bare_jacobian_and_kappa_are_read_as_the_chain():
    """The sheet's line 67 as read without the shared repairs: κ for k, the product sign lost."""
    body = sympy.Mul(head(), Partial(H[j], H[j - 1]), Partial(H[k], W), evaluate=False)
    values, reading = evaluate(sympy.Sum(body, (kappa, 0, 3)), SAMPLES, 3, 3)
    assert values == pytest.approx([s.gradient(3, "W") for s in SAMPLES])
    assert reading.repairs == ["kappa-as-k", "unbound-jacobian-as-product"]


def test_merged_subscript_is_read_as_the_step():
    expr = sympy.Mul(Partial(E[34], O[3]), Partial(O[3], H[3]), evaluate=False)
    values, reading = evaluate(expr, SAMPLES, 3, 3)
    assert values == pytest.approx([s.atom(("E", 3), ("O", 3)) * s.atom(("O", 3), ("H", 3)) for s in SAMPLES])
    assert reading.repairs == ["subscript-E34-as-E3"]


def test_empty_product_is_one_and_empty_sum_zero():
    expr = sympy.Mul(sympy.Product(Partial(H[j], H[j - 1]), (j, 4, 3)),
                     sympy.Add(1, sympy.Sum(Partial(H[k], W), (k, 3, 2)), evaluate=False), evaluate=False)
    values, _ = evaluate(expr, SAMPLES, 3, 3)
    assert values == [1.0] * len(SAMPLES)


@pytest.mark.parametrize("expr, reason", [
    (Partial(E[3], J[2]), "not a partial of the model"),
    (J[2], "not a quantity of the model"),
    (Partial(H[j], H[j - 1]), "bound by no sum"),
    (sympy.Function("softmax")(H[3]), "cannot use"),
    (sympy.Sum(H[k], (k, 0, 100)), "too long"),
])
def test_what_the_model_cannot_evaluate(expr, reason):
    with pytest.raises(NotInModel, match=reason):
        evaluate(expr, SAMPLES, 3, 3)


def test_functions_of_the_model():
    expr = sympy.tanh(sympy.Add(sympy.Mul(U, sympy.IndexedBase("x")[1], evaluate=False), 0, evaluate=False))
    values, _ = evaluate(expr, SAMPLES, 3, 1)
    assert values == pytest.approx([math.tanh(s.values[("U", None)] * s.values[("x", 1)]) for s in SAMPLES])
    assert values == pytest.approx([s.values[("H", 1)] for s in SAMPLES])


def test_powers_without_real_value_are_not_in_the_model():
    with pytest.raises(NotInModel, match="no real value"):
        evaluate(sympy.Pow(sympy.Integer(-2), sympy.Rational(1, 2), evaluate=False), SAMPLES, 3, 3)


def test_a_general_step_is_bound_by_the_caller():
    """∂E_t/∂W = Σ_{k=1}^{t} ∂E_t/∂H_k ∂H_k/∂W with t bound to each step gives that step's gradient."""
    t = sympy.Symbol("t")
    expr = sympy.Sum(sympy.Mul(Partial(E[t], H[k]), Partial(H[k], W), evaluate=False), (k, 1, t))
    for step in (1, 2, 3):
        values, _ = evaluate(expr, SAMPLES, 3, step, {t: step})
        assert values == pytest.approx([s.gradient(step, "W") for s in SAMPLES])
    with pytest.raises(NotInModel):
        evaluate(expr, SAMPLES, 3, 3)  # t unbound: not a number


def test_capital_t_in_a_bound_or_subscript_is_the_last_step_but_not_a_transpose():
    T = sympy.Symbol("T")
    body = sympy.Mul(Partial(E[T], H[k]), Partial(H[k], U), evaluate=False)
    values, _ = evaluate(sympy.Sum(body, (k, 1, T)), SAMPLES, 3, 3)
    assert values == pytest.approx([s.gradient(3, "U") for s in SAMPLES])
    formula = sympy.Mul(sympy.Add(O[T], sympy.Mul(-1, Oh[T], evaluate=False), evaluate=False), sympy.Pow(H[T], T, evaluate=False), evaluate=False)
    values, _ = evaluate(formula, SAMPLES, 3, 3)
    assert values == pytest.approx([s.gradient(3, "V") for s in SAMPLES])
    with pytest.raises(NotInModel):
        evaluate(sympy.Mul(T, H[3], evaluate=False), SAMPLES, 3, 3)  # a bare T is no quantity


def test_subscript_letters_are_memoised_per_tree():
    from grader.domains.deep_learning.derivation_eval import _is_subscript_symbol, _subscript_symbols
    t = sympy.Symbol("t")
    tree = sympy.Mul(Partial(H[j], H[j - 1]), sympy.Sum(Partial(H[k], W), (k, 0, t)), V, evaluate=False)
    assert _subscript_symbols(tree) == (j,)   # k is bound by the sum; t is a bound, V a quantity
    tree = sympy.Mul(tree, O[t], evaluate=False)
    assert _subscript_symbols(tree) == (j, t)
    assert _is_subscript_symbol(tree, j) and not _is_subscript_symbol(tree, V) and not _is_subscript_symbol(tree, k)
    hits = _subscript_symbols.cache_info().hits
    _subscript_symbols(tree)
    assert _subscript_symbols.cache_info().hits == hits + 1
