"""``grid``: a table of labelled rows × columns, cell by cell against computed references.

The rubric names the rows (``rows:``, each a label with aliases) and the columns
(``columns:``, each a label with aliases, its ``reference`` — a computed list of one
value per row — and optionally its own tolerance and ``derived_from``, the formula
that computes it from the other columns of the same row). ``cells:`` gives the whole
grid at once instead, as a computed matrix of rows × columns.

Reading (``grid_reading``, memoised for the items of a question that share the
grid): a Markdown table as written or transposed (``grid_tables``: only lines shaped
like table rows, so ``P(A|B)`` and ``|x|`` are text), one line per row (``π = (1/4, 1/2,
1/4)`` too), one line per column, rows in any order (matched by label; without labels,
by position, and the detail says so), OCR noise in labels. Labels (``grid_labels``)
match up to case, spacing and punctuation, except signs that are all that tells two of
the rubric's labels apart (``P(D|+)``, ``P(D|-)``).

An item checks ``part: cells`` (every cell), ``column`` (one column) or ``row`` (one
row): the fraction of its cells that are right. A derived cell is right when it
matches the reference, or the value its formula gives from the student's OWN cells
of that row (error carried forward, ``grid_derived``: wrong precision, right F1 from it). Cells left
empty are missing, not wrong; cells whose writing disagrees with itself in a way
OCR explains (``47 = 0.57``) are credited when the rest of their row agrees, and
flagged ``ocr-suspect``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from fractions import Fraction
from typing import Any, Literal, Mapping, Sequence

from pydantic import Field, field_validator, model_validator

from grader.flags import note
from grader.model import Evidence, Outcome, Segment
from grader.numbers import Tolerance, as_fraction, decimal_places_for, decimal_text, just_outside
from grader.types.base import CheckParams, Comparison, Invalid, Parsed, QuestionContext, QuestionType, SelfTest, register
from grader.types.grid_derived import derivation, derivation_problems, evaluate
from grader.types.grid_labels import Vocab, compact, label_clash, label_index
from grader.types.grid_reading import GridCell, GridReading, StudentRow, read_grid
from grader.types.numeric import format_reference
from grader.types.table_cells import Cell, judge

_IDENTIFIER = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
_MAX_DETAIL = 12  # wrong cells named in a detail; the rest are counted


def _text(value: Any) -> Any:
    """YAML reads ``rows: [0, 1]`` as numbers; a label is text."""
    if isinstance(value, bool):
        return value
    return str(value) if isinstance(value, (int, float)) else value


class RowSpec(CheckParams):
    label: str = Field(min_length=1, description="the row's label, as the rubric shows it")
    aliases: list[str] = Field(default_factory=list, description="other ways a student may label it")

    @field_validator("label", mode="before")
    @classmethod
    def _label_text(cls, value: Any) -> Any:
        return _text(value)

    @field_validator("aliases", mode="before")
    @classmethod
    def _alias_text(cls, value: Any) -> Any:
        return [_text(v) for v in value] if isinstance(value, list) else value

    @property
    def names(self) -> tuple[str, ...]:
        return (self.label, *self.aliases)


class ColumnSpec(RowSpec):
    reference: str | None = Field(default=None, description="a computed list: this column's value in each row")
    derived_from: str | None = Field(default=None, description="formula over the row's other columns (F1: 2*P*R/(P+R))")
    rel_tol: float | None = Field(default=None, ge=0)
    abs_tol: float | None = Field(default=None, ge=0)
    sig_figs: int | None = Field(default=None, gt=0)
    student_precision: bool | None = None
    min_decimals: int | None = Field(default=None, ge=0)

    @property
    def identifiers(self) -> tuple[str, ...]:
        """The names a formula may call this column by."""
        return tuple(n for n in self.names if _IDENTIFIER.match(n))


class GridParams(CheckParams):
    rows: list[RowSpec] = Field(min_length=1, description="the rows, in the rubric's order")
    columns: list[ColumnSpec] = Field(min_length=1, description="the columns, each with its reference")
    cells: str | None = Field(default=None, description="a computed matrix rows × columns (instead of column references)")
    part: Literal["cells", "column", "row"] = Field(default="cells", description="what this item checks")
    column: str | None = Field(default=None, description="part=column: which column (label or alias)")
    row: str | None = Field(default=None, description="part=row: which row (label or alias)")
    ordered: bool = Field(default=False, description="rows must be in the rubric's order (matched by position)")
    rel_tol: float = Field(default=0.0, ge=0)
    abs_tol: float = Field(default=0.0, ge=0)
    sig_figs: int | None = Field(default=None, gt=0)
    student_precision: bool = True
    min_decimals: int = Field(default=2, ge=0)

    @field_validator("rows", "columns", mode="before")
    @classmethod
    def _labels_alone(cls, value: Any) -> Any:
        if isinstance(value, list):
            return [{"label": _text(v)} if isinstance(v, (str, int, float)) and not isinstance(v, bool) else v for v in value]
        return value

    @model_validator(mode="before")
    @classmethod
    def _default_part(cls, data: Any) -> Any:
        """``check: {column: F1}`` is ``part: column``; no part at all is ``part: cells``."""
        if isinstance(data, dict) and data.get("part") is None:
            data = {**data, "part": "column" if data.get("column") else "row" if data.get("row") else "cells"}
        return data

    @model_validator(mode="after")
    def _consistent(self) -> "GridParams":
        for axis, specs in (("rows", self.rows), ("columns", self.columns)):
            for spec in specs:
                for name in spec.names:
                    if not compact(name):
                        raise ValueError(f"{axis}: {name!r} has no letters or digits to match a student's label by")
            # Labels differing only in a sign (P(D|+), P(D|-)) are two labels; the same up to
            # case, spacing and other punctuation, they are one, and naming two rows with it is an error.
            clash = label_clash([spec.names for spec in specs])
            if clash is not None:
                name, first, second = clash
                raise ValueError(f"{axis}: {name!r} names both {specs[first].label!r} and {specs[second].label!r}")
        part = self.part
        if part == "column" and not self.column:
            raise ValueError("column: required when part is 'column'")
        if part == "row" and not self.row:
            raise ValueError("row: required when part is 'row'")
        if part != "column" and self.column:
            raise ValueError(f"column: only for part 'column' (this item's part is {part!r})")
        if part != "row" and self.row:
            raise ValueError(f"row: only for part 'row' (this item's part is {part!r})")
        if self.column and self.column_index(self.column) is None:
            raise ValueError(f"column: {self.column!r} is not one of the columns {[c.label for c in self.columns]}")
        if self.row and self.row_index(self.row) is None:
            raise ValueError(f"row: {self.row!r} is not one of the rows {[r.label for r in self.rows]}")
        return self

    @staticmethod
    def _index(specs: Sequence[RowSpec], name: str) -> int | None:
        return label_index([s.names for s in specs], name)

    def column_index(self, name: str) -> int | None:
        return self._index(self.columns, name)

    def row_index(self, name: str) -> int | None:
        return self._index(self.rows, name)

    @property
    def vocab(self) -> Vocab:
        return Vocab(tuple(r.names for r in self.rows), tuple(c.names for c in self.columns))

    def tolerance(self, column: int) -> Tolerance:
        spec = self.columns[column]

        def own(key: str) -> Any:
            value = getattr(spec, key)
            return getattr(self, key) if value is None else value

        return Tolerance(own("rel_tol"), own("abs_tol"), own("sig_figs"), own("student_precision"), own("min_decimals"))

    @property
    def scope(self) -> list[tuple[int, int]]:
        """The (row, column) cells this item checks."""
        rows = range(len(self.rows)) if self.part != "row" else [self.row_index(self.row)]
        cols = range(len(self.columns)) if self.part != "column" else [self.column_index(self.column)]
        return [(r, c) for r in rows for c in cols]


# --- references -------------------------------------------------------------------------------


def reference_grid(params: GridParams, refs: Mapping[str, Any]) -> list[list[Any]]:
    """The reference value of every cell, rows × columns (check_params has vouched for them)."""
    matrix = _as_rows(refs[params.cells], params) if params.cells else None
    grid = [[None] * len(params.columns) for _ in params.rows]
    for c, spec in enumerate(params.columns):
        for r in range(len(params.rows)):
            grid[r][c] = refs[spec.reference][r] if spec.reference else matrix[r][c]
    return grid


def _as_rows(value: Any, params: GridParams) -> Any:
    """``cells`` as rows × columns: a list of values is the one row (or the one column) of a grid
    that has only one (the reference language writes an n×1 matrix as a list)."""
    if isinstance(value, (list, tuple)) and value and not any(isinstance(v, (list, tuple)) for v in value):
        if len(params.rows) == 1:
            return [list(value)]
        if len(params.columns) == 1:
            return [[v] for v in value]
    return value


def _reference_problems(params: GridParams, refs: Mapping[str, Any]) -> list[str]:
    problems = []
    known = ", ".join(sorted(refs)) or "none"
    nrows, ncols = len(params.rows), len(params.columns)

    def numbers(values: Sequence[Any], where: str, key: str) -> None:
        for value in values:
            try:
                as_fraction(value)
            except (TypeError, ValueError):
                problems.append(f"{where}: {key!r} holds {value!s}, which is not a number")
                return

    if params.cells:
        value = _as_rows(refs.get(params.cells), params)
        if params.cells not in refs:
            problems.append(f"cells: reference {params.cells!r} is not computed by the question; known: {known}")
        elif not (isinstance(value, (list, tuple)) and value and all(isinstance(row, (list, tuple)) for row in value)):
            problems.append(f"cells: reference {params.cells!r} is not a matrix (a list of rows; "
                            "a list of values only for a grid of one row or one column)")
        else:
            shape = (len(value), len(value[0]) if value else 0)
            if any(len(row) != shape[1] for row in value):
                problems.append(f"cells: reference {params.cells!r} has rows of different lengths")
            elif shape != (nrows, ncols):
                hint = "; it is columns × rows: write transpose(...)" if shape == (ncols, nrows) else ""
                problems.append(f"cells: reference {params.cells!r} is {shape[0]}×{shape[1]}, "
                                f"but the grid has {nrows} rows and {ncols} columns{hint}")
            else:
                numbers([v for row in value for v in row], "cells", params.cells)
    for spec in params.columns:
        where = f"columns.{spec.label}.reference"
        if spec.reference is None:
            if not params.cells:
                problems.append(f"columns.{spec.label}: needs a reference (a computed list, one value per row), "
                                "or give cells: for the whole grid")
            continue
        if spec.reference not in refs:
            problems.append(f"{where}: {spec.reference!r} is not computed by the question; known: {known}")
            continue
        value = refs[spec.reference]
        if not isinstance(value, (list, tuple)) or any(isinstance(v, (list, tuple)) for v in value):
            problems.append(f"{where}: {spec.reference!r} is not a list of values (one per row)")
        elif len(value) != nrows:
            problems.append(f"{where}: {spec.reference!r} has {len(value)} values, but the grid has {nrows} rows")
        else:
            numbers(value, where, spec.reference)
    return problems


# --- comparing ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Matched:
    """The student's rows assigned to the rubric's rows, and how."""

    rows: dict[int, StudentRow]
    reading: GridReading
    notes: tuple[str, ...]

    def cell(self, row: int, column: int) -> GridCell | None:
        student = self.rows.get(row)
        return student.cells.get(column) if student else None


def match_rows(reading: GridReading, params: GridParams) -> Matched:
    rows: dict[int, StudentRow] = {}
    notes = list(reading.notes)
    nrows = len(params.rows)
    if params.ordered:  # the k-th row written is the k-th row of the rubric, whatever its label
        for k, student in enumerate(reading.rows):
            index = student.position if student.label_row is None else k
            if index >= nrows or index in rows:
                continue
            rows[index] = student
            if student.label_row is not None and student.label_row != index:
                notes.append(f"row {k + 1} is labelled {student.label!r}, but the rows must be in the rubric's "
                             f"order: it was graded as {params.rows[index].label}")
        return Matched(rows, reading, tuple(dict.fromkeys(notes)))
    for student in reading.rows:
        if student.label_row is not None and student.label_row not in rows:
            rows[student.label_row] = student
    for student in reading.rows:
        if student.label_row is None and student.position < nrows:
            target = rows.get(student.position)
            if target is None:
                rows[student.position] = student
            else:  # a labelled row is there: the unlabelled cells fill only what it lacks
                merged = {**student.cells, **{c: v for c, v in target.cells.items() if not v.empty}}
                rows[student.position] = StudentRow(target.label, target.label_row, target.position, merged)
    return Matched(rows, reading, tuple(dict.fromkeys(notes)))


@dataclass(frozen=True)
class CellResult:
    row: int
    column: int
    status: Literal["right", "carried", "suspect", "wrong", "missing"]
    note: str = ""


def _cell(cell: GridCell) -> Cell:
    return Cell(cell.text, cell.numbers, bool(cell.repairs))


def _student_values(cell: GridCell, expected: Fraction, tol: Tolerance) -> list[Fraction]:
    """The values the student may have used from a cell: the reading that matches the
    reference (else the last number written), then the exact fraction of its chain."""
    values = [judge(_cell(cell), expected, tol).value]
    first = cell.numbers[0]
    if first.decimals is None and first.value not in values:
        values.append(first.value)
    return values


class Judge:
    """Every cell of the grid judged once, against its reference and (derived) the student's own row."""

    def __init__(self, matched: Matched, params: GridParams, refs: Mapping[str, Any]):
        self.matched, self.params, self.refs = matched, params, refs
        self.grid = [[as_fraction(v) for v in row] for row in reference_grid(params, refs)]
        self.derived = {c: derivation(params, c) for c, s in enumerate(params.columns) if s.derived_from}
        self._plain: dict[tuple[int, int], str] = {}

    def plain(self, r: int, c: int) -> str:
        """correct / suspect / wrong / missing against the reference alone."""
        key = (r, c)
        if key not in self._plain:
            cell = self.matched.cell(r, c)
            if cell is None or cell.empty:
                self._plain[key] = "missing"
            else:
                self._plain[key] = judge(_cell(cell), self.grid[r][c], self.params.tolerance(c)).status
        return self._plain[key]

    def carried(self, r: int, c: int) -> tuple[Fraction, str] | None:
        """The value of a derived cell recomputed from the student's own cells of its row, when
        the cell matches it: (value, which inputs) — else None."""
        derived = self.derived.get(c)
        cell = self.matched.cell(r, c)
        if derived is None or cell is None or cell.empty:
            return None
        inputs = {}
        for _, col in derived.inputs:
            source = self.matched.cell(r, col)
            if source is None or source.empty:
                return None
            inputs[col] = _student_values(source, self.grid[r][col], self.params.tolerance(col))
        tol = self.params.tolerance(c)
        for choice in (0, 1):  # the decimals the student wrote, then the exact fractions of their chains
            values = {col: options[min(choice, len(options) - 1)] for col, options in inputs.items()}
            value = evaluate(derived, values, self.refs)
            if value is not None and judge(_cell(cell), value, tol).status == "correct":
                used = ", ".join(f"{self.params.columns[col].label} {self.matched.cell(r, col).text}" for col in inputs)
                return value, used
        return None

    def result(self, r: int, c: int) -> CellResult:
        status = self.plain(r, c)
        cell = self.matched.cell(r, c)
        if status == "correct":
            return CellResult(r, c, "right")
        if status == "missing":
            return CellResult(r, c, "missing")
        if status == "suspect":
            others = [self.plain(r, k) for k in range(len(self.params.columns)) if k != c and self.plain(r, k) != "missing"]
            if all(o in ("correct", "suspect") for o in others):
                return CellResult(r, c, "suspect", f"{cell.text!r} disagrees with itself; one reading is right")
        carried = self.carried(r, c)
        if carried is not None:
            return CellResult(r, c, "carried", f"{cell.text} follows from your {carried[1]} "
                                               f"({format_reference(carried[0])})")
        return CellResult(r, c, "wrong")


