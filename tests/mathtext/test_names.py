"""Primes, factorials, binomials, bars and hats, events: read as names or sympy objects, one spelling each."""

from __future__ import annotations

import pytest
import sympy
from hypothesis import given, settings, strategies as st

from grader.errors import MathParseError
from grader.mathtext.atoms import MAX_FACTORIAL, Binomial, Event, Factorial
from grader.mathtext.evaluate import relation_at_points
from grader.mathtext.latex import read_math, settle
from grader.mathtext.writer import to_latex

n, k, x, z, lam, p = sympy.symbols("n k x z lambda p")
X, i = sympy.IndexedBase("x"), sympy.Symbol("i")


def tree(src: str):
    return settle(read_math(src).expr)


PRIMES = [
    ("f'(x)", sympy.Function("f'")(x)),
    ("f'(x, y)", sympy.Function("f'")(x, sympy.Symbol("y"))),
    (r"f^{\prime}(x)", sympy.Function("f'")(x)),
    (r"f^\prime(x)", sympy.Function("f'")(x)),
    ("f′(x)", sympy.Function("f'")(x)),
    (r"\ell'(\lambda)", sympy.Function("ell'")(lam)),
    ("ℓ'(λ)", sympy.Function("ell'")(lam)),
    (r"\ell''(\lambda)", sympy.Function("ell''")(lam)),
    ("ℓ''(λ)", sympy.Function("ell''")(lam)),
    (r"\sigma'(z)", sympy.Function("sigma'")(z)),
    ("σ'(z)", sympy.Function("sigma'")(z)),
    ("y'", sympy.Symbol("y'")),
    ("y''", sympy.Symbol("y''")),
    ("2y' + y", 2 * sympy.Symbol("y'") + sympy.Symbol("y")),
]


@pytest.mark.parametrize("src, want", PRIMES, ids=[r[0] for r in PRIMES])
def test_primes_are_names(src, want):
    assert tree(src) == want


@pytest.mark.parametrize("a, b", [(r"\ell'(\lambda)", "ℓ'(λ)"), (r"\ell''(\lambda)", "ℓ″(λ)"), ("f'(x)", r"f^{\prime}(x)"),
                                  (r"\ell", "ℓ"), (r"\sigma'(z)", "σ′(z)")])
def test_two_spellings_are_one_thing(a, b):
    assert tree(a) == tree(b)


FACTORIALS = [
    ("n!", Factorial(n)),
    ("x_i!", Factorial(X[i])),
    ("(n-k)!", Factorial(n - k)),
    ("5!", sympy.Integer(120)),
    (r"\prod x_i!", sympy.Product(Factorial(X[i]), (i, -sympy.oo, sympy.oo))),
    (r"\prod_{i=1}^{n} x_i!", sympy.Product(Factorial(X[i]), (i, 1, n))),
    (r"\log(x_i!)", sympy.log(Factorial(X[i]))),
    (r"\log x_i!", sympy.log(Factorial(X[i]))),
    (r"\frac{n!}{k!(n-k)!}", Factorial(n) / (Factorial(k) * Factorial(n - k))),
    (r"\binom{n}{k}", Binomial(n, k)),
    (r"\dbinom{5}{2}", sympy.Integer(10)),
    (r"\sum x_i", sympy.Sum(X[i], (i, -sympy.oo, sympy.oo))),  # the index is the subscript's letter
    (r"\sum_{i=1}^{\infty} p^i", sympy.Sum(p**i, (i, 1, sympy.oo))),
]


@pytest.mark.parametrize("src, want", FACTORIALS, ids=[r[0] for r in FACTORIALS])
def test_factorials_binomials_and_products(src, want):
    assert tree(src) == settle(want)


@pytest.mark.parametrize("src, reason", [("(10^{20})!", "factorial of a number above"),
                                         (f"{MAX_FACTORIAL + 1}!", "factorial of a number above"),
                                         (r"\binom{10^{6}}{3}", "binomial"),
                                         (r"\sum x_{ij}", "index variable"), (r"\sum x", "index variable")])
