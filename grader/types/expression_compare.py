"""Is one formula the reference? The verdict of the ``expression`` type, by mode.

Cheapest first: the same settled tree; for ``same_form``, only that (an integral, sum or
product may have its body in another form); two plain numbers exactly or within a relative
tolerance; seeded points; a bounded ``simplify``. ``simplified`` also asks for one fraction in
lowest terms.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import sympy

from grader.limits import run_limited
from grader.mathtext.evaluate import Undecided, relation_at_points, unworked
from grader.mathtext.latex import settle
from grader.types.expression_notation import definitions

if TYPE_CHECKING:
    from grader.types.expression import ExpressionParams

NUMBER_TOLERANCE = 1e-9  # relative, for two numbers not both exact (π written as 3.14159265358979)


def verdict(student: sympy.Expr, expected: sympy.Expr, params: ExpressionParams) -> tuple[bool | None, str]:
    """(True / False / None = undecided, how it was decided)."""
    if params.define:
        notation = definitions(params)
        student, expected = student.xreplace(notation), expected.xreplace(notation)
    a, b = settle(student), settle(expected)
    if a == b:
        return True, "same expression"
    if params.mode == "same_form":
        if _same_operator(a, b):  # ∫₀¹ θx^θ dx is the set-up ∫₀¹ x·θx^(θ−1) dx, its integrand multiplied out
            inner, how = verdict(a.function, b.function, params.model_copy(update={"mode": "equal", "define": {}}))
            if inner:
                return True, f"the same {type(b).__name__.lower()}, its body in another form ({how})"
        return False, "not written in the expected form"
    if params.mode == "simplified":
        equal, how = verdict(student, expected, params.model_copy(update={"mode": "equal"}))
        if equal and not _in_lowest_terms(a):
            return False, "equal to the reference, but not simplified to one fraction in lowest terms"
        return equal, how if equal is not False else "not equal to the reference"
    if params.mode == "equal" and (constant := _integration_constant(b)) is not None:
        return _up_to_the_constant(a, b - constant, params)
    if unworked(a) and not unworked(b):  # \int_0^1 x f(x) dx restates the question: not an answer yet
        return False, "an integral or derivative not worked out"
    if params.mode == "equal" and _plain_number(a) and _plain_number(b):
        return _same_number(a, b)
    relation = "equal" if params.mode == "equal" else params.constant
    try:
        return relation_at_points(a, b, relation, params.points, params.seed), f"compared at {params.points} points"
    except Undecided:
        pass
    difference = a - b if relation != "factor" else a / b
    simplified = run_limited(sympy.simplify, difference, seconds=params.simplify_seconds)
    decided = simplified == 0 if relation == "equal" else not (simplified.free_symbols or simplified.atoms(
        sympy.Function, sympy.Indexed))
    # A difference simplify cannot bring to zero is not proof of a difference: undecided, flagged for a TA.
    return (True, "simplified") if decided else (None, "neither evaluation nor simplification could decide")


# Names a constant of integration goes by: "+ C" in a reference is one, and so is the student's own.
CONSTANT_NAMES = frozenset({"C", "c", "K", "k", "C_1", "c_1", "C_0"})


def _integration_constant(expr: sympy.Basic) -> sympy.Symbol | None:
    """The reference's "+ C": an added name of a constant that appears nowhere else in it."""
    if not isinstance(expr, sympy.Add):
        return None
    found = [t for t in expr.args if isinstance(t, sympy.Symbol) and t.name in CONSTANT_NAMES
             and t not in (expr - t).free_symbols]
    return found[0] if len(found) == 1 else None


def _up_to_the_constant(a: sympy.Basic, b: sympy.Basic, params: ExpressionParams) -> tuple[bool | None, str]:
    """An antiderivative against ``b`` + C: right when it differs from ``b`` by a constant (its own
    constant named K or c, another antiderivative ½sin²x for −½cos²x, or none written)."""
    own = _integration_constant(a)
    if own is not None and own not in b.free_symbols:
        a = a - own
    try:
        same = relation_at_points(a, b, "term", params.points, params.seed)
    except Undecided:
        return None, "neither evaluation nor simplification could decide"
    if not same:
        return False, "not an antiderivative of the same function"
    return True, "equal up to the constant of integration" + ("" if own is not None else " (no constant written)")


def _same_operator(a: sympy.Expr, b: sympy.Expr) -> bool:
    """Both an integral, a sum or a product over the same variables and bounds (compared as written)."""
    kinds = (sympy.Integral, sympy.Sum, sympy.Product)
    return isinstance(b, kinds) and type(a) is type(b) and a.limits == b.limits


def _plain_number(expr: sympy.Expr) -> bool:
    return expr.is_number and not expr.free_symbols and not expr.atoms(sympy.Function, sympy.Indexed, sympy.Integral)


def _same_number(a: sympy.Expr, b: sympy.Expr) -> tuple[bool | None, str]:
    """Two numbers: exactly when both are exact (1/2^99 is not 1/2^98), else within a relative
    tolerance with no absolute floor, so that tiny numbers are told apart."""
    if a.is_Rational and b.is_Rational or a.has(sympy.oo, -sympy.oo, sympy.zoo) or b.has(sympy.oo, -sympy.oo, sympy.zoo):
        return a == b, "the same number" if a == b else "a different number"
    try:
        x, y = complex(sympy.N(a, 30)), complex(sympy.N(b, 30))
    except (TypeError, ValueError, OverflowError):
        return None, "a number that could not be evaluated"
    scale = max(abs(x), abs(y))
    same = abs(x - y) <= NUMBER_TOLERANCE * scale if scale else True
    return same, "the same number" if same else "a different number"


def _in_lowest_terms(expr: sympy.Expr) -> bool:
    """Written as one fraction (a polynomial, or one over another) whose numerator and
    denominator share no factor: θ/((θ+1)²(θ+2)) and θ/(θ³+4θ²+5θ+2) are, θ/(θ+2) − θ²/(θ+1)²
    and 2θ/(2(θ+1)²(θ+2)) are not."""
    terms = expr.args if isinstance(expr, sympy.Add) else (expr,)
    if len(terms) > 1 and any(sympy.fraction(term)[1].free_symbols for term in terms):
        return False  # a sum of fractions still to be combined
    numerator, denominator = sympy.fraction(expr)
    if not denominator.free_symbols and denominator == 1:
        return True
    try:
        common = sympy.gcd(sympy.expand(numerator), sympy.expand(denominator))
    except (sympy.PolynomialError, sympy.GeneratorsNeeded, TypeError, ValueError):
        return True  # not a ratio of polynomials: nothing to cancel that gcd can see
    return not common.free_symbols and abs(common) == 1 if common.is_number else False
