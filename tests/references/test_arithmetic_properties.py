"""Properties: the reader and evaluator agree with Python's Fraction arithmetic on random exact rationals."""

from __future__ import annotations

import statistics
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction as F

import pytest
import sympy
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from grader.references import FormulaError, evaluate_formula, to_reference
from grader.references.given import read_given

SETTINGS = settings(max_examples=150, deadline=None)

rationals = st.fractions(min_value=-1000, max_value=1000, max_denominator=1000)


def literal(value: F, style: int) -> str:
    """``value`` as an author may write it: a fraction, an integer, or a terminating decimal."""
    if value.denominator == 1:
        text = str(value.numerator)
    elif style % 2 and 10**12 % value.denominator == 0:
        text = str(Decimal(value.numerator) / Decimal(value.denominator))
    else:
        text = f"{value.numerator}/{value.denominator}"
    return f"({text})"


@st.composite
def leaves(draw):
    value = draw(rationals)
    return ("num", value, literal(value, draw(st.integers(0, 3))))


def branches(children):
    return st.one_of(
        st.tuples(st.sampled_from(["+", "-", "*", "/"]), children, children),
        st.tuples(st.just("^"), children, st.integers(-3, 3)),
        st.tuples(st.just("neg"), children),
    )


trees = st.recursive(leaves(), branches, max_leaves=10)


def render(tree) -> str:
    kind = tree[0]
    if kind == "num":
        return tree[2]
    if kind == "neg":
        return f"(-{render(tree[1])})"
    if kind == "^":
        return f"({render(tree[1])}^{tree[2]})"
    return f"({render(tree[1])} {kind} {render(tree[2])})"


def fraction_value(tree) -> F:
    """The same tree computed with Python's Fraction (raises ZeroDivisionError where it divides by 0)."""
    kind = tree[0]
    if kind == "num":
        return tree[1]
    if kind == "neg":
        return -fraction_value(tree[1])
    if kind == "^":
        return fraction_value(tree[1]) ** tree[2]
    left, right = fraction_value(tree[1]), fraction_value(tree[2])
    return {"+": left + right, "-": left - right, "*": left * right}[kind] if kind != "/" else left / right


@SETTINGS
@given(trees)
def test_arithmetic_equals_python_fractions(tree):
    text = render(tree)
    try:
        expected = fraction_value(tree)
    except ZeroDivisionError:
        with pytest.raises(FormulaError, match="division by zero"):
            evaluate_formula(text)
        return
    try:
        got = evaluate_formula(text)
    except FormulaError as exc:
        # Nested powers may pass the size limit on the way: that is the only refusal allowed.
        assert "power too large" in exc.message or "digits" in exc.message, exc
        return
    assert to_reference(got) == expected


@SETTINGS
@given(rationals, rationals)
def test_comparisons_in_conditions_equal_python_comparisons(a, b):
    names = {"a": a, "b": b}
    for op, expected in (("<", a < b), ("<=", a <= b), (">", a > b), (">=", a >= b), ("=", a == b), ("!=", a != b)):
        assert evaluate_formula(f"if(a {op} b, 1, 0)", names) == int(expected)


@SETTINGS
@given(st.decimals(min_value=-10**6, max_value=10**6, places=6, allow_nan=False, allow_infinity=False))
def test_a_yaml_decimal_is_read_as_the_decimal_written(number):
    text = format(number, "f")
    raw = yaml.safe_load(f"p: {text}")["p"]  # a float (or an int) as YAML gives it
    value = read_given("p", raw, lambda formula: evaluate_formula(formula))
    assert to_reference(value) == F(text)


@SETTINGS
@given(st.lists(rationals, min_size=1, max_size=12))
def test_statistics_equal_pythons(values):
    names = {"xs": values}
    assert to_reference(evaluate_formula("mean(xs)", names)) == statistics.mean(values)
    assert to_reference(evaluate_formula("median(xs)", names)) == statistics.median(values)
    assert to_reference(evaluate_formula("variance(xs)", names)) == statistics.pvariance(values)
    if len(values) > 1:
        assert to_reference(evaluate_formula("sample_variance(xs)", names)) == statistics.variance(values)


@SETTINGS
@given(rationals, st.integers(0, 6))
def test_round_rounds_halves_away_from_zero_like_the_decimal_module(value, places):
    quotient = Decimal(value.numerator) / Decimal(value.denominator)
    expected = F(str(quotient.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)))
    assert to_reference(evaluate_formula(f"round(x, {places})", {"x": value})) == expected


@SETTINGS
@given(st.lists(st.lists(st.integers(-9, 9), min_size=2, max_size=2), min_size=2, max_size=2))
def test_a_2x2_inverse_times_the_matrix_is_the_identity_or_it_is_singular(rows):
    determinant = F(rows[0][0] * rows[1][1] - rows[0][1] * rows[1][0])
    names = {"A": rows}
    if determinant == 0:
        with pytest.raises(FormulaError, match="singular"):
            evaluate_formula("inv(A)", names)
        return
    assert to_reference(evaluate_formula("inv(A) * A", names)) == ((1, 0), (0, 1))
    assert to_reference(evaluate_formula("det(A)", names)) == determinant
    assert evaluate_formula("det(inv(A))", names) == sympy.Rational(1) / sympy.Rational(determinant.numerator, determinant.denominator)