def test_refused(src, reason):
    with pytest.raises(MathParseError, match=reason):
        read_math(src)


def test_a_huge_number_substituted_later_is_not_computed():
    big = sympy.Integer(10) ** 20
    assert isinstance(Factorial(n).xreplace({n: big}), Factorial)
    assert isinstance(Binomial(n, 3).xreplace({n: big}), Binomial)
    assert Factorial(n).xreplace({n: big}).rewrite(sympy.gamma) == Factorial(big)


EQUAL = [
    (r"\binom{n}{k}", r"\frac{n!}{k!(n-k)!}"),
    ("n!", "n (n-1)!"),
    (r"\log(n!)", r"\log n + \log((n-1)!)"),
    (r"\binom{n}{k} p^k (1-p)^{n-k}", r"\frac{n!}{k!(n-k)!} p^k (1-p)^{n-k}"),
    (r"\prod_{i=1}^{3} x_i!", "x_1! x_2! x_3!"),
]


@pytest.mark.parametrize("a, b", EQUAL, ids=[f"{a} = {b}" for a, b in EQUAL])
def test_equal_when_compared(a, b):
    assert relation_at_points(read_math(a).expr, read_math(b).expr, "equal", 6, 0)


@settings(max_examples=30, deadline=None)
@given(st.integers(min_value=0, max_value=60), st.integers(min_value=0, max_value=60))
def test_whole_number_binomials_are_exact(a, b):
    top, bottom = max(a, b), min(a, b)
    assert tree(rf"\binom{{{top}}}{{{bottom}}}") == sympy.binomial(top, bottom)
    assert tree(f"{top}!") == sympy.factorial(top)


ACCENTS = [
    (r"\bar{x}", "xbar"), (r"\bar x", "xbar"), (r"\overline{x}", "xbar"), ("x̄", "xbar"), ("x̅", "xbar"),
    (r"\hat{\lambda}", "lambdahat"), (r"\widehat{\lambda}", "lambdahat"), ("λ̂", "lambdahat"),
    (r"\hat{\theta}", "thetahat"), ("θ̂", "thetahat"), (r"\tilde{x}", "xtilde"), ("x̃", "xtilde"),
    (r"\bar{X}", "Xbar"), ("X̄", "Xbar"),
]


@pytest.mark.parametrize("src, name", ACCENTS, ids=[a[0] for a in ACCENTS])
def test_accents_name_the_letter(src, name):
    assert tree(src) == sympy.Symbol(name)


def test_a_bar_with_an_index():
    assert tree(r"\bar{x}_n") == sympy.IndexedBase("xbar")[n] == tree("x̄_n")


EVENTS = [
    ("P(X = k)", sympy.Symbol("P") * Event(sympy.Symbol("X"), sympy.core.symbol.Str("="), k)),
    (r"P(X \leq 3)", sympy.Symbol("P") * Event(sympy.Symbol("X"), sympy.core.symbol.Str("≤"), 3)),
    ("P(X ≤ 3)", sympy.Symbol("P") * Event(sympy.Symbol("X"), sympy.core.symbol.Str("≤"), 3)),
]


@pytest.mark.parametrize("src, want", EVENTS, ids=[e[0] for e in EVENTS])
def test_events_inside_a_probability(src, want):
    assert tree(src) == want


def test_an_event_is_one_side_of_a_statement():
    statement = read_math(r"P(X = k) = \binom{n}{k} p^k (1-p)^{n-k}")
    assert len(statement.sides) == 2 and statement.relations == ("=",)


@pytest.mark.parametrize("src", [r"f'(x)", r"\ell''(\lambda)", "y'", "n!", "(n-k)!", r"\binom{n}{k}", r"\prod x_i!",
                                 "P(X = k)", r"P(X \leq 3)", r"\bar{x}", r"\hat{\lambda}", r"\log(x_i!)"])
def test_writes_back_to_the_same_tree(src):
    assert tree(to_latex(read_math(src).expr)) == tree(src)
