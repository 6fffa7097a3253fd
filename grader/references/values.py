"""What a formula's value can be, the size guards on it, and its conversions in and out.

Inside the evaluator a value is one of three kinds:

* a **scalar**: a sympy expression — an exact number (``Integer``, ``Rational``, or an
  exact irrational such as ``sqrt(2)`` or ``pi``) or a formula in declared symbols;
* a **matrix**: an ``ImmutableMatrix``. A list ``[a, b, c]`` is a 3×1 column vector,
  so ``inv(A) * b`` is the usual product; ``[[1, 2], [3, 4]]`` is a 2×2 matrix;
* a **truth value**: ``sympy.true`` / ``false`` or a condition (``x < 0``), only for
  ``if``/``piecewise`` and given booleans.

``guard`` is applied to every intermediate result: a number of more than
``MAX_BITS`` bits, an expression of more than ``MAX_EXPR_NODES`` nodes or a matrix
beyond ``MAX_SIDE`` rows or columns is refused, as are undefined results (``1/0``
is sympy's ``zoo``, ``0/0`` its ``nan``), so an author's mistake is an error with a
reason, not a silently odd reference.

``to_reference`` turns a value into what question types take (see
``grader.references`` for the list); ``show`` writes it for ``grader validate``.
"""

from __future__ import annotations

import math
import numbers
from fractions import Fraction
from typing import Any

import sympy
from sympy.logic.boolalg import Boolean
from sympy.printing.str import StrPrinter

from grader.references.errors import FormulaError

# About 3,600 decimal digits: factorial(1000) (8,530 bits) fits, 9^9^9 does not.
MAX_BITS = 12_000
MAX_EXPR_NODES = 5_000
MAX_SIDE = 30

Value = Any  # sympy.Expr | sympy.ImmutableMatrix | Boolean


# ---------------------------------------------------------------- kinds


def is_matrix(value: Value) -> bool:
    return isinstance(value, sympy.MatrixBase)


def is_truth(value: Value) -> bool:
    return isinstance(value, Boolean) and not isinstance(value, sympy.Expr)


def is_vector(value: Value) -> bool:
    return is_matrix(value) and (value.cols == 1 or value.rows == 1)


def describe(value: Value) -> str:
    """What a value is, in words an author reads: 'a 2×3 matrix', 'the number 1/2'."""
    if is_matrix(value):
        if value.cols == 1:
            return f"a vector of {value.rows}"
        return f"a {value.rows}×{value.cols} matrix"
    if is_truth(value):
        return f"the truth value {show_exact(value)}" if value in (sympy.true, sympy.false) else "a condition"
    if isinstance(value, sympy.Expr):
        if value.is_number:
            return f"the number {_clip(show_exact(value), 40)}"
        return f"an expression in {', '.join(sorted(s.name for s in value.free_symbols))}"
    return f"a {type(value).__name__}"


def scalar(value: Value, what: str) -> sympy.Expr:
    """``value`` if it is a number or an expression; otherwise an error naming ``what`` needed it."""
    if isinstance(value, sympy.Expr) and not is_matrix(value):
        return value
    raise FormulaError(f"{what} needs a number or an expression, not {describe(value)}")


def matrix(value: Value, what: str) -> sympy.ImmutableMatrix:
    if is_matrix(value):
        return value
    raise FormulaError(f"{what} needs a matrix or a vector, not {describe(value)}")


def whole(value: Value, what: str, low: int | None = None, high: int | None = None) -> int:
    """A Python int from a value that must be a whole number within [low, high]."""
    number = scalar(value, what)
    if not number.is_Integer:
        raise FormulaError(f"{what} needs a whole number, not {describe(number)}")
    result = int(number)
    if low is not None and result < low:
        raise FormulaError(f"{what} needs a whole number of at least {low}, not {result}")
    if high is not None and result > high:
        raise FormulaError(f"{what} needs a whole number of at most {high:,}, not {result:,}")
    return result


def entries(value: Value, what: str) -> list[sympy.Expr]:
    """The entries of a vector (a column or a row), in order."""
    if not is_vector(matrix(value, what)):
        raise FormulaError(f"{what} needs a vector (a list), not {describe(value)}")
    return list(value)


# ---------------------------------------------------------------- guards


def _check_rational(number: sympy.Rational) -> None:
    bits = max(abs(int(number.p)).bit_length(), int(number.q).bit_length())
    if bits > MAX_BITS:
        raise FormulaError(f"a number with about {int(bits * 0.30103):,} digits; references are limited to about {int(MAX_BITS * 0.30103):,}")


