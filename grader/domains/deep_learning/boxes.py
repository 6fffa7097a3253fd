"""Axis-aligned boxes: IoU and L2 distances in the parameterisations students use.

Three parameterisations, all of four numbers:

* ``corners``      (x1, y1, x2, y2) — two opposite corners (VOC, the exam paper);
* ``centre_size``  (cx, cy, w, h)   — centre and size (what box regressors predict);
* ``corner_size``  (x, y, w, h)     — top-left corner and size (COCO).

The L2 distance between two boxes depends on the parameterisation (the same two
boxes are √8 apart as corners and 1 apart as centre+size), which is exactly why a
question may say "any parameterisation, if stated". Everything is exact
(``Fraction``); a distance is kept squared so that "equal L2" is decided exactly,
and ``sqrt_text`` shows it as a TA writes it (√8, 2, √(5/2)).

The functions are pure and used both by the ``box_geometry`` solver (references
for a rubric's example construction) and by the ``construction`` question type,
which measures the boxes a student built.
"""

from __future__ import annotations

import math
from fractions import Fraction
from typing import Iterable, Literal, Mapping

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from grader.solvers import solver

Format = Literal["corners", "centre_size", "corner_size"]
FORMATS: tuple[Format, ...] = ("corners", "centre_size", "corner_size")
Box = tuple[Fraction, Fraction, Fraction, Fraction]


class BoxError(ValueError):
    """Four numbers that are not a box (zero or negative width or height)."""


def as_box(values: Iterable[object]) -> Box:
    numbers = tuple(Fraction(repr(v)) if isinstance(v, float) else Fraction(v) for v in values)  # type: ignore[arg-type]
    if len(numbers) != 4:
        raise BoxError(f"a box has four numbers, not {len(numbers)}")
    return numbers  # type: ignore[return-value]


def to_corners(box: Iterable[object], fmt: Format) -> Box:
    """The box as (x1, y1, x2, y2) with x1 < x2 and y1 < y2; BoxError if it has no area."""
    a, b, c, d = as_box(box)
    if fmt == "corners":
        x1, y1, x2, y2 = min(a, c), min(b, d), max(a, c), max(b, d)
    elif fmt == "centre_size":
        if c <= 0 or d <= 0:
            raise BoxError(f"width and height must be positive, not {c} and {d}")
        x1, y1, x2, y2 = a - c / 2, b - d / 2, a + c / 2, b + d / 2
    else:
        if c <= 0 or d <= 0:
            raise BoxError(f"width and height must be positive, not {c} and {d}")
        x1, y1, x2, y2 = a, b, a + c, b + d
    if x1 == x2 or y1 == y2:
        raise BoxError("the box has no area")
    return (x1, y1, x2, y2)


def from_corners(box: Box, fmt: Format) -> Box:
    """The corner box ``box`` written in parameterisation ``fmt``."""
    x1, y1, x2, y2 = box
    if fmt == "corners":
        return box
    if fmt == "centre_size":
        return ((x1 + x2) / 2, (y1 + y2) / 2, x2 - x1, y2 - y1)
    return (x1, y1, x2 - x1, y2 - y1)


def area(box: Box) -> Fraction:
    x1, y1, x2, y2 = box
    return (x2 - x1) * (y2 - y1)


def intersection(a: Box, b: Box) -> Fraction:
    width = min(a[2], b[2]) - max(a[0], b[0])
    height = min(a[3], b[3]) - max(a[1], b[1])
    return width * height if width > 0 and height > 0 else Fraction(0)


def iou(a: Box, b: Box) -> Fraction:
    """Intersection over union of two corner boxes, exact."""
    overlap = intersection(a, b)
    return overlap / (area(a) + area(b) - overlap)


def l2_squared(a: Box, b: Box, fmt: Format) -> Fraction:
    """Squared Euclidean distance between two corner boxes written in parameterisation ``fmt``."""
    return sum(((p - q) ** 2 for p, q in zip(from_corners(a, fmt), from_corners(b, fmt))), Fraction(0))


def sqrt_text(square: Fraction) -> str:
    """√ of an exact square, as a person writes it: 2, √8, √(5/2)."""
    if square < 0:
        raise ValueError("negative square")
    num, den = square.numerator, square.denominator
    root_num, root_den = math.isqrt(num), math.isqrt(den)
    if root_num**2 == num and root_den**2 == den:
        return str(Fraction(root_num, root_den))
    return f"√{num}" if den == 1 else f"√({num}/{den})"


class BoxGeometryParams(BaseModel):
    """A ground-truth box and predictions (named), written in ``format``."""

    model_config = ConfigDict(extra="forbid", frozen=True, arbitrary_types_allowed=True)

    format: Format = "corners"
    ground_truth: list[Fraction] = Field(min_length=4, max_length=4)
    predictions: dict[str, list[Fraction]] = Field(min_length=1, description="name -> four numbers")

    @field_validator("ground_truth", mode="before")
    @classmethod
    def _exact_gt(cls, value: object) -> object:
        return [Fraction(repr(v)) if isinstance(v, float) else v for v in value] if isinstance(value, list) else value

    @field_validator("predictions", mode="before")
    @classmethod
    def _exact_predictions(cls, value: object) -> object:
        if not isinstance(value, Mapping):
            return value
        return {k: [Fraction(repr(v)) if isinstance(v, float) else v for v in box] if isinstance(box, list) else box
                for k, box in value.items()}

    @model_validator(mode="after")
    def _boxes_have_area(self) -> "BoxGeometryParams":
        for name, box in [("ground_truth", self.ground_truth), *self.predictions.items()]:
            try:
                to_corners(box, self.format)
            except BoxError as exc:
                raise ValueError(f"{name}: {exc}") from None
        return self


@solver("box_geometry", BoxGeometryParams)
def box_geometry(params: BoxGeometryParams) -> Mapping[str, object]:
    """IoU and L2 distance (corners and centre+size) of each prediction to the ground truth.

    References: ``format``, ``ground_truth`` and ``box_<name>`` (corner boxes),
    ``iou_<name>``, ``l2sq_<fmt>_<name>`` (exact squares) and ``l2_<fmt>_<name>``
    (√ as text) for every parameterisation.
    """
    gt = to_corners(params.ground_truth, params.format)
    refs: dict[str, object] = {"format": params.format, "ground_truth": gt, "predictions": tuple(params.predictions)}
    for name, written in params.predictions.items():
        box = to_corners(written, params.format)
        refs[f"box_{name}"] = box
        refs[f"iou_{name}"] = iou(gt, box)
        for fmt in FORMATS:
            square = l2_squared(gt, box, fmt)
            refs[f"l2sq_{fmt}_{name}"] = square
            refs[f"l2_{fmt}_{name}"] = sqrt_text(square)
    return refs
