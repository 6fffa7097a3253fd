"""Every function of the reference language, against an independent computation.

The expected values come from Python's fractions, math, statistics and decimal
modules and from numpy, not from sympy, so a wrong sympy construction (a
population variance divided by n - 1, a transpose where an inverse was meant)
shows up. Exact results are compared exactly; transcendental ones to 1e-12.
"""

from __future__ import annotations

import math
import statistics
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction as F

import numpy as np
import pytest
import sympy

from grader.references import evaluate_formula, to_reference
from grader.references.functions import FUNCTIONS
from grader.references.reader import Call, read_formula, walk

X = sympy.Symbol("x")
XS = [2, 4, 4, 5, 9, F(1, 2)]
A = [[2, 1], [1, 3]]
B = [[1, 2, 3], [4, 5, 6]]
C = [[1, 2, 0], [0, 1, 4], [5, 6, 0]]
U, V = [1, -2, 2], [3, 0, 4]
NAMES = {"x": X, "xs": XS, "A": A, "B": B, "C": C, "u": U, "v": V, "b": [1, 2], "zero": 0, "n": 7}


def ev(formula: str):
    return evaluate_formula(formula, NAMES)


def number(value) -> float:
    return float(sympy.N(value, 30))


def at(value, point: float) -> float:
    """A formula with x evaluated at a point (a test helper; rubric text never goes this way)."""
    return float(sympy.N(value.xreplace({X: sympy.Float(point, 30)}), 30))


def half_up(value: F, places: int) -> F:
    """``value`` rounded to ``places`` decimals, halves away from zero, by the decimal module."""
    quotient = Decimal(value.numerator) / Decimal(value.denominator)
    return F(str(quotient.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)))


def simpson(f, a: float, b: float, n: int = 2000) -> float:
    h = (b - a) / n
    return h / 3 * (f(a) + f(b) + sum((4 if i % 2 else 2) * f(a + i * h) for i in range(1, n)))


