"""Ranked retrieval: precision and recall at every rank and average precision.

Everything is exact (``Fraction``) so a rubric's references are the true values
and tolerance is applied only when a student's number is compared with them.

Three averages are produced because students (and textbooks) mean different
things by "average precision":

* ``ap_11pt``   — PASCAL VOC2007: the mean of the interpolated precision at the
  eleven recall levels 0, 0.1, ..., 1.
* ``ap_all_point`` — PASCAL VOC2010+: the area under the interpolated
  precision-recall curve (every change of recall is a step).
* ``ap_non_interpolated`` — the mean of the precision at each relevant rank,
  over the total number of relevant items (what scikit-learn and TREC compute).

Interpolated precision at recall r is the highest precision at any recall ≥ r
(Manning et al., *Introduction to Information Retrieval*, §8.4). The helpers that
compute the averages take plain (precision, recall) rows so the table type can
recompute a student's average from the student's own rows (error carried forward).
"""

from __future__ import annotations

from fractions import Fraction
from typing import Any, Callable, Sequence

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from grader.solvers import solver

Row = tuple[Fraction, Fraction]  # (precision, recall) at one rank

_TRUE_WORDS = {"t", "true", "yes", "y", "1", "r", "rel", "relevant", "tp", "✓", "✔"}
_FALSE_WORDS = {"f", "false", "no", "n", "0", "nr", "non-relevant", "irrelevant", "fp", "✗", "✘", "x"}


def relevance_word(word: str) -> bool | None:
    """True/False for a relevance mark a person writes ('T', 'True', '✓', 'rel'), else None."""
    key = word.strip().lower()
    if key in _TRUE_WORDS:
        return True
    if key in _FALSE_WORDS:
        return False
    return None


class RankedRetrievalParams(BaseModel):
    """The ranked list's relevance marks, first rank first, and how many relevant items exist."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    relevance: list[bool] = Field(min_length=1, description="relevance of each returned item, rank 1 first (T/F accepted)")
    total_relevant: int = Field(gt=0, description="relevant items in the whole collection (recall's denominator)")

    @field_validator("relevance", mode="before")
    @classmethod
    def _marks(cls, value: Any) -> Any:
        if isinstance(value, str):  # "T, T, F" or "T T F"
            value = [part for part in value.replace(",", " ").split() if part]
        if not isinstance(value, list):
            return value
        marks = []
        for mark in value:
            if isinstance(mark, str):
                read = relevance_word(mark)
                if read is None:
                    raise ValueError(f"{mark!r} is not a relevance mark (use T/F or true/false)")
                marks.append(read)
            else:
                marks.append(mark)
        return marks

    @model_validator(mode="after")
    def _enough_relevant(self) -> "RankedRetrievalParams":
        found = sum(self.relevance)
        if found > self.total_relevant:
            raise ValueError(f"total_relevant: the list holds {found} relevant items but total_relevant is {self.total_relevant}")
        return self


def precision_recall(relevance: Sequence[bool], total_relevant: int) -> tuple[tuple[Fraction, ...], tuple[Fraction, ...]]:
    """Precision and recall after each rank."""
    precision, recall, hits = [], [], 0
    for rank, relevant in enumerate(relevance, start=1):
        hits += bool(relevant)
        precision.append(Fraction(hits, rank))
        recall.append(Fraction(hits, total_relevant))
    return tuple(precision), tuple(recall)


def interpolated_precision_at(rows: Sequence[Row], level: Fraction) -> Fraction:
    """Highest precision among rows whose recall is at least ``level`` (0 if none reaches it)."""
    return max((p for p, r in rows if r >= level), default=Fraction(0))


def ap_11pt(rows: Sequence[Row]) -> Fraction:
    """VOC2007 eleven-point interpolated average precision."""
    levels = [Fraction(i, 10) for i in range(11)]
    return sum((interpolated_precision_at(rows, level) for level in levels), Fraction(0)) / 11


def ap_all_point(rows: Sequence[Row]) -> Fraction:
    """VOC2010+ area under the interpolated precision-recall curve.

    Rows are taken in the order given (rank order); every increase of recall adds a
    step of width Δrecall and height the interpolated precision at the new recall.
    A recall that goes down (a wrong row) adds nothing rather than a negative area.
    """
    area, previous = Fraction(0), Fraction(0)
    for _, recall in rows:
        if recall > previous:
            area += (recall - previous) * interpolated_precision_at(rows, recall)
            previous = recall
    return area


def ap_non_interpolated(rows: Sequence[Row], total_relevant: int | None = None) -> Fraction:
    """Mean precision at the relevant ranks, a rank being relevant where recall rises.

    Without ``total_relevant`` the denominator is the number of relevant ranks found
    (what a student who forgot the unretrieved items computes).
    """
    hits, previous = [], Fraction(0)
    for precision, recall in rows:
        if recall > previous:
            hits.append(precision)
            previous = recall
    denominator = total_relevant if total_relevant is not None else len(hits)
    if not denominator:
        return Fraction(0)
    return sum(hits, Fraction(0)) / denominator


# Averages a rubric can accept by name, computed from any (precision, recall) rows.
AP_METHODS: dict[str, Callable[[Sequence[Row]], Fraction]] = {
    "ap_11pt": ap_11pt,
    "ap_all_point": ap_all_point,
    "ap_non_interpolated": lambda rows: ap_non_interpolated(rows),
}


@solver("ranked_retrieval", RankedRetrievalParams)
def ranked_retrieval(params: RankedRetrievalParams) -> dict[str, Any]:
    """Precision, recall and interpolated precision per rank; 11-point, all-point and non-interpolated AP."""
    precision, recall = precision_recall(params.relevance, params.total_relevant)
    rows = list(zip(precision, recall))
    return {
        "relevant": tuple(params.relevance),
        "ranks": tuple(range(1, len(rows) + 1)),
        "total_relevant": params.total_relevant,
        "precision": precision,
        "recall": recall,
        "interpolated_precision": tuple(interpolated_precision_at(rows, r) for _, r in rows),
        "ap_11pt": ap_11pt(rows),
        "ap_all_point": ap_all_point(rows),
        "ap_non_interpolated": ap_non_interpolated(rows, params.total_relevant),
    }
