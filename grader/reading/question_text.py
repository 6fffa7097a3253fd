"""Lines of an answer that copy the question: the student wrote the paper out, not an answer.

A sheet often repeats the question before answering it, or holds nothing but the
question's words. Those words and numbers are the rubric's, so they must earn
nothing: a line that is a near-copy of a line of the question's ``statement``
(rendered with its given values) is taken out of the answer before it is graded,
and the question is flagged so a TA sees what was left out. Short lines are kept:
"P(D) = 0.02" restates a given value as working, and a copy needs enough words to
be recognised as one.
"""

from __future__ import annotations

import re
from dataclasses import replace

from rapidfuzz import fuzz

from grader.flags import note
from grader.model import Segment

MIN_CHARS = 25  # a line shorter than this is never taken for a copy
SIMILARITY = 90  # rapidfuzz ratio (0-100) of a copied line to a line of the statement

_MARKUP = re.compile(r"[$*_#>`|\\{}]+|\s+")


def _plain(text: str) -> str:
    return _MARKUP.sub(" ", text).strip().lower()


def statement_lines(statement: str) -> tuple[str, ...]:
    """The question's printed text as lines to compare with (long enough to recognise)."""
    lines = (_plain(line) for line in re.split(r"\n|(?<=[.?!])\s+", statement))
    return tuple(line for line in lines if len(line) >= MIN_CHARS)


def _copies(text: str, printed: tuple[str, ...]) -> bool:
    plain = _plain(text)
    if len(plain) < MIN_CHARS:
        return False
    return any(fuzz.ratio(plain, line) >= SIMILARITY or
               (len(plain) >= len(line) and fuzz.partial_ratio(line, plain) >= SIMILARITY and
                len(plain) <= len(line) * 1.2)
               for line in printed)


def without_question_text(segment: Segment, printed: tuple[str, ...]) -> Segment:
    """``segment`` without the lines that copy the question (flagged when there were any)."""
    if not printed or not segment.lines:
        return segment
    kept = tuple(line for line in segment.lines if not _copies(line.text, printed))
    if len(kept) == len(segment.lines):
        return segment
    dropped = len(segment.lines) - len(kept)
    flag = note("question-text-ignored", f"{dropped} line{'s' if dropped > 1 else ''} copying the question")
    return replace(segment, lines=kept, flags=segment.flags + (flag,))
