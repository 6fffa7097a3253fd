"""``derived_from``: a grid column computed from the other columns of its row (F1 from P and R).

The formula is read with the reference language (``grader.references``; nothing is
evaluated as Python), names columns by their labels or aliases and may use the
question's single-number references (``beta``). When the rubric loads, it is checked
against every row of the references; while grading, it is evaluated on the student's
own cells of a row, so a derived cell that follows from the student's earlier mistake
is credited (error carried forward, in ``grader.types.grid``).
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from functools import lru_cache
from typing import TYPE_CHECKING, Any, Mapping

from grader.numbers import Number, as_fraction, close_enough
from grader.types.numeric import format_reference

if TYPE_CHECKING:
    from grader.types.grid import GridParams


@dataclass(frozen=True)
class Derivation:
    formula: str  # the formula proper ("F1 = ..." has lost its left side)
    inputs: tuple[tuple[str, int], ...]  # (name in the formula, column) for every column it uses
    offset: int = 0  # characters of the author's text before ``formula`` (for error columns)


@lru_cache(maxsize=256)
def _read(text: str):
    from grader.references.reader import read_formula
    return read_formula(text)


def derivation(params: GridParams, column: int) -> Derivation:
    """A column's ``derived_from`` read into its formula and the columns it uses.
    Raises FormulaError (from grader.references) when the formula does not read."""
    from grader.references.reader import Compare, Name, walk

    spec = params.columns[column]
    text = spec.derived_from or ""
    tree = _read(text)
    offset = 0
    if isinstance(tree, Compare) and tree.op in ("=", "==") and isinstance(tree.left, Name) \
            and params.column_index(tree.left.id) == column:
        # "F1 = 2*P*R/(P+R)": the column's own name on the left
        offset = text.index("=") + (2 if tree.op == "==" else 1)
        offset += len(text[offset:]) - len(text[offset:].lstrip())
        text = text[offset:]
        tree = _read(text)
    names = {node.id for node in walk(tree) if isinstance(node, Name)}
    inputs = []
    for name in sorted(names):
        for c, other in enumerate(params.columns):
            if name in other.identifiers:
                inputs.append((name, c))
                break
    return Derivation(text, tuple(inputs), offset)


def _scalars(refs: Mapping[str, Any]) -> dict[str, Any]:
    """The question's single-number references, which a formula may use too (beta of an F-beta)."""
    found = {}
    for key, value in refs.items():
        if isinstance(value, (int, Fraction)) and not isinstance(value, bool):
            found[key] = value
        elif getattr(value, "is_number", False):
            found[key] = value
    return found


def evaluate(derived: Derivation, values: Mapping[int, Fraction], refs: Mapping[str, Any]) -> Fraction | None:
    """The formula's value for one row's values (by column); None when it has no value there."""
    from grader.references import FormulaError, evaluate_formula

    names = {**_scalars(refs), **{name: values[c] for name, c in derived.inputs}}
    try:
        return as_fraction(evaluate_formula(derived.formula, names))
    except (FormulaError, TypeError, ValueError, ZeroDivisionError, OverflowError):
        return None


def derivation_problems(params: GridParams, refs: Mapping[str, Any], grid: list[list[Any]] | None) -> list[str]:
    from grader.references import FormulaError

    problems = []
    for c, spec in enumerate(params.columns):
        if not spec.derived_from:
            continue
        where = f"columns.{spec.label}.derived_from"
        try:
            derived = derivation(params, c)
        except FormulaError as exc:
            problems.append(f"{where}: {exc}")
            continue
        if any(col == c for _, col in derived.inputs):
            problems.append(f"{where}: the formula uses its own column {spec.label!r}")
            continue
        if not derived.inputs:
            problems.append(f"{where}: the formula uses none of the columns "
                            f"(a column is named by its label or an alias: {', '.join(n for s in params.columns for n in s.identifiers)})")
            continue
        if grid is None:
            continue
        from grader.references import evaluate_formula
        for r, row in enumerate(params.rows):
            names = {**_scalars(refs), **{name: as_fraction(grid[r][col]) for col, other in enumerate(params.columns)
                                          for name in other.identifiers if col != c}}
            try:
                value = as_fraction(evaluate_formula(derived.formula, names))
            except FormulaError as exc:
                shifted = FormulaError(exc.message, exc.column + derived.offset if exc.column else None)
                problems.append(f"{where}: {shifted}" + (f" (row {row.label})" if "unknown name" not in exc.message else
                                " (a formula names columns by their labels or aliases, references by their names)"))
                break
            except (TypeError, ValueError):
                problems.append(f"{where}: the formula's value in row {row.label} is not a number")
                break
            expected = as_fraction(grid[r][c])
            if not close_enough(_exact(value), expected, params.tolerance(c)):
                problems.append(f"{where}: in row {row.label} the formula gives {format_reference(value)} "
                                f"but the reference is {format_reference(expected)}")
                break
    return problems


def _exact(value: Fraction) -> Number:
    text = str(value)
    return Number(value, text, None, False, 0, len(text))
