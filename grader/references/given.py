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
``{value: 2/100, choose: [..]}``       2/100; a practice variant draws one of choose
``{value: 5, range: [2, 9]}``          5; a variant draws 2, 3, ..., 9 (step: 1)
=====================================  =========================================

Values to draw (practice variants, ``grader.variant``): ``value`` is what the exam
itself uses, so loading and grading never draw anything; ``choose`` lists the
alternatives (each a plain value of the same kind and shape as ``value``: numbers,
formulas in quotes, whole vectors or matrices), ``range`` a number's bounds and
``step`` (default 1) its spacing, written as numbers (``2``, ``0.05``, ``1/100``), not
formulas, so a variant draws from the same set whatever the other values are. A
mapping of either kind may also stand for one entry of a list or matrix:
``[[{value: 2, range: [1, 5]}, 1], [1, 3]]``. ``draw_given`` replaces every one by a
drawn value, as plain YAML data the loader reads like any other.

A float is read through ``repr``, the shortest decimal that reads back as the same
float: the text the author wrote, up to 15 significant digits (a longer decimal
should be quoted). Entries of lists may be numbers or formula strings. Problems
are returned with the key path of the entry they are in, so a long matrix written
over several lines is reported at the right line.
"""

from __future__ import annotations

import copy
import math
import random
from fractions import Fraction
from typing import Any, Callable

import sympy

from grader.references.errors import FormulaError
from grader.references.values import describe, exact, guard, is_matrix, is_truth, matrix_of_rows, scalar, vector

SYMBOL_OPTIONS = ("positive", "negative", "nonnegative", "nonpositive", "nonzero", "real", "integer")
RANDOM_KEYS = ("value", "choose", "range", "step")

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
    value = _random(raw, path, formula) if is_random(raw) else _scalar(raw, path, formula)
    try:
        return scalar(value, "an entry of a list")
    except FormulaError as exc:
        raise GivenError(exc.message, path) from None


def _list(raw: list, formula: Formula, *, draws: bool = True) -> Any:
    """A vector or matrix; ``draws``: its entries may be values to draw (not inside a ``choose``)."""
    def odd(item: Any) -> bool:
        return isinstance(item, list) or (isinstance(item, dict) and not (draws and is_random(item)))

    nested = [] if draws else random_paths(raw)  # inside a choose, or a spec's own value: drawn as a whole
    if nested:
        raise GivenError("an entry of a value to draw from is a plain number: declare what to draw "
                         "either for the whole value or in its entries, not both", nested[0])
    if raw and all(isinstance(row, list) for row in raw):
        for r, row in enumerate(raw):
            if any(odd(item) for item in row):
                raise GivenError("lists nest two levels at most (the rows of a matrix)", (r,))
        rows = [[_entry(item, (r, c), formula) for c, item in enumerate(row)] for r, row in enumerate(raw)]
        try:
            return guard(matrix_of_rows(rows, "the matrix"))
        except FormulaError as exc:
            raise GivenError(exc.message) from None
    for i, item in enumerate(raw):
        if odd(item):
            raise GivenError("a list holds numbers, or only lists (the rows of a matrix), not both", (i,))
    try:
        return guard(vector([_entry(item, (i,), formula) for i, item in enumerate(raw)]))
    except GivenError:
        raise
    except FormulaError as exc:
        raise GivenError(exc.message) from None


# ---------------------------------------------------------------- values a practice variant draws


def is_random(raw: Any) -> bool:
    """Whether ``raw`` declares values to draw: ``{value: ..., choose: [...]}`` or ``{value: ..., range: [...]}``."""
    return isinstance(raw, dict) and "value" in raw


def _within(prefix: Path, read: Callable[[], Any]) -> Any:
    """``read()``, its GivenError placed below ``prefix`` (a list reports paths from its own top)."""
    try:
        return read()
    except GivenError as exc:
        raise GivenError(exc.message, prefix + exc.path) from None


def _plain(raw: Any, path: Path, formula: Formula) -> Any:
    """A value or alternative to draw from: a number, a formula, a list or a matrix, drawing nothing itself."""
    if raw == "symbol" or isinstance(raw, dict):
        raise GivenError("a value to draw is a number, a formula, a list or a matrix, not a symbol or a mapping", path)
    if isinstance(raw, list):
        return _within(path, lambda: _list(raw, formula, draws=False))
    return _scalar(raw, path, formula)


def _kind(value: Any) -> str:
    if is_matrix(value):
        return describe(value)  # 'a vector of 3', 'a 2×2 matrix': the shape must match too
    return "a truth value" if is_truth(value) else "a number"


def _bound(raw: Any, path: Path) -> Fraction:
    if isinstance(raw, (int, float, str)) and not isinstance(raw, bool):
        try:  # Fraction reads '1/100', '0.05', '-3' and repr(float); never a formula
            number = Fraction(repr(raw) if isinstance(raw, float) else str(raw).replace(" ", ""))
            guard(exact(number))  # the size limit of every number of ours
            return number
        except (ValueError, ZeroDivisionError, FormulaError):
            pass
    raise GivenError(f"{raw!r} is not a number such as 2, 0.05 or 1/100 (bounds and steps are numbers, not formulas)", path)


def _shown(number: Fraction) -> str:
    return str(yaml_number(number))  # 0.05 as the author wrote it, not 1/20


def range_values(spec: dict, path: Path = ()) -> tuple[Fraction, Fraction, int]:
    """(low, step, count) of ``{range: [low, high], step: s}``: the values low + k·step up to high."""
    bounds = spec["range"]
    if not isinstance(bounds, list) or len(bounds) != 2:
        raise GivenError("write the range as [low, high]: two numbers", path + ("range",))
    low, high = (_bound(bound, path + ("range", i)) for i, bound in enumerate(bounds))
    step = _bound(spec.get("step", 1), path + ("step",))
    if step <= 0:
        raise GivenError("the step must be more than 0", path + ("step",))
    if low >= high:
        raise GivenError(f"the low end ({_shown(low)}) must be less than the high end ({_shown(high)})", path + ("range",))
    count = int((high - low) // step) + 1
    if count < 2:
        raise GivenError(f"a step of {_shown(step)} leaves only one value between {_shown(low)} and {_shown(high)}; "
                         "make it smaller", path + ("step",))
    return low, step, count


def _random(raw: dict, path: Path, formula: Formula) -> Any:
    """The exam's ``value`` of a spec of values to draw, after checking every alternative it declares."""
    unknown = sorted(str(key) for key in raw if key not in RANDOM_KEYS)
    if unknown:
        raise GivenError(f"unknown key {unknown[0]!r} of a value to draw; allowed: {', '.join(RANDOM_KEYS)}", path + (unknown[0],))
    if "choose" in raw and "range" in raw:
        raise GivenError("a value to draw has choose or range, not both", path + ("range",))
    if "choose" not in raw and "range" not in raw:
        raise GivenError("a value to draw needs choose: [its alternatives] or range: [low, high]", path)
    if "step" in raw and "range" not in raw:
        raise GivenError("only a range has a step", path + ("step",))
    value = _plain(raw["value"], path + ("value",), formula)
    if "range" in raw:
        if _kind(value) != "a number":
            raise GivenError(f"a range draws a number, and the value is {_kind(value)}: draw each entry in its place "
                             "([{value: 2, range: [1, 5]}, 3]) or list whole alternatives under choose", path + ("value",))
        range_values(raw, path)
        return value
    alternatives = raw["choose"]
    if not isinstance(alternatives, list) or len(alternatives) < 2:
        raise GivenError("list at least two alternatives: choose: [a, b, ...]", path + ("choose",))
    seen: list[Any] = []
    for i, alternative in enumerate(alternatives):
        where = path + ("choose", i)
        drawn = _plain(alternative, where, formula)
        if _kind(drawn) != _kind(value):
            raise GivenError(f"{_kind(drawn)}, but the value is {_kind(value)}: every alternative is the same kind of value", where)
        if drawn in seen:
            raise GivenError(f"the same value as choose.{seen.index(drawn)}", where)
        seen.append(drawn)
    return value


