"""Evaluate a formula's tree (``grader.references.reader``) into an exact sympy value.

``Evaluator(names).value(tree)``: ``names`` maps the names a formula may use (given
values, earlier computed ones, solver references) to values of ours
(``grader.references.values``). Each node is built by calling sympy on objects
already built — ``sympy.Rational`` for a number, our checked operators for ``+ - * /
^``, the whitelisted functions of ``functions.py`` / ``stats.py`` / ``forms.py`` for a
call — so no text is ever handed to sympy to interpret.

Every ``FormulaError`` leaves here with the column of the innermost node it was
raised at. A formula does at most ``MAX_STEPS`` node evaluations (a sum of a sum
unrolls into many), so no formula can loop for long even between time checks.
Errors sympy raises on an author's input (a non-invertible matrix, an equation it
cannot solve) become ``FormulaError`` naming the function; anything else goes up.
"""

from __future__ import annotations

import difflib
from typing import Any, Mapping

import sympy
from sympy.core.function import PoleError
from sympy.matrices.exceptions import MatrixError
from sympy.polys.polyerrors import BasePolynomialError

from grader.references import forms, stats  # noqa: F401 - they register their functions
from grader.references import functions, ops
from grader.references.errors import FormulaError
from grader.references.reader import Binary, Call, Compare, Index, ListOf, Name, Node, Num, Pair, Unary
from grader.references.values import describe, guard, is_matrix, is_truth, is_vector, list_of, scalar, whole

MAX_STEPS = 200_000

CONSTANTS: dict[str, Any] = {
    "pi": sympy.pi, "e": sympy.E, "oo": sympy.oo,
    "true": sympy.true, "false": sympy.false, "otherwise": sympy.true,
}
KEYWORDS = ("and", "or", "not")

_RELATIONS = {"=": sympy.Eq, "!=": sympy.Ne, "<": sympy.Lt, "<=": sympy.Le, ">": sympy.Gt, ">=": sympy.Ge}
# What sympy raises when an author's formula asks for the impossible (not bugs of ours).
_SYMPY_REFUSALS = (ValueError, TypeError, ArithmeticError, NotImplementedError, MatrixError, BasePolynomialError, PoleError)


def closest(name: str, known) -> str:
    """'; did you mean 'x'?' for the known name closest to a misspelt one, else ''."""
    match = difflib.get_close_matches(name, sorted(known), n=1, cutoff=0.6)
    return f"; did you mean {match[0]!r}?" if match else ""