def _check_scalar(value: sympy.Expr) -> None:
    if value.is_Rational:
        _check_rational(value)
        return
    count = 0
    for node in sympy.preorder_traversal(value):
        count += 1
        if count > MAX_EXPR_NODES:
            raise FormulaError(f"the expression grew past {MAX_EXPR_NODES:,} parts; simplify the formula or split it")
        if node is sympy.zoo:
            raise FormulaError("the result is undefined (a division by zero, log(0), or a limit that does not exist)")
        if node is sympy.nan:
            raise FormulaError("the result is undefined (such as 0/0, oo - oo or 0 * oo)")
        if isinstance(node, sympy.Rational):
            _check_rational(node)


def guard(value: Value) -> Value:
    """``value`` itself after the size and definedness checks; raises ``FormulaError``."""
    if is_matrix(value):
        if value.rows > MAX_SIDE or value.cols > MAX_SIDE:
            raise FormulaError(f"a {value.rows}×{value.cols} matrix; at most {MAX_SIDE} rows and {MAX_SIDE} columns")
        for entry in value:
            _check_scalar(entry)
    elif isinstance(value, sympy.Expr):
        _check_scalar(value)
    elif not is_truth(value):
        raise FormulaError(f"unexpected value {type(value).__name__}")  # a bug of ours
    return value


# ---------------------------------------------------------------- building values


def exact(number: Any) -> sympy.Rational:
    """An exact sympy number for an int, Fraction or float (a float as the decimal written: 0.95 is 19/20)."""
    if isinstance(number, bool):
        raise FormulaError("true/false is not a number")
    if isinstance(number, numbers.Integral):
        return sympy.Integer(int(number))
    if isinstance(number, numbers.Rational):
        return sympy.Rational(int(number.numerator), int(number.denominator))
    if isinstance(number, numbers.Real):
        if not math.isfinite(float(number)):
            raise FormulaError(f"{number!r} is not a finite number")
        # repr is the shortest decimal that reads back as the same float: the text the author wrote.
        fraction = Fraction(repr(float(number)))
        return sympy.Rational(fraction.numerator, fraction.denominator)
    raise FormulaError(f"{type(number).__name__} is not a number")


def matrix_of_rows(rows: list[list[sympy.Expr]], what: str = "a matrix") -> sympy.ImmutableMatrix:
    lengths = sorted({len(row) for row in rows})
    if len(lengths) > 1:
        raise FormulaError(f"{what}: its rows have different lengths {[len(row) for row in rows]}")
    if rows and lengths[0] == 0:
        raise FormulaError(f"{what}: a row is empty")
    if len(rows) > MAX_SIDE or (rows and len(rows[0]) > MAX_SIDE):
        raise FormulaError(f"{what}: at most {MAX_SIDE} rows and {MAX_SIDE} columns")
    return sympy.ImmutableMatrix(rows) if rows else sympy.ImmutableMatrix(0, 1, [])


def vector(items: list[sympy.Expr]) -> sympy.ImmutableMatrix:
    if len(items) > MAX_SIDE:
        raise FormulaError(f"a list of {len(items)}; at most {MAX_SIDE} entries")
    return sympy.ImmutableMatrix(len(items), 1, list(items))


def list_of(items: list[Value], what: str = "a list") -> sympy.ImmutableMatrix:
    """``[a, b, c]`` of numbers is a vector; of lists (vectors, or rows) the rows of a matrix."""
    if all(not is_matrix(item) and not is_truth(item) for item in items):
        return vector(items)
    if all(is_vector(item) for item in items):  # [[1, 2], [3, 4]]: each inner list is a row
        return matrix_of_rows([list(item) for item in items], what)
    odd = [item for item in items if is_truth(item) or (is_matrix(item) and not is_vector(item))]
    if odd:
        raise FormulaError(f"{what} holds numbers (a vector) or lists of numbers (the rows of a matrix), not {describe(odd[0])}")
    raise FormulaError(f"{what} holds numbers (a vector) or only lists (the rows of a matrix), not a mix of both")


def from_python(value: Any, what: str) -> Value:
    """A value of ours for a solver's reference or a plain number (int, Fraction, float,
    bool, sympy object, or lists of them: a list is a vector, a list of lists a matrix)."""
    if isinstance(value, bool):
        return sympy.true if value else sympy.false
    if isinstance(value, (sympy.Expr, sympy.MatrixBase)) or is_truth(value):
        return guard(sympy.ImmutableMatrix(value) if is_matrix(value) else value)
    if isinstance(value, numbers.Number):
        return exact(value)
    if isinstance(value, (list, tuple)):
        if value and all(isinstance(v, (list, tuple)) for v in value):
            return guard(matrix_of_rows([[scalar(from_python(v, what), what) for v in row] for row in value], what))
        return guard(vector([scalar(from_python(v, what), what) for v in value]))
    raise FormulaError(f"{what} is {type(value).__name__}, not a number, a list or a matrix")


# ---------------------------------------------------------------- handing references to items


