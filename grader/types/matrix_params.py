"""The ``check:`` keys of a ``matrix`` item, validated when the rubric loads.

Besides the reference and its tolerance: ``conventions`` (other accepted forms),
``cue`` (the names the student gives the matrix this item grades), ``orientation``
(whether a vector must be a row or a column), ``bands`` (whole-mark credit by how many
entries or rows are right) and ``wrong`` (known wrong answers, which earn nothing).
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import Field, field_validator, model_validator

from grader.numbers import Tolerance, parse_number
from grader.types.base import CheckParams


def _share(value: Any) -> Any:
    """A credit may be written as a fraction (``2/3``) or a percentage (``50%``): YAML reads text."""
    if isinstance(value, str):
        number = parse_number(value.strip())
        if number is None:
            raise ValueError(f"{value!r} is not a number (write 0.5, 1/2 or 50%)")
        return float(number.value)
    return value


class Convention(CheckParams):
    name: str = Field(min_length=1, description="the convention in feedback ('column-major flattening')")
    reference: str = Field(description="the solver reference under this convention")
    stated: list[str] = Field(default_factory=list, description="phrases one of which the answer must contain (none: always accepted)")
    credit: float = Field(default=1.0, gt=0, le=1, description="share of the item's points a match earns")

    @field_validator("credit", mode="before")
    @classmethod
    def _credit(cls, value: Any) -> Any:
        return _share(value)


class Band(CheckParams):
    """At least ``entries`` (or ``rows``) right earns ``credit`` of the item's points."""

    entries: int | None = Field(default=None, ge=1, description="how many entries must be right")
    rows: int | None = Field(default=None, ge=1, description="how many rows must be right (instead of entries)")
    credit: float = Field(gt=0, le=1, description="the share of the item's points this band earns")

    @field_validator("credit", mode="before")
    @classmethod
    def _credit(cls, value: Any) -> Any:
        return _share(value)

    @model_validator(mode="after")
    def _one_count(self) -> "Band":
        if (self.entries is None) == (self.rows is None):
            raise ValueError("give entries or rows (how many must be right for this credit), not both, not neither")
        return self

    @property
    def unit(self) -> str:
        return "entries" if self.entries is not None else "rows"

    @property
    def count(self) -> int:
        return self.entries if self.entries is not None else self.rows  # type: ignore[return-value]


class KnownWrong(CheckParams):
    """A reference that is a known wrong answer: a matrix equal to it earns nothing."""

    reference: str = Field(description="the reference the wrong answer equals (P for an item that asks for P^2)")
    label: str | None = Field(default=None, min_length=1, description="what this answer is, in feedback ('P itself')")

    @property
    def shown(self) -> str:
        return self.label or self.reference


class MatrixParams(CheckParams):
    reference: str = Field(description="the solver reference (a list of rows, or a list for a vector)")
    name: str = Field(default="the matrix", description="what the reference is, in feedback ('C')")
    cue: list[str] = Field(default_factory=list, description="what the student calls this matrix ('P^2', 'P²'): the named one is graded")
    conventions: list[Convention] = Field(default_factory=list)
    shape: tuple[int, int] | None = Field(default=None, description="the reference's shape, checked when the rubric loads")
    orientation: Literal["any", "row", "column"] = Field(default="any", description="a vector: written as a row, a column, or either")
    partial: Literal["rows", "entries", "none"] = Field(default="rows", description="credit per right row, per right entry, or all-or-nothing")
    bands: list[Band] = Field(default_factory=list, description="whole-mark credit by right entries or rows, from the most right down")
    wrong: list[KnownWrong] = Field(default_factory=list, description="known wrong answers: a matrix equal to one earns nothing")
    rel_tol: float = Field(default=0.0, ge=0)
    abs_tol: float = Field(default=0.0, ge=0)
    student_precision: bool = True
    min_decimals: int = Field(default=2, ge=0)

    @field_validator("cue")
    @classmethod
    def _cues_named(cls, value: list[str]) -> list[str]:
        if any(not c.strip() for c in value):
            raise ValueError("a cue is the name a student writes before the matrix ('P^2'), not empty")
        return value

    @model_validator(mode="after")
    def _bands_in_order(self) -> "MatrixParams":
        if not self.bands:
            return self
        units = {band.unit for band in self.bands}
        if len(units) > 1:
            raise ValueError("bands: every band counts entries, or every band counts rows, not a mix")
        for k, (before, band) in enumerate(zip(self.bands, self.bands[1:]), start=1):
            if band.count >= before.count:
                raise ValueError(f"bands.{k}: {band.count} {band.unit} is not fewer than the band before it "
                                 f"({before.count}); list the bands from the most right to the fewest")
            if band.credit >= before.credit:
                raise ValueError(f"bands.{k}: credit {band.credit:g} is not less than the band before it "
                                 f"({before.credit:g}); fewer right must earn less")
        return self

    @property
    def tolerance(self) -> Tolerance:
        return Tolerance(self.rel_tol, self.abs_tol, None, self.student_precision, self.min_decimals)
