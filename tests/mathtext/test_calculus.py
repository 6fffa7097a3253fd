"""Integrals and Leibniz derivatives: read as sympy objects (never products of d's), worked out when compared."""

from __future__ import annotations

import pytest
import sympy
from hypothesis import given, settings, strategies as st

from grader.errors import MathParseError
from grader.limits import run_limited
from grader.mathtext.atoms import Diff, Partial, Sigmoid
from grader.mathtext.evaluate import Undecided, relation_at_points, unworked, value_at
from grader.mathtext.latex import read_math, settle
from grader.mathtext.writer import to_latex

BUDGET = 5
x, y, t, n, C, d = sympy.symbols("x y t n C d")
theta, lam, ell, w, L = sympy.symbols("theta lambda ell w L")
X = sympy.IndexedBase("x")
i = sympy.Symbol("i")


def side(src: str, k: int = -1):
    return read_math(src).sides[k]


READS = [
    (r"\int_0^1 x \theta x^{\theta-1} dx", sympy.Integral(x * theta * x ** (theta - 1), (x, 0, 1))),
    (r"\int_{0}^{1} x^2 \,dx", sympy.Integral(x**2, (x, 0, 1))),
    (r"\int^{1}_{0} x^2 \,dx", sympy.Integral(x**2, (x, 0, 1))),
    (r"\int f(x) dx", sympy.Integral(sympy.Symbol("f") * x, x)),
    (r"∫ 2x dx", sympy.Integral(2 * x, x)),
    (r"\int 2x \, \mathrm{d}x", sympy.Integral(2 * x, x)),
    (r"\int_0^1 x^2 + 1 \, dx", sympy.Integral(x**2 + 1, (x, 0, 1))),  # the body runs to the differential
    (r"2\int_0^1 x dx + 3", 2 * sympy.Integral(x, (x, 0, 1)) + 3),
    (r"\int_0^1 dx", sympy.Integral(1, (x, 0, 1))),
    (r"\int_0^1 xdx", sympy.Integral(x, (x, 0, 1))),
    (r"\int_0^\infty \lambda e^{-\lambda t} dt", sympy.Integral(lam * sympy.Symbol("e") ** (-lam * t), (t, 0, sympy.oo))),
    (r"\int_{-\infty}^{\infty} e^{-x^2} dx", sympy.Integral(sympy.Symbol("e") ** (-x**2), (x, -sympy.oo, sympy.oo))),
    (r"\int_0^1 d\theta", sympy.Integral(1, (theta, 0, 1))),
    (r"\int_0^1 \int_0^1 x y \, dx \, dy", sympy.Integral(x * y, (x, 0, 1), (y, 0, 1))),
    (r"\int 2x dx + C", sympy.Integral(2 * x, x) + C),  # the constant of integration is a plain name
    (r"\frac{d}{dx} x^2", sympy.Derivative(x**2, x)),
    (r"\frac{d}{dx}\left(x^2 + 1\right)", sympy.Derivative(x**2 + 1, x)),
    (r"\frac{d^2}{dx^2} x^3", sympy.Derivative(x**3, (x, 2))),
    (r"\frac{d}{dx} x", sympy.Derivative(x, x)),
    (r"\frac{d(x^2)}{dx}", sympy.Derivative(x**2, x)),
    (r"\frac{\partial}{\partial w} w^2 L", sympy.Derivative(w**2 * L, w)),
    (r"\frac{dy}{dx}", Diff(y, x)),
    (r"\frac{d\ell}{d\lambda}", Diff(ell, lam)),
    (r"\frac{\mathrm{d}\ell}{\mathrm{d}\lambda}", Diff(ell, lam)),
    (r"\frac{d^2 \ell}{d\lambda^2}", Diff(Diff(ell, lam), lam)),
    (r"\frac{d}{dx} y", Diff(y, x)),  # the operator on a lone name: that name's derivative
    (r"\frac{\partial L}{\partial w}", Partial(L, w)),
    (r"\frac{\partial^2 L}{\partial w^2}", Partial(Partial(L, w), w)),
    (r"\frac{\partial}{\partial w} L", Partial(L, w)),
    (r"2 \frac{d}{dx} x^2", 2 * sympy.Derivative(x**2, x)),
    (r"\frac{d}{2}", d / 2),  # not a derivative: ordinary quotients stay quotients
    (r"\frac{ad}{dx}", sympy.Symbol("a") * d / (d * x)),
]


