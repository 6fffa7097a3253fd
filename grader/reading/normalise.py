"""Normalise OCR text line by line: an ordered tuple of small, separately tested steps.

Each step is a function ``str -> str`` applied to one line, in the order of
``STEPS``. Every step is conservative: it only rewrites characters whose meaning
is unambiguous (a Unicode minus is a minus), never guesses at what a student
meant (a "Y" that may be a gamma stays a "Y"; the graders decide).

``drop_repeated_lines`` works on the whole document: OCR of a smudged page can
repeat one long math line a dozen times (the real sheet repeats one 15 times).
"""

from __future__ import annotations

import re
from typing import Callable, Iterable

from grader.model import Line

# --- per-line steps -----------------------------------------------------------------

_INVISIBLE = dict.fromkeys(map(ord, "\u00ad\u200b\u200c\u200d\u2060\ufeff"), None)
# C0 controls but the tab (a space, see ``plain_spaces``), DEL, and the C1 controls: NEL
# (U+0085) among them is whitespace to a regex, and the only one nothing else turns into a
# space, so without it a line could keep a long run of whitespace after ``collapse_spaces``.
_CONTROL = dict.fromkeys([c for c in range(32) if c != 9] + [127] + list(range(0x80, 0xA0)), " ")


def remove_invisible(text: str) -> str:
    """Drop soft hyphens, zero-width characters and BOMs; control characters (C0 and C1) become spaces.

    They are invisible in the transcript yet split words ("gra\u200bdient") and
    break term and number matching.
    """
    return text.translate(_INVISIBLE).translate(_CONTROL)


_COMPAT = {
    "\ufb00": "ff", "\ufb01": "fi", "\ufb02": "fl", "\ufb03": "ffi", "\ufb04": "ffl",
    "\u2026": "...", "\u2217": "*", "\u2215": "/", "\u2044": "/", "\u2236": ":",
}
_COMPAT.update({chr(c): chr(c - 0xFEE0) for c in range(0xFF01, 0xFF5F)})  # fullwidth ASCII
_COMPAT_TABLE = str.maketrans(_COMPAT)


def compatibility_characters(text: str) -> str:
    """Ligatures, fullwidth ASCII, the ellipsis, asterisk operator, division and fraction slashes.

    An explicit table rather than NFKC: NFKC would also turn "x²" into "x2",
    destroying an exponent.
    """
    return text.translate(_COMPAT_TABLE)


_DASHES = str.maketrans(dict.fromkeys("\u2212\u2010\u2011\u2012\u2013\u2014\u2015\ufe63\ufe58", "-"))


def unify_dashes(text: str) -> str:
    """The Unicode minus and every hyphen or dash become "-" so numbers like "−3" read as negative."""
    return text.translate(_DASHES)


_QUOTES = str.maketrans({"\u2018": "'", "\u2019": "'", "\u201a": "'", "\u201b": "'", "\u2032": "'",
                         "\u201c": '"', "\u201d": '"', "\u201e": '"', "\u201f": '"', "\u2033": "''"})


def ascii_quotes(text: str) -> str:
    """Curly quotes and primes become ASCII quotes (a prime f\u2032 is written f' in LaTeX too)."""
    return text.translate(_QUOTES)


_SPACES = str.maketrans(dict.fromkeys("\t\u00a0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007"
                                      "\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000", " "))


def plain_spaces(text: str) -> str:
    """Tabs, no-break and other typographic spaces become a plain space."""
    return text.translate(_SPACES)


_SUP = "\u2070\u00b9\u00b2\u00b3\u2074\u2075\u2076\u2077\u2078\u2079"
_SUB = "\u2080\u2081\u2082\u2083\u2084\u2085\u2086\u2087\u2088\u2089"
_SUP_DIGITS = str.maketrans({c: str(i) for i, c in enumerate(_SUP)})
_SUB_DIGITS = str.maketrans({c: str(i) for i, c in enumerate(_SUB)})
# Tried only at the start of a run of superscripts: a match can only end where the run does,
# so starting inside the run again would rescan it (quadratic on a long run).
_SCRIPT_FRACTION = re.compile(f"(?<![{_SUP}])([{_SUP}]+) ?/ ?([{_SUB}]+)")
_VULGAR = {"\u00bd": "1/2", "\u2153": "1/3", "\u2154": "2/3", "\u00bc": "1/4", "\u00be": "3/4",
           "\u2155": "1/5", "\u2156": "2/5", "\u2157": "3/5", "\u2158": "4/5", "\u2159": "1/6",
           "\u215a": "5/6", "\u215b": "1/8", "\u215c": "3/8", "\u215d": "5/8", "\u215e": "7/8"}
