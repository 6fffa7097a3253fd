"""Slips of the hand and of OCR that have one reading, undone before a formula is parsed.

* ``\\frac{θ}{(θ+1)^2(θ+2}``: a parenthesis left open inside a braced group is closed where
  the group ends (a group cannot end inside a parenthesis, so nothing else is meant);
* ``x . θ x^{θ-1}``: a full stop standing alone between two factors is the product dot
  handwriting puts there (not between two digits: ``3 . 5`` may be 3.5);
* ``\\int_O^l``: a bound of an integral that is a lone O or l/I is the digit 0 or 1 (OCR's
  look-alikes; a lone letter there is never meant as a variable named O or l);
* ``sqrt(32)``, ``\\sqrt(2)``: a root written with a parenthesis; ``50 percent``: 50%;
  ``\\boxed{42}``: the box around a final answer; ``\\sin 2x``: sin(2x), TeX's reading; ``|x - 1|``: bare bars in pairs, an absolute value;
  ``0.\\overline{3}``: the repeating decimal 1/3.

``undo_slips(text)`` applies them; it returns the text unchanged when none is there, so a
correct formula costs one scan.
"""

from __future__ import annotations

import re
from fractions import Fraction

_SPACED_DOT = re.compile(r"(?<=[^\s\d.])\s+\.\s+(?=[^\s\d.])|(?<=\d)\s+\.\s+(?=[^\s\d.])|(?<=[^\s\d.])\s+\.\s+(?=\d)")
_BOUND = re.compile(r"(\\int(?![A-Za-z])\s*)(_\s*(?:\{\s*[OolI]\s*\}|[OolI](?![A-Za-z])))?(\s*\^\s*(?:\{\s*[OolI]\s*\}|[OolI](?![A-Za-z])))?")
_DIGIT_OF = {"O": "0", "o": "0", "l": "1", "I": "1"}


def close_groups(text: str) -> str:
    """Close a "(" left open when its braced group ends: ``{(a+2}`` → ``{(a+2)}``. A "[" closed by
    ")" is an interval (``[0, 1)``), and an unclosed "[" is left alone."""
    if text.count("(") <= text.count(")") or "}" not in text:
        return text
    out: list[str] = []
    stack: list[str] = []
    for char in text:
        if char in "{([":
            stack.append(char)
        elif char in ")]":
            if stack and stack[-1] in "([":
                stack.pop()
        elif char == "}":
            while stack and stack[-1] in "([":
                if stack.pop() == "(":
                    out.append(")")
            if stack:
                stack.pop()
        out.append(char)
    return "".join(out)


def _digit_bounds(match: re.Match[str]) -> str:
    def digit(part: str | None) -> str:
        if not part:
            return ""
        return re.sub(r"[OolI](?![A-Za-z])", lambda m: _DIGIT_OF[m.group()], part, count=1)

    return match.group(1) + digit(match.group(2)) + digit(match.group(3))


_SQRT_PAREN = re.compile(r"(\\?)sqrt\s*\(")
_PERCENT_WORD = re.compile(r"(\d)\s*(?:\\text\s*\{\s*percent\s*\}|percent\b)")
_BOXED = re.compile(r"\\boxed\s*\{")


def _sqrt_parenthesised(text: str) -> str:
    """``sqrt(32)`` and ``\\sqrt(2)`` → ``\\sqrt{32}``: the root of what the parenthesis holds."""
    out, position = [], 0
    for match in _SQRT_PAREN.finditer(text):
        if match.start() < position or (not match.group(1) and match.start() and text[match.start() - 1].isalpha()):
            continue
        depth, end = 1, match.end()
        while end < len(text) and depth:
            depth += {"(": 1, ")": -1}.get(text[end], 0)
            end += 1
        if depth:
            continue
        out.append(text[position:match.start()] + "\\sqrt{" + text[match.end():end - 1] + "}")
        position = end
    return "".join(out) + text[position:] if out else text


def _unboxed(text: str) -> str:
    """``\\boxed{42}``: the box marks the final answer; what it holds is the formula."""
    match = _BOXED.search(text)
    while match:
        depth, end = 1, match.end()
        while end < len(text) and depth:
            depth += {"{": 1, "}": -1}.get(text[end], 0)
            end += 1
        if depth:
            return text
        text = text[:match.start()] + text[match.end():end - 1] + text[end:]
        match = _BOXED.search(text)
    return text


# "\sin 2x" is sin(2x) in TeX's convention, not sin(2)·x: a number and one letter after a function.
_FUNCTION_ARGUMENT = re.compile(r"\\(sin|cos|tan|sinh|cosh|tanh|exp|log|ln)\s+(\d+(?:\.\d+)?)\s*([A-Za-z])(?![A-Za-z])")


_BAR = re.compile(r"(?<!\\left)(?<!\\right)(?<!\\)\|")


def _bars_as_absolute(text: str) -> str:
    """``|x - 1| < 2``: bare bars in pairs around a balanced group are an absolute value (a lone bar,
    as in P(B|A), is a condition and stays)."""
    bars = [m.start() for m in _BAR.finditer(text)]
    if len(bars) < 2 or len(bars) % 2:
        return text
    pieces, position = [], 0
    for left, right in zip(bars[::2], bars[1::2]):
        inner = text[left + 1:right]
        if not inner.strip() or not _balanced(inner):
            return text
        pieces.append(text[position:left] + "\\left|" + inner + "\\right|")
        position = right + 1
    return "".join(pieces) + text[position:]


def _balanced(text: str) -> bool:
    depth = 0
    for char in text:
        depth += char in "([{"
        depth -= char in ")]}"
        if depth < 0:
            return False
    return depth == 0


# 0.\overline{3} is 1/3: a repeating decimal, its repeating digits under a bar.
_REPEATING = re.compile(r"(\d*)\.(\d*)\\overline\s*\{(\d{1,12})\}(\s*\\?%)?")


def _repeating(match: re.Match[str]) -> str:
    whole, fixed, repeated = match.group(1) or "0", match.group(2), match.group(3)
    value = Fraction(int(whole)) + (Fraction(int(fixed), 10 ** len(fixed)) if fixed else 0) \
        + Fraction(int(repeated), 10 ** len(fixed) * (10 ** len(repeated) - 1))
    if match.group(4):  # 33.\overline{3}\% is a third
        value /= 100
    return f"\\frac{{{value.numerator}}}{{{value.denominator}}}"


def undo_slips(text: str) -> str:
    if "(" in text:
        text = close_groups(text)
    if " ." in text:
        text = _SPACED_DOT.sub(r" \\cdot ", text)
    if "\\int" in text:
        text = _BOUND.sub(_digit_bounds, text)
    if "sqrt" in text and "(" in text:
        text = _sqrt_parenthesised(text)
    if "percent" in text:
        text = _PERCENT_WORD.sub(r"\1\\%", text)
    if "boxed" in text:
        text = _unboxed(text)
    if "\\" in text:
        text = _FUNCTION_ARGUMENT.sub(r"\\\1(\2\3)", text)
    if "|" in text:
        text = _bars_as_absolute(text)
    if "overline" in text:
        text = _REPEATING.sub(_repeating, text)
    return text
