"""Evaluate reader trees at seeded random points, with our own small evaluator (no lambdify).

Every atom — a name, an indexed name ``H[3]``, a ``Partial`` ∂A/∂B, a ``Diff`` dy/dx,
an ``Event`` (X = k) —
gets a value in [0.5, 2) drawn from an RNG seeded by (seed, point, the atom's ``srepr``),
so two formulas evaluated at the same point see the same values for the same atoms.
``e`` and ``pi`` are the constants. The model is scalar: ``x^T`` is ``x`` and
``a ⊗ b`` is ``a b`` (a scalar model of the shapes). A function the reader does not know
(``softmax(z)``) is a fixed smooth function of its arguments seeded by its name.
``n!`` and ``\\binom{n}{k}`` are the gamma function's (so they have values between whole
numbers). Whatever cannot be given a finite value raises ``Undecided``.

Calculus: a ``Derivative`` is worked out by sympy's ``diff`` first (bounded: the reader
limits the size of a tree and the order of a derivative); a definite ``Integral`` is
integrated by numbers (``grader.mathtext.quadrature``) with its variable bound inside it
(at most ``MAX_INTEGRAND_WORK`` tree nodes visited inside integrals for one value:
nested integrals multiply their nodes; past it the value is undecided).
An indefinite integral has no value; comparing a formula that holds one ("equal", or up
to a constant term) compares both sides' derivatives by its variable instead — an
antiderivative is right up to its constant, so ``\\int 2x\\,dx = x^2 + C`` holds.

Sums and products whose bounds are not numbers (``\\sum_{i=1}^{n} x_i``) are added up term
by term: a name used as a bound is a count, and gets a whole value from 2 to 5 at each point
(the same in both formulas compared), and ``x_i`` for a bound ``i`` is the atom ``x[3]`` of
that term. A sum written without bounds (``\\sum x_i``, as statistics writes it) runs over
i = 1, …, n, with n the count named ``n``.
"""

from __future__ import annotations

import cmath
import math
import random
from typing import Callable

import sympy

from grader.mathtext.atoms import Binomial, Diff, Event, Outer, Partial, Sigmoid, Transposed
from grader.mathtext.quadrature import NotConverged, integrate
from grader.mathtext.trees import settle, unroll

TOLERANCE = 1e-9
MAX_TERMS = 1000  # terms of one sum or product added up at a point
COUNT = sympy.Symbol("n")  # the count of a sum written without bounds
MAX_INTEGRAND_WORK = 300_000  # tree nodes visited inside integrals for one value: nested ones multiply


class Undecided(Exception):
    """Evaluation cannot decide (an unbounded sum, a division by zero, an overflow)."""


_FUNCTIONS: dict[type, Callable[[complex], complex]] = {
    sympy.exp: cmath.exp, sympy.log: cmath.log, sympy.tanh: cmath.tanh, sympy.sinh: cmath.sinh,
    sympy.cosh: cmath.cosh, sympy.sin: cmath.sin, sympy.cos: cmath.cos, sympy.tan: cmath.tan,
    Sigmoid: lambda x: 1 / (1 + cmath.exp(-x)), sympy.Abs: lambda x: complex(abs(x)),
    sympy.sec: lambda x: 1 / cmath.cos(x), sympy.csc: lambda x: 1 / cmath.sin(x), sympy.cot: lambda x: 1 / cmath.tan(x),
    sympy.asin: cmath.asin, sympy.acos: cmath.acos, sympy.atan: cmath.atan,
}
_CONSTANTS = {"e": math.e, "pi": math.pi}


def _gamma(x: complex) -> complex:
    if abs(x.imag) > 1e-12:
        raise Undecided("the gamma function of a complex number")
    return complex(math.gamma(x.real))


