"""Equations and inequalities compared as relations, never by one of their sides.

A reference that is a relation (``a + 3z = 0``, ``x < 5``, ``y \\le 2x + 1``) is answered only by
a relation: the bare ``0`` answers nothing, and ``x - y = 0`` is not ``x + y = 0`` because both
right sides are 0. Each relation is normalised to one expression and a kind:

* ``L = R`` → ``L − R = 0``; two equations are the same when their expressions differ by a
  nonzero constant factor (``2x + 4y − 3 = 0`` is ``y = −x/2 + 3/4``);
* ``L < R`` / ``L > R`` / ``≤`` / ``≥`` → ``E > 0`` or ``E ≥ 0`` (a flip turns ``5 ≥ x`` into
  ``5 − x ≥ 0``, which is ``x ≤ 5``); two inequalities are the same when they are both strict or
  both not and their expressions differ by a *positive* constant factor (``x < 5`` is not
  ``x > 5``, nor ``x ≤ 5``);
* ``≠`` is compared like ``=`` (the same set excluded); ``≈`` is not a relation an answer is
  judged by (an approximation, not the answer).

The factor is found at seeded points, as the expression comparator finds equality
(``grader.mathtext.evaluate``).
"""

from __future__ import annotations

from dataclasses import dataclass

import sympy

from grader.errors import BudgetExceeded
from grader.limits import run_limited
from grader.mathtext.evaluate import Undecided, counts_of, has_branch, relation_at_points, value_at
from grader.mathtext.latex import Statement, settle

_STRICT = {"<": (-1, ">"), ">": (1, ">"), "≤": (-1, "≥"), "≥": (1, "≥"), "=": (1, "="), "≠": (1, "≠")}


@dataclass(frozen=True)
class Relation:
    """``expr kind 0``: kind is "=", "≠", ">" or "≥"."""

    expr: sympy.Basic
    kind: str


def relations_of(statement: Statement) -> tuple[Relation, ...]:
    """The statement as normalised relations: a chain of "=" is its first side against its last
    (``x = 3 + 4 = 7`` is x = 7), a chain of inequalities each of its links (``-1 < x < 2`` is
    both), anything else its last relation; () for none (or only ``≈``)."""
    pairs = [(i, r) for i, r in enumerate(statement.relations) if r in _STRICT]
    if not pairs:
        return ()
    kinds = {r for _, r in pairs}
    if kinds == {"="}:
        first, last = pairs[0][0], pairs[-1][0] + 1
        return (Relation(settle(statement.sides[first] - statement.sides[last]), "="),)
    if len(pairs) > 1 and not kinds & {"=", "≠"}:
        return tuple(_relation(statement, i, r) for i, r in pairs)
    return (_relation(statement, *pairs[-1]),)


def relation_of(statement: Statement) -> Relation | None:
    """The statement's one relation (None when it has none, or several inequalities)."""
    found = relations_of(statement)
    return found[0] if len(found) == 1 else None


def _relation(statement: Statement, index: int, relation: str) -> Relation:
    sign, kind = _STRICT[relation]
    left, right = statement.sides[index], statement.sides[index + 1]
    return Relation(settle(sign * (left - right)), kind)


def same_relations(student: tuple[Relation, ...], expected: tuple[Relation, ...], points: int, seed: int
                   ) -> tuple[bool | None, str]:
    """Every expected relation said by one of the student's, and no other (a compound as a whole)."""
    if not student:
        return False, "not an equation or inequality, which the answer must be"
    if len(student) != len(expected):
        return False, "a different number of conditions"
    verdicts = []
    for want in expected:
        found = [same_relation(have, want, points, seed) for have in student]
        best = next((v for v in found if v[0]), None) or next((v for v in found if v[0] is None), None) or found[0]
        verdicts.append(best)
    if all(v for v, _ in verdicts):
        return True, verdicts[0][1]
    return (None, "the relations could not be compared") if any(v is None for v, _ in verdicts) else \
        next((False, how) for v, how in verdicts if v is False)


def same_relation(student: Relation, expected: Relation, points: int, seed: int) -> tuple[bool | None, str]:
    if student.kind != expected.kind:
        return False, f"a different relation ({_said(student.kind)}, expected {_said(expected.kind)})"
    a, b = student.expr, expected.expr
    if a == b:
        return True, "the same relation"
    try:
        if not relation_at_points(a, b, "factor", points, seed):
            if expected.kind == "=" and _same_solutions(a, b, points, seed):
                return True, "the same equation, solved for one of its names"
            return False, "a different relation"
    except Undecided:
        return None, "the relations could not be compared"
    if expected.kind in ("=", "≠"):
        return True, f"the same relation, up to a factor (compared at {points} points)"
    counts = counts_of(a, b)
    for point in range(points):  # an inequality may be scaled by a positive number only
        x, y = value_at(a, seed, point, counts), value_at(b, seed, point, counts)
        if abs(y) > 1e-12 and abs(x) > 1e-12:
            ratio = x / y
            positive = getattr(ratio, "real", ratio) > 0
            return (True, "the same inequality") if positive else (False, "the inequality reversed")
    return None, "the inequalities could not be compared"


SOLVE_SECONDS = 1.0
_MAX_SOLUTIONS = 8


def _same_solutions(a: sympy.Basic, b: sympy.Basic, points: int, seed: int) -> bool:
    """Whether two equations ``a = 0`` and ``b = 0`` hold for the same values: solved for one of
    their names (``ln y = x`` and ``y = e^x`` for y; ``E = mc²`` and ``m = E/c²`` for m), each one's
    solutions satisfy the other, both ways. Bounded in time; False when no name can be solved for."""
    if has_branch(a) or has_branch(b):
        return False  # a root or |·| takes a branch that points drawn > 0 cannot check (y = √(25 − x²))
    names = sorted(a.free_symbols & b.free_symbols, key=sympy.default_sort_key)
    for name in names:
        there = _solutions(b, name)
        here = _solutions(a, name)
        if not there or not here:
            continue
        return _satisfied(a, name, there, points, seed) and _satisfied(b, name, here, points, seed)
    return False


def _solutions(expr: sympy.Basic, name: sympy.Symbol) -> list[sympy.Basic]:
    try:
        found = run_limited(sympy.solve, expr, name, seconds=SOLVE_SECONDS)
    except (BudgetExceeded, NotImplementedError, ValueError, TypeError, ZeroDivisionError):
        return []
    return list(found)[:_MAX_SOLUTIONS] if isinstance(found, list) and len(found) <= _MAX_SOLUTIONS else []


def _satisfied(expr: sympy.Basic, name: sympy.Symbol, values: list[sympy.Basic], points: int, seed: int) -> bool:
    for value in values:
        try:
            if not relation_at_points(settle(expr.xreplace({name: value})), sympy.Integer(0), "equal", points, seed):
                return False
        except Undecided:
            return False
    return True


def _said(kind: str) -> str:
    return {"=": "an equation", "≠": "an inequation", ">": "a strict inequality", "≥": "a non-strict inequality"}[kind]
