"""Definite integrals by numbers: tanh-sinh quadrature, for ``grader.mathtext.evaluate``.

``integrate(f, a, b)`` for real ``a < b`` (either may be infinite) and ``f`` a function
of one real number returning a complex one. tanh-sinh (double exponential) handles
the integrable endpoint singularities students' integrands have (``x^{θ-1}`` at 0,
``\\log x``) without evaluating at the endpoints; an infinite range is mapped onto
[0, 1) first. The step is halved up to ``LEVELS`` times, reusing every node (at most
about 600 evaluations); when two levels do not agree to ``TOLERANCE`` the integral is
``NotConverged`` (evaluation is then undecided, never a guess).
"""

from __future__ import annotations

import math
from typing import Callable

LEVELS = 7
T_MAX = 4.5  # nodes within about 1e-60 of an endpoint: the tail beyond is negligible
TOLERANCE = 1e-11
NEGLIGIBLE = 1e-17  # a tail term this small next to the sum ends that level's walk outwards


class NotConverged(ArithmeticError):
    """The quadrature did not settle (a divergent or badly behaved integral)."""


def _finite(f: Callable[[float], complex], a: float, b: float) -> complex:
    half = (b - a) / 2

    def level_sum(h: float, odd_only: bool, scale: float) -> complex:
        """The nodes t = k h (odd k only after the first level), outwards until their terms vanish."""
        total = complex(0)
        k, step = (1, 2) if odd_only else (0, 1)
        while k * h <= T_MAX:
            t = k * h
            u = math.pi / 2 * math.sinh(t)
            weight = half * (math.pi / 2 * math.cosh(t)) / math.cosh(u) ** 2
            if weight == 0:
                break
            gap = 2 * half / (math.exp(2 * u) + 1)  # b - x for the node at +t, x - a for -t (no cancellation)
            points = [b - gap, a + gap] if t > 0 else [a + half]
            terms = [weight * f(x) for x in points if a < x < b]
            total += sum(terms, complex(0))
            if t > 1 and all(abs(term) <= NEGLIGIBLE * max(scale, abs(total)) for term in terms):
                break  # the rest of the tails cannot matter
            k += step
        return total

    h = 1.0
    total = level_sum(h, odd_only=False, scale=0.0)
    estimate = total * h
    for _ in range(LEVELS):
        h /= 2
        total += level_sum(h, odd_only=True, scale=abs(total))
        better = total * h
        if abs(better - estimate) <= TOLERANCE * max(1.0, abs(better)):
            return better
        estimate = better
    raise NotConverged("the integral did not converge")


def integrate(f: Callable[[float], complex], a: float, b: float) -> complex:
    """∫_a^b f(x) dx (``a``, ``b`` real, possibly ±inf)."""
    if a == b:
        return complex(0)
    if a > b:
        return -integrate(f, b, a)
    if math.isinf(a) and math.isinf(b):
        return integrate(f, a, 0.0) + integrate(f, 0.0, b)
    if math.isinf(b):  # x = a + s / (1 - s), s in [0, 1)
        return _finite(lambda s: f(a + s / (1 - s)) / (1 - s) ** 2, 0.0, 1.0)
    if math.isinf(a):  # x = b - s / (1 - s)
        return _finite(lambda s: f(b - s / (1 - s)) / (1 - s) ** 2, 0.0, 1.0)
    return _finite(f, a, b)
