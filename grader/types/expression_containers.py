"""Tuples, matrices, intervals and sets compared by kind (the ``expression`` type, issue 12).

* a tuple or vector: the same length, entry by entry in order (a column or row matrix is a
  vector; a set is not: ``\\{1, 2\\}`` is no ordered pair);
* a matrix: the same shape, entry by entry;
* a set — finite, an interval, ℝ, or a union, intersection or difference of them: the same set.
  Finite sets are matched element by element in any order (an element equal to an expected one
  by the formula comparator); anything else is compared exactly by sympy (``[1, 3] ∪ [3, 5]``
  is ``[1, 5]``; ``[0, 1)`` is not ``[0, 1]``);
* ``(a, b)`` is a pair or the open interval from a to b: it is compared as what the reference is
  (a reference ``(0, 1)`` is also answered by ``]0, 1[``);
* an answer that states the set as inequalities in one name (``x \\le 3`` for ``(−∞, 3]``,
  ``|x| < 3`` for ``(−3, 3)``) is that set, solved by sympy within a time limit.

Entries are compared by ``equal`` (the expression comparator's verdict), so ``(6/2, 8/2)`` is
``(3, 4)`` and ``(0.5, \\sqrt{3}/2)`` is ``(\\frac12, \\frac{\\sqrt3}{2})``.
"""

from __future__ import annotations

from typing import Callable

import sympy

from grader.errors import BudgetExceeded
from grader.flags import note
from grader.limits import run_limited
from grader.mathtext.containers import Container, read_container
from grader.mathtext.writer import to_latex
from grader.model import Evidence, Outcome
from grader.types.base import Comparison, SelfTest
from grader.types.expression_relations import Relation, relations_of

Equal = Callable[[sympy.Basic, sympy.Basic], "bool | None"]
SOLVE_SECONDS = 1.0


def _vector(value: sympy.Basic) -> list[sympy.Basic] | None:
    if isinstance(value, sympy.Tuple):
        return list(value)
    if isinstance(value, sympy.MatrixBase) and 1 in value.shape:
        return list(value)
    return None


def _entries_equal(a: list[sympy.Basic], b: list[sympy.Basic], equal: Equal) -> bool | None:
    if len(a) != len(b):
        return False
    verdicts = [equal(x, y) for x, y in zip(a, b)]
    return False if False in verdicts else None if None in verdicts else True


def _as_set(found: Container) -> sympy.Basic | None:
    if found.pair:
        first, second = found.value
        return sympy.Interval(first, second, True, True)
    return found.value if isinstance(found.value, sympy.Set) else None


def _finite_sets_equal(a: sympy.FiniteSet, b: sympy.FiniteSet, equal: Equal) -> bool | None:
    """Each element of one equal to an element of the other, both ways (order and repeats aside)."""
    def covered(these, those) -> bool | None:
        results = []
        for x in these:
            verdicts = [_element_equal(x, y, equal) for y in those]
            results.append(True if True in verdicts else None if None in verdicts else False)
        return False if False in results else None if None in results else True

    one, other = covered(a.args, b.args), covered(b.args, a.args)
    return False if False in (one, other) else None if None in (one, other) else True


def _element_equal(x: sympy.Basic, y: sympy.Basic, equal: Equal) -> bool | None:
    if isinstance(x, sympy.Tuple) or isinstance(y, sympy.Tuple):
        if not (isinstance(x, sympy.Tuple) and isinstance(y, sympy.Tuple)):
            return False
        return _entries_equal(list(x), list(y), equal)
    return equal(x, y)


def same_container(student: Container, expected: Container, equal: Equal) -> tuple[bool | None, str]:
    want = expected.value
    if isinstance(want, sympy.MatrixBase) and 1 not in want.shape:
        have = student.value
        if not isinstance(have, sympy.MatrixBase) or have.shape != want.shape:
            return False, f"not a {want.rows}×{want.cols} matrix"
        return _said(_entries_equal(list(have), list(want), equal), "entry by entry")
    if expected.pair and not student.pair and isinstance(student.value, sympy.Set):
        return same_set(_as_set(student), _as_set(expected), equal)  # (a, b) answered as an interval
    vector = _vector(want)
    if vector is not None:
        if isinstance(want, sympy.MatrixBase) and isinstance(student.value, sympy.MatrixBase) \
                and student.value.shape != want.shape:
            return False, "a row where a column is expected, or a column where a row is"
        have = _vector(student.value)
        if have is None:
            return False, "not an ordered tuple" + (" (a set has no order)" if isinstance(student.value, sympy.Set) else "")
        if len(have) != len(vector):
            return False, f"{len(have)} entries, not {len(vector)}"
        return _said(_entries_equal(have, vector, equal), "entry by entry, in order")
    have_set = _as_set(student)
    if have_set is None:
        return False, "not a set"
    return same_set(have_set, want, equal)


def same_set(have: sympy.Basic, want: sympy.Basic, equal: Equal) -> tuple[bool | None, str]:
    if isinstance(have, sympy.FiniteSet) and isinstance(want, sympy.FiniteSet):
        return _said(_finite_sets_equal(have, want, equal), "element by element")
    try:
        differ = run_limited(lambda: sympy.Complement(have, want) != sympy.EmptySet
                             or sympy.Complement(want, have) != sympy.EmptySet, seconds=SOLVE_SECONDS)
    except BudgetExceeded:
        return None, "the sets could not be compared"
    return (False, "a different set") if differ else (True, "the same set")


