"""The course's notation in an ``expression`` item: ``define`` (a name and its formula) and
``look_alikes`` (what OCR writes for a symbol), read and checked when the rubric loads."""

from __future__ import annotations

from typing import TYPE_CHECKING

import sympy

from grader.errors import MathParseError
from grader.mathtext.latex import read_math

if TYPE_CHECKING:
    from grader.types.expression import ExpressionParams


def definitions(params: "ExpressionParams") -> dict[sympy.Basic, sympy.Expr]:
    """The notation an item defines, as {name: its formula}; ValueError for what cannot be read."""
    found: dict[sympy.Basic, sympy.Expr] = {}
    for name, formula in params.define.items():
        try:
            atom, value = read_math(name).expr, read_math(formula).expr
        except MathParseError as exc:
            raise ValueError(f"define: {name!r}: {exc}") from None
        if not isinstance(atom, (sympy.Symbol, sympy.Indexed)):
            raise ValueError(f"define: {name!r} is not a name (like \\bar{{x}}, s^2 is not)")
        if atom in value.free_symbols:
            raise ValueError(f"define: {name!r} is defined in terms of itself")
        found[atom] = value
    return found


def look_alike_symbols(params: "ExpressionParams") -> dict[str, sympy.Basic]:
    """Each look-alike's symbol as read ({"\\theta": θ}); ValueError for a key that is not a name or a
    digit, or a look-alike that is not one character or is declared for two symbols."""
    found: dict[str, sympy.Basic] = {}
    owner: dict[str, str] = {}
    for symbol, forms in params.look_alikes.items():
        try:
            atom = read_math(symbol).expr
        except MathParseError as exc:
            raise ValueError(f"look_alikes: {symbol!r}: {exc}") from None
        if not (isinstance(atom, sympy.Symbol) or (symbol.isdigit() and len(symbol) == 1)):
            raise ValueError(f"look_alikes: {symbol!r} is neither a name (like \\theta) nor a digit")
        for written in forms:
            if len(written) != 1 or not written.isalnum() or written == symbol:
                raise ValueError(f"look_alikes: {symbol!r}: {written!r} is not one other letter or digit")
            if owner.setdefault(written, symbol) != symbol:
                raise ValueError(f"look_alikes: {written!r} is declared for both {owner[written]!r} and {symbol!r}")
        found[symbol] = atom
    return found