def random_paths(raw: Any) -> list[Path]:
    """Where a given value declares values to draw: ``()`` for the whole value, ``(i,)`` or
    ``(row, column)`` for entries of a list or matrix (counted from 0, as in the YAML)."""
    if is_random(raw):
        return [()]
    if isinstance(raw, list):
        return [(i,) + path for i, item in enumerate(raw) for path in random_paths(item)]
    return []


def yaml_number(number: Fraction) -> int | float | str:
    """A drawn number as YAML data the reader reads back exactly: 7, 0.15, or '3/7'."""
    if number.denominator == 1:
        return int(number)
    if Fraction(repr(float(number))) == number:  # a short decimal: written as the author would
        return float(number)
    return f"{number.numerator}/{number.denominator}"


def draw_given(raw: Any, rng: random.Random) -> Any:
    """``raw`` (a given value that loads) with every value to draw replaced by one drawn with
    ``rng``, entries in row order; a value that declares nothing to draw comes back as it is."""
    if is_random(raw):
        if "choose" in raw:
            return copy.deepcopy(raw["choose"][rng.randrange(len(raw["choose"]))])
        low, step, count = range_values(raw)
        return yaml_number(low + step * rng.randrange(count))
    if isinstance(raw, list):
        return [draw_given(item, rng) for item in raw]
    return raw


def _symbol(name: str, raw: dict) -> sympy.Symbol:
    unknown = sorted(str(key) for key in raw if key != "symbol" and key not in SYMBOL_OPTIONS)
    if unknown:
        raise GivenError(f"unknown key {unknown[0]!r} of a symbol; allowed: symbol, {', '.join(SYMBOL_OPTIONS)}", (unknown[0],))
    if "symbol" not in raw:
        raise GivenError(f"a mapping declares a symbol: {{symbol: {name}}} (with options {', '.join(SYMBOL_OPTIONS)}), "
                         "or a value to draw: {value: 2, choose: [1, 2, 3]} or {value: 5, range: [2, 9]}")
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
    if is_random(raw):
        return _random(raw, (), formula)
    if isinstance(raw, dict):
        return _symbol(name, raw)
    if isinstance(raw, list):
        return _list(raw, formula)
    return _scalar(raw, (), formula)
