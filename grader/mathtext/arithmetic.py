"""Check a student's own arithmetic: chains like ``(0-2)^2 + (4-6)^2 = 8 = 2.83``.

Worked examples are graded partly on whether their steps hold. A chain is every
relation of one statement whose sides are plain numbers (no letters), read with
our safe reader (``read_math``) from math fragments and from runs of arithmetic in
plain text (OCR often loses the ``$``). Each step ``a = b`` holds when

* both sides are exact and equal, or
* one side is a decimal with ``p`` places and the other is within one unit of its
  last place (rounded or truncated: 2.82 and 2.83 both stand for √8), or
* the right side is the square root of the left (``4 + 4 = 8 = 2.83``): a common
  shorthand for a distance, accepted and noted.

Nothing is evaluated but numbers: a side with any symbol is not arithmetic and
is skipped. Sizes are bounded by the reader's limits (no exponent towers, at most
30 digits per number, exponents up to 1000).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from fractions import Fraction
from typing import Iterator, Sequence

import sympy

from grader.errors import MathParseError
from grader.mathtext.latex import read_math, settle
from grader.model import Line
from grader.reading.markdown import math_fragments

# A run of plain-text arithmetic with at least one "=": digits, operators, brackets, √.
# The first "=" is found possessively (the class before it has no "="): "[…=…]*=[…=…]*" would
# try every "=" of the run as the one, with every end after it (cubic on "(=(=(=…").
_RUN = re.compile(r"(?<![A-Za-z_\d.{])[\d(\[√][\d\s.,+\-*/^()\[\]√×·]*+=[\d\s.,+\-*/^()\[\]√=×·]*[\d)\]]")
# Where _RUN can start, and the two stretches it scans: up to the first "=", then on to the end.
_RUN_START = re.compile(r"(?<![A-Za-z_\d.{])[\d(\[√]")
_BEFORE_EQUALS = re.compile(r"[\d\s.,+\-*/^()\[\]√×·]*+")
_AFTER_EQUALS = re.compile(r"[\d\s.,+\-*/^()\[\]√=×·]*+")


def _runs(text: str) -> Iterator[str]:
    """The runs ``_RUN.finditer(text)`` finds, left to right, in linear time.

    ``finditer`` tries _RUN at every start, and each try scans the arithmetic after it: on a long
    stretch that holds no run ("1 1 1 …" without "=") that is quadratic. A try that fails fails
    at every later start up to where it stopped scanning, so the search goes on from there: a
    later start before the first "=" meets the same character where the "="-free part ends (not
    "=", or the same "=" followed by the same stretch, which holds no digit or closing bracket
    to end on), and a later start after that "=" scans only part of that same stretch.
    """
    pos = 0
    while (start := _RUN_START.search(text, pos)) is not None:
        run = _RUN.match(text, start.start())
        if run is not None:
            yield run.group()
            pos = run.end()
            continue
        pos = _BEFORE_EQUALS.match(text, start.end()).end()
        if text.startswith("=", pos):
            pos = _AFTER_EQUALS.match(text, pos + 1).end()


# $$…$$, $…$, \(…\) and \[…\] in plain text, each the shortest, within one line, tried in that
# order at each position: what ``re.sub(r"\$\$.*?\$\$|\$.*?\$|\\\(.*?\\\)|\\\[.*?\\\]", " ", text)``
# blanks. That pattern rescans the rest of the line for every unclosed opener (quadratic on a
# long run of "\("); here an opener whose closer was not found once is known to be unclosed.
_MATH_OPENER = re.compile(r"\$|\\[(\[]")
_MATH_DELIMITERS = (("$$", "$$"), ("$", "$"), ("\\(", "\\)"), ("\\[", "\\]"))


def _outside_math(text: str) -> str:
    """``text`` with its delimited math blanked (each piece becomes one space)."""
    return "\n".join(_outside_math_in_line(part) for part in text.split("\n"))  # "." stops at "\n"


def _outside_math_in_line(text: str) -> str:
    parts: list[str] = []
    kept = pos = 0
    unclosed: set[str] = set()  # closers not found after some earlier opener: none after a later one
    while (opener := _MATH_OPENER.search(text, pos)) is not None:
        start, pos = opener.start(), opener.start() + 1
        for opening, closing in _MATH_DELIMITERS:
            if closing in unclosed or not text.startswith(opening, start):
                continue
            end = text.find(closing, start + len(opening))
            if end < 0:
                unclosed.add(closing)
                continue
            parts += [text[kept:start], " "]
            kept = pos = end + len(closing)
            break
    return "".join(parts) + text[kept:]


@dataclass(frozen=True)
class Step:
    line: int
    left: str
    right: str
    holds: bool
    note: str = ""


_TIMES_X = re.compile(r"(?<=\d)\s*[x×]\s*(?=\d)")


def _plain(text: str) -> str:
    """A plain-text run as LaTeX our reader knows: √8 → \\sqrt{8}, × and · → \\cdot."""
    text = re.sub(r"√\s*(\d+(?:\.\d+)?)", r"\\sqrt{\1}", text)
    return text.replace("×", r" \cdot ").replace("·", r" \cdot ")


def _value(side: sympy.Basic) -> sympy.Expr | None:
    if side.free_symbols or side.atoms(sympy.Function):
        return None
    value = settle(side)
    return value if value.is_number and value.is_real else None


def _decimal_places(text: str) -> int | None:
    """Places of a side written as one decimal number ("2.83" → 2), else None (exact)."""
    m = re.fullmatch(r"\s*-?\d*\.(\d+)\s*", text)
    return len(m[1]) if m else None


def _close(exact: sympy.Expr, written: Fraction, places: int) -> bool:
    return abs(float(exact) - float(written)) <= 10.0**-places + 1e-12


def _step(left: sympy.Expr, right: sympy.Expr, left_text: str, right_text: str) -> tuple[bool, str]:
    if left == right or abs(sympy.N(left - right, 40)) < sympy.Float("1e-30"):
        return True, ""
    places = _decimal_places(right_text)
    if places is not None and _close(left, Fraction(right_text.strip()), places):
        return True, ""
    places = _decimal_places(left_text)
    if places is not None and _close(right, Fraction(left_text.strip()), places):
        return True, ""
    if left >= 0 and right >= 0:
        root, places = sympy.sqrt(left), _decimal_places(right_text)
        if root == right or (places is not None and _close(root, Fraction(right_text.strip()), places)):
            return True, "square root taken without writing it"
    return False, ""


def _sources(lines: Sequence[Line]) -> list[tuple[int, str]]:
    found = [(f.line, f.latex) for f in math_fragments(lines)]
    for line in lines:
        outside = _outside_math(line.text)
        outside = re.sub(r"\\[()\[\]]", " ", outside)
        outside = _TIMES_X.sub(" * ", outside)  # "2 x 4 = 8": x between digits multiplies
        found += [(line.number, _plain(run)) for run in _runs(outside)]
    return found


def _statements(source: str) -> list[tuple[list[str], list[sympy.Basic], tuple[str, ...]]]:
    """(side texts, sides, relations) of a source; when the whole does not parse (OCR
    damage in one side), each neighbouring pair of sides on its own."""
    texts = re.split(r"=|\\approx|≈", source)
    try:
        statement = read_math(source)
    except MathParseError:
        pairs = []
        for left, right in zip(texts, texts[1:]):
            try:
                pair = read_math(f"{left} = {right}")
            except MathParseError:
                continue
            if len(pair.sides) == 2:
                pairs.append(([left, right], list(pair.sides), pair.relations))
        return pairs
    if len(texts) != len(statement.sides):
        texts = [str(side) for side in statement.sides]
    return [(texts, list(statement.sides), statement.relations)]


def check_arithmetic(lines: Sequence[Line]) -> list[Step]:
    """Every arithmetic step the student wrote, and whether it holds."""
    steps: list[Step] = []
    seen: set[tuple[int, str]] = set()
    for number, source in _sources(lines):
        if (number, source) in seen:
            continue
        seen.add((number, source))
        for texts, sides, relations in _statements(source):
            values = [_value(side) for side in sides]
            for i, relation in enumerate(relations):
                if relation not in ("=", "≈") or values[i] is None or values[i + 1] is None:
                    continue
                holds, note = _step(values[i], values[i + 1], texts[i], texts[i + 1])
                steps.append(Step(number, texts[i].strip(), texts[i + 1].strip(), holds, note))
    return steps