class _Point:
    """The values of one random point; ``bound`` holds the variables of enclosing integrals."""

    def __init__(self, seed: int, point: int, counts: frozenset = frozenset(), negative: bool = False):
        self.seed, self.point, self.counts, self.negative = seed, point, counts, negative
        self.atoms: dict[sympy.Basic, complex] = {}
        self.bound: dict[sympy.Basic, complex] = {}
        self.work = 0

    def atom(self, atom: sympy.Basic) -> complex:
        if atom in self.bound:
            return self.bound[atom]
        if atom not in self.atoms:
            rng = random.Random(f"{self.seed}|{self.point}|{sympy.srepr(atom)}")
            if atom in self.counts:
                self.atoms[atom] = complex(rng.randint(2, 5))
            else:
                self.atoms[atom] = complex(rng.uniform(-2.0, -0.5) if self.negative else rng.uniform(0.5, 2.0))
        return self.atoms[atom]

    def value(self, expr: sympy.Basic) -> complex:
        if self.bound:
            self.work += 1
            if self.work > MAX_INTEGRAND_WORK:
                raise Undecided("an integral too costly to evaluate")
        if isinstance(expr, sympy.Number):
            if not expr.is_finite:
                raise Undecided("infinite number")
            return complex(float(expr))
        if isinstance(expr, sympy.Symbol):
            if expr in self.bound:
                return self.bound[expr]
            return complex(_CONSTANTS[expr.name]) if expr.name in _CONSTANTS else self.atom(expr)
        if isinstance(expr, sympy.NumberSymbol):  # sympy's pi, E in a computed reference
            return complex(float(expr))
        if isinstance(expr, sympy.Indexed) and self.bound and expr.free_symbols & set(self.bound):
            return self.atom(sympy.Indexed(expr.base, *(self._whole(i) for i in expr.indices)))
        if isinstance(expr, (sympy.Indexed, Partial, Diff, Event)):
            return self.atom(expr)
        if isinstance(expr, (sympy.Sum, sympy.Product)):
            return self.series(expr)
        if isinstance(expr, Transposed):
            return self.value(expr.args[0])
        if isinstance(expr, sympy.Integral):
            return self.integral(expr)
        if isinstance(expr, sympy.Derivative):
            raise Undecided("a derivative sympy could not work out")
        args = [self.value(a) for a in expr.args]
        if isinstance(expr, sympy.Add):
            return sum(args, complex(0))
        if isinstance(expr, (sympy.Mul, Outer)):
            return math.prod(args, start=complex(1))
        if isinstance(expr, sympy.Pow):
            return args[0] ** args[1]
        if expr.func in _FUNCTIONS:
            return _FUNCTIONS[expr.func](args[0])
        if isinstance(expr, sympy.factorial):
            return _gamma(args[0] + 1)
        if isinstance(expr, (sympy.binomial, Binomial)):
            n, k = args
            return _gamma(n + 1) / (_gamma(k + 1) * _gamma(n - k + 1))
        if isinstance(expr, sympy.gamma):
            return _gamma(args[0])
        if isinstance(expr, sympy.Function) and type(expr.func) is sympy.core.function.UndefinedFunction:
            rng = random.Random(f"{self.seed}|function|{expr.func.__name__}")
            weights = [rng.uniform(0.5, 1.5) for _ in args]
            return cmath.sin(sum(w * a for w, a in zip(weights, args)) + rng.uniform(0, 1)) + 1.5
        raise Undecided(f"no value for {type(expr).__name__}")

    def _bound_value(self, bound: sympy.Basic) -> float:
        if bound in (sympy.S.Infinity, sympy.S.NegativeInfinity):
            return float(bound)
        value = self.value(bound)
        if abs(value.imag) > 1e-12:
            raise Undecided("a complex bound of an integral")
        return value.real

    def _whole(self, expr: sympy.Basic) -> int:
        value = self.value(expr)
        if abs(value.imag) > 1e-9 or abs(value.real - round(value.real)) > 1e-9:
            raise Undecided("an index or a bound that is not a whole number")
        return int(round(value.real))

    def series(self, expr: sympy.Sum | sympy.Product) -> complex:
        """A sum or product added up term by term (see the module doc)."""
        body, limits = expr.function, list(expr.limits)
        var, low, high = limits[-1] if len(limits[-1]) == 3 else (limits[-1][0], None, None)
        inner = expr.func(body, *limits[:-1]) if len(limits) > 1 else body
        if low is None or (low == sympy.S.NegativeInfinity and high == sympy.S.Infinity):
            low, high = sympy.S.One, COUNT  # \sum x_i: i = 1, ..., n
        first, last = self._whole(low), self._whole(high)
        if last - first + 1 > MAX_TERMS:
            raise Undecided("a sum of too many terms")
        saved = self.bound.get(var)
        total = complex(0) if isinstance(expr, sympy.Sum) else complex(1)
        try:
            for index in range(first, last + 1):
                self.bound[var] = complex(index)
                term = self.value(inner)
                total = total + term if isinstance(expr, sympy.Sum) else total * term
        finally:
            if saved is None:
                self.bound.pop(var, None)
            else:
                self.bound[var] = saved
        return total

    def integral(self, expr: sympy.Integral) -> complex:
        body, limits = expr.function, list(expr.limits)
        if any(len(limit) != 3 for limit in limits):
            raise Undecided("an indefinite integral has no value")
        var, low, high = limits[-1]
        inner = sympy.Integral(body, *limits[:-1]) if len(limits) > 1 else body
        a, b = self._bound_value(low), self._bound_value(high)
        saved = self.bound.get(var)

        def f(x: float) -> complex:
            self.bound[var] = complex(x)
            return self.value(inner)

        try:
            return integrate(f, a, b)
        except NotConverged as exc:
            raise Undecided(str(exc)) from None
        finally:
            if saved is None:
                self.bound.pop(var, None)
            else:
                self.bound[var] = saved


def unworked(expr: sympy.Basic) -> bool:
    """Whether ``expr`` still holds an integral or a derivative to take (an answer not worked out)."""
    return expr.has(sympy.Integral, sympy.Derivative)


_E = sympy.Symbol("e")