@pytest.mark.parametrize("src, want", READS, ids=[r[0] for r in READS])
def test_reads(src, want):
    got = settle(side(src))
    assert got == settle(want), (got, want)
    assert not ({d, sympy.Symbol("dx")} & got.free_symbols) or src in (r"\frac{d}{2}", r"\frac{ad}{dx}")


def test_a_chain_through_an_integral_reads_as_a_whole():
    statement = read_math(r"E[X] = \int_0^1 x·θx^{θ−1} dx = \frac{\theta}{\theta+1}")
    assert statement.relations == ("=", "=")
    assert isinstance(statement.sides[1], sympy.Integral)
    assert settle(statement.expr) == theta / (theta + 1)


REFUSED = [
    (r"\int x", "differential"),
    (r"\int x = 1", "differential"),
    (r"(\int x) dx", "differential"),
    (r"\int_0 x dx", "both bounds"),
    (r"\frac{d}{dx}", "nothing after it"),
    (r"\frac{d}{dx} + 1", "nothing after it"),
    (r"\frac{d^{11}}{dx^{11}} x", "order above"),
    (r"\frac{d^5}{dx^5} \frac{d^6}{dx^6} x", "total order"),
    (r"\frac{\partial^2 L}{\partial w}", "orders"),
    (r"\frac{\partial}{\partial w}", "nothing after it"),
    (r"\differential x", "unknown command"),  # the marker only the reader writes
]


@pytest.mark.parametrize("src, reason", REFUSED, ids=[r[0] for r in REFUSED])
def test_refused_with_a_reason(src, reason):
    with pytest.raises(MathParseError, match=reason):
        run_limited(read_math, src, seconds=BUDGET)


EQUAL = [
    (r"\int_0^1 x·θx^{θ−1} dx", r"\frac{\theta}{\theta+1}"),
    (r"\int_0^1 x \theta x^{\theta-1} \, dx", r"\frac{\theta}{\theta+1}"),
    (r"\int_0^\infty \lambda e^{-\lambda x} dx", "1"),
    (r"\int_0^\infty x \lambda e^{-\lambda x} dx", r"\frac{1}{\lambda}"),
    (r"\int_{-\infty}^{\infty} \frac{1}{\sqrt{2\pi}} e^{-x^2/2} dx", "1"),
    (r"\int_0^1 x^{\theta - 1} dx", r"\frac{1}{\theta}"),  # an integrable singularity at 0
    (r"\int_0^1 \int_0^1 x y \, dx \, dy", r"\frac{1}{4}"),
    (r"\int_0^{x} t \, dt", r"\frac{x^2}{2}"),
    (r"\int_a^b 1 \, dx", "b - a"),
    (r"\frac{d}{dx} x^2", "2x"),
    (r"\frac{d}{dx} e^{-x}", "-e^{-x}"),
    (r"\frac{d^2}{dx^2} x^3", "6x"),
    (r"\frac{d}{dz} \sigma(z)", r"\sigma(z)(1 - \sigma(z))"),
    (r"\frac{d}{d\lambda}\left(n \log\lambda - \lambda \sum_{i=1}^{3} x_i\right)", r"\frac{n}{\lambda} - x_1 - x_2 - x_3"),
    (r"\frac{\partial}{\partial y} \frac{\partial}{\partial x} x^2 y^2", "4 x y"),
    (r"\frac{d}{dx} \int_0^x t^2 \, dt", "x^2"),
    (r"\int 2x \, dx", "x^2 + C"),  # an antiderivative is right up to its constant
    (r"\int 2x \, dx", "x^2"),
    (r"\int 2x e^{x^2} dx", "e^{x^2} + C"),
    (r"\frac{dy}{dx}", r"\frac{dy}{dx}"),
]


@pytest.mark.parametrize("a, b", EQUAL, ids=[f"{a} = {b}" for a, b in EQUAL])
def test_equal_when_compared(a, b):
    assert relation_at_points(side(a), side(b), "equal", 6, 0)


