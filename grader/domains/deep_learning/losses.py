"""Focal loss against cross-entropy (Lin et al., 2017): FL(p_t) = −α (1 − p_t)^γ log p_t.

The modulating factor (1 − p_t)^γ and the ratio CE/FL = 1/(1 − p_t)^γ are exact
(``Fraction``) for rational p_t and integer γ, which is what rubrics ask about
("at γ = 2, p_t = 0.9 the loss is 100× smaller"). The losses themselves involve a
logarithm and are floats.

References are flat; a value for one (p_t, γ) pair is keyed by both, written as
the rubric writes them: ``ce_over_fl_p0.9_g2``, ``focal_loss_p0.9_g2``,
``modulating_factor_p0.9_g2``, ``cross_entropy_p0.9``.
"""

from __future__ import annotations

import math
from fractions import Fraction
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, field_validator

from grader.solvers import solver


def _exact(value: Any) -> Fraction:
    """0.9 (YAML float), "0.9", "9/10" or 1 as the exact Fraction a person means."""
    if isinstance(value, bool):
        raise ValueError("a number is required, not a boolean")
    if isinstance(value, (int, Fraction)):
        return Fraction(value)
    if isinstance(value, float):
        return Fraction(repr(value))  # 0.9 means 9/10, not the binary float's expansion
    if isinstance(value, str):
        try:
            return Fraction(value.strip())
        except (ValueError, ZeroDivisionError):
            raise ValueError(f"{value!r} is not a number") from None
    raise ValueError(f"{value!r} is not a number")


def key_number(value: Fraction) -> str:
    """How a parameter value appears in a reference key: 0.9, 2, 0.25, or 1_3 for 1/3."""
    if value.denominator == 1:
        return str(value.numerator)
    scaled = value
    for digits in range(1, 7):
        scaled *= 10
        if scaled.denominator == 1:
            return f"{value.numerator // value.denominator}.{str(scaled.numerator % 10**digits).zfill(digits)}"
    return f"{value.numerator}_{value.denominator}"


class FocalLossParams(BaseModel):
    """Probabilities of the true class, focusing parameters, and the optional class weight α."""

    model_config = ConfigDict(extra="forbid", frozen=True, arbitrary_types_allowed=True)

    p_t: list[Fraction] = Field(min_length=1, description="probability given to the true class, each in (0, 1)")
    gamma: list[Fraction] = Field(min_length=1, description="focusing parameters γ ≥ 0")
    alpha: Fraction | None = Field(default=None, description="class weight α in (0, 1]")

    @field_validator("p_t", "gamma", mode="before")
    @classmethod
    def _numbers(cls, value: Any) -> Any:
        if not isinstance(value, list):
            value = [value]
        return [_exact(v) for v in value]

    @field_validator("alpha", mode="before")
    @classmethod
    def _alpha_number(cls, value: Any) -> Any:
        return None if value is None else _exact(value)

    @field_validator("p_t")
    @classmethod
    def _probabilities(cls, value: list[Fraction]) -> list[Fraction]:
        for p in value:
            if not 0 < p < 1:
                raise ValueError(f"p_t = {p} must lie strictly between 0 and 1")
        return value

    @field_validator("gamma")
    @classmethod
    def _focusing(cls, value: list[Fraction]) -> list[Fraction]:
        for g in value:
            if g < 0:
                raise ValueError(f"gamma = {g} must not be negative")
        return value

    @field_validator("alpha")
    @classmethod
    def _weight(cls, value: Fraction | None) -> Fraction | None:
        if value is not None and not 0 < value <= 1:
            raise ValueError(f"alpha = {value} must lie in (0, 1]")
        return value


def modulating_factor(p: Fraction, gamma: Fraction) -> Fraction | float:
    """(1 − p)^γ: exact for integer γ, a float otherwise."""
    if gamma.denominator == 1:
        return (1 - p) ** gamma.numerator
    return float(1 - p) ** float(gamma)


def cross_entropy(p: Fraction) -> float:
    return -math.log(float(p))


@solver("focal_loss", FocalLossParams)
def focal_loss(params: FocalLossParams) -> dict[str, Any]:
    """Cross-entropy, focal loss, modulating factor and CE/FL ratio for every (p_t, γ)."""
    alpha = params.alpha if params.alpha is not None else Fraction(1)
    refs: dict[str, Any] = {"p_t": tuple(params.p_t), "gamma": tuple(params.gamma), "alpha": params.alpha}
    for p in params.p_t:
        pk = key_number(p)
        ce = cross_entropy(p)
        refs[f"cross_entropy_p{pk}"] = ce
        if params.alpha is not None:
            refs[f"alpha_cross_entropy_p{pk}"] = float(alpha) * ce
        for gamma in params.gamma:
            suffix = f"p{pk}_g{key_number(gamma)}"
            factor = modulating_factor(p, gamma)
            refs[f"modulating_factor_{suffix}"] = factor
            refs[f"focal_loss_{suffix}"] = float(alpha) * float(factor) * ce
            # Both losses carry the same α, so it cancels in the ratio.
            refs[f"ce_over_fl_{suffix}"] = 1 / factor
    return refs
