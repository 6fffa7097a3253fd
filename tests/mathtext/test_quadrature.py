"""tanh-sinh quadrature: accurate on smooth and endpoint-singular integrands, infinite ranges, never a guess."""

from __future__ import annotations

import cmath
import math

import pytest
from hypothesis import given, settings, strategies as st

from grader.mathtext.quadrature import NotConverged, integrate

CASES = [
    ("x^2 on [0, 1]", lambda x: x * x, 0.0, 1.0, 1 / 3),
    ("reversed bounds", lambda x: x * x, 1.0, 0.0, -1 / 3),
    ("empty range", lambda x: x, 2.0, 2.0, 0.0),
    ("x^-1/2 on [0, 1]", lambda x: x ** -0.5, 0.0, 1.0, 2.0),
    ("log x on [0, 1]", lambda x: cmath.log(x), 0.0, 1.0, -1.0),
    ("0.7 x^0.7 on [0, 1]", lambda x: 0.7 * x ** 0.7, 0.0, 1.0, 0.7 / 1.7),
    ("e^-x on [0, inf)", lambda x: cmath.exp(-x), 0.0, math.inf, 1.0),
    ("x e^-2x on [0, inf)", lambda x: x * cmath.exp(-2 * x), 0.0, math.inf, 0.25),
    ("1/x^2 on [1, inf)", lambda x: 1 / x**2, 1.0, math.inf, 1.0),
    ("e^x on (-inf, 0]", lambda x: cmath.exp(x), -math.inf, 0.0, 1.0),
    ("normal density", lambda x: cmath.exp(-x * x / 2) / math.sqrt(2 * math.pi), -math.inf, math.inf, 1.0),
    ("sin on [0, pi]", lambda x: cmath.sin(x), 0.0, math.pi, 2.0),
    ("complex values", lambda x: 1j * x, 0.0, 2.0, 2j),
]


@pytest.mark.parametrize("name, f, a, b, want", CASES, ids=[c[0] for c in CASES])
def test_integrals(name, f, a, b, want):
    assert abs(integrate(f, a, b) - want) <= 1e-10 * max(1.0, abs(want))


@pytest.mark.parametrize("f, a, b", [(lambda x: 1 / x, 0.0, 1.0), (lambda x: x, 0.0, math.inf),
                                     (lambda x: 1 / x, 1.0, math.inf)])
def test_divergent_integrals_do_not_converge(f, a, b):
    with pytest.raises((NotConverged, OverflowError)):
        integrate(f, a, b)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.floats(min_value=-5, max_value=5), min_size=1, max_size=6),
       st.floats(min_value=-3, max_value=3), st.floats(min_value=0.1, max_value=4))
def test_polynomials(coefficients, a, width):
    b = a + width

    def antiderivative(x):
        return sum(c * x ** (k + 1) / (k + 1) for k, c in enumerate(coefficients))

    want = antiderivative(b) - antiderivative(a)
    got = integrate(lambda x: sum(c * x**k for k, c in enumerate(coefficients)), a, b)
    assert abs(got - want) <= 1e-9 * max(1.0, sum(abs(c) for c in coefficients) * 7**6)


@settings(max_examples=40, deadline=None)
@given(st.floats(min_value=0.2, max_value=3), st.floats(min_value=0.5, max_value=3))
def test_gamma_densities_integrate_to_one(shape, rate):
    density = lambda x: rate**shape * x ** (shape - 1) * cmath.exp(-rate * x) / math.gamma(shape)  # noqa: E731
    assert abs(integrate(density, 0.0, math.inf) - 1) <= 1e-8