NOT_EQUAL = [
    (r"\int_0^1 x·θx^{θ−1} dx", r"\frac{\theta}{\theta+2}"),
    (r"\frac{d}{dx} x^2", "x^2"),
    (r"\frac{d}{dx} x^2", "2"),
    (r"\int 2x \, dx", "x^3 + C"),
    (r"\frac{dy}{dx}", "0"),  # dy/dx is a name, not the 0 of d(symbol)/dx
    (r"\frac{d\ell}{d\lambda}", r"\frac{d\ell}{d\theta}"),
]


@pytest.mark.parametrize("a, b", NOT_EQUAL, ids=[f"{a} ≠ {b}" for a, b in NOT_EQUAL])
def test_not_equal_when_compared(a, b):
    assert not relation_at_points(side(a), side(b), "equal", 6, 0)


DEEP = r"\int_0^1" * 8 + " x y z " + r"\, dx" * 8  # nested integrals multiply their nodes: bounded work


@pytest.mark.parametrize("src", [r"\int_0^1 \frac{1}{x} dx", r"\int_1^\infty x \, dx", r"\int f(x) dx", DEEP])
def test_no_value_is_undecided_never_a_guess(src):
    with pytest.raises(Undecided):
        value_at(side(src), 0, 0)


def test_an_indefinite_integral_is_not_compared_up_to_a_factor():
    with pytest.raises(Undecided):
        relation_at_points(side(r"\int 2x dx"), side("x^2"), "factor", 6, 0)


@pytest.mark.parametrize("src, expected", [(r"\int_0^1 x dx", True), (r"\frac{d}{dx} x^2", True),
                                           (r"\frac{dy}{dx}", False), ("x^2", False)])
def test_unworked(src, expected):
    assert unworked(settle(side(src))) is expected


@settings(max_examples=40, deadline=None)
@given(st.lists(st.integers(min_value=-5, max_value=5), min_size=1, max_size=5),
       st.integers(min_value=-3, max_value=3), st.integers(min_value=1, max_value=4))
def test_polynomials_integrate_and_differentiate_exactly(coefficients, low, width):
    poly = " + ".join(f"({c}) x^{{{k}}}" for k, c in enumerate(coefficients))
    p = sum(c * x**k for k, c in enumerate(coefficients))
    high = low + width
    area = sympy.integrate(p, (x, low, high))
    assert relation_at_points(side(rf"\int_{{{low}}}^{{{high}}} {poly} \, dx"), area, "equal", 2, 0)
    assert relation_at_points(side(rf"\frac{{d}}{{dx}}\left({poly}\right)"), sympy.diff(p, x), "equal", 3, 0)


WRITE_BACK = [r"\int_0^1 x \theta x^{\theta-1} dx", r"\int f(x) dx + C", r"\int_0^\infty e^{-x} dx",
              r"\frac{d}{dx} x^2", r"\frac{d^2}{dx^2} x^3", r"\frac{d\ell}{d\lambda}", r"\frac{d^2 \ell}{d\lambda^2}",
              r"\frac{d}{dx}\frac{dy}{dt}", r"\frac{\partial^2 L}{\partial w^2}", r"\int_0^1 \int_0^1 x y \, dx \, dy"]


@pytest.mark.parametrize("src", WRITE_BACK)
def test_writes_back_to_the_same_tree(src):
    tree = settle(side(src))
    assert settle(read_math(to_latex(tree)).expr) == tree


TOKENS = [r"\int", "_0", "^1", "_", "^", "{", "}", "(", ")", "x", "d", "dx", r"\,dx", r"\theta", "θ", "∫", r"\frac",
          r"\infty", "2", "+", "-", "=", r"\partial", r"\mathrm{d}", "d^2", "x^2", " ", "!", "'", r"\binom", "Σ", "x_i"]


@settings(max_examples=150, deadline=None)
@given(st.lists(st.sampled_from(TOKENS), max_size=40))
def test_token_soup_only_raises_math_parse_error(tokens):
    try:
        statement = run_limited(read_math, "".join(tokens), seconds=BUDGET)
    except MathParseError:
        return
    for s in statement.sides:
        assert settle(read_math(to_latex(s)).expr) == settle(s)
