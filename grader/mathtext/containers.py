"""Tuples, vectors, matrices, intervals and sets as students write them, read into sympy values.

``read_container(text)`` reads a formula whose value is a collection — or None when it is
not one (then it is an ordinary formula for ``read_math``):

* ``(2, -1)``, ``\\langle 1, 2, 3 \\rangle``, ``(2; 3)``: a tuple (``Container.pair`` when it is
  two entries in round brackets, which may also be an open interval);
* ``\\begin{pmatrix} … \\end{pmatrix}`` (and bmatrix, vmatrix, matrix …): a matrix;
* ``[0, 1)``, ``(-\\infty, 3]``, ``]0, 1[`` (the French way): an interval; ``[a, b]`` is closed;
* ``\\{1, 2, 3\\}``, ``\\emptyset``, ``\\{\\}``, ``\\mathbb{R}``, ``\\pm 2``: a set;
* ``A \\cup B``, ``A \\cap B``, ``A \\setminus B`` of those: the set they make.

Every entry is read by ``read_math`` (so by the same grammar and limits); a text with a left
side (``(x, y) = (2, -1)``) is read at its last ``=``. Set-builder notation is not read.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import sympy

from grader.mathtext.matrix_algebra import matrix_literal, read_all, read_matrix_formula

MAX_ENTRIES = 400  # a set or tuple larger than this is not read (a matrix: matrix_algebra.MAX_CELLS) (the reader's own limits apply to each)

_SIZES = re.compile(r"\\(?:left|right|bigl|bigr|Bigl|Bigr|big|Big|biggl|biggr)(?![A-Za-z])\s*")
_BOXED = re.compile(r"^\\boxed\s*\{(.*)\}$", re.S)
_DETERMINANT = re.compile(r"^\\begin\{[vV]matrix\}")
_EMPTY = re.compile(r"^(?:\\emptyset|\\varnothing|\\\{\s*\\\})$")
_REALS = re.compile(r"^(?:\\mathbb\s*\{?\s*R\s*\}?|ℝ)$")
_SET_OPS = (("\\cup", sympy.Union), ("\\cap", sympy.Intersection), ("\\setminus", sympy.Complement))
_OPENERS, _CLOSERS = "([{", ")]}"


@dataclass(frozen=True)
class Container:
    """A collection read from a formula: a sympy Tuple, ImmutableMatrix or Set.
    ``pair``: written ``(a, b)``, which is a pair or the open interval from a to b."""

    value: sympy.Basic
    pair: bool = False


def _clean(text: str) -> str:
    text = text.strip().strip("$").strip()
    text = _SIZES.sub("", text).strip().rstrip(".,;").strip()
    boxed = _BOXED.match(text)
    return boxed.group(1).strip() if boxed else text


def _split(text: str, separators: tuple[str, ...]) -> list[str]:
    """``text`` cut at each separator outside brackets (``\\{`` ``\\}`` count as brackets)."""
    parts, depth, start, index = [], 0, 0, 0
    while index < len(text):
        if text.startswith("\\{", index) or text.startswith("\\langle", index) or text.startswith("\\begin", index):
            depth += 1
            index += 2
            continue
        if text.startswith("\\}", index) or text.startswith("\\rangle", index) or text.startswith("\\end", index):
            depth -= 1
            index += 2
            continue
        char = text[index]
        if char in _OPENERS:
            depth += 1
        elif char in _CLOSERS:
            depth -= 1
        elif depth == 0:
            for separator in separators:
                if text.startswith(separator, index) and not (separator[-1].isalpha() and text[index + len(separator):index + len(separator) + 1].isalpha()):
                    parts.append(text[start:index])
                    start = index + len(separator)
                    index = start - 1
                    break
        index += 1
    parts.append(text[start:])
    return parts


def _entries(inner: str) -> list[sympy.Basic] | None:
    pieces = _split(inner, (",", ";"))
    if len(pieces) > MAX_ENTRIES or any(not p.strip() for p in pieces):
        return None
    return read_all(pieces)


def _plus_minus(text: str) -> sympy.Basic | None:
    """``\\pm 2`` and ``\\{\\pm\\sqrt{2}\\}`` entries: both values."""
    if not text.startswith("\\pm"):
        return None
    entry = _entries(text[3:])
    return sympy.FiniteSet(entry[0], -entry[0]) if entry and len(entry) == 1 else None


def _set_of(text: str) -> sympy.Basic | None:
    """A set written on its own: interval, braces, ∅, ℝ (a pair in round brackets is an interval here)."""
    found = read_container(text)
    if found is None:
        return None
    value = found.value
    if found.pair:
        value = sympy.Interval(value[0], value[1], True, True)
    return value if isinstance(value, sympy.Set) else None


def read_container(text: str) -> Container | None:
    text = _clean(text)
    sides = _split(text, ("=",))
    if len(sides) > 1:
        text = _clean(sides[-1])
    if not text:
        return None
    for command, operation in _SET_OPS:
        operands = _split(text, (command,))
        if len(operands) > 1:
            sets = [_set_of(operand) for operand in operands]
            if any(s is None for s in sets):
                return None
            value = sets[0]
            for other in sets[1:]:
                value = operation(value, other)
            return Container(value)
    if _EMPTY.match(text):
        return Container(sympy.EmptySet)
    if _REALS.match(text):
        return Container(sympy.S.Reals)
    if (both := _plus_minus(text)) is not None:
        return Container(both)
    worked = read_matrix_formula(text)  # 2A, A^T, AB of written matrices
    if isinstance(worked, sympy.MatrixBase):
        return Container(worked)
    if _DETERMINANT.match(text):
        return None  # |A| and ||A||: a determinant or a norm, a number
    written = matrix_literal(text)
    if written is not None:
        return Container(written)
    if text.startswith("\\{") and text.endswith("\\}"):
        inner = text[2:-2]
        if re.search(r"\\mid|:|\|", inner):
            return None  # set-builder notation
        pieces = _split(inner, (",", ";"))
        values: list[sympy.Basic] = []
        for piece in pieces:
            piece = piece.strip()
            both = _plus_minus(piece)
            if both is not None:
                values.extend(both.args)
                continue
            inside = read_container(piece) if piece[:1] in "([" else None
            if inside is not None and isinstance(inside.value, sympy.Tuple):
                values.append(inside.value)
                continue
            entry = _entries(piece)
            if entry is None or len(entry) != 1:
                return None
            values.extend(entry)
        return Container(sympy.FiniteSet(*values))
    if text.startswith("\\langle") and text.endswith("\\rangle"):
        entries = _entries(text[len("\\langle"):-len("\\rangle")])
        return Container(sympy.Tuple(*entries)) if entries and len(entries) >= 2 else None
    if len(text) >= 2 and text[0] in "([]" and text[-1] in ")[]" and _closes_at_end(text):
        entries = _entries(text[1:-1])
        if entries is None or len(entries) < 2:
            return None
        left, right = text[0], text[-1]
        if len(entries) == 2 and (left, right) != ("(", ")"):
            if left == "[" and right == "]":
                return Container(sympy.Interval(entries[0], entries[1]))
            return Container(sympy.Interval(entries[0], entries[1], left != "[", right != "]"))
        return Container(sympy.Tuple(*entries), pair=len(entries) == 2 and (left, right) == ("(", ")"))
    return None


def _closes_at_end(text: str) -> bool:
    """Whether the first bracket is closed only by the last character: ``(a, b)`` is one group,
    ``(a)(b)`` is not; French intervals ``]0, 1[`` count as one."""
    depth = 0
    for index, char in enumerate(text[1:-1], start=1):
        if char in "([{":
            depth += 1
        elif char in ")]}":
            depth -= 1
            if depth < 0:
                return False
    return depth == 0
