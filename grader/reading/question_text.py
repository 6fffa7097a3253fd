"""Lines of an answer that copy the question: the student wrote the paper out, not an answer.

A sheet often repeats the question before answering it, or holds nothing but the
question's words. Those words and numbers are the rubric's, so they must earn
nothing: a sentence of the answer that is a near-copy of a sentence of the
question's ``statement`` (rendered with its given values) is taken out of the answer
before it is graded — a line made only of such sentences goes, a line that adds its
own keeps those — and the question is flagged so a TA sees what was left out. Short
sentences are kept: "P(D) = 0.02" restates a given value as working, and a copy
needs enough words to be recognised as one.

The question's data restated goes too: a sentence whose numbers are exactly a list the
statement prints (three or more, "Group A: 2, 4, 6." for the table row "A | 2, 4, 6"),
with no relation of its own, is the data, not a result; "the mean of 2, 4, 6 is 4" keeps
its own number and stays.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from functools import lru_cache
from fractions import Fraction

from rapidfuzz import fuzz

from grader.flags import note
from grader.model import Segment
from grader.numbers import LISTING, find_numbers, number_lists

MIN_CHARS = 25  # a line shorter than this is never taken for a copy
SIMILARITY = 85  # rapidfuzz ratio (0-100) of a copied sentence to a sentence of the statement

_MARKUP = re.compile(r"[$*_#>`|\\{}]+|\s+")


def _plain(text: str) -> str:
    return _MARKUP.sub(" ", text).strip().lower()


_SENTENCE_END = re.compile(r"(?<=[.?!])\s+|\n\s*\n|\n(?=\s*\(?[a-h]\)|\s*\(?[ivx]+\))")


def _sentences(text: str) -> list[str]:
    """Sentences, also across the hard line breaks of a template or a scan."""
    return [part for part in _SENTENCE_END.split(text) if part and part.strip()]


@dataclass(frozen=True)
class Printed:
    """What the question prints: its sentences (long enough to recognise) and its lists of numbers."""

    sentences: tuple[str, ...] = ()
    data: frozenset[tuple[Fraction, ...]] = frozenset()
    words: frozenset[str] = frozenset()  # the words it prints (title included), lower-case

    def __bool__(self) -> bool:
        return bool(self.sentences or self.data)


def statement_lines(statement: str, title: str = "") -> Printed:
    """The question's printed sentences, data lists and words, to compare with."""
    plain = (_plain(sentence) for sentence in _sentences(statement))
    data = frozenset(tuple(n.value for n in run) for line in statement.splitlines() for run in number_lists(line))
    words = frozenset(_words(f"{title} {statement}"))
    return Printed(tuple(sentence for sentence in plain if len(sentence) >= MIN_CHARS), data, words)


_RELATION = re.compile(r"=|≈|<|>|\\approx|\\le|\\ge")


def _restates_data(text: str, data: frozenset[tuple[Fraction, ...]]) -> bool:
    if not data or _RELATION.search(text):
        return False
    numbers = find_numbers(text)
    return len(numbers) >= LISTING and tuple(n.value for n in numbers) in data


MIN_WORDS = 5  # a copy is prose: a formula or a matrix is never taken for one
_COMMAND = re.compile(r"\\[A-Za-z]+")
_WORD = re.compile(r"[a-z]{2,}")


def _words(text: str) -> list[str]:
    return _WORD.findall(_COMMAND.sub(" ", text).lower())


def _copies(text: str, printed: Printed) -> bool:
    if _restates_data(text, printed.data):
        return True
    plain = _plain(text)
    if len(plain) < MIN_CHARS or len(_words(text)) < MIN_WORDS:
        return False
    return any(fuzz.ratio(plain, line) >= SIMILARITY for line in printed.sentences)


def _own_words(text: str, printed: Printed) -> str:
    """What a line says besides the sentences it copies from the question ("" if nothing)."""
    sentences = re.split(r"(?<=[.?!])\s+", text)
    kept = [s for s in sentences if not _copies(s, printed)]
    return " ".join(kept).strip() if len(kept) < len(sentences) else text


@lru_cache(maxsize=1024)
def printed_words(title: str, statement: str) -> frozenset[str]:
    """The words a question prints, read from its title and unrendered statement (a template's
    placeholders are no words a student copies)."""
    return frozenset(_words(f"{title} {statement}"))


def without_question_text(segment: Segment, printed: Printed) -> Segment:
    """``segment`` without the lines that copy the question (flagged when there were any), knowing
    the question's words (``Segment.question_words``: what an answer says in them alone is no answer)."""
    if printed.words and segment.question_words != printed.words:
        segment = replace(segment, question_words=printed.words)
    if not printed or not segment.lines:
        return segment
    kept, dropped = [], 0
    for line in segment.lines:
        own = _own_words(line.text, printed)
        if own != line.text:
            dropped += 1
        if own:
            kept.append(line if own == line.text else replace(line, text=own))
    if not dropped:
        return segment
    flag = note("question-text-ignored", f"{dropped} line{'s' if dropped > 1 else ''} copying the question")
    return replace(segment, lines=tuple(kept), flags=segment.flags + (flag,))
