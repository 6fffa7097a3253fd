"""The arithmetic operators of the reference language, exact and checked.

Every operator checks the kinds it is given (a number and a matrix cannot be added;
a matrix product needs matching sides) and, for powers, the size of the result
*before* sympy computes it: ``9^9^9`` would be a 370-million-digit integer, built in
one C call that no time limit can interrupt, so it is refused from the sizes of its
base and exponent. Results go through ``values.guard``.

A number and a list combine entry by entry (``1 - v``, ``2 * v``, ``v / 3``,
``1 / v``). A number and a matrix only multiply and divide: ``A + 1`` is refused,
since it may as well mean ``A + identity(n)``. The dotted operators ``.*``, ``./``
and ``.^`` (``elementwise``) work entry by entry on two lists of one length or two
matrices of one shape, or on a number and a list or matrix; an error in one entry
says which entry it is.
"""

from __future__ import annotations

import math

import sympy

from grader.references.errors import FormulaError
from grader.references.values import MAX_BITS, MAX_EXPR_NODES, describe, guard, is_matrix, is_truth, is_vector

# x^1000 is harmless, but (x + 1)^100000 expands into a wall of binomial coefficients.
MAX_SYMBOLIC_EXPONENT = 1_000
MAX_MATRIX_POWER = 100

_VERBS = {"+": "add", "-": "subtract", "*": "multiply", "/": "divide", ".*": "multiply", "./": "divide"}


def _no_truth(op: str, *values) -> None:
    for value in values:
        if is_truth(value):
            raise FormulaError(f"cannot {_VERBS.get(op, 'raise')} {describe(value)}: it is not a number")


def _broadcast(number, values, combine):
    """``combine(number, entry)`` for every entry of a list or matrix, each entry checked."""
    return _entrywise(values, lambda index, entry: combine(number, entry))


def add(a, b, op: str = "+"):
    _no_truth(op, a, b)
    sign = 1 if op == "+" else -1
    if is_matrix(a) and is_matrix(b):
        if a.shape != b.shape:
            raise FormulaError(f"cannot {_VERBS[op]} {describe(a)} and {describe(b)}: their shapes differ")
        return guard(a + b if op == "+" else a - b)
    if is_matrix(a) or is_matrix(b):
        values = a if is_matrix(a) else b
        if not is_vector(values):
            raise FormulaError(f"cannot {_VERBS[op]} {describe(a)} and {describe(b)}: a number goes into every entry of a "
                               f"list, but with a matrix write x*identity({values.rows}) (x on the diagonal) or "
                               f"x*ones({values.rows}, {values.cols}) (x in every entry)")
        if is_matrix(a):  # v + x, v - x
            return guard(_broadcast(b, a, lambda number, entry: entry + sign * number))
        return guard(_broadcast(a, b, lambda number, entry: number + sign * entry))  # x + v, x - v
    return guard(a + b if op == "+" else a - b)


def multiply(a, b):
    _no_truth("*", a, b)
    if is_matrix(a) and is_matrix(b) and a.cols != b.rows:
        hint = "; for the dot product of two vectors write dot(u, v), for the product entry by entry u .* v" \
            if a.cols == b.cols == 1 else ""
        raise FormulaError(f"cannot multiply {describe(a)} by {describe(b)}: the left has {a.cols} "
                           f"column{'s' * (a.cols != 1)}, the right {b.rows} row{'s' * (b.rows != 1)}{hint}")
    return guard(a * b)


def divide(a, b):
    _no_truth("/", a, b)
    if is_matrix(b):
        if is_matrix(a):
            raise FormulaError(f"cannot divide {describe(a)} by {describe(b)}: to divide entry by entry write ./ "
                               "(u ./ v); to undo a matrix product multiply by inv(...)")
        if not is_vector(b):
            raise FormulaError(f"cannot divide by {describe(b)}; multiply by inv(...) instead, or write ./ to divide "
                               "entry by entry")
        return guard(_broadcast(a, b, _divide_numbers))  # 1 / v: every entry's reciprocal
    if b.is_zero:
        raise FormulaError("division by zero")
    return guard(a / b)


def _divide_numbers(a, b):
    if b.is_zero:
        raise FormulaError("division by zero")
    return a / b


def negate(a):
    _no_truth("-", a)
    return guard(-a)


def number_bits(number: sympy.Expr) -> float:
    """Roughly how many bits each power of a number adds (1 for 2, 1 for sqrt(2), 1 for pi)."""
    if number.is_Rational:
        return max(math.log2(abs(int(number.p))) if number.p else 0.0, math.log2(int(number.q)), 1.0)
    return max([1.0] + [number_bits(atom) for atom in number.atoms(sympy.Rational)])


