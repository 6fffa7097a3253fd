"""Write a reader tree back as LaTeX that ``read_math`` reads into the same tree.

Used for self-tests (a reference written as a student would) and for showing a
reference in feedback. sympy's own printer is not enough: it writes ``Ohat`` for
the reader's ``\\hat{O}`` and ``W_{hh}`` labels differently.
"""

from __future__ import annotations

import sympy

from grader.mathtext.atoms import Diff, Event, Outer, Partial, Sigmoid, Transposed
from grader.mathtext.checks import GREEK_NAMES

_GREEK = frozenset(GREEK_NAMES)
_RELATION_COMMANDS = {"=": "=", "≈": "\\approx", "≠": "\\neq", "<": "<", ">": ">", "≤": "\\leq", "≥": "\\geq",
                      "≡": "\\equiv"}
_ACCENTS = {"hat": "hat", "tilde": "tilde", "bar": "bar"}
_FUNCTIONS = {sympy.tanh: "\\tanh", sympy.sinh: "\\sinh", sympy.cosh: "\\cosh", sympy.sin: "\\sin",
              sympy.cos: "\\cos", sympy.tan: "\\tan", sympy.exp: "\\exp", sympy.log: "\\log", Sigmoid: "\\sigma",
              sympy.sec: "\\sec", sympy.csc: "\\csc", sympy.cot: "\\cot", sympy.asin: "\\arcsin",
              sympy.acos: "\\arccos", sympy.atan: "\\arctan"}


def _name(name: str) -> str:
    primes = len(name) - len(name.rstrip("'"))
    if primes and len(name) > primes:
        return _name(name[:-primes]) + "'" * primes
    if len(name) == 1:
        return name
    if name in _GREEK:
        return "\\" + name
    for accent in _ACCENTS:
        base = name[: -len(accent)]
        if name.endswith(accent) and (len(base) == 1 or base in _GREEK):
            return f"\\{accent}{{{_name(base)}}}"
    if "_" in name:
        base, label = name.split("_", 1)
        return f"{_name(base)}_{{{label}}}"
    return f"\\text{{{name}}}"


def _group(expr: sympy.Basic) -> str:
    return f"\\left({to_latex(expr)}\\right)"


def _factor(expr: sympy.Basic) -> str:
    """A factor of a product or a base of a power: bracketed unless it is an atom."""
    atomic = isinstance(expr, (sympy.Symbol, sympy.Indexed, Partial, Diff, Event, sympy.Integer)) and not (
        isinstance(expr, sympy.Integer) and expr < 0)
    return to_latex(expr) if atomic or isinstance(expr, sympy.Function) and not isinstance(expr, Outer) \
        else _group(expr)