class RefList(tuple):
    """A vector or matrix as question types take it (rows of numbers; a vector is one
    flat list). A tuple, so a reference shared by every sheet cannot be changed; it
    prints as ``[1/2, 3]`` in feedback (a tuple of Fractions would print their repr)."""

    def __str__(self) -> str:
        return "[" + ", ".join(str(item) for item in self) + "]"

    __repr__ = __str__


def _reader_form(expr: sympy.Expr) -> sympy.Expr:
    """A formula in the names the LaTeX reader gives a student's formula, so the
    ``expression`` type compares like with like: symbols without assumptions (the
    reader's ``x`` has none), Euler's number as the name ``e`` and pi as ``pi``."""
    plain = {s: sympy.Symbol(s.name) for s in expr.free_symbols if isinstance(s, sympy.Symbol) and s.assumptions0}
    plain.update({sympy.E: sympy.Symbol("e"), sympy.pi: sympy.Symbol("pi")})
    return expr.xreplace(plain)


def to_reference(value: Value) -> Any:
    """What items receive: int, Fraction, an exact sympy number (sqrt(2)), a sympy formula
    (reader form), a RefList vector or matrix of those, or a bool."""
    if is_truth(value):
        if value in (sympy.true, sympy.false):
            return bool(value)
        return value
    if is_matrix(value):
        rows = [[to_reference(value[r, c]) for c in range(value.cols)] for r in range(value.rows)]
        if value.cols == 1:
            return RefList(row[0] for row in rows)
        return RefList(RefList(row) for row in rows)
    if value.is_Integer:
        return int(value)
    if value.is_Rational:
        return Fraction(int(value.p), int(value.q))
    if value.is_number:
        return value
    return _reader_form(value)


# ---------------------------------------------------------------- printing


class _Printer(StrPrinter):
    """sympy's plain printer, in the reference language's spelling (^, e)."""

    def _print_Exp1(self, expr: Any) -> str:
        return "e"

    def _print_BooleanTrue(self, expr: Any) -> str:
        return "true"

    def _print_BooleanFalse(self, expr: Any) -> str:
        return "false"

    def _print_Piecewise(self, expr: Any) -> str:
        cases = ", ".join(f"({self._print(value)}, {'otherwise' if cond is sympy.true else self._print(cond)})"
                          for value, cond in expr.args)
        return f"piecewise({cases})"

    def _print_Pow(self, expr: Any, rational: bool = False) -> str:
        return super()._print_Pow(expr, rational).replace("**", "^")

    def _print_Mul(self, expr: Any) -> str:
        return super()._print_Mul(expr).replace("**", "^")


def _clip(text: str, width: int = 300) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


def show_exact(value: Value) -> str:
    if is_truth(value):
        return {sympy.true: "true", sympy.false: "false"}.get(value, _Printer().doprint(value))
    if is_matrix(value):
        rows = [[show_exact(value[r, c]) for c in range(value.cols)] for r in range(value.rows)]
        if value.cols == 1:
            return "[" + ", ".join(row[0] for row in rows) + "]"
        return "[" + ", ".join("[" + ", ".join(row) + "]" for row in rows) + "]"
    return _Printer().doprint(value).replace("**", "^")


def _decimal(value: sympy.Expr) -> str | None:
    """A short decimal of a number that is not an integer; None for integers and formulas."""
    if not value.is_number or value.is_Integer:
        return None
    approx = sympy.N(value, 6)
    if approx.is_real is False:
        return None
    return f"{float(approx):.6g}" if approx.is_finite else None


def show(value: Value) -> str:
    """A value as ``grader validate`` prints it: exact, then ``≈ decimal`` for non-integers."""
    text = show_exact(value)
    if is_matrix(value):
        decimals = [[_decimal(value[r, c]) for c in range(value.cols)] for r in range(value.rows)]
        if any(d is not None for row in decimals for d in row):
            shown = [[d or show_exact(value[r, c]) for c, d in enumerate(row)] for r, row in enumerate(decimals)]
            approx = "[" + ", ".join(row[0] for row in shown) + "]" if value.cols == 1 else \
                "[" + ", ".join("[" + ", ".join(row) + "]" for row in shown) + "]"
            text += f" ≈ {approx}"
    elif isinstance(value, sympy.Expr):
        decimal = _decimal(value)
        if decimal is not None and decimal != text:
            text += f" ≈ {decimal}"
    return _clip(text)


def data(args: list[Value], what: str) -> list[sympy.Expr]:
    """The values of a statistic or of min/max: one vector (a list), or several numbers."""
    if len(args) == 1 and is_matrix(args[0]):
        items = entries(args[0], what)
    else:
        items = [scalar(arg, what) for arg in args]
    if not items:
        raise FormulaError(f"{what} needs at least one value")
    return items
