"""Does a line use a question's vocabulary? OCR-tolerant term matching.

How a term is matched depends on its shape, because fuzzy matching of short
strings finds them everywhere:

- LaTeX (``\\partial E``, ``\\sum_{k``): exact, case-sensitive substring;
- short terms (4 characters or fewer: ``AP``, ``L2``, ``IoU``, ``FL(``): exact,
  case-insensitive, and not inside a longer word ("AP" is not in "apply");
- 5 to 7 characters: case-insensitive substring ("sigmoid", "reshape");
- longer terms: rapidfuzz ``partial_ratio`` >= ``FUZZY_CUTOFF`` so "vanishing
  greatient" and "Transfored convolution" still count.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Callable, Sequence

from rapidfuzz import fuzz

FUZZY_CUTOFF = 85
SHORT = 4
MEDIUM = 7


def _latex(term: str) -> Callable[[str, str], bool]:
    return lambda text, lower: term in text


def _word(term: str) -> Callable[[str, str], bool]:
    left = r"(?<![A-Za-z0-9])" if term[0].isalnum() else ""
    right = r"(?![A-Za-z0-9])" if term[-1].isalnum() else ""
    pattern = re.compile(left + re.escape(term) + right, re.IGNORECASE)
    return lambda text, lower: pattern.search(text) is not None


def _substring(term: str) -> Callable[[str, str], bool]:
    term = term.lower()
    return lambda text, lower: term in lower


def _fuzzy(term: str) -> Callable[[str, str], bool]:
    term = term.lower()
    return lambda text, lower: term in lower or fuzz.partial_ratio(term, lower, score_cutoff=FUZZY_CUTOFF) > 0


def matcher(term: str) -> Callable[[str, str], bool]:
    """A predicate ``(text, text.lower()) -> bool`` for one term."""
    term = term.strip()
    if "\\" in term or "{" in term or "_" in term or "^" in term:
        return _latex(term)
    if len(term) <= SHORT:
        return _word(term)
    if len(term) <= MEDIUM:
        return _substring(term)
    return _fuzzy(term)


@dataclass(frozen=True)
class Vocabulary:
    """The terms of one question, ready to score lines."""

    terms: tuple[str, ...]
    matchers: tuple[Callable[[str, str], bool], ...]

    @classmethod
    def of(cls, terms: Sequence[str]) -> "Vocabulary":
        kept = tuple(dict.fromkeys(t.strip() for t in terms if t.strip()))
        return cls(kept, tuple(matcher(t) for t in kept))

    def matches(self, text: str) -> tuple[str, ...]:
        lower = text.lower()
        return tuple(term for term, match in zip(self.terms, self.matchers) if match(text, lower))

    def score(self, text: str) -> int:
        """How many distinct terms of the question the line uses."""
        lower = text.lower()
        return sum(1 for match in self.matchers if match(text, lower))
