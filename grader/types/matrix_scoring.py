"""How one matrix the student wrote fits a reference: entry by entry, under the item's credit rule.

A vector reference (a list, or a matrix of one row or one column) is fitted by any
matrix of one row or one column with as many entries, unless the item asks for a
row or a column (``orientation``); its entries are its rows. A matrix reference is
fitted by a matrix of its shape.

Credit: right rows / rows (``partial: rows``), right entries / entries (``entries``),
all or nothing (``none``); or, with ``bands``, the credit of the first band reached
(every entry right always earns full credit). A convention's ``credit`` multiplies it.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from typing import Any, Sequence

from grader.numbers import Number, as_fraction, close_enough
from grader.types.matrix_params import Band, MatrixParams
from grader.types.matrix_reading import Candidate, show_value


def matrix_of(value: Any) -> list[list[Fraction]]:
    """A reference as rows of Fractions; a flat list is one column (a vector)."""
    if isinstance(value, (list, tuple)) and value and all(isinstance(r, (list, tuple)) for r in value):
        return [[as_fraction(v) for v in row] for row in value]
    return [[as_fraction(v)] for v in value]


def is_vector(value: Any) -> bool:
    """A flat list (not a matrix of one row or one column: see ``vector_length``)."""
    return not any(isinstance(v, (list, tuple)) for v in value)


def vector_length(reference: Any) -> int | None:
    """How many entries a vector reference has (None for a matrix of several rows and columns)."""
    target = matrix_of(reference)
    return len(target) * len(target[0]) if len(target) == 1 or len(target[0]) == 1 else None


def shape_of(reference: Any) -> tuple[int, int]:
    target = matrix_of(reference)
    return len(target), len(target[0])


def shape_text(reference: Any, orientation: str = "any") -> str:
    """``3×3 matrix``, ``vector of 3 entries``, ``row vector of 3 entries``."""
    n = vector_length(reference)
    if n is None:
        rows, columns = shape_of(reference)
        return f"{rows}×{columns} matrix"
    return f"{'' if orientation == 'any' else orientation + ' '}vector of {n} entries"


def oriented(candidate: Candidate, reference: Any, orientation: str = "any") -> list[list[Number]] | None:
    """The candidate's entries laid out like the reference (a vector as a column), or None when
    its shape does not fit."""
    rows = [list(r) for r in candidate.rows]
    n = vector_length(reference)
    if n is None:
        return rows if candidate.shape == shape_of(reference) else None
    if 1 not in candidate.shape or candidate.shape[0] * candidate.shape[1] != n:
        return None
    if (orientation == "row" and candidate.shape[0] != 1) or (orientation == "column" and candidate.shape[1] != 1):
        return None
    return [[entry] for row in rows for entry in row]


@dataclass(frozen=True)
class Fit:
    fraction: float  # credit earned, convention credit included
    right_rows: int
    right_entries: int
    wrong: tuple[str, ...]
    rows: int = 0  # of the reference
    entries: int = 0
    band: Band | None = None  # the band that gave the credit (with bands)

    @property
    def exact(self) -> bool:
        return not self.wrong


def share(params: MatrixParams, right_rows: int, right_entries: int, rows: int, entries: int) -> tuple[float, Band | None]:
    """The credit of a matrix with so many right rows and entries, and the band that gives it."""
    if right_entries == entries:
        return 1.0, None
    if params.bands:
        right = right_entries if params.bands[0].unit == "entries" else right_rows
        band = next((b for b in params.bands if right >= b.count), None)
        return (band.credit, band) if band else (0.0, None)
    return {"rows": right_rows / rows, "entries": right_entries / entries, "none": 0.0}[params.partial], None


def fit(candidate: Candidate, reference: Any, params: MatrixParams, credit: float) -> Fit | None:
    rows = oriented(candidate, reference, params.orientation)
    if rows is None:
        return None
    vector = vector_length(reference) is not None
    target = [[v] for row in matrix_of(reference) for v in row] if vector else matrix_of(reference)
    right_rows, right_entries, wrong = 0, 0, []
    for r, (got, want) in enumerate(zip(rows, target), start=1):
        ok = [close_enough(g, w, params.tolerance) for g, w in zip(got, want)]
        right_entries += sum(ok)
        right_rows += all(ok)
        for c, good in enumerate(ok, start=1):
            if not good:
                where = f"entry {r}" if vector else f"row {r}, column {c}"
                wrong.append(f"{where}: {got[c - 1].text} (expected {show_value(want[c - 1])})")
    total_rows, total_entries = len(target), len(target) * len(target[0])
    fraction, band = share(params, right_rows, right_entries, total_rows, total_entries)
    return Fit(round(credit * fraction, 6), right_rows, right_entries, tuple(wrong), total_rows, total_entries, band)


def exact_number(value: Fraction) -> Number:
    text = show_value(value)
    return Number(value, text, None, False, 0, len(text))


def written_exactly(reference: Any) -> Candidate:
    """The reference as a matrix written with its exact values (to fit other references against)."""
    rows = tuple(tuple(exact_number(v) for v in row) for row in matrix_of(reference))
    return Candidate(rows, 0, 0, "reference")


def transposed(candidate: Candidate) -> Candidate:
    return Candidate(tuple(zip(*candidate.rows)), candidate.first, candidate.last, candidate.source,
                     candidate.start, candidate.end, candidate.names)


def credit_text(value: float) -> str:
    """A share as a TA writes it: ``2/3``, ``1/2``, ``0.45``."""
    simple = Fraction(value).limit_denominator(12)
    return (f"{simple.numerator}/{simple.denominator}" if abs(float(simple) - value) < 1e-9 and simple.denominator > 1
            else f"{value:g}")


def band_text(found: Fit, bands: Sequence[Band]) -> str:
    """``7 of 9 entries right: at least 7 earn 2/3 of the marks`` (or that no band is reached)."""
    unit = bands[0].unit
    right = found.right_entries if unit == "entries" else found.right_rows
    total = found.entries if unit == "entries" else found.rows
    if found.band is None:
        return f"{right} of {total} {unit} right: fewer than {bands[-1].count} earn no marks"
    return f"{right} of {total} {unit} right: at least {found.band.count} earn {credit_text(found.band.credit)} of the marks"