class Evaluator:
    def __init__(self, names: Mapping[str, Any]):
        self.names = names
        self.steps = 0

    # ------------------------------------------------------------ entry points

    def value(self, node: Node, bound: Mapping[str, Any] | None = None) -> Any:
        """The value of ``node``; ``bound`` holds the variables of enclosing sums, diffs, ..."""
        self.steps += 1
        if self.steps > MAX_STEPS:
            raise FormulaError(f"too much work (more than {MAX_STEPS:,} steps): nested sums over long ranges?")
        try:
            return getattr(self, "_" + type(node).__name__)(node, bound or {})
        except FormulaError as exc:
            raise exc.at(node.col) from None
        except RecursionError:
            raise FormulaError("the formula is too complex to evaluate (too deeply nested)", node.col) from None

    def condition(self, node: Node, bound: Mapping[str, Any]) -> Any:
        """A truth value or a condition (``x < 0``) for if/piecewise."""
        try:
            if isinstance(node, Compare):
                left, right = (scalar(self.value(side, bound), f"the comparison {node.op!r}") for side in (node.left, node.right))
                return _RELATIONS[node.op](left, right)
            if isinstance(node, Binary) and node.op in ("and", "or"):
                parts = [self.condition(side, bound) for side in (node.left, node.right)]
                return sympy.And(*parts) if node.op == "and" else sympy.Or(*parts)
            if isinstance(node, Unary) and node.op == "not":
                return sympy.Not(self.condition(node.operand, bound))
            value = self.value(node, bound)
        except FormulaError as exc:
            raise exc.at(node.col) from None
        except TypeError as exc:  # sympy: "Invalid comparison of non-real I"
            raise FormulaError(f"cannot compare: {exc}", node.col) from None
        if not is_truth(value):
            raise FormulaError(f"a condition (like x < 0, or true) is needed here, not {describe(value)}", node.col)
        return value

    def variable(self, node: Node, bound: Mapping[str, Any], what: str, integer: bool = False) -> tuple[str, sympy.Symbol]:
        """The variable of diff/integrate/limit/solve/sum: a declared symbol, or a new name."""
        if not isinstance(node, Name):
            raise FormulaError(f"the variable of {what} must be a name, like x", node.col)
        known = bound.get(node.id, self.names.get(node.id)) if node.id not in CONSTANTS else CONSTANTS[node.id]
        if known is None:
            return node.id, sympy.Symbol(node.id, integer=True) if integer else sympy.Symbol(node.id)
        if isinstance(known, sympy.Symbol):
            return node.id, known
        raise FormulaError(f"the variable of {what} must be a symbol or a new name, but {node.id!r} is {describe(known)}", node.col)

    # ------------------------------------------------------------ one method per node

    def _Num(self, node: Num, bound) -> Any:
        return guard(sympy.Rational(node.value.numerator, node.value.denominator))

    def _Name(self, node: Name, bound) -> Any:
        if node.id in bound:
            return bound[node.id]
        if node.id in CONSTANTS:
            return CONSTANTS[node.id]
        if node.id in self.names:
            return self.names[node.id]
        known = set(bound) | set(self.names) | set(CONSTANTS)
        if node.id in functions.FUNCTIONS:
            raise FormulaError(f"{node.id!r} is a function: call it, {node.id}(...)")
        raise FormulaError(f"unknown name {node.id!r}{closest(node.id, known)}")

    def _Unary(self, node: Unary, bound) -> Any:
        if node.op == "not":
            raise FormulaError("'not' is only used in a condition of if(...) or piecewise(...)")
        value = self.value(node.operand, bound)
        if node.op == "-":
            return ops.negate(value)
        if is_truth(value):
            raise FormulaError(f"cannot put '+' before {describe(value)}: it is not a number")
        return value

    def _Binary(self, node: Binary, bound) -> Any:
        if node.op in ("and", "or"):
            raise FormulaError(f"{node.op!r} is only used in a condition of if(...) or piecewise(...)")
        left, right = self.value(node.left, bound), self.value(node.right, bound)
        if node.op in "+-":
            return ops.add(left, right, node.op)
        if node.op == "*":
            return ops.multiply(left, right)
        if node.op == "/":
            return ops.divide(left, right)
        if node.op in (".*", "./", ".^"):
            return ops.elementwise(left, right, node.op)
        return ops.power(left, right)

    def _Compare(self, node: Compare, bound) -> Any:
        raise FormulaError(f"a comparison ({node.op!r}) only means something as the equation of solve(...) "
                           "or a condition of if(...) / piecewise(...)")

    def _Pair(self, node: Pair, bound) -> Any:
        raise FormulaError("a bracketed pair (value, condition) is only written inside piecewise(...)")

    def _ListOf(self, node: ListOf, bound) -> Any:
        return guard(list_of([self.value(item, bound) for item in node.items]))

    def _Index(self, node: Index, bound) -> Any:
        target = self.value(node.target, bound)
        if not is_matrix(target):
            raise FormulaError(f"only a vector or a matrix has entries to index, not {describe(target)}")
        if len(node.indices) == 1:
            if not is_vector(target):
                raise FormulaError(f"{describe(target)} needs a row and a column: write M[row, column] (from 1)")
            return target[self.position(node.indices[0], bound, len(target), "entry") - 1]
        if len(node.indices) == 2:
            row = self.position(node.indices[0], bound, target.rows, "row")
            return target[row - 1, self.position(node.indices[1], bound, target.cols, "column") - 1]
        raise FormulaError(f"an index has one number (v[i]) or two (M[row, column]), not {len(node.indices)}")

    def position(self, node: Node, bound, size: int, axis: str) -> int:
        """A 1-based index, checked against the size of its axis; errors point at the index."""
        try:
            number = whole(self.value(node, bound), f"an index ({axis})")
        except FormulaError as exc:
            raise exc.at(node.col) from None
        if not 1 <= number <= size:
            plural = {"entry": "entries", "row": "rows", "column": "columns"}[axis]
            raise FormulaError(f"there is no {axis} {number}: the {plural} are numbered 1 to {size}", node.col)
        return number

    def _Call(self, node: Call, bound) -> Any:
        spec = functions.FUNCTIONS.get(node.func)
        if spec is None:
            if node.func in self.names or node.func in bound:
                raise FormulaError(f"{node.func!r} is a value, not a function; to put a number into a formula use subs(f, x, value)")
            raise FormulaError(f"unknown function {node.func!r}{closest(node.func, functions.FUNCTIONS)}")
        spec.check_arity(len(node.args))
        try:
            if spec.form:
                result = spec.impl(self, node, bound)
            else:
                args, keywords = self._arguments(spec, node, bound)
                result = spec.impl(*args, **keywords)
        except _SYMPY_REFUSALS as exc:
            raise FormulaError(f"{node.func} failed: {_sympy_message(exc)}") from None
        return guard(result)

    def _arguments(self, spec, node: Call, bound) -> tuple[list[Any], dict[str, Any]]:
        args: list[Any] = []
        keywords: dict[str, Any] = {}
        for arg in node.args:
            if isinstance(arg, Compare) and arg.op == "=" and isinstance(arg.left, Name) and spec.keywords:
                if arg.left.id not in spec.keywords:
                    raise FormulaError(f"{spec.name} has no option {arg.left.id!r}; its options are {', '.join(spec.keywords)}", arg.col)
                keywords[arg.left.id] = self.value(arg.right, bound)
            elif keywords:
                raise FormulaError(f"in {spec.name}(...), options (name = value) come after the other arguments", arg.col)
            else:
                args.append(self.value(arg, bound))
        return args, keywords


def _sympy_message(exc: Exception) -> str:
    text = " ".join(str(exc).split()) or type(exc).__name__
    return text if len(text) <= 160 else text[:159] + "…"