def relations_as_set(relations: tuple[Relation, ...]) -> sympy.Basic | None:
    """Inequalities (or equations) in one name as the set of its values (``x ≤ 3``: (−∞, 3]);
    None when there are several names or sympy cannot solve them in time."""
    names = set().union(*(r.expr.free_symbols for r in relations)) if relations else set()
    if len(names) != 1:
        return None
    name = names.pop()
    build = {">": sympy.StrictGreaterThan, "≥": sympy.GreaterThan, "=": sympy.Eq, "≠": sympy.Ne}
    found: sympy.Basic = sympy.S.Reals
    for relation in relations:
        try:
            part = run_limited(sympy.solveset, build[relation.kind](relation.expr, 0), name, sympy.S.Reals,
                               seconds=SOLVE_SECONDS)
        except (BudgetExceeded, NotImplementedError, ValueError, TypeError):
            return None
        if isinstance(part, sympy.ConditionSet):
            return None
        found = sympy.Intersection(found, part)
    return found


def _said(verdict: bool | None, how: str) -> tuple[bool | None, str]:
    if verdict is None:
        return None, f"compared {how}, some entries undecided"
    return verdict, (f"the same, {how}" if verdict else f"a different entry ({how})")


# --- the expression type's container path --------------------------------------------------

def reference_container(value: object) -> Container | None:
    """The reference as a collection: LaTeX that reads as one, or a solver's Tuple, Matrix or Set."""
    if isinstance(value, str):
        return read_container(value)
    if isinstance(value, (sympy.Tuple, sympy.Set)):
        return Container(value)
    if isinstance(value, sympy.MatrixBase):
        return Container(sympy.ImmutableMatrix(value))
    return None


def candidates(reading, expected: Container) -> list[tuple[Evidence, Container | None, tuple[str, ...]]]:
    """What each statement of the answer says as a collection: the collection it writes, the set
    its inequalities describe (for a set reference), else None (read, and not a collection)."""
    found = []
    wants_set = isinstance(expected.value, sympy.Set) or expected.pair
    for read in reading:
        container = read_container(read.source) if read.source else None
        if container is None and read.statement is not None and wants_set:
            relations = relations_of(read.statement)
            solved = relations_as_set(relations) if relations else None
            container = Container(solved) if solved is not None else None
        if container is not None or read.statement is not None:
            found.append((read.evidence, container, read.repairs))
        assigned = _assignments(reading, read)
        if assigned is not None:
            found.append((read.evidence, assigned, read.repairs))
    return found


def _assignments(reading, last) -> Container | None:
    """On the line that ``last`` ends, values given to names one by one: "x = 3 and x = −3" is
    the set {3, −3}; "x = 2, y = −1" the point (2, −1), its entries in the names' order."""
    line = [r for r in reading if r.evidence.line == last.evidence.line]
    if line[-1] is not last or len(line) < 2:
        return None
    pairs = []
    for read in line:
        statement = read.statement
        if statement is None or statement.relations != ("=",) or not isinstance(statement.sides[0], sympy.Symbol):
            return None
        pairs.append((statement.sides[0], statement.sides[1]))
    names = {name for name, _ in pairs}
    if len(names) == 1:
        return Container(sympy.FiniteSet(*(value for _, value in pairs)))
    if len(names) == len(pairs):
        return Container(sympy.Tuple(*(value for _, value in sorted(pairs, key=lambda p: p[0].name))))
    return None


def final(found: list) -> list:
    """The conclusion: the last statement that states a collection (or, when none does, the last
    statement), as ``find: final`` grades ("x² = 9, so x = 3" answers {−3, 3} with {3})."""
    stated = [f for f in found if f[1] is not None]
    return (stated or found)[-1:]


def compare(found, expected: Container, equal: Equal, shown: str) -> Comparison:
    last = None
    for evidence, student, names in reversed(found):  # the conclusion first
        verdict, how = (False, "not a tuple, matrix or set") if student is None else same_container(student, expected, equal)
        flags = (note("ocr-repaired", "; ".join(names)),) if names else ()
        if verdict:
            return Comparison(1.0, Outcome.CORRECT, found=evidence.text, expected=shown, detail=how,
                              evidence=(evidence,), flags=flags, repairs=names)
        last = last or (evidence, how, names, verdict, flags)
    evidence, how, names, verdict, flags = last
    flags = flags + ((note("expression-undecided", how),) if verdict is None else ())
    return Comparison(0.0, Outcome.INCORRECT, found=evidence.text, expected=shown, detail=how,
                      evidence=(evidence,), flags=flags, repairs=names)


def self_tests(expected: Container, written: str) -> list[SelfTest]:
    """The reference as written, and one entry (or the set) changed."""
    value = expected.value
    if isinstance(value, sympy.MatrixBase) or isinstance(value, sympy.Tuple):
        entries = [to_latex(e) for e in value]
        entries[0] = to_latex(sympy.Add(value[0] if isinstance(value, sympy.Tuple) else list(value)[0], 1))
        wrong = "(" + ", ".join(entries) + ")"
        if isinstance(value, sympy.MatrixBase) and 1 not in value.shape:
            rows = [[to_latex(value[i, j] + (1 if (i, j) == (0, 0) else 0)) for j in range(value.cols)]
                    for i in range(value.rows)]
            wrong = "\\begin{pmatrix}" + " \\\\ ".join(" & ".join(r) for r in rows) + "\\end{pmatrix}"
    else:
        wrong = "\\{0\\}" if value == sympy.EmptySet else "\\emptyset"
    return [SelfTest("correct", f"$${written}$$", "the reference itself"),
            SelfTest("incorrect", f"$${wrong}$$", "another tuple, matrix or set"),
            SelfTest("invalid", "$$\\frac{1}{$$", "unreadable formula")]