EXACT = [
    # arithmetic
    ("1/3 + 0.1", F(1, 3) + F(1, 10)),
    ("(2/3)^-2 - 7/4", F(2, 3) ** -2 - F(7, 4)),
    ("2^3^2", 2 ** 3 ** 2),
    ("-2^2", -(2 ** 2)),
    ("1e-3 * 2.5E+4", F(1, 1000) * 25000),
    # elementary with exact results
    ("root(27, 3)", 3),
    ("root(-8, 3)", -2),
    ("sqrt(49/4)", F(7, 2)),
    ("log(8, 2)", 3),
    ("log(e^3)", 3),
    ("ln(1)", 0),
    ("exp(0)", 1),
    ("sigmoid(0)", F(1, 2)),
    ("abs(-3/4)", F(3, 4)),
    ("floor(-7/2)", math.floor(F(-7, 2))),
    ("ceil(-7/2)", math.ceil(F(-7, 2))),
    ("min(3, 1/2, 2)", min(3, F(1, 2), 2)),
    ("max(xs)", max(XS)),
    ("min(xs)", min(XS)),
    ("round(2.675, 2)", half_up(F(2675, 1000), 2)),
    ("round(-2.5)", half_up(F(-5, 2), 0)),
    ("round(1/3, 4)", half_up(F(1, 3), 4)),
    ("round(1234.5, -2)", half_up(F(12345, 10), -2)),
    ("round(sqrt(2), 3)", half_up(F(math.isqrt(2 * 10**40), 10**20), 3)),
    ("N(1/3, 3)", F(333, 1000)),
    ("N(pi, 5)", F(31416, 10000)),
    ("N(2/3, 2)", F(67, 100)),
    ("subs(x^2 + 1, x, 3)", 10),
    ("simplify(sin(x)^2 + cos(x)^2)", 1),
    ("if(3 > 2, 1, 0)", 1),
    ("if(n > 0, 1/n, 0)", F(1, 7)),
    ("if(zero > 0, 1/zero, 0)", 0),  # the branch not taken is never computed
    ("if(n > 0 and n < 5, 1, 2)", 2),
    ("if(not n = 7, 1, 2)", 2),
    ("if(n != 7 or true, 1, 2)", 1),
    ("piecewise((-1, n < 0), (0, n = 0), (1, otherwise))", 1),
    # counting
    ("factorial(20)", math.factorial(20)),
    ("factorial(0)", 1),
    ("nCr(30, 12)", math.comb(30, 12)),
    ("nCr(3, 5)", math.comb(3, 5)),
    ("nPr(10, 3)", math.perm(10, 3)),
    ("nPr(3, 5)", math.perm(3, 5)),
    # statistics (statistics works exactly on Fractions)
    ("mean(xs)", statistics.mean(F(x) for x in XS)),
    ("mean(1, 2, 4)", statistics.mean([F(1), F(2), F(4)])),
    ("median(xs)", statistics.median(F(x) for x in XS)),
    ("median(3, 1, 2)", statistics.median([3, 1, 2])),
    ("variance(xs)", statistics.pvariance([F(x) for x in XS])),
    ("sample_variance(xs)", statistics.variance([F(x) for x in XS])),
    ("std([2, 4, 4, 4, 5, 5, 7, 9])", statistics.pstdev([2, 4, 4, 4, 5, 5, 7, 9])),
    # probability
    ("binomial_pmf(3, 10, 0.25)", math.comb(10, 3) * F(1, 4) ** 3 * F(3, 4) ** 7),
    ("binomial_pmf(11, 10, 0.25)", 0),
    ("binomial_cdf(3, 10, 0.25)", sum(math.comb(10, i) * F(1, 4) ** i * F(3, 4) ** (10 - i) for i in range(4))),
    ("binomial_cdf(20, 10, 0.25)", 1),
    # sums and products
    ("sum(k^2, k, 1, 10)", sum(k * k for k in range(1, 11))),
    ("sum(k^2, k, 1, 10^6)", 10**6 * (10**6 + 1) * (2 * 10**6 + 1) // 6),
    ("sum(1/2^k, k, 1, oo)", 1),
    ("sum(k, k, 5, 4)", 0),
    ("sum(A[k, k], k, 1, 2)", 5),
    ("product(k, k, 1, 6)", math.prod(range(1, 7))),
    ("product(1 + 1/k, k, 1, 9)", math.prod(1 + F(1, k) for k in range(1, 10))),
    # calculus with exact results
    ("integrate(x^2*exp(-x), x, 0, oo)", math.gamma(3)),
    ("integrate(sin(x), x, 0, pi)", 2),
    ("integrate(3*x^2, x, 0, 2)", 8),
    ("limit(sin(x)/x, x, 0)", 1),
    ("limit((x^2 - 1)/(x - 1), x, 1)", 2),
    ("diff(x^3, x, 2)", None),  # checked below as a formula
    # matrices (exact entries against Fraction arithmetic)
    ("det(A)", 2 * 3 - 1 * 1),
    ("det(C)", int(round(np.linalg.det(np.array(C, dtype=float))))),
    ("trace(C)", int(np.trace(np.array(C)))),
    ("dot(u, v)", int(np.dot(U, V))),
    ("norm(u)", 3),
    ("A[2, 1]", A[1][0]),
    ("b[2]", 2),
    ("dot(b, b)", 5),
    ("total(C)", int(np.array(C).sum())),
    ("total(xs)", sum(F(x) for x in XS)),
    ("len(xs)", len(XS)),
]


@pytest.mark.parametrize("formula, expected", [case for case in EXACT if case[1] is not None])
def test_exact_results(formula, expected):
    assert to_reference(ev(formula)) == expected


APPROX = [
    ("sqrt(2)", math.sqrt(2)),
    ("root(10, 4)", 10 ** 0.25),
    ("exp(0.5)", math.exp(0.5)),
    ("log(10)", math.log(10)),
    ("log(10, 3)", math.log(10, 3)),
    ("ln(2)", math.log(2)),
    ("sin(0.3)", math.sin(0.3)),
    ("cos(0.3)", math.cos(0.3)),
    ("tan(0.3)", math.tan(0.3)),
    ("asin(0.3)", math.asin(0.3)),
    ("acos(0.3)", math.acos(0.3)),
    ("atan(0.3)", math.atan(0.3)),
    ("sinh(0.3)", math.sinh(0.3)),
    ("cosh(0.3)", math.cosh(0.3)),
    ("tanh(0.3)", math.tanh(0.3)),
    ("erf(0.4)", math.erf(0.4)),
    ("sigmoid(0.7)", 1 / (1 + math.exp(-0.7))),
    ("pi", math.pi),
    ("e", math.e),
    ("std(xs)", statistics.pstdev([float(x) for x in XS])),
    ("sample_std(xs)", statistics.stdev([float(x) for x in XS])),
    ("normal_pdf(0.3, mu=1, sigma=2)", statistics.NormalDist(1, 2).pdf(0.3)),
    ("normal_pdf(0)", statistics.NormalDist().pdf(0)),
    ("normal_cdf(1.96)", statistics.NormalDist().cdf(1.96)),
    ("normal_cdf(110, 100, 10)", statistics.NormalDist(100, 10).cdf(110)),
    ("normal_cdf(95, sigma=10, mu=100)", statistics.NormalDist(100, 10).cdf(95)),
    ("poisson_pmf(4, 2.5)", 2.5 ** 4 * math.exp(-2.5) / math.factorial(4)),
    ("poisson_cdf(4, 2.5)", sum(2.5 ** i * math.exp(-2.5) / math.factorial(i) for i in range(5))),
    ("norm(B)", float(np.linalg.norm(np.array(B)))),
    ("integrate(exp(-x^2), x, 0, 1)", simpson(lambda t: math.exp(-t * t), 0, 1)),
    ("limit((1 + 1/x)^x, x, oo)", math.e),
    ("sum(x^k / factorial(k), k, 0, oo)", None),  # a formula: below
]


@pytest.mark.parametrize("formula, expected", [case for case in APPROX if case[1] is not None])
def test_transcendental_results(formula, expected):
    assert number(ev(formula)) == pytest.approx(expected, rel=1e-12, abs=1e-14)


FORMULAS = [
    # (formula, independent function of x, points)
    ("diff(x^2*exp(-x), x)", lambda t: (2 * t - t * t) * math.exp(-t)),
    ("diff(sin(x), x, 3)", lambda t: -math.cos(t)),
    ("diff(x^3, x, 2)", lambda t: 6 * t),
    ("integrate(2*x*cos(x^2), x)", lambda t: math.sin(t * t)),
    ("expand((x + 1)^3)", lambda t: (t + 1) ** 3),
    ("factor(x^2 - 5*x + 6)", lambda t: (t - 2) * (t - 3)),
    ("simplify((x^2 - 1)/(x - 1))", lambda t: t + 1),
    ("sum(x^k / factorial(k), k, 0, oo)", math.exp),
    ("subs(x^2 + x, x, 2*x)", lambda t: 4 * t * t + 2 * t),
    ("piecewise((0, x < 0), (x, otherwise))", lambda t: max(t, 0.0)),
    ("if(x > 1, x^2, 1)", lambda t: t * t if t > 1 else 1.0),
    ("abs(x - 1)", lambda t: abs(t - 1)),
    ("max(x, 1/2)", lambda t: max(t, 0.5)),
    ("min(x, 1/2)", lambda t: min(t, 0.5)),
    ("floor(x)", math.floor),
    ("ceil(x)", math.ceil),
    ("N(x/3, 4)", lambda t: 0.3333 * t),
]


@pytest.mark.parametrize("formula, expected", FORMULAS)
def test_formula_results_agree_at_points(formula, expected):
    value = ev(formula)
    assert X in value.free_symbols
    for point in (-1.3, 0.2, 0.7, 1.9, 2.6):
        assert at(value, point) == pytest.approx(expected(point), rel=1e-12, abs=1e-12)


def test_expand_and_factor_change_the_form_not_the_value():
    assert isinstance(ev("expand((x + 1)^3)"), sympy.Add)
    assert isinstance(ev("factor(x^2 - 5*x + 6)"), sympy.Mul)


@pytest.mark.parametrize("formula, expected", [
    ("solve(x^2 - 5*x + 6, x)", np.roots([1, -5, 6])),
    ("solve(x^3 = 2*x, x)", np.roots([1, 0, -2, 0])),
    ("solve(2*x + 1 = 0, x)", np.roots([2, 1])),
    ("solve(x^2 = 2, x)", np.roots([1, 0, -2])),
])
def test_solve_returns_every_real_root_smallest_first(formula, expected):
    roots = [number(r) for r in to_reference(ev(formula))]
    assert roots == pytest.approx(sorted(expected.real), abs=1e-12)


def test_solve_respects_assumptions_and_returns_complex_roots_after_real_ones():
    positive = sympy.Symbol("x", positive=True)
    assert to_reference(evaluate_formula("solve(x^2 = 4, x)", {"x": positive})) == (2,)
    assert list(ev("solve((x - 1)*(x^2 + 1), x)")) == [1, -sympy.I, sympy.I]


def test_limits_from_one_side():
    assert ev("limit(1/x, x, 0, right)") == sympy.oo
    assert ev("limit(1/x, x, 0, left)") == -sympy.oo
    assert ev("limit(abs(x)/x, x, 0, left)") == -1


MATRICES = [
    ("inv(A)", np.linalg.inv(np.array(A, dtype=float))),
    ("inv(C)", np.linalg.inv(np.array(C, dtype=float))),
    ("inv(A) * b", np.linalg.solve(np.array(A, dtype=float), [1, 2])),
    ("A * B", np.array(A) @ np.array(B)),
    ("transpose(B)", np.array(B).T),
    ("transpose(b)", np.array([[1, 2]])),
    ("A^3", np.linalg.matrix_power(np.array(A), 3)),
    ("A^-1", np.linalg.inv(np.array(A, dtype=float))),
    ("2 * A - A / 2", 1.5 * np.array(A)),
    ("A + identity(2)", np.array(A) + np.eye(2)),
    ("zeros(2, 3)", np.zeros((2, 3))),
    ("zeros(2)", np.zeros((2, 2))),
    ("identity(3)", np.eye(3)),
    ("shape(B)", np.array(np.array(B).shape)),
    ("[u, v]", np.array([U, V])),
    ("sum([k, 1], k, 1, 3)", np.array([6, 3])),
    ("product([[1, 1], [0, 1]], k, 1, 3)", np.linalg.matrix_power(np.array([[1, 1], [0, 1]]), 3)),
    ("diff([x, x^2], x)", None),
    # lists from matrices and entry by entry (more in test_vectors.py)
    ("ones(2, 3)", np.ones((2, 3))),
    ("ones(2)", np.ones((2, 2))),
    ("diag(C)", np.diag(np.array(C))),
    ("diag(u)", np.diag(np.array(U))),
    ("rowsums(C)", np.array(C).sum(axis=1)),
    ("colsums(C)", np.array(C).sum(axis=0)),
    ("row(C, 3)", np.array(C)[2, :]),
    ("col(C, 2)", np.array(C)[:, 1]),
    ("table(k^2, k, 1, 4)", np.arange(1, 5) ** 2),
    ("u .* v", np.array(U) * np.array(V)),
    ("C ./ (C + ones(3))", np.array(C) / (np.array(C) + 1)),
    ("u .^ 3", np.array(U) ** 3),
    ("1 - u", 1 - np.array(U)),
]


@pytest.mark.parametrize("formula, expected", [case for case in MATRICES if case[1] is not None])
def test_matrix_results_against_numpy(formula, expected):
    value = to_reference(ev(formula))
    got = np.array([[float(v) for v in row] for row in value]) if isinstance(value[0], tuple) \
        else np.array([float(v) for v in value])
    assert got.shape == expected.shape
    assert np.allclose(got, expected, rtol=1e-12, atol=1e-12)


def test_matrix_entries_stay_exact():
    assert to_reference(ev("inv(A)")) == ((F(3, 5), F(-1, 5)), (F(-1, 5), F(2, 5)))
    assert to_reference(ev("inv(A) * b")) == (F(1, 5), F(3, 5))


def test_every_function_of_the_table_is_tested_here():
    formulas = [case[0] for case in EXACT + APPROX + FORMULAS + MATRICES] + [
        "solve(x^2 = 4, x)", "limit(1/x, x, 0, right)"]
    called = {node.func for formula in formulas for node in walk(read_formula(formula)) if isinstance(node, Call)}
    assert set(FUNCTIONS) <= called, sorted(set(FUNCTIONS) - called)
