"""Integrals and derivatives as students write them: ``\\int_0^1 f\\,dx``, ``\\frac{d}{dx}``, ``\\frac{dy}{dx}``.

Before parsing, ``mark_differentials`` finds the differential that closes each ``\\int``
(the first ``d`` + variable after it at its own bracket depth; integrals nest like
brackets) and spells it ``\\differential x``, a token only this pass writes (a student's
``\\differential`` is refused as an unknown command before it runs). ``\\mathrm{d}``,
``\\text{d}`` and ``\\operatorname{d}`` are a plain ``d`` first. An ``\\int`` without a
differential is refused with a reason.

While building, ``leibniz(num, den)`` tells a Leibniz fraction from a quotient:

* ``\\frac{d}{dx}`` / ``\\frac{d^2}{dx^2}`` / ``\\frac{\\partial}{\\partial x}`` is an
  operator (``DerivOp``) that ``apply_operators`` applies to the rest of its product:
  ``\\frac{d}{dx} x^2`` is ``Derivative(x**2, x)``, unevaluated (it is worked out where
  formulas are compared);
* ``\\frac{dy}{dx}``, ``\\frac{d\\ell}{d\\lambda}``, ``\\frac{d^2\\ell}{d\\lambda^2}``, and the
  operator applied to a lone name (``\\frac{d}{dx} y``), are the name-like atom
  ``Diff(y, x)`` (nested for higher orders), like ``Partial`` for ``∂``: a name, not
  ``Derivative(y, x)``, which would be 0;
* the variable itself (``\\frac{d}{dx} x``, ``\\frac{dx}{dx}``) or a formula
  (``\\frac{d(x^2)}{dx}``) is differentiated: ``Derivative``.

Anything else (``\\frac{d}{2}``, ``\\frac{ad}{dx}``) is an ordinary quotient.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import sympy

from grader.errors import MathParseError
from grader.mathtext.atoms import Diff, Partial
from grader.mathtext.checks import GREEK_NAMES, MAX_ORDER, RELATIONS

DIFFERENTIAL = "\\differential"
D = sympy.Symbol("d")

_UPRIGHT_D = re.compile(r"\\(?:mathrm|text|textrm|operatorname|mathit)\s*\{\s*d\s*\}|\\mathrm\s+d(?![A-Za-z])")
_VARIABLE = re.compile(r"\s*(?:[A-Za-z]|\\(?:" + "|".join(GREEK_NAMES) + r")(?![A-Za-z]))")
_NAME = re.compile(r"[A-Za-z]+")
_RELATION_COMMANDS = frozenset(r[1:] for r in RELATIONS if r.startswith("\\"))


def mark_differentials(text: str) -> str:
    """``text`` with the differential of each ``\\int`` spelled ``\\differential`` (linear in the length)."""
    text = _UPRIGHT_D.sub(" d ", text)
    if "\\int" not in text:
        return text
    open_at: list[int] = []  # bracket depth of each integral still waiting for its differential
    marks: list[int] = []
    depth, i, previous = 0, 0, ""
    while i < len(text):
        char = text[i]
        if char == "\\":
            name = _NAME.match(text, i + 1)
            if name:
                if name.group() == "int":
                    open_at.append(depth)
                elif name.group() in _RELATION_COMMANDS:
                    _no_relation_inside(open_at, depth)
                i += 1 + len(name.group())
                previous = "\\"
                continue
            if text[i + 1:i + 2] not in ("{", "}"):  # \, \; \! : spacing
                i += 2
                continue
            i += 1
            char = text[i]
        if char in "{([":
            depth += 1
        elif char in "})]":
            depth -= 1
            if open_at and open_at[-1] > depth:
                raise MathParseError("an integral without its differential (write \\int … dx)")
        elif char in "=<>":
            _no_relation_inside(open_at, depth)
        elif (char == "d" and open_at and open_at[-1] == depth and previous not in ("_", "^")
              and _VARIABLE.match(text, i + 1)):
            marks.append(i)
            open_at.pop()
        if not char.isspace():
            previous = char
        i += 1
    if open_at:
        raise MathParseError("an integral without its differential (write \\int … dx)")
    for position in reversed(marks):
        text = text[:position] + DIFFERENTIAL + " " + text[position + 1:]
    return text


def _no_relation_inside(open_at: list[int], depth: int) -> None:
    if open_at and open_at[-1] == depth:
        raise MathParseError("an integral without its differential (write \\int … dx)")


@dataclass(frozen=True)
class DerivOp:
    """``\\frac{d^n}{dx^n}`` (or ``∂``) before what it differentiates."""

    var: sympy.Basic
    order: int
    partial: bool


def _order(value: sympy.Basic, base: sympy.Basic) -> int | None:
    """``base`` → 1, ``base^n`` → n (a whole number up to MAX_ORDER), else None."""
    if value == base:
        return 1
    if isinstance(value, sympy.Pow) and value.base == base and value.exp.is_Integer and value.exp > 0:
        if value.exp > MAX_ORDER:
            raise MathParseError(f"a derivative of order above {MAX_ORDER}")
        return int(value.exp)
    return None


def _name_like(value: sympy.Basic) -> bool:
    return isinstance(value, (sympy.Symbol, sympy.Indexed, Diff, Partial)) or (
        isinstance(value, sympy.Function) and type(value.func) is sympy.core.function.UndefinedFunction)


def _split_d(value: sympy.Basic) -> tuple[int, list[sympy.Basic]] | None:
    """``d`` / ``d^n`` / ``d^n y …`` → (n, [y, …]); None when it does not start with d."""
    factors = list(value.args) if isinstance(value, sympy.Mul) else [value]
    order = _order(factors[0], D)
    return None if order is None else (order, factors[1:])


def _variable(den: sympy.Basic, order: int) -> sympy.Basic | None:
    """The x of ``dx`` / ``dx^n`` (``(dx)^n``), when the order matches."""
    if isinstance(den, sympy.Pow) and den.exp == order and order > 1:
        den = den.base
        order = 1
    if not (isinstance(den, sympy.Mul) and len(den.args) == 2 and den.args[0] == D):
        return None
    var = den.args[1]
    if order > 1:
        var = var.base if isinstance(var, sympy.Pow) and var.exp == order else None
    return var if isinstance(var, (sympy.Symbol, sympy.Indexed)) else None


def leibniz(num: sympy.Basic, den: sympy.Basic):
    """A ``DerivOp``, a derivative, or None for an ordinary quotient ``num / den``."""
    split = _split_d(num)
    if split is None:
        return None
    order, rest = split
    var = _variable(den, order)
    if var is None:
        return None
    op = DerivOp(var, order, partial=False)
    if not rest:
        return op
    return differentiate(op, rest[0] if len(rest) == 1 else sympy.Mul(*rest, evaluate=False))


def partial_leibniz(num_target, num_order: int, den_target) -> sympy.Basic | DerivOp:
    """``\\frac{\\partial^n A}{\\partial x^n}`` (``num_target`` None: the operator ``\\frac{\\partial}{\\partial x}``)."""
    var = den_target
    if num_order > 1:
        var = den_target.base if isinstance(den_target, sympy.Pow) and den_target.exp == num_order else None
        if var is None:
            raise MathParseError("the orders of a derivative's numerator and denominator differ")
    if num_target is None:
        if not isinstance(var, (sympy.Symbol, sympy.Indexed)):
            raise MathParseError("\\frac{\\partial}{\\partial x} needs a name below")
        return DerivOp(var, num_order, partial=True)
    result = num_target
    for _ in range(num_order):
        result = Partial(result, var)
    return result


def differentiate(op: DerivOp, operand: sympy.Basic) -> sympy.Basic:
    taken = sum(int(count) for node in sympy.preorder_traversal(operand) if isinstance(node, sympy.Derivative)
                for _, count in node.variable_count)
    if taken + op.order > MAX_ORDER:  # each order multiplies the work of taking it
        raise MathParseError(f"derivatives of total order above {MAX_ORDER}")
    if _name_like(operand) and operand != op.var:
        result = operand
        for _ in range(op.order):
            result = (Partial if op.partial else Diff)(result, op.var)
        return result
    return sympy.Derivative(operand, (op.var, op.order))


def apply_operators(factors: list) -> list:
    """A product's factors with each ``DerivOp`` applied to all the factors after it."""
    for position, factor in enumerate(factors):
        if isinstance(factor, DerivOp):
            rest = apply_operators(factors[position + 1:])
            if not rest:
                raise MathParseError("\\frac{d}{dx} with nothing after it to differentiate")
            operand = rest[0] if len(rest) == 1 else sympy.Mul(*rest, evaluate=False)
            return factors[:position] + [differentiate(factor, operand)]
    return factors


def infer_index(body: sympy.Basic) -> sympy.Symbol | None:
    """The index of ``\\sum x_i`` written without bounds: the one free letter in the body's subscripts."""
    letters = {s for node in sympy.preorder_traversal(body) if isinstance(node, sympy.Indexed)
               for index in node.indices for s in index.free_symbols if isinstance(s, sympy.Symbol)}
    letters &= body.free_symbols
    return letters.pop() if len(letters) == 1 else None
