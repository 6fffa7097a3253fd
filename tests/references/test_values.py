"""What items receive (``to_reference``) and what ``grader validate`` prints (``show``)."""

from fractions import Fraction as F

import sympy

from grader.numbers import as_fraction
from grader.references import RefList, evaluate_formula, show, to_reference
from grader.types.matrix import is_vector, matrix_of

X = sympy.Symbol("x")


def test_numbers_are_ints_fractions_or_exact_sympy_numbers():
    assert type(to_reference(evaluate_formula("6/3"))) is int
    assert to_reference(evaluate_formula("0.95")) == F(19, 20)
    root = to_reference(evaluate_formula("sqrt(2)"))
    assert root == sympy.sqrt(2) and as_fraction(root) == F("1.4142135623730951")  # numeric reads it


def test_formulas_use_the_names_of_the_latex_reader():
    positive = sympy.Symbol("x", positive=True)
    value = to_reference(evaluate_formula("e * x + pi * x^2 + exp(x)", {"x": positive}))
    e, pi, x = sympy.Symbol("e"), sympy.Symbol("pi"), sympy.Symbol("x")
    assert value == e * x + pi * x**2 + sympy.exp(x)  # plain symbols: a student's x has no assumptions
    assert to_reference(evaluate_formula("pi")) is sympy.pi  # a number stays a number for numeric


def test_vectors_and_matrices_are_what_the_matrix_type_reads():
    column = to_reference(evaluate_formula("[1/2, 3]"))
    assert isinstance(column, RefList) and isinstance(column, tuple) and column == (F(1, 2), 3)
    assert is_vector(column) and matrix_of(column) == [[F(1, 2)], [F(3)]]
    rows = to_reference(evaluate_formula("[[1, 2], [3, 4]]"))
    assert not is_vector(rows) and matrix_of(rows) == [[1, 2], [3, 4]]
    assert to_reference(evaluate_formula("transpose([1, 2])")) == ((1, 2),)
    assert str(column) == "[1/2, 3]" and str(rows) == "[[1, 2], [3, 4]]"  # as feedback prints them


def test_truth_values_are_bools():
    assert to_reference(evaluate_formula("true")) is True


def test_show_is_exact_then_decimal():
    assert show(evaluate_formula("19/217")) == "19/217 ≈ 0.0875576"
    assert show(evaluate_formula("5")) == "5"
    assert show(evaluate_formula("x^2/2", {"x": X})) == "x^2/2"
    assert show(evaluate_formula("[[1/2, 1], [0, 2]]")) == "[[1/2, 1], [0, 2]] ≈ [[0.5, 1], [0, 2]]"
    assert show(evaluate_formula("if(x < 0, 0, x)", {"x": X})) == "piecewise((0, x < 0), (x, otherwise))"
    assert show(evaluate_formula("sqrt(-4)")) == "2*I"
    assert len(show(evaluate_formula("factorial(1000)"))) == 300  # clipped for the terminal
