"""The whitelist of functions a formula may call, and the elementary, matrix and counting ones.

``FUNCTIONS`` maps each name to a ``Function``: its arity (checked before anything
is evaluated), its options (``normal_cdf(x, mu=0, sigma=1)``) and its sympy
construction. A name that is not in the table cannot be called, whatever sympy
offers. Statistics and probability live in ``stats.py``; the functions with a
variable of their own (``sum``, ``diff``, ``solve``, ``piecewise`` ...) in ``forms.py``.

Every function checks the kinds of its arguments (``values.scalar``, ``whole``,
``matrix``) so a mistake says which function needed what; the evaluator guards
every result's size. Counting functions refuse, from ``lgamma``, a result larger
than ``values.MAX_BITS`` before it is computed.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from fractions import Fraction
from typing import Any, Callable

import sympy

from grader.references import ops
from grader.references.errors import FormulaError
from grader.references.values import MAX_BITS, MAX_EXPR_NODES, MAX_SIDE, data, describe, entries, is_matrix, is_vector, matrix, scalar, vector, whole

MAX_FACTORIAL = 1_000
MAX_DIGITS_N = 100


@dataclass(frozen=True)
class Function:
    name: str
    impl: Callable[..., Any]
    min_args: int
    max_args: int | None  # None: any number
    keywords: tuple[str, ...] = ()
    form: bool = False  # called as impl(evaluator, call_node, bound): it evaluates its arguments itself
    hint: str = ""  # added to a wrong number of arguments: "; for the entries of a list write total(v)"

    def arity(self) -> str:
        low, high = self.min_args, self.max_args
        noun = "argument" if (high or low) == 1 else "arguments"
        if high is None:
            return f"at least {low} {noun}"
        if low == high:
            return f"{low} {noun}"
        return f"{low} or {high} {noun}" if high == low + 1 else f"{low} to {high} {noun}"

    def check_arity(self, count: int) -> None:
        if count < self.min_args or (self.max_args is not None and count > self.max_args):
            raise FormulaError(f"{self.name} takes {self.arity()}, not {count}{self.hint}")


FUNCTIONS: dict[str, Function] = {}


def function(name: str, min_args: int, max_args: int | None | str = "same", keywords: tuple[str, ...] = (), form: bool = False,
             hint: str = ""):
    """Register the decorated implementation as the function ``name`` of the language."""
    def register(impl: Callable[..., Any]) -> Callable[..., Any]:
        if name in FUNCTIONS:
            raise ValueError(f"function {name!r} registered twice")
        high = min_args if max_args == "same" else max_args
        FUNCTIONS[name] = Function(name, impl, min_args, high, keywords, form, hint)
        return impl
    return register


# ---------------------------------------------------------------- elementary


def _elementary(name: str, build: Callable[[sympy.Expr], sympy.Expr]) -> None:
    function(name, 1)(lambda x: build(scalar(x, name)))


for _name, _build in {
    "sqrt": sympy.sqrt, "exp": sympy.exp, "ln": sympy.log,
    "sin": sympy.sin, "cos": sympy.cos, "tan": sympy.tan, "asin": sympy.asin, "acos": sympy.acos, "atan": sympy.atan,
    "sinh": sympy.sinh, "cosh": sympy.cosh, "tanh": sympy.tanh,
    "abs": sympy.Abs, "floor": sympy.floor, "ceil": sympy.ceiling, "erf": sympy.erf,
    "sigmoid": lambda x: 1 / (1 + sympy.exp(-x)),
}.items():
    _elementary(_name, _build)


@function("log", 1, 2)
def _log(x, base=None):
    if base is None:
        return sympy.log(scalar(x, "log"))
    return sympy.log(scalar(x, "log"), scalar(base, "log's base"))


@function("root", 2)
def _root(x, n):
    x, degree = scalar(x, "root"), whole(n, "root's degree", 1, 1_000)
    if x.is_negative and degree % 2 == 1:
        return -sympy.root(-x, degree)  # the real root: root(-8, 3) is -2, not a complex number
    return sympy.root(x, degree)


@function("min", 1, None)
def _min(*args):
    return sympy.Min(*data(list(args), "min"))


@function("max", 1, None)
def _max(*args):
    return sympy.Max(*data(list(args), "max"))


@function("round", 1, 2)
def _round(x, places=sympy.Integer(0)):
    x = scalar(x, "round")
    places = whole(places, "round's number of decimals", -20, 50)
    if not x.is_number or x.is_extended_real is False:
        raise FormulaError(f"round needs a real number, not {describe(x)}")
    scale = sympy.Integer(10) ** places
    # Half away from zero, as people round (Python's round() rounds half to even).
    return sympy.sign(x) * sympy.floor(abs(x) * scale + sympy.Rational(1, 2)) / scale


def _decimal(number: sympy.Float) -> sympy.Rational:
    fraction = Fraction(str(number))  # the decimal digits N printed, exactly
    return sympy.Rational(fraction.numerator, fraction.denominator)


@function("N", 1, 2)
def _n(x, digits=sympy.Integer(15)):
    digits = whole(digits, "N's number of significant digits", 1, MAX_DIGITS_N)

    def approximate(value: sympy.Expr) -> sympy.Expr:
        approx = sympy.N(scalar(value, "N"), digits)
        return approx.xreplace({f: _decimal(f) for f in approx.atoms(sympy.Float)})

    return x.applyfunc(approximate) if is_matrix(x) else approximate(x)


@function("subs", 3)
def _subs(f, x, value):
    if not isinstance(x, sympy.Symbol):
        raise FormulaError(f"subs(f, x, value) needs a symbol as x, not {describe(x)}")
    return f.xreplace({x: scalar(value, "subs")})


def _each(name: str, build: Callable[[sympy.Expr], sympy.Expr]) -> None:
    function(name, 1)(lambda x: x.applyfunc(build) if is_matrix(x) else build(scalar(x, name)))


def _expand(x: sympy.Expr) -> sympy.Expr:
    # sympy would build (x + y + 1)^200's 20,301 terms before the size guard could refuse them.
    if ops.expansion_size(x) > MAX_EXPR_NODES:
        raise FormulaError(f"expand: the result would have more than {MAX_EXPR_NODES:,} terms")
    return sympy.expand(x)


_each("simplify", sympy.simplify)
_each("expand", _expand)
_each("factor", sympy.factor)


# ---------------------------------------------------------------- matrices


def _square(value, name: str) -> sympy.ImmutableMatrix:
    value = matrix(value, name)
    if value.rows != value.cols:
        raise FormulaError(f"{name} needs a square matrix, not {describe(value)}")
    return value


@function("transpose", 1)
def _transpose(a):
    return matrix(a, "transpose").T


@function("inv", 1)
def _inv(a):
    a = _square(a, "inv")
    if sympy.simplify(a.det()) == 0:
        raise FormulaError("the matrix is singular (its determinant is 0): it has no inverse")
    return a.inv()


@function("det", 1)
def _det(a):
    return _square(a, "det").det()


@function("trace", 1)
def _trace(a):
    return _square(a, "trace").trace()


@function("dot", 2)
def _dot(u, v):
    left, right = entries(u, "dot"), entries(v, "dot")
    if len(left) != len(right):
        raise FormulaError(f"dot needs two vectors of the same length, not {len(left)} and {len(right)}")
    return sympy.Add(*[a * b for a, b in zip(left, right)])


@function("norm", 1)
def _norm(a):
    # Euclidean for a vector, Frobenius for a matrix (entries taken as real).
    return sympy.sqrt(sympy.Add(*[entry ** 2 for entry in matrix(a, "norm")]))


@function("shape", 1)
def _shape(a):
    a = matrix(a, "shape")
    return vector([sympy.Integer(a.rows), sympy.Integer(a.cols)])


@function("identity", 1)
def _identity(n):
    return sympy.ImmutableMatrix(sympy.eye(whole(n, "identity", 1, MAX_SIDE)))


@function("zeros", 1, 2)
def _zeros(rows, cols=None):
    r = whole(rows, "zeros' rows", 1, MAX_SIDE)
    c = r if cols is None else whole(cols, "zeros' columns", 1, MAX_SIDE)
    return sympy.ImmutableMatrix.zeros(r, c)


@function("ones", 1, 2)
def _ones(rows, cols=None):
    r = whole(rows, "ones' rows", 1, MAX_SIDE)
    c = r if cols is None else whole(cols, "ones' columns", 1, MAX_SIDE)
    return sympy.ImmutableMatrix.ones(r, c)


# ---------------------------------------------------------------- lists from matrices (a confusion matrix's counts)
# Every list here is a vector (a column), whatever it came from, so that lists of one
# matrix combine entry by entry: diag(C) ./ colsums(C) is the per-class precision.


@function("diag", 1)
def _diag(a):
    a = matrix(a, "diag")
    if is_vector(a):  # a list: the diagonal matrix with it on the diagonal
        return sympy.ImmutableMatrix(sympy.diag(*list(a)))
    if a.rows != a.cols:
        raise FormulaError(f"diag needs a square matrix (its diagonal) or a list (a diagonal matrix), not {describe(a)}")
    return vector([a[i, i] for i in range(a.rows)])


@function("rowsums", 1)
def _rowsums(a):
    a = matrix(a, "rowsums")
    return vector([sympy.Add(*a.row(r)) for r in range(a.rows)])


@function("colsums", 1)
def _colsums(a):
    a = matrix(a, "colsums")
    return vector([sympy.Add(*a.col(c)) for c in range(a.cols)])


@function("total", 1)
def _total(a):
    return sympy.Add(*matrix(a, "total"))


@function("len", 1)
def _len(a):
    a = matrix(a, "len")
    if not is_vector(a):
        raise FormulaError(f"len needs a list, not {describe(a)}; shape(M) gives a matrix's rows and columns")
    return sympy.Integer(len(a))


# ---------------------------------------------------------------- counting


def _log2_factorial(n: int) -> float:
    return math.lgamma(n + 1) / math.log(2)


def _check_bits(bits: float, what: str) -> None:
    if bits > MAX_BITS:
        raise FormulaError(f"{what} would have about {int(bits * 0.30103):,} digits; references are limited to about {int(MAX_BITS * 0.30103):,}")


@function("factorial", 1)
def _factorial(n):
    n = scalar(n, "factorial")
    if not n.is_number:
        return sympy.factorial(n)
    count = whole(n, "factorial", 0)
    if count > MAX_FACTORIAL:
        raise FormulaError(f"factorial({count:,}) is too large; at most factorial({MAX_FACTORIAL:,})")
    return sympy.factorial(count)


def _counting(name: str, n, k) -> tuple[int, int] | None:
    """(n, k) as whole numbers, or None when either is a formula (the result stays symbolic)."""
    n, k = scalar(n, name), scalar(k, name)
    if not (n.is_number and k.is_number):
        return None
    return whole(n, name, 0), whole(k, name, 0)


@function("nCr", 2)
def _ncr(n, k):
    counts = _counting("nCr", n, k)
    if counts is None:
        return sympy.binomial(n, k)
    total, chosen = counts
    if chosen > total:
        return sympy.Integer(0)
    _check_bits(_log2_factorial(total) - _log2_factorial(chosen) - _log2_factorial(total - chosen), f"nCr({total}, {chosen})")
    return sympy.binomial(total, chosen)


@function("nPr", 2)
def _npr(n, k):
    counts = _counting("nPr", n, k)
    if counts is None:
        return sympy.ff(n, k)
    total, chosen = counts
    if chosen > total:
        return sympy.Integer(0)
    _check_bits(_log2_factorial(total) - _log2_factorial(total - chosen), f"nPr({total}, {chosen})")
    return sympy.ff(total, chosen)