def _where(params: GridParams, r: int, c: int) -> str:
    return f"row {params.rows[r].label}, {params.columns[c].label}"


def _expected_text(params: GridParams, grid: list[list[Fraction]], scope: list[tuple[int, int]]) -> str:
    if params.part == "column":
        c = scope[0][1]
        return f"{params.columns[c].label}: " + ", ".join(f"{params.rows[r].label} {format_reference(grid[r][c])}" for r, _ in scope)
    by_row: dict[int, list[str]] = {}
    for r, c in scope:
        by_row.setdefault(r, []).append(f"{params.columns[c].label} {format_reference(grid[r][c])}")
    return "; ".join(f"{params.rows[r].label}: " + ", ".join(cells) for r, cells in by_row.items())


# --- the type -------------------------------------------------------------------------------------


@register
class GridType(QuestionType):
    name = "grid"
    aliases = ("table",)  # SPEC §6 calls a labelled grid of rows and columns a table
    Params = GridParams

    def check_params(self, params: GridParams, refs: Mapping[str, Any]) -> list[str]:
        problems = _reference_problems(params, refs)
        grid = None if problems else reference_grid(params, refs)
        return problems + derivation_problems(params, refs, grid)

    def reading_key(self, params: GridParams) -> Vocab:
        return params.vocab

    def read(self, segment: Segment, params: GridParams) -> GridReading | None:
        return read_grid(segment.lines, params.vocab)

    def parse(self, ctx: QuestionContext, params: GridParams) -> Parsed | Invalid | None:
        reading: GridReading | None = ctx.reading
        if reading is None:
            return None
        if not reading.rows:
            line = next((l for l in ctx.segment.lines if l.number == reading.problem_line), None)
            evidence = (Evidence(line.number, line.text.strip()),) if line else ()
            return Invalid(reading.problem or "the table could not be read", evidence)
        matched = match_rows(reading, params)
        written = [(r, c) for r, c in params.scope if matched.cell(r, c) is not None and not matched.cell(r, c).empty]
        if not written:
            return None  # a grid, but nothing of what this item checks (or only empty cells)
        lines = sorted({matched.cell(r, c).line for r, c in params.scope if matched.cell(r, c) is not None})
        texts = {line.number: line.text.strip() for line in ctx.segment.lines}
        evidence = tuple(Evidence(n, texts.get(n, "")) for n in lines[:20])
        return Parsed(matched, evidence, repairs=reading.repairs)

    def compare(self, parsed: Parsed, ctx: QuestionContext, params: GridParams) -> Comparison:
        matched: Matched = parsed.value
        judge_ = Judge(matched, params, ctx.refs)
        scope = params.scope
        results = [judge_.result(r, c) for r, c in scope]
        credited = [x for x in results if x.status in ("right", "carried", "suspect")]
        problems, carried, suspects = [], [], []
        for x in results:
            where = _where(params, x.row, x.column)
            expected = format_reference(judge_.grid[x.row][x.column])
            if x.status == "wrong":
                problems.append(f"{where}: {matched.cell(x.row, x.column).text}, expected {expected}")
            elif x.status == "missing":
                problems.append(f"{where}: missing (expected {expected})")
            elif x.status == "carried":
                carried.append(f"{where}: {x.note}, though the reference is {expected}")
            elif x.status == "suspect":
                suspects.append(f"{where}: {x.note}")
        shown = problems[:_MAX_DETAIL] + ([f"and {len(problems) - _MAX_DETAIL} more"] if len(problems) > _MAX_DETAIL else [])
        parts = ["; ".join(shown)] if shown else []
        if carried:
            parts.append("error carried forward — " + "; ".join(carried))
        if suspects:
            parts.append("OCR? " + "; ".join(suspects))
        unknown = [u for u in matched.reading.unknown_rows]
        if unknown and params.part != "column":
            parts.append(f"rows not in the table: {', '.join(unknown)}")
        parts.extend(matched.notes)
        flags = []
        repaired = [f"{_where(params, r, c)}: {'; '.join(matched.cell(r, c).repairs)}" for r, c in scope
                    if matched.cell(r, c) is not None and matched.cell(r, c).repairs]
        if suspects or repaired:
            flags.append(note("ocr-suspect", "; ".join(suspects + repaired)))
        fraction = len(credited) / len(scope)
        outcome = Outcome.CORRECT if len(credited) == len(scope) else Outcome.PARTIAL if credited else Outcome.INCORRECT
        what = {"cells": "cells", "column": f"{params.column} cells", "row": f"cells of row {params.row}"}[params.part]
        found = f"{len(credited)} of {len(scope)} {what} right ({matched.reading.layout})"
        return Comparison(fraction, outcome, found=found, expected=_expected_text(params, judge_.grid, scope),
                          detail=". ".join(p for p in parts if p), evidence=parsed.evidence, flags=tuple(flags))

    def self_test(self, params: GridParams, refs: Mapping[str, Any]) -> list[SelfTest]:
        grid = [[as_fraction(v) for v in row] for row in reference_grid(params, refs)]
        written = [[_written_exact(v) for v in row] for row in grid]
        r, c = params.scope[0]
        tol = params.tolerance(c)
        wrong = [list(row) for row in written]
        wrong[r][c] = decimal_text(just_outside(grid[r][c], tol), decimal_places_for(grid[r][c], tol))
        return [
            SelfTest("correct", markdown_table(params, written), "the reference grid as a Markdown table"),
            SelfTest("incorrect", markdown_table(params, wrong), f"{_where(params, r, c)} just outside the tolerance"),
            SelfTest("invalid", "I did not get to fill in the table.", "nothing readable"),
        ]


def _written_exact(value: Fraction) -> str:
    """A reference as a student could write it and be right: exact, or a decimal fine enough."""
    if value.denominator == 1:
        return str(value.numerator)
    places = next((k for k in range(1, 40) if 10**k % value.denominator == 0), None)
    if places is not None:  # a terminating decimal (also a float reference read back)
        return decimal_text(value, places)
    return f"{value.numerator}/{value.denominator}"


def markdown_table(params: GridParams, cells: list[list[str]]) -> str:
    def label(text: str) -> str:
        return text.replace("|", "\\|")  # a label's own pipe (D|+) is not a cell boundary

    lines = ["| | " + " | ".join(label(c.label) for c in params.columns) + " |",
             "|---|" + "---|" * len(params.columns)]
    for spec, row in zip(params.rows, cells):
        lines.append(f"| {label(spec.label)} | " + " | ".join(row) + " |")
    return "\n".join(lines)
