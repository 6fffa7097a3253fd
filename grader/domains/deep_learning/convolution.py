"""Convolution as a matrix multiplication, and the transposed convolution it defines.

A 2-D convolution (deep-learning style: cross-correlation, the kernel is not
flipped) of an h×w input with stride s and zero padding p is linear in the input,
so it is y = C·vec(x) for a sparse matrix C with one row per output position and
one column per input position. The transposed convolution of Z (shaped like y)
is C^T·vec(Z), reshaped like x; it is not the inverse of the convolution.

Everything is exact (ints or ``Fraction``). Which flattening ``vec`` uses changes
C by a permutation of its rows and columns, and changes nothing else: the
reshaped transposed result is the same matrix. Both forms of C are produced so a
rubric can accept the column-major one when a student states it.

References (flat): ``C`` (under ``flatten``), ``C_row_major``, ``C_column_major``,
``C_shape``, ``input_shape``, ``output_shape`` and, when ``z`` is given,
``transposed`` (shaped like the input), ``transposed_vector`` (under ``flatten``),
``transposed_vector_row_major`` and ``transposed_vector_column_major``.
"""

from __future__ import annotations

from fractions import Fraction
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from grader.numbers import as_fraction
from grader.solvers import solver

Matrix = list[list[Fraction]]
# Largest input side: C has (h·w)² entries, and exam questions are small.
_MAX_SIDE = 64


def _exact(value: Any) -> Fraction:
    """A YAML number ("0.5", 0.5, 1/2 as a string, 3) as the exact Fraction meant."""
    try:
        return as_fraction(value)
    except (TypeError, ValueError, ZeroDivisionError):
        raise ValueError(f"{value!r} is not a number") from None


def _rectangular(value: Any, name: str) -> Matrix:
    if not isinstance(value, list) or not value or not all(isinstance(row, list) and row for row in value):
        raise ValueError(f"{name} must be a non-empty list of non-empty rows")
    if len({len(row) for row in value}) != 1:
        raise ValueError(f"{name} rows have different lengths {[len(row) for row in value]}")
    return [[_exact(v) for v in row] for row in value]


class ConvolutionMatrixParams(BaseModel):
    """A kernel, the input size, stride, padding and the matrix to transpose-convolve."""

    model_config = ConfigDict(extra="forbid", frozen=True, arbitrary_types_allowed=True)

    kernel: Matrix = Field(description="the kernel as rows, e.g. [[1, 2], [3, 4]]")
    input_size: tuple[int, int] = Field(description="[height, width] of the input x")
    stride: int = Field(default=1, ge=1, le=_MAX_SIDE)
    padding: int = Field(default=0, ge=0, le=_MAX_SIDE)
    z: Matrix | None = Field(default=None, description="matrix shaped like the output, for C^T·vec(z)")
    flatten: Literal["row", "column"] = Field(default="row", description="how vec() orders a matrix")

    @field_validator("kernel", mode="before")
    @classmethod
    def _kernel(cls, value: Any) -> Any:
        return _rectangular(value, "kernel")

    @field_validator("z", mode="before")
    @classmethod
    def _z(cls, value: Any) -> Any:
        return None if value is None else _rectangular(value, "z")

    @field_validator("input_size")
    @classmethod
    def _size(cls, value: tuple[int, int]) -> tuple[int, int]:
        if not all(1 <= side <= _MAX_SIDE for side in value):
            raise ValueError(f"input sides must lie in 1..{_MAX_SIDE}")
        return value

    @model_validator(mode="after")
    def _fits(self) -> "ConvolutionMatrixParams":
        kh, kw = len(self.kernel), len(self.kernel[0])
        h, w = self.input_size
        if kh > h + 2 * self.padding or kw > w + 2 * self.padding:
            raise ValueError(f"a {kh}×{kw} kernel does not fit a {h}×{w} input with padding {self.padding}")
        out = output_shape(self)
        if self.z is not None and (len(self.z), len(self.z[0])) != out:
            raise ValueError(f"z is {len(self.z)}×{len(self.z[0])} but the convolution's output is {out[0]}×{out[1]}")
        return self


