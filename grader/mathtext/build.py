"""lark's tree of one formula into sympy trees, node by node, unevaluated (``_Build``).

One small method per grammar rule (``grammar.lark``); what each builds is described in
``grader.mathtext.latex``. Nothing here evaluates student text: every node is built
explicitly, with ``evaluate=False`` where sympy would otherwise compute.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import sympy
from lark import Token, Transformer
from sympy.core.symbol import Str

from grader.errors import MathParseError
from grader.mathtext.atoms import MAX_FACTORIAL, Binomial, Event, Factorial, Outer, Sigmoid, Transposed
from grader.mathtext.calculus import DerivOp, apply_operators, infer_index, leibniz, partial_leibniz
from grader.mathtext.checks import RELATIONS
from grader.mathtext.trees import Statement, settle

_ACCENT_NAMES = {"hat": "hat", "widehat": "hat", "tilde": "tilde", "widetilde": "tilde", "bar": "bar",
                 "overline": "bar", "dot": "dot"}
_SYMPY_FUNCTIONS = {"tanh": sympy.tanh, "sinh": sympy.sinh, "cosh": sympy.cosh, "sin": sympy.sin,
                    "cos": sympy.cos, "tan": sympy.tan, "exp": sympy.exp, "log": sympy.log, "ln": sympy.log,
                    "sigma": Sigmoid, "sigmoid": Sigmoid, "sec": sympy.sec, "csc": sympy.csc, "cot": sympy.cot,
                    "arcsin": sympy.asin, "arccos": sympy.acos, "arctan": sympy.atan}


class _Del:
    """``\\partial X`` / ``\\partial^n X`` / ``\\partial`` on its own: only meaningful in a fraction."""

    def __init__(self, target: sympy.Expr | None, order: int = 1):
        self.target = target
        self.order = order


@dataclass(frozen=True)
class _Script:
    kind: str  # "sub" | "sup" | "transpose" | "label"
    values: tuple


def _x(value) -> sympy.Expr:
    if isinstance(value, _Del):
        raise MathParseError("\\partial outside a fraction \\frac{\\partial A}{\\partial B}")
    if isinstance(value, DerivOp):
        raise MathParseError("\\frac{d}{dx} with nothing after it to differentiate")
    if not isinstance(value, sympy.Basic):
        raise MathParseError(f"unexpected {value!r}")
    return value


def _mul(*factors) -> sympy.Expr:
    return sympy.Mul(*[_x(f) for f in factors], evaluate=False)


def _neg(value) -> sympy.Expr:
    return _mul(sympy.Integer(-1), value)


def _symbol_name(tok: Token) -> str:
    return str(tok).lstrip("\\").strip()


def _word(tok: Token) -> str:
    return str(tok)[str(tok).index("{") + 1:-1].strip()


def _label(value: sympy.Expr) -> str | None:
    """Several letters written as a subscript (``W_{hh}``) are a label, not a product of indices."""
    if isinstance(value, sympy.Mul) and all(isinstance(a, sympy.Symbol) and len(a.name) == 1 for a in value.args):
        return "".join(a.name for a in value.args)
    return None


def _whole_number_bound(value: sympy.Basic, what: str) -> None:
    """A factorial or binomial of a number: a whole number up to MAX_FACTORIAL (no huge integer is built)."""
    if value.free_symbols:
        return
    settled = settle(value)
    if settled.is_Integer and abs(settled) > MAX_FACTORIAL:
        raise MathParseError(f"{what} of a number above {MAX_FACTORIAL}")


class _Build(Transformer):
    """One small method per grammar rule; each returns a sympy node built unevaluated."""

    def statement(self, children):
        leading = ""
        if children and isinstance(children[0], Token) and children[0].type == "REL":
            leading = RELATIONS[str(children[0])]
            children = children[1:]
        sides = tuple(_x(c) for c in children if not isinstance(c, Token))
        relations = tuple(RELATIONS[str(c)] for c in children if isinstance(c, Token))
        return Statement(sides, relations, leading)

    def expr(self, children):
        terms: list[sympy.Expr] = []
        sign = "+"
        for child in children:
            if isinstance(child, Token):
                sign = str(child)
            else:
                terms.append(child if sign == "+" else _neg(child))
                sign = "+"
        # A lone term passes through as is: it may be the "\partial X" of a fraction.
        return terms[0] if len(terms) == 1 else sympy.Add(*[_x(t) for t in terms], evaluate=False)

    def term(self, children):
        factors = [children[0]]
        for link in children[1:]:
            op, value = link
            if op == "/":
                factors.append(sympy.Pow(_x(value), -1, evaluate=False))
            elif op == "\\otimes":
                left = _x(factors[0]) if len(factors) == 1 else _mul(*factors)
                factors = [Outer(left, _x(value))]
            else:
                factors.append(value)
        if any(isinstance(f, DerivOp) for f in factors):
            factors = apply_operators(factors)
        return factors[0] if len(factors) == 1 else _mul(*factors)

    def op_link(self, children):
        return (re.sub(r"\s", "", str(children[0])), children[1])

    def juxt_link(self, children):
        return ("juxt", children[0])

    def negate(self, children):
        sign, value = children
        return _neg(value) if str(sign) == "-" else _x(value)

    def func_app(self, children):
        head, arg = children
        name = _word(head) if head.type == "TEXTWORD" else _symbol_name(head)
        function = _SYMPY_FUNCTIONS.get(name) or sympy.Function(name)
        return function(_x(arg), evaluate=False)

    def func_power_app(self, children):
        """``\\sin^2 x`` is (sin x)²; ``\\sin^{-1} x`` the inverse sine's value is not read so."""
        head, script, arg = children
        if script.kind != "sup" or (script.values[0].is_number and complex(script.values[0]) == -1):
            raise MathParseError(f"{head}^… is read only as a power of the function's value")
        return sympy.Pow(self.func_app([head, arg]), script.values[0], evaluate=False)

    def factorial(self, children):
        value = _x(children[0])
        _whole_number_bound(value, "a factorial")
        return Factorial(value, evaluate=False)

    def binom(self, children):
        _, n, k = children
        for value in (n, k):
            _whole_number_bound(_x(value), "a binomial coefficient")
        return Binomial(_x(n), _x(k), evaluate=False)

    # big operators
    def bigop(self, children):
        head, limits, body = children
        kind = sympy.Sum if _symbol_name(head) == "sum" else sympy.Product
        var, low, high = limits
        body = _x(body)
        if var is None and low is None and high is None:
            var = infer_index(body)  # \sum x_i: the index is the subscript's letter
        if var is None:
            raise MathParseError(f"\\{_symbol_name(head)} without an index variable")
        low = sympy.S.NegativeInfinity if low is None else low
        high = sympy.S.Infinity if high is None else high
        return kind(body, (var, _x(low), _x(high)))

    def limits(self, children):
        var = low = high = None
        for kind, *values in children:
            if kind == "lower":
                var, low = values
            else:
                high = values[0]
        return (var, low, high)

    def lower_eq(self, children):
        return ("lower", sympy.Symbol(_symbol_name(children[0])), _x(children[1]))

    def lower_var(self, children):
        return ("lower", sympy.Symbol(_symbol_name(children[0])), None)

    def lower_char(self, children):
        char = str(children[0])[-1]
        if not char.isalpha():
            raise MathParseError("sum or product bound without an index variable")
        return ("lower", sympy.Symbol(char), None)

    def upper(self, children):
        return ("upper", self._bound(children[0]))

    def upper_char(self, children):
        return ("upper", self._char_atom(str(children[0])[-1]))

    # integrals
    def _bound(self, value):
        if isinstance(value, Token):
            return sympy.S.Infinity if value.type == "INFTY" else self._token_atom(value)
        return _x(value)

    def ilimits(self, children):
        bounds = {"lower": None, "upper": None}
        for kind, value in children:
            bounds[kind] = value
        return bounds["lower"], bounds["upper"]

    def ilower(self, children):
        return ("lower", self._bound(children[0]))

    def iupper(self, children):
        return ("upper", self._bound(children[0]))

    def bound_char(self, children):
        text = str(children[0])
        return ("lower" if text.startswith("_") else "upper", self._char_atom(text[-1]))

    def integral(self, children):
        (low, high), rest = children[1], children[2:]
        body = _x(rest[0]) if len(rest) == 3 else sympy.Integer(1)  # \int_0^1 dx
        var = sympy.Symbol(_symbol_name(rest[-1]))
        if low is None and high is None:
            return sympy.Integral(body, var)
        if low is None or high is None:
            raise MathParseError("an integral needs both bounds, or none")
        return sympy.Integral(body, (var, low, high))

    def infinity(self, children):
        return sympy.S.Infinity

    # scripts
    def sub_group(self, children):
        if len(children) == 1 and (label := _label(children[0])) is not None:
            return _Script("label", (label,))
        return _Script("sub", tuple(_x(c) for c in children))

    def sub_token(self, children):
        return _Script("sub", (self._token_atom(children[0]),))

    def sub_char(self, children):
        return _Script("sub", (self._char_atom(str(children[0])[-1]),))

    def sup_group(self, children):
        if children[0] == sympy.Symbol("T"):  # ^{T} is a transpose, like ^T
            return _Script("transpose", ())
        return _Script("sup", (_x(children[0]),))

    def sup_token(self, children):
        tok = children[0]
        if tok.type == "TOP":
            return _Script("transpose", ())
        return _Script("sup", (self._token_atom(tok),))

    def sup_char(self, children):
        char = str(children[0])[-1]
        return _Script("transpose", ()) if char == "T" else _Script("sup", (self._char_atom(char),))

    def scripted(self, children):
        base, *scripts = children
        for script in scripts:
            base = self._apply_script(base, script)
        return base

    def scripted_sup_first(self, children):
        base, sup, sub = children
        return self.scripted([base, sub, sup])

    def _apply_script(self, base, script: _Script) -> sympy.Expr:
        base = _x(base)
        if script.kind == "transpose":
            return Transposed(base)
        if script.kind == "sup":
            return sympy.Pow(base, script.values[0], evaluate=False)
        if not isinstance(base, sympy.Symbol):
            raise MathParseError(f"subscript on {base}, which is not a name")
        if script.kind == "label":
            return sympy.Symbol(f"{base.name}_{script.values[0]}")
        # Index arithmetic (j - 1) is settled so that H[j - 1] matches after substitution.
        return sympy.IndexedBase(base.name)[tuple(settle(v) for v in script.values)]

    # atoms
    def _token_atom(self, tok: Token) -> sympy.Expr:
        if tok.type == "NUMBER":
            return self.number([tok])
        if tok.type == "INFTY":
            return sympy.S.Infinity
        return sympy.Symbol(_symbol_name(tok))

    def _char_atom(self, char: str) -> sympy.Expr:
        return sympy.Integer(int(char)) if char.isdigit() else sympy.Symbol(char)

    def number(self, children):
        text = str(children[0])
        return sympy.Rational(text) if "." in text else sympy.Integer(int(text))

    def letter(self, children):
        return sympy.Symbol(str(children[0]))

    def greek(self, children):
        return sympy.Symbol(_symbol_name(children[0]))

    def primed(self, children):
        name, primes = children
        return sympy.Symbol(_symbol_name(name) + str(primes))

    def primed_app(self, children):
        name, primes, *args = children
        return sympy.Function(_symbol_name(name) + str(primes))(*[_x(a) for a in args])

    def word(self, children):
        return sympy.Symbol(_word(children[0]))

    def accent(self, children):
        head, letter = children
        return sympy.Symbol(_symbol_name(letter) + _ACCENT_NAMES[_symbol_name(head)])

    def font(self, children):
        return _x(children[1])

    def group(self, children):
        inner = [c for c in children if not isinstance(c, Token)]
        return inner[0]

    def event(self, children):
        left, relation, right = children
        return Event(_x(left), Str(RELATIONS[str(relation)]), _x(right))

    def absolute(self, children):
        return sympy.Abs(_x(children[1]), evaluate=False)

    def frac(self, children):
        _, num, den = children
        if isinstance(num, _Del) and isinstance(den, _Del):
            if den.target is None or den.order != 1:
                raise MathParseError("a partial derivative needs a name below: \\frac{\\partial A}{\\partial x}")
            return partial_leibniz(num.target, num.order, den.target)
        if isinstance(num, _Del) or isinstance(den, _Del):
            raise MathParseError("a derivative needs \\partial in both numerator and denominator")
        derivative = leibniz(_x(num), _x(den))
        if derivative is not None:
            return derivative
        reciprocal = sympy.Pow(_x(den), -1, evaluate=False)
        return reciprocal if num == sympy.Integer(1) else _mul(num, reciprocal)

    def sqrt(self, children):
        return sympy.Pow(_x(children[1]), sympy.Rational(1, 2), evaluate=False)

    def naked_partial(self, children):
        if len(children) == 3:  # \partial^n X
            return _Del(_x(children[2]), self._order(children[1]))
        return _Del(_x(children[1]))

    def bare_partial(self, children):
        return _Del(None, self._order(children[1]) if len(children) == 2 else 1)

    def _order(self, script: _Script) -> int:
        value = script.values[0] if script.kind == "sup" else None
        if not (isinstance(value, sympy.Integer) and 1 <= value <= 10):
            raise MathParseError("the order of a derivative must be a whole number from 1 to 10")
        return int(value)
