"""The course's symbols as OCR writes them: θ as 0 or O, λ as A or X, 1 as l.

A rubric declares what its OCR'd sheets show (``look_alikes: {"\\theta": ["0", "O"]}``, SPEC §6
``expression``); ``respelt(text, look_alikes)`` is the formula read with the symbol put in for
each stand-alone look-alike, and what was read so (shown to the TA as an OCR repair). It is a
second reading, never a replacement: the formula as written is compared first, so a real 0
stays 0 wherever it makes sense as written.

What is respelt and what is not:

* a symbol the formula already shows is never respelt in it ("θ/(θ+1) · 0" keeps its 0: the
  student wrote θ where they meant θ);
* only stand-alone characters: a digit not inside a number (the 0 of 10 or 0.5 stays), a letter
  not inside a word or command (the O of \\Omega, the l of \\log stay);
* never the bounds of an integral, sum or product, nor a subscript (``\\int_0^1``, ``x_0``):
  there a digit is a bound or an index;
* one pass: what one look-alike puts in is not respelt by another.
"""

from __future__ import annotations

import re
from typing import Mapping, Sequence

from grader.mathtext.glyphs import GREEK

_GLYPH = {name: glyph for glyph, name in GREEK.items()}
# Spans kept as written: an operator's bounds, a subscript, a \text{...} group.
_KEPT = re.compile(
    r"\\(?:int|iint|oint|sum|prod|lim)(?![A-Za-z])\s*(?:_\s*(?:\{[^{}]*\}|\\[A-Za-z]+|.))?\s*(?:\^\s*(?:\{[^{}]*\}|\\[A-Za-z]+|.))?"
    r"|_\s*(?:\{[^{}]*\}|\\[A-Za-z]+|.)"
    r"|\\(?:text|mathrm|operatorname|textrm)\s*\{[^{}]*\}"
    # the argument of an expectation, variance or probability is a random variable or an event
    r"|(?<![A-Za-z\\])(?:E|Var|V|P|Pr|Cov|Corr)\s*(?:\[[^\]]*\]|\([^()]*\))")


def shown(symbol: str) -> str:
    """How a symbol is shown to people: θ for \\theta."""
    name = symbol.lstrip("\\")
    return _GLYPH.get(name, symbol) if symbol.startswith("\\") else symbol


def _written_there(text: str, symbol: str) -> bool:
    if symbol.startswith("\\"):
        name = symbol[1:]
        return bool(re.search(re.escape(symbol) + r"(?![A-Za-z])", text)) or _GLYPH.get(name, "\0") in text \
            or bool(re.search(rf"(?<![A-Za-z\\]){re.escape(name)}(?![A-Za-z])", text))
    return False  # a digit is never "already there": 1 for l respells every stand-alone l


# Letter runs that are words of math, not products of one-letter names: their letters stay.
_WORDS = frozenset("""log ln exp sin cos tan tanh sinh cosh sec csc cot max min lim det var cov corr tr arg sqrt
sigmoid softmax relu sgn sign mod gcd lcm bar hat""".split())
_PIECE = re.compile(r"\\[A-Za-z]+|[A-Za-z]+|\d+(?:[.,]\d+)*|[^A-Za-z\d\\]+|\\.?")


def respelt(text: str, look_alikes: Mapping[str, Sequence[str]]) -> tuple[str, tuple[str, ...]]:
    """The text with the declared symbols put in for their look-alikes, and what was read
    ("0 read as θ"); the text itself and () when nothing was respelt."""
    symbol_of = {written: symbol for symbol, forms in look_alikes.items() if not _written_there(text, symbol)
                 for written in forms}
    if not symbol_of:
        return text, ()
    pieces: list[str] = []
    read: list[str] = []
    position = 0
    for kept in list(_KEPT.finditer(text)) + [None]:
        end = kept.start() if kept is not None else len(text)
        pieces.extend(_respell(piece, symbol_of, read) for piece in _PIECE.findall(text[position:end]))
        if kept is not None:
            pieces.append(kept.group())
            position = kept.end()
    if not read:
        return text, ()
    return "".join(pieces), tuple(dict.fromkeys(read))


def _respell(piece: str, symbol_of: Mapping[str, str], read: list[str]) -> str:
    if piece.startswith("\\") or piece.lower() in _WORDS:
        return piece
    if piece.isdigit() or not piece.isalpha():
        return _put(piece, symbol_of, read) if piece in symbol_of else piece
    return "".join(_put(char, symbol_of, read) if char in symbol_of else char for char in piece)


def _put(written: str, symbol_of: Mapping[str, str], read: list[str]) -> str:
    symbol = symbol_of[written]
    read.append(f"{written} read as {shown(symbol)}")
    return f"{{{symbol}}}" if symbol.startswith("\\") else symbol