def _diff(expr: sympy.Basic, var: sympy.Basic, order: int = 1) -> sympy.Basic:
    """sympy's derivative of a reader tree (``e^{z}`` as exp(z)); integrals inside are never integrated."""
    exp_form = settle(expr).replace(lambda n: isinstance(n, sympy.Pow) and n.base == _E, lambda n: sympy.exp(n.exp))
    return settle(sympy.diff(exp_form, var, order))


def work_out(expr: sympy.Basic) -> sympy.Basic:
    """``expr`` with every ``Derivative`` taken by sympy (innermost first); sums unrolled."""
    current = unroll(expr)
    if not current.has(sympy.Derivative):
        return current
    return current.replace(lambda n: isinstance(n, sympy.Derivative), _take)


def _take(derivative: sympy.Derivative) -> sympy.Basic:
    value = derivative.expr
    for var, order in derivative.variable_count:
        value = _diff(value, var, int(order))
    return value


def counts_of(*exprs: sympy.Basic) -> frozenset:
    """The names that count terms in these formulas: bounds of sums and products, and ``n`` when a
    sum is written without bounds."""
    found: set[sympy.Basic] = set()
    for expr in exprs:
        for node in sympy.preorder_traversal(expr):
            if isinstance(node, (sympy.Sum, sympy.Product)):
                for limit in node.limits:
                    if len(limit) != 3 or (limit[1] == sympy.S.NegativeInfinity and limit[2] == sympy.S.Infinity):
                        found.add(COUNT)
                    else:
                        found |= {s for bound in limit[1:] for s in bound.free_symbols}
    return frozenset(found)


def value_at(expr: sympy.Basic, seed: int, point: int, counts: frozenset = frozenset(),
             negative: bool = False) -> complex:
    """The value of ``expr`` at random point number ``point`` (its names negative with ``negative``);
    ``Undecided`` if it has none."""
    try:
        value = _Point(seed, point, counts, negative).value(work_out(expr))
    except (ZeroDivisionError, OverflowError, ValueError) as exc:
        raise Undecided(str(exc)) from None
    if not (cmath.isfinite(value)):
        raise Undecided("not finite")
    return value


def _close(a: complex, b: complex) -> bool:
    return abs(a - b) <= TOLERANCE * max(1.0, abs(a), abs(b))


def _indefinite_variables(expr: sympy.Basic) -> set[sympy.Basic]:
    return {limit[0] for node in sympy.preorder_traversal(expr) if isinstance(node, sympy.Integral)
            for limit in node.limits if len(limit) == 1}


def _antiderivatives(a: sympy.Basic, b: sympy.Basic, relation: str) -> tuple[sympy.Basic, sympy.Basic, str]:
    """Sides holding an indefinite integral in x are compared by their derivatives in x (see the module doc)."""
    variables = _indefinite_variables(a) | _indefinite_variables(b)
    if not variables:
        return a, b, relation
    if len(variables) != 1 or relation == "factor":
        raise Undecided("an indefinite integral compared other than up to its constant")
    (var,) = variables
    da, db = (_diff(work_out(side), var) for side in (a, b))
    if _indefinite_variables(da) | _indefinite_variables(db):
        raise Undecided("an indefinite integral that does not go away by differentiating")
    return da, db, "equal"


def has_branch(expr: sympy.Basic) -> bool:
    """Whether the formula takes a root or an absolute value, whose branch depends on signs."""
    return any(isinstance(p, sympy.Abs) or (isinstance(p, sympy.Pow) and p.exp.is_Rational and not p.exp.is_integer)
               for p in sympy.preorder_traversal(expr))


def _differ_below_zero(a: sympy.Basic, b: sympy.Basic, seed: int, counts: frozenset, by: complex = 0j) -> bool:
    """Whether two formulas equal at the positive points differ where their names are negative
    (√(x²) is |x|, not x), or, compared up to a constant term ``by``, by another constant
    (ln|x| + C is not ln x + C). Asked only when one of them takes a root or |·| and the other does
    not: a sign-sensitive branch on one side. Both with roots (1/(σ√(2π)) and 1/√(2πσ²), σ > 0
    by the course's convention) are left equal, as is a point where either has no value."""
    if has_branch(a) == has_branch(b):
        return False
    try:
        x, y = value_at(a, seed, 0, counts, negative=True), value_at(b, seed, 0, counts, negative=True)
    except Undecided:
        return False
    return not _close(x - y, by) if by else not _close(x, y)


def relation_at_points(a: sympy.Basic, b: sympy.Basic, relation: str, points: int, seed: int) -> bool:
    """Whether ``a`` and ``b`` are ``equal``, differ by a constant ``term`` or a constant ``factor``."""
    a, b, relation = _antiderivatives(a, b, relation)
    counts = counts_of(a, b)
    pairs = [(value_at(a, seed, p, counts), value_at(b, seed, p, counts)) for p in range(points)]
    if relation == "equal":
        return all(_close(x, y) for x, y in pairs) and not _differ_below_zero(a, b, seed, counts)
    if relation == "term":
        first = pairs[0][0] - pairs[0][1]
        return all(_close(x - y, first) for x, y in pairs) and not _differ_below_zero(a, b, seed, counts, first)
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