def output_shape(params: ConvolutionMatrixParams) -> tuple[int, int]:
    (h, w), p, s = params.input_size, params.padding, params.stride
    kh, kw = len(params.kernel), len(params.kernel[0])
    return (h + 2 * p - kh) // s + 1, (w + 2 * p - kw) // s + 1


def _index(r: int, c: int, shape: tuple[int, int], flatten: str) -> int:
    """Position of entry (r, c) of a matrix of ``shape`` in its vec()."""
    return r * shape[1] + c if flatten == "row" else c * shape[0] + r


def convolution_matrix(params: ConvolutionMatrixParams, flatten: str) -> Matrix:
    """C with y = C·vec(x): row o holds the kernel at the input positions output o sees."""
    h, w = params.input_size
    out = output_shape(params)
    c = [[Fraction(0)] * (h * w) for _ in range(out[0] * out[1])]
    for orow in range(out[0]):
        for ocol in range(out[1]):
            row = c[_index(orow, ocol, out, flatten)]
            for a, kernel_row in enumerate(params.kernel):
                for b, weight in enumerate(kernel_row):
                    r = orow * params.stride + a - params.padding
                    col = ocol * params.stride + b - params.padding
                    if 0 <= r < h and 0 <= col < w:  # padding positions hold zeros: no column
                        row[_index(r, col, (h, w), flatten)] += weight
    return c


def transpose_times(c: Matrix, vector: list[Fraction]) -> list[Fraction]:
    """C^T·v."""
    return [sum((c[o][i] * vector[o] for o in range(len(c))), Fraction(0)) for i in range(len(c[0]))]


def vec(matrix: Matrix, flatten: str) -> list[Fraction]:
    if flatten == "row":
        return [v for row in matrix for v in row]
    return [matrix[r][c] for c in range(len(matrix[0])) for r in range(len(matrix))]


def unvec(vector: list[Fraction], shape: tuple[int, int], flatten: str) -> Matrix:
    return [[vector[_index(r, c, shape, flatten)] for c in range(shape[1])] for r in range(shape[0])]


def _plain(value: Fraction) -> int | Fraction:
    """Integral values as ints, so feedback shows 16, not Fraction(16, 1)."""
    return value.numerator if value.denominator == 1 else value


def _plain_matrix(matrix: Matrix) -> list[list[int | Fraction]]:
    return [[_plain(v) for v in row] for row in matrix]


@solver("convolution_matrix", ConvolutionMatrixParams)
def solve_convolution_matrix(params: ConvolutionMatrixParams) -> dict[str, Any]:
    """The convolution matrix C under both flattenings and, given z, the transposed convolution C^T·vec(z)."""
    h, w = params.input_size
    out = output_shape(params)
    forms = {flatten: convolution_matrix(params, flatten) for flatten in ("row", "column")}
    refs: dict[str, Any] = {
        "C": _plain_matrix(forms[params.flatten]),
        "C_row_major": _plain_matrix(forms["row"]),
        "C_column_major": _plain_matrix(forms["column"]),
        "C_shape": (out[0] * out[1], h * w),
        "input_shape": (h, w),
        "output_shape": out,
    }
    if params.z is not None:
        vectors = {f: transpose_times(forms[f], vec(params.z, f)) for f in ("row", "column")}
        # Both flattenings give the same matrix once reshaped consistently; reshape the row-major one.
        refs["transposed"] = _plain_matrix(unvec(vectors["row"], (h, w), "row"))
        refs["transposed_vector"] = [_plain(v) for v in vectors[params.flatten]]
        refs["transposed_vector_row_major"] = [_plain(v) for v in vectors["row"]]
        refs["transposed_vector_column_major"] = [_plain(v) for v in vectors["column"]]
    return refs
