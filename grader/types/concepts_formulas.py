"""Ideas shown in math: a concept's phrasing written as a formula (``"$C^T \\operatorname{vec}(Z)$"``).

A phrasing between ``$`` signs is a formula phrasing. It is read by the project's math reader
(never ``sympify``) when the rubric loads, and found in the answer by the formula comparator,
not by words: a formula of the answer states it when one of its sides, or a part of a side,
is that formula — the same tree once settled (``C^{\\top}\\mathrm{vec}(Z)`` is
``C^T \\operatorname{vec}(Z)``), or a product holding all of its factors
(``2 C^T \\mathrm{vec}(Z)``). A formula is asserted by being written: there is no negated form.

The answer's formulas are read once per answer (``answer_formulas``), each under a time limit;
one that cannot be read is skipped, as the word matcher skips what is not a word.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import Sequence

import sympy

from grader.errors import BudgetExceeded, MathParseError
from grader.limits import run_limited
from grader.mathtext.latex import read_math, settle
from grader.mathtext.statements import split_statements
from grader.model import Line
from grader.reading.plain_math import formula_fragments

READ_SECONDS = 1.0  # per formula of the answer
_MAX_FORMULAS = 200  # an answer with more formulas than this is read up to here (a long sheet's q)


def is_formula(phrasing: str) -> bool:
    text = phrasing.strip()
    return len(text) > 2 and text.startswith("$") and text.endswith("$")


def read_phrasing(phrasing: str) -> sympy.Basic:
    """The formula of a formula phrasing, settled; ``MathParseError`` for one that cannot be read
    (a rubric error), or that has relations (a phrasing is one expression)."""
    statement = read_math(phrasing.strip())
    if len(statement.sides) != 1:
        raise MathParseError("a formula phrasing is one expression, without = or <")
    return settle(statement.sides[0])


@dataclass(frozen=True)
class Formula:
    """One side of a statement of the answer, settled, and the line it is on."""

    line: int
    expr: sympy.Basic


def answer_formulas(lines: Sequence[Line]) -> tuple[Formula, ...]:
    found: list[Formula] = []
    for fragment in formula_fragments(lines):
        for piece in split_statements(fragment.latex):
            if len(found) >= _MAX_FORMULAS:
                return tuple(found)
            try:
                statement = run_limited(read_math, piece, seconds=READ_SECONDS)
            except (MathParseError, BudgetExceeded):
                # "C^T vec(Z) = (5, 16, …)^T": a side the reader cannot read does not hide the others
                found.extend(Formula(fragment.line, side) for side in _readable_sides(piece))
                continue
            found.extend(Formula(fragment.line, settle(side)) for side in statement.sides)
    return tuple(found)


def _readable_sides(piece: str) -> list[sympy.Basic]:
    sides, depth, start = [], 0, 0
    for index, char in enumerate(piece):
        depth += char in "({["
        depth -= char in ")}]"
        if char == "=" and depth == 0:
            sides.append(piece[start:index])
            start = index + 1
    if not sides:
        return []
    read = []
    for text in sides + [piece[start:]]:
        try:
            statement = run_limited(read_math, text, seconds=READ_SECONDS)
        except (MathParseError, BudgetExceeded):
            continue
        read.extend(settle(side) for side in statement.sides)
    return read


def _holds(side: sympy.Basic, wanted: sympy.Basic) -> bool:
    factors = Counter(sympy.Mul.make_args(wanted))
    for part in sympy.preorder_traversal(side):
        if part == wanted:
            return True
        if isinstance(part, sympy.Mul) and len(factors) > 1 and not factors - Counter(part.args):
            return True
    return False


def formula_line(formulas: Sequence[Formula], wanted: sympy.Basic) -> int | None:
    """The first line whose formula states ``wanted``, or None."""
    for formula in formulas:
        if _holds(formula.expr, wanted):
            return formula.line
    return None
