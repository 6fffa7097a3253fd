"""Question labels as students write them: "1.", "Q1", "Q.4", "Ans 3)", "2. (a)", "2(b)", "(b)", "(ii)".

A label is read into numbers and letters (``Label``), never compared as a string,
so every way of writing "question 2, part b" means the same thing, and rubric
markers are read by the same grammar. Which question a label names is decided by
the segmenter, which knows the context (the current question, what was seen).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_ROMAN = r"(?:iv|ix|vi{0,3}|i{1,3}|x)"

# List bullets, block quotes, headings and emphasis in front of a label: "- ", "> ", "## ", "**",
# "__", "#". Every character may be read one way only (a run of bullet marks is a bullet when a
# space follows it, else it must be "#"s and "**"s), and the quantifiers are possessive, so a
# long run of "#" or "*" that is no label fails in linear time instead of trying every split.
# (A label never starts with a lead character or a space, so giving some back never helps.)
_LEAD = r"^(?:__|[-*+>#]++\s++|(?:\*\*|#)++)*+"
# What may follow a label before the answer text starts.
_TAIL = r"(?P<tail>[\s.:)\-*_]*)"

_NUMBERED = re.compile(
    _LEAD
    + r"(?P<prefix>(?:question|ques|que|answer|ans|q)\s*(?:[.:\-]\s*)?(?:no\.?\s*)?)?"
    r"(?P<number>\d{1,3})(?!\d|[.,]\d)"
    r"(?:(?P<glued>[a-h])(?![A-Za-z])"  # "2a": a letter glued to the number
    r"|(?P<sep>\s*[.):](?!\d))?(?:\s*\(\s*(?P<l1>[a-h])\s*\)|\s*(?P<l2>[a-h])\)))?"
    rf"(?:\s*(?:\.\s*)?(?:\(\s*(?P<r1>{_ROMAN})\s*\)|(?P<r2>{_ROMAN})\)))?"
    + _TAIL,
    re.IGNORECASE,
)

_SUBPART = re.compile(
    _LEAD
    + r"(?:\(\s*(?P<l1>[a-h])\s*\)|(?P<l2>[a-h])\))"
    rf"(?:\s*(?:\.\s*)?(?:\(\s*(?P<r1>{_ROMAN})\s*\)|(?P<r2>{_ROMAN})\)))?"
    + _TAIL,
    re.IGNORECASE,
)

_ROMAN_ONLY = re.compile(_LEAD + rf"(?:\(\s*(?P<r1>{_ROMAN})\s*\)|(?P<r2>{_ROMAN})\))" + _TAIL, re.IGNORECASE)

# "bounding 5 · (a) box": OCR moved a label into the middle of a sentence.
_MIDLINE = re.compile(r"(?<![\w.])(?P<number>\d{1,2})\s*(?:[\u00b7.:]\s*)?\(\s*(?P<letter>[a-h])\s*\)\s*", re.IGNORECASE)


@dataclass(frozen=True)
class Label:
    """A label read from the start of a line (``start == 0``) or, for mid-line labels, inside it.

    ``glued`` marks "2a": a letter stuck to the number counts only if the rubric
    knows that part (so "3d convolution" is no label).
    """

    number: int | None
    letter: str | None
    roman: str | None
    prefixed: bool
    start: int
    end: int
    glued: bool = False
    number_end: int | None = None  # where the number and its separator end ("1." of "1. (b)")
    guessed: bool = False  # OCR damage made it ("S." for 5, "5 | Group" without its period): a guess to confirm

    @property
    def has_separator(self) -> bool:
        return self.prefixed or self.letter is not None or self.roman is not None


def _ends_cleanly(text: str, match: re.Match[str]) -> bool:
    """A label is followed by the end of the line or by a separator it consumed ("1.Intro" is still one)."""
    return match.end() == len(text) or bool(match["tail"]) or text[match.end() - 1] in ".)"


_SEPARATOR = re.compile(r"\s*+[.:)]")


def _separator_end(text: str, end: int) -> int:
    """Where the "." of "7. (ii)" ends, when the part's pattern took it rather than the separator's."""
    found = _SEPARATOR.match(text, end)
    return found.end() if found else end


def read_label(text: str) -> Label | None:
    """The label at the start of ``text``, if it looks like one."""
    match = _NUMBERED.match(text)
    if match and _ends_cleanly(text, match):
        letter = match["glued"] or match["l1"] or match["l2"]
        roman = match["r1"] or match["r2"]
        prefixed = bool(match["prefix"])
        separated = bool(match["sep"]) or match["tail"].lstrip()[:1] in (".", ")", ":")
        if prefixed or separated or letter or roman:
            return Label(int(match["number"]), letter and letter.lower(), roman and roman.lower(), prefixed,
                         0, match.end(), glued=bool(match["glued"]),
                         number_end=match.end("sep") if match["sep"] else _separator_end(text, match.end("number")))
    match = _SUBPART.match(text)
    if match and _ends_cleanly(text, match):
        letter = match["l1"] or match["l2"]
        roman = match["r1"] or match["r2"]
        return Label(None, letter.lower(), roman and roman.lower(), False, 0, match.end())
    match = _ROMAN_ONLY.match(text)
    if match and _ends_cleanly(text, match):
        return Label(None, None, (match["r1"] or match["r2"]).lower(), False, 0, match.end())
    return None


# OCR reads a label's digit as a look-alike letter: "S." for 5, "l." for 1, "G." for 6.
_LOOKALIKE_DIGITS = {"l": 1, "I": 1, "Z": 2, "S": 5, "G": 6, "B": 8}
_LOOKALIKE = re.compile(_LEAD + r"(?P<prefix>(?:q|ans)\s*+[.:]?\s*+)?(?P<char>[lIZSGB])\s*+[.)](?=\s+\S)\s*+", re.IGNORECASE)


# A number whose period OCR lost: "5 | Group | Mean", "4 P^2 = P x P" (not "2 + 3", "3.5", "10 20").
_BARE_NUMBER = re.compile(_LEAD + r"(?P<number>\d{1,2})[ \t]++(?=[A-Za-z|(\[\\$])")


def read_guessed_label(text: str) -> Label | None:
    """A label OCR damaged — its digit read as a look-alike letter ("S. The sample ..."), or its
    period lost ("5 | Group ...") — for the segmenter to accept only where that question is
    expected or the line is about it."""
    bare = _BARE_NUMBER.match(text)
    if bare:
        return Label(int(bare["number"]), None, None, False, 0, bare.end(), guessed=True)
    match = _LOOKALIKE.match(text)
    if not match:
        return None
    char = match["char"]
    number = _LOOKALIKE_DIGITS.get(char) or _LOOKALIKE_DIGITS.get(char.upper())
    if number is None:
        return None
    return Label(number, None, None, bool(match["prefix"]), 0, match.end(), guessed=True)


def midline_labels(text: str) -> list[Label]:
    """Number-and-part labels ("5 · (a)") inside a line, not at its start."""
    return [
        Label(int(m["number"]), m["letter"].lower(), None, False, m.start(), m.end())
        for m in _MIDLINE.finditer(text)
        if m.start() > 0
    ]


def strip_label(text: str, label: Label) -> str:
    """The line without its label ("2. (a) Recurrent ..." -> "Recurrent ...")."""
    return (text[: label.start].rstrip() + " " + text[label.end :].lstrip()).strip()