def _check_power(base: sympy.Expr, exponent: sympy.Expr) -> None:
    if not exponent.is_number:
        return  # 2^x stays a formula
    if exponent.is_real is False:
        return  # complex exponents are left to sympy (and its size is bounded by what follows)
    if base.is_zero and exponent.is_negative:
        raise FormulaError("division by zero (0 to a negative power)")
    size = abs(exponent)
    if not size.is_finite:
        return  # 2^oo is oo, (1/2)^oo is 0: sympy decides at once
    if base.is_number:
        if base in (sympy.Integer(0), sympy.Integer(1), sympy.Integer(-1)):
            return
        bits = number_bits(base)
        if size * bits > MAX_BITS:
            digits = int(float(size * bits) * 0.30103)
            raise FormulaError(f"power too large: the result would have about {digits:,} digits "
                               f"(references are limited to about {int(MAX_BITS * 0.30103):,})")
    elif size > MAX_SYMBOLIC_EXPONENT:
        raise FormulaError(f"exponent {sympy.sstr(exponent)} is too large for a formula (at most {MAX_SYMBOLIC_EXPONENT:,})")


def expansion_size(expr: sympy.Expr) -> int:
    """How many terms ``expand(expr)`` would have at most, counted without expanding:
    (a + b + c)^n has C(n + 2, 2). Stops counting past ``MAX_EXPR_NODES``."""
    if isinstance(expr, sympy.Add):
        return min(sum(expansion_size(a) for a in expr.args), MAX_EXPR_NODES + 1)
    if isinstance(expr, sympy.Mul):
        return min(math.prod(expansion_size(a) for a in expr.args), MAX_EXPR_NODES + 1)
    if isinstance(expr, sympy.Pow) and expr.exp.is_Integer and expr.exp > 0:
        terms = expansion_size(expr.base)
        return min(math.comb(int(expr.exp) + terms - 1, terms - 1), MAX_EXPR_NODES + 1) if terms > 1 else 1
    return 1


def power(base, exponent):
    _no_truth("^", base, exponent)
    if is_matrix(exponent):
        raise FormulaError(f"the exponent cannot be {describe(exponent)}; for a power of each entry write .^ (2 .^ v)")
    if is_matrix(base):
        return _matrix_power(base, exponent)
    _check_power(base, exponent)
    return guard(base ** exponent)


def _matrix_power(base, exponent):
    if base.rows != base.cols:
        raise FormulaError(f"only a square matrix has powers, not {describe(base)}; for the power of each entry "
                           "write .^ (v .^ 2)")
    if not exponent.is_Integer or abs(int(exponent)) > MAX_MATRIX_POWER:
        raise FormulaError(f"a matrix power needs a whole number from -{MAX_MATRIX_POWER} to {MAX_MATRIX_POWER}, not {sympy.sstr(exponent)}")
    if exponent < 0 and base.det() == 0:
        raise FormulaError(f"the matrix is singular (its determinant is 0): it has no inverse")
    return guard(base ** int(exponent))


# ---------------------------------------------------------------- entry by entry: .*  ./  .^


def _position(value, index: int) -> str:
    """Where entry ``index`` (0-based, row by row) of a list or matrix is, in an author's words."""
    if is_vector(value):
        return f"entry {index + 1}"
    row, col = divmod(index, value.cols)
    return f"entry [{row + 1}, {col + 1}]"


def _entrywise(values, compute):
    """The matrix of ``compute(index, entry)`` over ``values``; an error says which entry it is in."""
    results = []
    for index, entry in enumerate(values):
        try:
            results.append(compute(index, entry))
        except FormulaError as exc:
            raise FormulaError(f"{exc.message}, in {_position(values, index)}", exc.column) from None
    return sympy.ImmutableMatrix(values.rows, values.cols, results)


def shape_words(value) -> str:
    """'a list of 3 entries', 'a row of 2 entries', 'a 2×3 matrix'."""
    if value.cols == 1:
        return f"a list of {value.rows} entr{'y' if value.rows == 1 else 'ies'}"
    if value.rows == 1:
        return f"a row of {value.cols} entr{'y' if value.cols == 1 else 'ies'}"
    return f"a {value.rows}×{value.cols} matrix"


def _mismatch(op: str, a, b) -> FormulaError:
    if a.cols == b.cols == 1:
        return FormulaError(f"{op} (entry by entry) needs lists of the same length, not lists of {a.rows} and {b.rows} entries")
    if not is_vector(a) and not is_vector(b):
        return FormulaError(f"{op} (entry by entry) needs matrices of the same shape, not a {a.rows}×{a.cols} "
                            f"and a {b.rows}×{b.cols} matrix")
    hint = "; transpose(...) one of them" if is_vector(a) and is_vector(b) and len(a) == len(b) else ""
    return FormulaError(f"{op} (entry by entry) needs two lists of the same length or two matrices of the same shape, "
                        f"not {shape_words(a)} and {shape_words(b)}{hint}")


_SCALAR_OPS = {".*": lambda x, y: multiply(x, y), "./": _divide_numbers, ".^": lambda x, y: power(x, y)}


def elementwise(a, b, op: str):
    """``a .* b``, ``a ./ b``, ``a .^ b``: entry by entry, a number standing for every entry."""
    _no_truth(op, a, b)
    combine = _SCALAR_OPS[op]
    if is_matrix(a) and is_matrix(b):
        if a.shape != b.shape:
            raise _mismatch(op, a, b)
        right = list(b)
        return guard(_entrywise(a, lambda index, entry: combine(entry, right[index])))
    if is_matrix(a):
        return guard(_entrywise(a, lambda index, entry: combine(entry, b)))
    if is_matrix(b):
        return guard(_entrywise(b, lambda index, entry: combine(a, entry)))
    return guard(combine(a, b))
