"""References computed in the rubric: a question's ``given:`` values and ``compute:`` formulas.

A TA writes, in a question file::

    given:
      p_disease: 1/100
      sensitivity: 0.95
      A: [[2, 1], [1, 3]]
      x: symbol
    compute:
      posterior: sensitivity * p_disease / (sensitivity * p_disease + 0.1 * (1 - p_disease))
      detA: det(A)
      df: diff(x^2 * exp(-x), x)

and every name becomes a reference (``refs[name]``) for the question's items, like a
solver's. The formulas are read by our own grammar (``reader``) and evaluated
exactly with sympy objects we build node by node (``evaluate``, the whitelist in
``functions`` / ``stats`` / ``forms``); no rubric text reaches eval, exec, sympify,
parse_expr or lambdify. The language is described for TAs in docs/references.md.

API:

* ``compute_references(given, compute, solver_refs) -> (References, problems)`` —
  what the rubric loader calls; problems are ``(key path, message)``.
* ``evaluate_formula(text, names={}) -> value`` — one formula, for tests and tools.
* ``compile_formula(text) -> Formula`` — read once, evaluate many: ``Formula.names`` (the
  free names it uses) and ``Formula.evaluate(names) -> value``; a formula read before
  is not read again.
* ``formula_names(text) -> set[str]`` — the free names a formula uses: not the index
  of a ``sum``/``product``/``table`` inside it, a limit's direction, an option's name
  (``mu=``) or a constant; ``FormulaError`` when it cannot be read.
* ``to_reference(value)`` — a value as items receive it: ``int``; ``Fraction``; an
  exact sympy number for irrationals (``sqrt(2)``, ``pi``, ``erf(...)``); a sympy
  formula in the LaTeX reader's names (plain symbols, ``e`` and ``pi`` as names);
  ``RefList`` (a tuple) of those for a vector, of ``RefList`` rows for a matrix;
  ``bool`` for a truth value.
* ``show(value)`` — exact text, and ``≈ decimal`` for non-integers (``grader validate``).
* ``computed_lines(question_id, refs)`` — the lines ``grader validate`` prints.
* ``FormulaError`` — a formula's problem, with its column.
"""

from __future__ import annotations

from typing import Any, Mapping

from grader.references.compute import References, compute_references, computed_lines
from grader.references.errors import FormulaError
from grader.references.formula import Formula, compile_formula, formula_names
from grader.references.values import RefList, show, to_reference

__all__ = ["Formula", "FormulaError", "RefList", "References", "compile_formula", "compute_references", "computed_lines",
           "evaluate_formula", "formula_names", "show", "to_reference"]


def evaluate_formula(text: str, names: Mapping[str, Any] | None = None) -> Any:
    """The exact value (of ours, see ``values``) of one formula over ``names`` (plain Python
    values or ours: ints, Fractions, floats, lists, sympy objects)."""
    return compile_formula(text).evaluate(names)