_LONE_VULGAR = re.compile(f"(?<![0-9])([{''.join(_VULGAR)}])(?![0-9])")


def fraction_glyphs(text: str) -> str:
    """"² / ₅" (a fraction OCR'd as super- and subscript digits) and "½" become "2/5" and "1/2".

    A vulgar fraction right next to a digit ("1½") is left alone: "11/2" would be wrong.
    """
    text = _SCRIPT_FRACTION.sub(
        lambda m: f"{m[1].translate(_SUP_DIGITS)}/{m[2].translate(_SUB_DIGITS)}", text)
    return _LONE_VULGAR.sub(lambda m: _VULGAR[m[1]], text)


_ATTACHED_SUP = re.compile(f"(?<=[A-Za-z0-9)\\]}}])([{_SUP}]+)")
_ATTACHED_SUB = re.compile(f"(?<=[A-Za-z0-9)\\]}}])([{_SUB}]+)")


def script_digits(text: str) -> str:
    """Super/subscript digits attached to a symbol become LaTeX: "x²" -> "x^{2}", "H₂" -> "H_{2}".

    A detached one ("Y ₅") is left as it is: there is nothing it certainly belongs to.
    """
    text = _ATTACHED_SUP.sub(lambda m: "^{" + m[1].translate(_SUP_DIGITS) + "}", text)
    return _ATTACHED_SUB.sub(lambda m: "_{" + m[1].translate(_SUB_DIGITS) + "}", text)


_DIMENSION_TIMES = re.compile(r"(?<=\d)( ?)\u00d7( ?)(?=\d)")


def dimension_times(text: str) -> str:
    """"3×3" and "9 × 1" become "3x3" and "9 x 1", the way the rubric's terms write sizes.

    Only a × between two digits is rewritten; elsewhere (e.g. "a × b" in math)
    it is left for the math reader, which knows "×" as \\times.
    """
    return _DIMENSION_TIMES.sub(lambda m: f"{m[1]}x{m[2]}", text)


_SPACE_RUN = re.compile(r" {2,}")


def collapse_spaces(text: str) -> str:
    """Runs of spaces become one (OCR pads words unevenly)."""
    return _SPACE_RUN.sub(" ", text)


def strip(text: str) -> str:
    """Leading and trailing whitespace go (line numbers, not indentation, locate text)."""
    return text.strip()


STEPS: tuple[Callable[[str], str], ...] = (
    remove_invisible,
    compatibility_characters,
    unify_dashes,
    ascii_quotes,
    plain_spaces,
    fraction_glyphs,
    script_digits,
    dimension_times,
    collapse_spaces,
    strip,
)


def normalise_line(text: str) -> str:
    for step in STEPS:
        text = step(text)
    return text


# --- whole-text helpers ---------------------------------------------------------------

_NEWLINE = re.compile(r"\r\n|\r|\n")


def split_lines(text: str) -> list[str]:
    """Split on CR LF, CR or LF only, so numbering matches what an editor shows.

    (``str.splitlines`` would also split on form feeds and U+2028, shifting numbers.)
    """
    lines = _NEWLINE.split(text)
    if lines and lines[-1] == "":
        lines.pop()  # the newline that ends the last line does not start another
    return lines


# A repeated line is dropped only when it is long math: short lines ("0.752",
# "3rd row.") legitimately repeat and carry meaning each time.
REPEAT_MIN_CHARS = 40


def is_long_math(text: str) -> bool:
    return len(text) >= REPEAT_MIN_CHARS and ("$" in text or "\\" in text)


def drop_repeated_lines(lines: Iterable[Line]) -> tuple[tuple[Line, ...], tuple[Line, ...]]:
    """Keep the first of identical long math lines, drop later copies, adjacent or not.

    Returns ``(kept, dropped)``, both in file order.
    """
    seen: set[str] = set()  # the long math lines so far (no other line is ever looked up)
    kept: list[Line] = []
    dropped: list[Line] = []
    for line in lines:
        if is_long_math(line.text):
            if line.text in seen:
                dropped.append(line)
                continue
            seen.add(line.text)
        kept.append(line)
    return tuple(kept), tuple(dropped)
