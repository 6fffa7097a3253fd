"""A question's ``given:`` values, as YAML gives them, turned into exact values of ours.

=====================================  =========================================
YAML                                   value
=====================================  =========================================
``3``                                  the integer 3
``0.95``                               19/20 (the decimal as written, not a float)
``"1/100"``, ``"sqrt(2)"``, ``1e-3``    a formula of the reference language
``[1, 2]``                             a vector (a 2×1 column)
``[[2, 1], [1, 3]]``                   a 2×2 matrix
``symbol``                             the symbol named like the key
``{symbol: x, positive: true}``        a symbol with assumptions
``true`` / ``false``                   a truth value (for if/piecewise)
=====================================  =========================================

A float is read through ``repr``, the shortest decimal that reads back as the same
float: the text the author wrote, up to 15 significant digits (a longer decimal
should be quoted). Entries of lists may be numbers or formula strings. Problems
are returned with the key path of the entry they are in, so a long matrix written
over several lines is reported at the right line.
"""

from __future__ import annotations

import math
from typing import Any, Callable

import sympy

from grader.references.errors import FormulaError
from grader.references.values import exact, guard, matrix_of_rows, scalar, vector

SYMBOL_OPTIONS = ("positive", "negative", "nonnegative", "nonpositive", "nonzero", "real", "integer")

Path = tuple[Any, ...]
Formula = Callable[[str], Any]  # reads and evaluates a formula string (names given so far)


class GivenError(FormulaError):
    """A problem in one given value, at ``path`` below the value's own key."""

    def __init__(self, message: str, path: Path = ()):
        super().__init__(message, None)
        self.args = (message, path)
        self.path = path


def _scalar(raw: Any, path: Path, formula: Formula) -> Any:
    if isinstance(raw, bool):
        return sympy.true if raw else sympy.false
    if isinstance(raw, int):
        return guard(exact(raw))
    if isinstance(raw, float):
        if not math.isfinite(raw):
            raise GivenError(f"{raw!r} is not a finite number", path)
        return exact(raw)
    if isinstance(raw, str):
        try:
            return formula(raw)
        except GivenError:
            raise
        except FormulaError as exc:
            raise GivenError(str(exc), path) from None
    if raw is None:
        raise GivenError("no value: write a number, a list, a formula in quotes, or symbol", path)
    raise GivenError(f"{type(raw).__name__} is not a value a formula can use", path)


def _entry(raw: Any, path: Path, formula: Formula) -> sympy.Expr:
    value = _scalar(raw, path, formula)
    try:
        return scalar(value, "an entry of a list")
    except FormulaError as exc:
        raise GivenError(exc.message, path) from None


def _list(raw: list, formula: Formula) -> Any:
    if raw and all(isinstance(row, list) for row in raw):
        for r, row in enumerate(raw):
            if any(isinstance(item, (list, dict)) for item in row):
                raise GivenError("lists nest two levels at most (the rows of a matrix)", (r,))
        rows = [[_entry(item, (r, c), formula) for c, item in enumerate(row)] for r, row in enumerate(raw)]
        try:
            return guard(matrix_of_rows(rows, "the matrix"))
        except FormulaError as exc:
            raise GivenError(exc.message) from None
    for i, item in enumerate(raw):
        if isinstance(item, (list, dict)):
            raise GivenError("a list holds numbers, or only lists (the rows of a matrix), not both", (i,))
    try:
        return guard(vector([_entry(item, (i,), formula) for i, item in enumerate(raw)]))
    except GivenError:
        raise
    except FormulaError as exc:
        raise GivenError(exc.message) from None


def _symbol(name: str, raw: dict) -> sympy.Symbol:
    unknown = sorted(str(key) for key in raw if key != "symbol" and key not in SYMBOL_OPTIONS)
    if unknown:
        raise GivenError(f"unknown key {unknown[0]!r} of a symbol; allowed: symbol, {', '.join(SYMBOL_OPTIONS)}", (unknown[0],))
    if "symbol" not in raw:
        raise GivenError(f"a mapping declares a symbol: {{symbol: {name}}} (with options {', '.join(SYMBOL_OPTIONS)})")
    label = raw["symbol"]
    if not isinstance(label, str) or not label.replace("_", "a").isalnum() or label[0].isdigit():
        raise GivenError("symbol: the symbol's name must be letters, digits and _ (like x, sigma, W_hh)", ("symbol",))
    options = {}
    for key in SYMBOL_OPTIONS:
        if key in raw:
            if not isinstance(raw[key], bool):
                raise GivenError(f"{key}: must be true or false", (key,))
            options[key] = raw[key]
    try:
        return sympy.Symbol(label, **options)
    except Exception as exc:  # sympy's InconsistentAssumptions (positive and negative)
        raise GivenError(f"contradictory options: {exc}") from None


def read_given(name: str, raw: Any, formula: Formula) -> Any:
    """The value of ``given: {name: raw}``; ``GivenError`` (with a path below the key) if it has none."""
    if raw == "symbol":
        return sympy.Symbol(name)
    if isinstance(raw, dict):
        return _symbol(name, raw)
    if isinstance(raw, list):
        return _list(raw, formula)
    return _scalar(raw, (), formula)
