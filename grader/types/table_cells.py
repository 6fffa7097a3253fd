"""Judging one precision or recall cell against its reference, OCR damage included.

A cell often holds a chain ("2/3 = 0.67"). When its numbers agree the last one is
what the student means. When they disagree and one reading matches the reference
— the real sheet's "1/8 = 0.5" (4/8), "47 = 0.57" (4/7, slash lost), "312 = 0.6",
"5/C = 1.7" (5/5, denominator unreadable) — the cell is *suspect*: most likely OCR
damage, so a human is told and the student is not penalised if the rest of the
row agrees (the table type decides that).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from fractions import Fraction
from typing import Literal

from grader.numbers import Number, Tolerance, close_enough


@dataclass(frozen=True)
class Cell:
    """What is written in one cell of a student's table, and the numbers in it."""

    text: str
    numbers: tuple[Number, ...]
    repaired: bool = False  # a dash read back as a decimal point

Status = Literal["correct", "suspect", "wrong"]

# A numerator whose denominator OCR turned into a letter or symbol: "5/C".
_GARBLED_DENOMINATOR = re.compile(r"(?<![\d.])(\d{1,3})\s*/\s*(?=[^\d\s.])")


@dataclass(frozen=True)
class CellVerdict:
    status: Status
    value: Fraction  # the value the student used: the matching reading, else the last number written
    note: str = ""


def _agree(a: Number, b: Number, tol: Tolerance) -> bool:
    return close_enough(a, b.value, tol) or close_enough(b, a.value, tol)


def _exact(value: Fraction, text: str) -> Number:
    return Number(value, text, None, False, 0, len(text))


def reconstructions(cell: Cell, denominator: int | None) -> list[Number]:
    """Fractions the cell may have held before OCR damaged it.

    A bare 2–3 digit integer is a fraction whose slash was lost (47 → 4/7) or read
    as a 1 (312 → 3/2); a numerator before an unreadable denominator takes the
    column's own denominator (the rank for precision, the relevant total for recall).
    """
    found: list[Number] = []
    for number in cell.numbers:
        digits = number.text.strip()
        if number.decimals != 0 or not digits.isdigit() or not 2 <= len(digits) <= 3:
            continue
        for cut in range(1, len(digits)):
            top, bottom = digits[:cut], digits[cut:]
            if int(bottom):
                found.append(_exact(Fraction(int(top), int(bottom)), f"{top}/{bottom}"))
            if bottom.startswith("1") and len(bottom) > 1 and int(bottom[1:]):
                found.append(_exact(Fraction(int(top), int(bottom[1:])), f"{top}/{bottom[1:]}"))
    if denominator:
        for match in _GARBLED_DENOMINATOR.finditer(cell.text):
            found.append(_exact(Fraction(int(match.group(1)), denominator), f"{match.group(1)}/{denominator}"))
    return found


def judge(cell: Cell, expected: Fraction, tol: Tolerance, denominator: int | None = None) -> CellVerdict:
    """Is the cell the expected value: cleanly, only through an OCR-damaged reading, or not at all?"""
    numbers = cell.numbers
    written = numbers[-1].value
    consistent = all(_agree(n, numbers[-1], tol) for n in numbers[:-1])
    if consistent:
        # Any equal reading will do: "2/3 = 0.67" is right through either number.
        if any(close_enough(n, expected, tol) for n in numbers):
            return CellVerdict("correct", written)
        return CellVerdict("wrong", written, f"{cell.text} is not {expected}")
    # The written numbers disagree: try the last one first (the student's own decimal).
    for number in list(reversed(numbers)) + reconstructions(cell, denominator):
        if close_enough(number, expected, tol):
            return CellVerdict("suspect", number.value, f"read {number.text} in {cell.text!r} (its numbers disagree)")
    return CellVerdict("wrong", written, f"{cell.text} is not {expected}")