def to_latex(expr: sympy.Basic) -> str:
    """LaTeX for a tree made of what the reader builds (numbers, names, Partial, + * ^, functions, Σ, Π)."""
    if isinstance(expr, sympy.Integer):
        return str(int(expr))
    if isinstance(expr, sympy.Rational):
        sign = "-" if expr < 0 else ""
        return f"{sign}\\frac{{{abs(expr.p)}}}{{{expr.q}}}"
    if isinstance(expr, sympy.Float):
        return format(float(expr), "f")
    if isinstance(expr, sympy.Symbol):
        return _name(expr.name)
    if isinstance(expr, sympy.Indexed):
        return f"{_name(str(expr.base))}_{{{', '.join(to_latex(i) for i in expr.indices)}}}"
    if isinstance(expr, Partial):
        return f"\\frac{{\\partial {_factor(expr.num)}}}{{\\partial {_factor(expr.den)}}}"
    if isinstance(expr, Diff):
        return _leibniz(expr)
    if isinstance(expr, Event):
        left, relation, right = expr.args
        return f"\\left({to_latex(left)} {_RELATION_COMMANDS[relation.name]} {to_latex(right)}\\right)"
    if expr is sympy.S.Infinity:
        return "\\infty"
    if expr is sympy.S.NegativeInfinity:
        return "-\\infty"
    if isinstance(expr, sympy.factorial):
        return f"{_factor(expr.args[0])}!"
    if isinstance(expr, sympy.binomial):
        return f"\\binom{{{to_latex(expr.args[0])}}}{{{to_latex(expr.args[1])}}}"
    if isinstance(expr, sympy.Integral):
        return _integral(expr)
    if isinstance(expr, sympy.Derivative):
        text = _group(expr.expr)
        for var, order in reversed(expr.variable_count):
            text = f"{_operator(var, int(order))} {text}"
        return text
    if isinstance(expr, Transposed):
        return f"{_factor(expr.args[0])}^{{T}}"
    if isinstance(expr, Outer):
        return f"{_factor(expr.args[0])} \\otimes {_factor(expr.args[1])}"
    if isinstance(expr, sympy.Add):
        text = to_latex(expr.args[0])
        for term in expr.args[1:]:
            part = to_latex(term)
            negated = isinstance(term, sympy.Mul) and term.args[0] == -1
            text += f" - {part[1:]}" if negated else f" + \\left({part}\\right)" if part.startswith("-") \
                else f" + {part}"
        return text
    if isinstance(expr, sympy.Mul):
        args = list(expr.args)
        if args and args[0] == -1:
            rest = args[1:]
            return "-" + (_factor(rest[0]) if len(rest) == 1 else " \\cdot ".join(_factor(a) for a in rest))
        return " \\cdot ".join(_factor(a) for a in args)
    if isinstance(expr, sympy.Pow):
        if expr.exp == -1:
            return f"\\frac{{1}}{{{to_latex(expr.base)}}}"
        return f"{_factor(expr.base)}^{{{to_latex(expr.exp)}}}"
    if isinstance(expr, (sympy.Sum, sympy.Product)):
        var, low, high = expr.limits[0]
        command = "\\sum" if isinstance(expr, sympy.Sum) else "\\prod"
        return f"{command}_{{{to_latex(var)} = {to_latex(low)}}}^{{{to_latex(high)}}} {_group(expr.function)}"
    if isinstance(expr, sympy.Abs):
        return f"\\left| {to_latex(expr.args[0])} \\right|"
    if isinstance(expr, sympy.Function) and type(expr.func) is sympy.core.function.UndefinedFunction \
            and expr.func.__name__.endswith("'"):
        return f"{_name(expr.func.__name__)}\\left({', '.join(to_latex(a) for a in expr.args)}\\right)"
    if isinstance(expr, sympy.Function) and len(expr.args) == 1:
        head = _FUNCTIONS.get(expr.func) or f"\\text{{{expr.func.__name__}}}"
        return f"{head}{_group(expr.args[0])}"
    raise ValueError(f"cannot write {type(expr).__name__} as LaTeX")


def _operator(var: sympy.Basic, order: int) -> str:
    if order == 1:
        return f"\\frac{{d}}{{d {_factor(var)}}}"
    return f"\\frac{{d^{{{order}}}}}{{d {_factor(var)}^{{{order}}}}}"


def _leibniz(expr: Diff) -> str:
    """``Diff(Diff(y, x), x)`` as ``\\frac{d^{2} y}{d x^{2}}``; mixed variables nest as written."""
    order, inner = 1, expr.num
    while isinstance(inner, Diff) and inner.den == expr.den:
        order, inner = order + 1, inner.num
    if isinstance(inner, (sympy.Symbol, sympy.Indexed)):
        if order == 1:
            return f"\\frac{{d {_factor(inner)}}}{{d {_factor(expr.den)}}}"
        return f"\\frac{{d^{{{order}}} {_factor(inner)}}}{{d {_factor(expr.den)}^{{{order}}}}}"
    return f"{_operator(expr.den, 1)} {to_latex(expr.num)}"


def _integral(expr: sympy.Integral) -> str:
    text = _group(expr.function)
    for limit in expr.limits:  # the first limit is the innermost integral
        var = to_latex(limit[0])
        bounds = f"_{{{to_latex(limit[1])}}}^{{{to_latex(limit[2])}}}" if len(limit) == 3 else ""
        text = f"\\int{bounds} {text} \\, d{var if var.startswith(chr(92)) else ' ' + var}"
    return text
