"""What a student called a matrix (``P^2 = [...]``, ``π = (…)``), and a rubric's ``cue`` matched to it.

A matrix's names are the parts of the equality chain written before it on its line
(``P^2 = P·P = [...]`` names it ``P^2``; ``P·P`` is working, not a name), after the
matrix before it on that line (``P = [...], P^2 = [...]``). A matrix that opens its line
takes its names from the line before when that line ends in ``=`` or ``:`` or is a short
title without numbers (``P² =`` over a Markdown table). ``is``, ``equals``, ``≈`` and
``:`` end a name as ``=`` does (``The stationary distribution is (…)``).

A cue names a matrix when it is one of the words of a name: case, spaces, braces,
``$`` and ``\\mathbf{}`` aside, with ``P²``, ``P^2`` and ``P^{2}`` one name and ``π``,
``\\pi`` and ``pi`` another, and ``P`` not a word of ``P^2`` (a power, a subscript or a
prime makes another name).
"""

from __future__ import annotations

import re
from typing import Sequence

from grader.numbers import find_numbers
from grader.types.grid_labels import GREEK

# A chain's links, and the end of a name: "=", "≈", ":", "is", "equals".
_LINK = re.compile(r":=|=|≈|\\approx|:|\s(?:is|are|equals)\s", re.IGNORECASE)
# Working, not a name: a product or a sum ("P·P", "P \cdot P", "2P - I").
_WORKING = re.compile(r"\\cdot|\\times|[·×*+/]|\s-\s")
# Before the matrix on its own line: math openers, a table's pipe, a part label "(b)".
_OPENING = re.compile(r"^(?:\s|\$|\\\[|\\\(|\\left|\||\(?[a-z]\)\s)*+$")
_SUPERSCRIPTS = str.maketrans({**{s: f"^{d}" for d, s in enumerate("⁰¹²³⁴⁵⁶⁷⁸⁹")}, "ᵀ": "^T"})
_WRAPPER = re.compile(r"\\(?:mathbf|mathrm|mathit|boldsymbol|bm|text|textbf|operatorname|vec)\s*+\{([^{}]*+)\}")
_SPACING = re.compile(r"\\(?:left|right|,|;|!|quad|qquad)|\$")
_TITLE_LENGTH = 40


def normal(text: str) -> str:
    """A name as it is compared: ``$\\mathbf{P}^{2}$`` → ``p^2``; ``\\top`` is ``T``."""
    text = text.translate(_SUPERSCRIPTS).translate(GREEK)
    for _ in range(3):
        text = _WRAPPER.sub(r"\1", text)
    text = _SPACING.sub(" ", text)
    text = re.sub(r"\\(?:top|intercal)(?![A-Za-z])", "T", text)
    text = text.replace("{", "").replace("}", "").replace("\\", "")
    text = re.sub(r"\s*([\^_'])\s*", r"\1", text.lower())
    return " ".join(text.split())


def _is_word_char(ch: str) -> bool:
    return ch.isalnum() or ch in "^_'"


def names_word(name: str, cue: str) -> bool:
    """``cue`` is a word (or words) of ``name``, both already ``normal``."""
    if not cue:
        return False
    start = name.find(cue)
    while start >= 0:
        end = start + len(cue)
        if (start == 0 or not _is_word_char(name[start - 1])) and (end == len(name) or not _is_word_char(name[end])):
            return True
        start = name.find(cue, start + 1)
    return False


def cued(names: Sequence[str], cues: Sequence[str]) -> bool:
    """One of the rubric's ``cues`` names one of a matrix's ``names``."""
    wanted = [normal(c) for c in cues]
    return any(names_word(normal(name), cue) for name in names for cue in wanted)


def _segments(prefix: str) -> tuple[str, ...]:
    """The names in ``prefix``, the text just before a matrix: its chain's links, working left out."""
    prefix = re.split(r"[,;]", _SPACING.sub(" ", prefix))[-1]
    parts = _LINK.split(prefix)
    if len(parts) > 1:
        parts = parts[:-1]  # what follows the last link is the matrix itself
    names = []
    for part in parts:
        part = part.strip(" \t([|")
        if part and not _WORKING.search(part):
            names.append(part)
    return tuple(names)


def names_before(prefix: str, line_before: str | None) -> tuple[str, ...]:
    """What the student called a matrix: ``prefix`` is its line up to it (from the end of the
    matrix before it on that line), ``line_before`` the line above it, if any."""
    if not _OPENING.match(prefix):
        return _segments(prefix)
    before = (line_before or "").strip()
    if before.endswith(("=", ":")):
        return _segments(before)
    if before and len(before) <= _TITLE_LENGTH and not find_numbers(before):
        return _segments(before + " =")  # a title over the matrix: "Two-step matrix P²"
    return ()


_OPENER = re.compile(r"\\begin|\[|\(|\|")


def names_on_line(line: str, line_before: str | None) -> tuple[str, ...]:
    """The names before the first matrix-like opener of ``line`` (for a matrix that could not be
    read, known only by its line)."""
    opener = _OPENER.search(line)
    return names_before(line[:opener.start()] if opener else line, line_before)
