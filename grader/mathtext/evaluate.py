"""Evaluate reader trees at seeded random points, with our own small evaluator (no lambdify).

Every atom — a name, an indexed name ``H[3]``, a ``Partial`` ∂A/∂B — gets a value
in [0.5, 2) drawn from an RNG seeded by (seed, point, the atom's ``srepr``), so two
formulas evaluated at the same point see the same values for the same atoms.
``e`` and ``pi`` are the constants. The model is scalar: ``x^T`` is ``x`` and
``a ⊗ b`` is ``a b`` (as in the BPTT solver). A function the reader does not know
(``softmax(z)``) is a fixed smooth function of its arguments seeded by its name.
Whatever cannot be given a finite value raises ``Undecided``.
"""

from __future__ import annotations

import cmath
import math
import random
from typing import Callable

import sympy

from grader.mathtext.atoms import Outer, Partial, Sigmoid, Transposed
from grader.mathtext.latex import unroll

TOLERANCE = 1e-9


class Undecided(Exception):
    """Evaluation cannot decide (an unbounded sum, a division by zero, an overflow)."""


_FUNCTIONS: dict[type, Callable[[complex], complex]] = {
    sympy.exp: cmath.exp, sympy.log: cmath.log, sympy.tanh: cmath.tanh, sympy.sinh: cmath.sinh,
    sympy.cosh: cmath.cosh, sympy.sin: cmath.sin, sympy.cos: cmath.cos, sympy.tan: cmath.tan,
    Sigmoid: lambda x: 1 / (1 + cmath.exp(-x)), sympy.Abs: lambda x: complex(abs(x)),
}
_CONSTANTS = {"e": math.e, "pi": math.pi}


def _atom_value(atom: sympy.Basic, seed: int, point: int) -> complex:
    return complex(random.Random(f"{seed}|{point}|{sympy.srepr(atom)}").uniform(0.5, 2.0))


def _value(expr: sympy.Basic, seed: int, point: int) -> complex:
    if isinstance(expr, sympy.Number):
        if not expr.is_finite:
            raise Undecided("infinite number")
        return complex(float(expr))
    if isinstance(expr, sympy.Symbol):
        return complex(_CONSTANTS[expr.name]) if expr.name in _CONSTANTS else _atom_value(expr, seed, point)
    if isinstance(expr, (sympy.Indexed, Partial)):
        return _atom_value(expr, seed, point)
    if isinstance(expr, Transposed):
        return _value(expr.args[0], seed, point)
    args = [_value(a, seed, point) for a in expr.args]
    if isinstance(expr, sympy.Add):
        return sum(args, complex(0))
    if isinstance(expr, (sympy.Mul, Outer)):
        return math.prod(args, start=complex(1))
    if isinstance(expr, sympy.Pow):
        return args[0] ** args[1]
    if expr.func in _FUNCTIONS:
        return _FUNCTIONS[expr.func](args[0])
    if isinstance(expr, sympy.Function) and type(expr.func) is sympy.core.function.UndefinedFunction:
        rng = random.Random(f"{seed}|function|{expr.func.__name__}")
        weights = [rng.uniform(0.5, 1.5) for _ in args]
        return cmath.sin(sum(w * a for w, a in zip(weights, args)) + rng.uniform(0, 1)) + 1.5
    raise Undecided(f"no value for {type(expr).__name__}")


def value_at(expr: sympy.Basic, seed: int, point: int) -> complex:
    """The value of ``expr`` at random point number ``point``; ``Undecided`` if it has none."""
    try:
        value = _value(unroll(expr), seed, point)
    except (ZeroDivisionError, OverflowError, ValueError) as exc:
        raise Undecided(str(exc)) from None
    if not (cmath.isfinite(value)):
        raise Undecided("not finite")
    return value


def _close(a: complex, b: complex) -> bool:
    return abs(a - b) <= TOLERANCE * max(1.0, abs(a), abs(b))


def relation_at_points(a: sympy.Basic, b: sympy.Basic, relation: str, points: int, seed: int) -> bool:
    """Whether ``a`` and ``b`` are ``equal``, differ by a constant ``term`` or a constant ``factor``."""
    pairs = [(value_at(a, seed, p), value_at(b, seed, p)) for p in range(points)]
    if relation == "equal":
        return all(_close(x, y) for x, y in pairs)
    if relation == "term":
        first = pairs[0][0] - pairs[0][1]
        return all(_close(x - y, first) for x, y in pairs)
    ratios = []
    for x, y in pairs:
        if _close(y, 0) or _close(x, 0):
            if not (_close(x, 0) and _close(y, 0)):
                return False
            continue
        ratios.append(x / y)
    if not ratios:
        raise Undecided("both sides are zero at every point")
    return all(_close(r, ratios[0]) for r in ratios)

