"""Numbers as students write them, read exactly, and compared with a stated tolerance.

OCR'd answers mix plain text and LaTeX: ``2/3``, ``\\frac{2}{3}``, ``0.67``, ``.5``,
``67%``, ``-3``, ``1e-3``, ``3 \\times 10^{-2}``. Every value is an exact
``Fraction`` (``0.67`` is 67/100, not a float) so tolerance edges are decided
exactly, and each number remembers how precisely it was written (``decimals``),
because "0.67" for 2/3 is right while "0.66" is not.

Digits glued to a letter or written as a sub/superscript (``E_3``, ``B2``,
``x^2``) are names, not numbers, and are skipped.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from fractions import Fraction
from numbers import Rational, Real
from typing import Any

# Longest digit run read as a number: longer runs are noise (and int() refuses
# more than ~4300 digits), so they are skipped rather than raising.
_MAX_DIGITS = 60
_MAX_EXPONENT = 400

# Same-length replacements, so match positions still index the original text.
_SAME_LENGTH = str.maketrans({
    "−": "-", "–": "-", "‐": "-", "‑": "-", "⁄": "/", "∕": "/", "×": "x",
    **{sup: str(d) for d, sup in enumerate("⁰¹²³⁴⁵⁶⁷⁸⁹")},
    **{sub: str(d) for d, sub in enumerate("₀₁₂₃₄₅₆₇₈₉")},
})

# OCR reads digits as look-alike letters inside a decimal: "O.116", "l.732", "2.S82". A token
# shaped like a decimal with at most one such letter and at least two real digits is read as the
# number it stands for (flagged by the types that use it), and so is a decimal below 2 whose zeros
# and ones all came out as O and l ("O.Ol8", see _zeros_and_ones); anything more is left as text.
_OCR_DIGITS = str.maketrans({"O": "0", "o": "0", "I": "1", "l": "1", "S": "5", "B": "8"})
_OCR_DECIMAL = re.compile(r"(?<![\w\\.])[0-9OoIlSB]{1,4}+\.[0-9OoIlSB]{1,8}+(?![\w.])")


_ZERO_ONE_LETTERS = frozenset("OoIl")
_ARITHMETIC_NEIGHBOUR = re.compile(r"[=+\-*/x×·<>]")


def _zeros_and_ones(plain: str, m: re.Match[str], digits: int) -> bool:
    """A decimal below 2 whose 0s and 1s all came out as O and l ("O.Ol8", "O.ll6", "l.O5"): only
    those two look-alikes, and two of them with a real digit, or arithmetic beside it ("O.l x O.98",
    "= O.9"); a lone "l.5" stays text."""
    token = m.group()
    whole = token.split(".")[0]
    if not any(ch.isalpha() for ch in token):
        return False  # nothing to repair
    if any(ch.isalpha() and ch not in _ZERO_ONE_LETTERS for ch in token) or len(whole) != 1 or whole not in "0O1lI":
        return False
    if digits and sum(ch.isalpha() for ch in token) >= 2:
        return True
    before, after = plain[:m.start()].rstrip()[-1:], plain[m.end():].lstrip()[:1]
    return bool(_ARITHMETIC_NEIGHBOUR.fullmatch(before or " ") or _ARITHMETIC_NEIGHBOUR.fullmatch(after or " "))


# "l/8", "3/lO": a fraction with a real digit whose other digits came out as O, l or I.
_OCR_FRACTION = re.compile(r"(?<![\w\\./])[0-9OoIl]{1,3}+/[0-9OoIl]{1,3}+(?![\w./])")


def _ocr_candidates(plain: str) -> list[re.Match[str]]:
    found = list(_OCR_DECIMAL.finditer(plain))
    if "/" in plain:
        found += [m for m in _OCR_FRACTION.finditer(plain)
                  if any(ch.isdigit() for ch in m.group()) and any(ch.isalpha() for ch in m.group())]
        found.sort(key=lambda m: m.start())
    return found


def _ocr_digits(plain: str) -> tuple[str, list[tuple[int, int]]]:
    """``plain`` with OCR look-alike letters in decimal-shaped tokens read as digits (same length),
    and the spans it changed."""
    changed: list[tuple[int, int]] = []
    pieces: list[str] = []
    last = 0
    for m in _ocr_candidates(plain):
        token = m.group()
        letters = sum(ch.isalpha() for ch in token)
        digits = sum(ch.isdigit() for ch in token)
        if "/" not in token and not (letters == 1 and digits >= 2) and not _zeros_and_ones(plain, m, digits):
            continue
        pieces.append(plain[last:m.start()] + token.translate(_OCR_DIGITS))
        last = m.end()
        changed.append((m.start(), m.end()))
    return "".join(pieces) + plain[last:], changed


_U = r"(?:\d+(?:\.\d+)?|\.\d+)"  # an unsigned decimal; "5." keeps its period as punctuation
# "\s*[-+]?\s*" would split a run of spaces two ways at every position (quadratic when the
# argument then fails): the spaces after a sign are read only after a sign.
_FRAC_ARG = r"(?:\{{\s*(?:(?P<{n}s>[-+])\s*)?(?P<{n}>{u})\s*\}}|(?P<{n}1>\d))"
_LATEX_FRAC = (
    r"\\[dt]?frac\s*" + _FRAC_ARG.format(n="fn", u=_U) + r"\s*" + _FRAC_ARG.format(n="fd", u=_U)
)
_SCIENTIFIC = (
    rf"(?P<sm>{_U})\s*(?:\\times|\\cdot|x|\*)\s*10\s*\^\s*"
    r"(?:\{\s*(?P<se1>(?:[-+]\s*)?\d+)\s*\}|(?P<se2>[-+]?\d+))"
)
_SLASH = rf"(?P<sn>{_U})\s*/\s*(?P<sd>{_U})(?![\d/])"
_PLAIN = rf"(?P<pm>{_U})(?:[eE](?P<pe>[-+]?\d+))?(?P<pct>\s*\\?%)?"

_ANY = re.compile("|".join(f"(?P<{k}>{p})" for k, p in
                           (("frac", _LATEX_FRAC), ("sci", _SCIENTIFIC), ("slash", _SLASH), ("plain", _PLAIN))))
_PLAIN_ONLY = re.compile(_PLAIN)


@dataclass(frozen=True)
class Number:
    """One number found in text.

    ``decimals`` counts the digits written after the point (0 for an integer,
    None for a fraction, which is exact). ``exponent`` is the power of ten
    written after it (``3e-2`` → -2). ``start``/``end`` index the original text.
    """

    value: Fraction
    text: str
    decimals: int | None
    percent: bool
    start: int
    end: int
    exponent: int = 0
    ocr_repaired: bool = False  # a letter in it was read as the digit OCR took it for ("O.116")

    @property
    def places(self) -> int | None:
        """Decimal places of the value as written: 67% → 2, 6.7e-1 → 2, 2/3 → None."""
        if self.decimals is None:
            return None
        return self.decimals + (2 if self.percent else 0) - self.exponent


def as_fraction(value: Any) -> Fraction:
    """An exact Fraction for a reference value (Fraction, int, float, sympy number, str)."""
    if isinstance(value, Fraction):
        return value
    if isinstance(value, bool):
        raise TypeError("a boolean is not a reference number")
    if isinstance(value, int):
        return Fraction(value)
    if isinstance(value, float):
        if not math.isfinite(value):
            raise ValueError(f"reference {value!r} is not finite")
        return Fraction(repr(value))  # the decimal the author meant, not the binary float
    if isinstance(value, Rational):
        return Fraction(int(value.numerator), int(value.denominator))
    if isinstance(value, str):
        return Fraction(value)
    p, q = getattr(value, "p", None), getattr(value, "q", None)  # sympy.Rational
    if isinstance(p, int) and isinstance(q, int):
        return Fraction(p, q)
    if isinstance(value, Real) or hasattr(value, "__float__"):
        return as_fraction(float(value))
    raise TypeError(f"cannot read {value!r} as a number")


def _decimal(text: str) -> tuple[Fraction, int] | None:
    """Exact value and written decimals of an unsigned decimal, None if absurdly long."""
    if len(text) > _MAX_DIGITS:
        return None
    whole, _, frac = text.partition(".")
    return Fraction(text), len(frac)


def _sign_start(text: str, start: int) -> tuple[int, int]:
    """(new start, sign) taking a '-' or '+' right before ``start`` that is a sign, not an operator."""
    if start == 0 or text[start - 1] not in "-+":
        return start, 1
    # The last character before the sign, spaces skipped (walking back, not slicing the text
    # before it: a slice per sign is quadratic on a long line like "1-1-1-…").
    i = start - 2
    while i >= 0 and text[i].isspace():
        i -= 1
    # After a value ("12-10", "x - 3", "(a)-2") the dash is a subtraction.
    if i >= 0 and (text[i].isalnum() or text[i] in ")]}|_."):
        return start, 1
    return start - 1, (-1 if text[start - 1] == "-" else 1)


def _is_name_part(text: str, start: int) -> bool:
    """Digits glued to a letter, a subscript/superscript or another number are not a number."""
    if start == 0:
        return False
    prev = text[start - 1]
    if prev.isalpha() or prev in "_^.\\" or prev.isdigit():
        return True
    return prev == "{" and start >= 2 and text[start - 2] in "_^"


def _read(m: re.Match[str]) -> tuple[Fraction, int | None, bool, int] | None:
    """(value, decimals, percent, exponent) of a match, or None if it is not a usable number."""
    kind = m.lastgroup
    if kind == "frac":
        num_text, den_text = m.group("fn") or m.group("fn1"), m.group("fd") or m.group("fd1")
        num, den = _decimal(num_text), _decimal(den_text)
        if num is None or den is None or den[0] == 0:
            return None
        sign = (-1 if m.group("fns") == "-" else 1) * (-1 if m.group("fds") == "-" else 1)
        return sign * num[0] / den[0], None, False, 0
    if kind == "sci":
        mantissa = _decimal(m.group("sm"))
        exponent = int(re.sub(r"\s", "", m.group("se1") or m.group("se2")))
        if mantissa is None or abs(exponent) > _MAX_EXPONENT:
            return None
        return mantissa[0] * Fraction(10) ** exponent, mantissa[1], False, exponent
    if kind == "slash":
        num, den = _decimal(m.group("sn")), _decimal(m.group("sd"))
        if num is None or den is None or den[0] == 0:
            return None
        return num[0] / den[0], None, False, 0
    return _read_plain(m)


_LIST_SEPARATOR = re.compile(r"\s*[,;]\s*")
LISTING = 3  # numbers in a row, separated by commas, that are data ("the sample is 2, 0, 3, 1, 4")


def number_lists(text: str, numbers: list[Number] | None = None) -> list[tuple[Number, ...]]:
    """The runs of at least LISTING numbers written as a comma-separated list, left to right."""
    numbers = find_numbers(text) if numbers is None else numbers
    runs: list[list[Number]] = []
    for number in numbers:
        if runs and _LIST_SEPARATOR.fullmatch(text[runs[-1][-1].end:number.start]):
            runs[-1].append(number)
        else:
            runs.append([number])
    return [tuple(run) for run in runs if len(run) >= LISTING]


def find_numbers(text: str) -> list[Number]:
    """Every number in ``text``, left to right. Never raises on any string."""
    plain, repaired = _ocr_digits(text.translate(_SAME_LENGTH))
    found: list[Number] = []
    pos = 0
    while pos < len(plain):
        m = _ANY.search(plain, pos)
        if m is None:
            break
        if m.lastgroup != "frac" and _is_name_part(plain, m.start()):
            pos = m.end()
            continue
        read = _read(m)
        if read is None and m.lastgroup != "plain":
            # "1/0" or an over-long fraction: fall back to its leading number alone.
            m = _PLAIN_ONLY.match(plain, m.start())
            read = _read_plain(m) if m else None
        if read is None or m is None:
            pos = m.end() if m is not None and m.end() > pos else pos + 1
            continue
        value, decimals, percent, exponent = read
        start, sign = _sign_start(plain, m.start())
        ocr = any(s < m.end() and m.start() < e for s, e in repaired)
        found.append(Number(sign * value, text[start:m.end()], decimals, percent, start, m.end(), exponent, ocr))
        pos = m.end()
    return found


def _read_plain(m: re.Match[str]) -> tuple[Fraction, int | None, bool, int] | None:
    mantissa = _decimal(m.group("pm"))
    exponent = int(m.group("pe")) if m.group("pe") else 0
    if mantissa is None or abs(exponent) > _MAX_EXPONENT:
        return None
    percent = m.group("pct") is not None
    return mantissa[0] * Fraction(10) ** exponent / (100 if percent else 1), mantissa[1], percent, exponent


_WRAPPING = " \t\r\n$"


def parse_number(text: str) -> Number | None:
    """The number ``text`` consists of (ignoring spaces, ``$`` and a final period), else None."""
    core = text.strip(_WRAPPING).rstrip(".,;").rstrip(_WRAPPING)
    numbers = find_numbers(core)
    if len(numbers) != 1 or numbers[0].start != 0 or numbers[0].end != len(core):
        return None
    return numbers[0]


@dataclass(frozen=True)
class Tolerance:
    """When a found number counts as the expected one. Any satisfied rule is enough.

    ``rel``/``abs``: the usual relative/absolute windows (0 = off). ``sig_figs``:
    within half a unit of the expected value's last significant figure.
    ``student_precision``: a decimal written with d ≥ ``min_decimals`` places is
    right when it is the expected value rounded to d places (|diff| ≤ ½·10^-d).
    """

    rel: float = 0.0
    abs: float = 0.0
    sig_figs: int | None = None
    student_precision: bool = True
    min_decimals: int = 2


def _half_unit(places: int) -> Fraction:
    return Fraction(1, 2) * Fraction(10) ** (-places)


def _sig_fig_window(expected: Fraction, sig_figs: int) -> Fraction:
    if expected == 0:
        return Fraction(0)
    magnitude = _floor_log10(abs(expected))
    return _half_unit(sig_figs - 1 - magnitude)


def _floor_log10(x: Fraction) -> int:
    """floor(log10(x)) for x > 0, exactly."""
    guess = math.floor(math.log10(x.numerator) - math.log10(x.denominator))
    while Fraction(10) ** guess > x:
        guess -= 1
    while Fraction(10) ** (guess + 1) <= x:
        guess += 1
    return guess


def _window(expected: Fraction, tol: Tolerance) -> Fraction:
    """Widest distance the rel/abs/sig_figs rules accept around ``expected``."""
    widths = [abs(expected) * as_fraction(tol.rel), as_fraction(tol.abs)]
    if tol.sig_figs:
        widths.append(_sig_fig_window(expected, tol.sig_figs))
    return max(widths)


def close_enough(found: Number, expected: Fraction | float, tol: Tolerance) -> bool:
    """Is ``found`` the expected value under ``tol``? Decided with exact arithmetic."""
    target = as_fraction(expected)
    diff = abs(found.value - target)
    if diff == 0 or diff <= _window(target, tol):
        return True
    places = found.places
    if tol.student_precision and found.decimals is not None and places is not None and places >= tol.min_decimals:
        return diff <= _half_unit(places)
    return False


def decimal_text(value: Fraction, places: int) -> str:
    """``value`` written with exactly ``places`` decimals (rounded half away from zero)."""
    scaled = abs(value) * Fraction(10) ** places
    digits = int(scaled + Fraction(1, 2))
    sign = "-" if value < 0 and digits else ""
    if places <= 0:
        return f"{sign}{digits * 10 ** (-places)}"
    text = str(digits).rjust(places + 1, "0")
    return f"{sign}{text[:-places]}.{text[-places:]}"


def just_outside(expected: Fraction | float, tol: Tolerance) -> Fraction:
    """A terminating decimal just above every tolerance window of ``expected``.

    Written with ``decimal_places_for(expected, tol)`` decimals (see there) it is
    not accepted, so self-tests can prove the tolerance is not too loose.
    """
    target = as_fraction(expected)
    places = decimal_places_for(target, tol)
    step = Fraction(10) ** (-places)
    edge = target + _window(target, tol)
    candidate = Fraction(math.ceil(edge / step)) * step
    if candidate <= edge:
        candidate += step
    while close_enough(_written(candidate, places), target, tol):
        candidate += step
    return candidate


def decimal_places_for(expected: Fraction | float, tol: Tolerance) -> int:
    """Decimals fine enough to show a value just outside ``tol`` (one digit finer than the window)."""
    target = as_fraction(expected)
    width = _window(target, tol)
    places = tol.min_decimals + 1 if tol.student_precision else 3
    if width > 0:
        places = max(places, 1 - _floor_log10(width))
    return max(places, 1)


def _written(value: Fraction, places: int) -> Number:
    text = decimal_text(value, places)
    return Number(Fraction(text), text, places, False, 0, len(text))
