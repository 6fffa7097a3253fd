"""Class statistics for the class report: distribution, per-question spread, item analysis.

Only graded submissions count (an error submission has no scores). Definitions:

- spread is the population standard deviation (divide by n): the class is the whole population.
- difficulty of an item = mean score / the item's points (1.0 = everyone earned it all).
  For a deduction (negative points) the same ratio is the share of the deduction applied.
- discrimination = the upper–lower 27 % index: rank submissions by total score
  (ties broken by submission id so the result is reproducible), take the top and
  bottom k = ⌊0.27·n + ½⌋ (at least 1), and D = (mean item score of the upper group −
  mean of the lower group) / |points|. D lies in [−1, 1]; it is undefined (None)
  for fewer than two submissions. Positive D means the item agrees with the total:
  for a deduction (scores ≤ 0) that mostly weak students get, D > 0 too.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import Any, Sequence

from grader.flags import needs_review
from grader.model import RubricInfo, SubmissionResult

UPPER_LOWER_SHARE = 0.27


def graded(results: Sequence[SubmissionResult]) -> list[SubmissionResult]:
    return [r for r in results if r.status == "graded"]


def mean(values: Sequence[float]) -> float:
    return sum(values) / len(values) if values else 0.0


def population_sd(values: Sequence[float]) -> float:
    if not values:
        return 0.0
    centre = mean(values)
    return math.sqrt(sum((v - centre) ** 2 for v in values) / len(values))


def bin_width(maximum: float, most_bins: int = 12) -> float:
    """The smallest round width (1, 2, 2.5 or 5 times a power of ten) giving at most ``most_bins`` bins."""
    if maximum <= 0:
        return 1.0
    scale = 10.0 ** math.floor(math.log10(maximum / most_bins))
    for factor in (1, 2, 2.5, 5, 10, 20):
        if math.ceil(maximum / (factor * scale) - 1e-9) <= most_bins:
            return factor * scale
    return 20 * scale


def histogram(scores: Sequence[float], maximum: float) -> tuple[list[int], list[float]]:
    """Counts in equal round-width bins from 0 covering ``maximum``; a score on an edge goes up, the maximum into the last bin."""
    width = bin_width(maximum)
    bins = max(1, math.ceil(maximum / width - 1e-9))
    edges = [round(width * i, 6) for i in range(bins + 1)]
    counts = [0] * bins
    for score in scores:
        index = math.floor(score / width + 1e-9)
        counts[min(max(index, 0), bins - 1)] += 1
    return counts, edges


@dataclass(frozen=True)
class QuestionStats:
    id: str
    title: str
    points: float
    mean: float
    sd: float
    low: float
    high: float
    answered: int  # submissions with any answer lines for this question


def _score_of(result: SubmissionResult, question_id: str) -> tuple[float, bool]:
    for question in result.questions:
        if question.id == question_id:
            return question.score, bool(question.spans)
    return 0.0, False


def question_stats(info: RubricInfo, results: Sequence[SubmissionResult]) -> list[QuestionStats]:
    rows = []
    for question in info.questions:
        scored = [_score_of(r, question.id) for r in graded(results)]
        scores = [score for score, _ in scored]
        rows.append(
            QuestionStats(
                question.id, question.title, question.points, mean(scores), population_sd(scores),
                min(scores, default=0.0), max(scores, default=0.0), sum(1 for _, answered in scored if answered),
            )
        )
    return rows


def item_score(result: SubmissionResult, question_id: str, item_id: str) -> float:
    for question in result.questions:
        if question.id == question_id:
            for item in question.items:
                if item.id == item_id:
                    return item.score
    return 0.0


def upper_lower_groups(results: Sequence[SubmissionResult]) -> tuple[list[SubmissionResult], list[SubmissionResult]]:
    """The top and bottom 27 % of ``results`` by total score (empty for fewer than two)."""
    if len(results) < 2:
        return [], []
    ranked = sorted(results, key=lambda r: (-r.score, r.id))
    k = max(1, math.floor(UPPER_LOWER_SHARE * len(ranked) + 0.5))
    return ranked[:k], ranked[-k:]


@dataclass(frozen=True)
class ItemStats:
    question: str
    item: str
    description: str
    points: float
    hidden: bool
    difficulty: float
    discrimination: float | None


def item_analysis(info: RubricInfo, results: Sequence[SubmissionResult]) -> list[ItemStats]:
    population = graded(results)
    upper, lower = upper_lower_groups(population)
    rows = []
    for question in info.questions:
        for item in question.items:
            scores = [item_score(r, question.id, item.id) for r in population]
            difficulty = mean(scores) / item.points
            if upper:
                gap = mean([item_score(r, question.id, item.id) for r in upper]) - mean(
                    [item_score(r, question.id, item.id) for r in lower]
                )
                discrimination: float | None = gap / abs(item.points)
            else:
                discrimination = None
            rows.append(ItemStats(question.id, item.id, item.description, item.points, item.hidden, difficulty, discrimination))
    return rows


def normalise_answer(found: str) -> str:
    """What counts as 'the same answer': case, spacing and a final full stop ignored."""
    return " ".join(found.split()).casefold().rstrip(".")


@dataclass
class AnswerGroup:
    answer: str
    count: int = 0
    scores: Counter = field(default_factory=Counter)
    submissions: list[str] = field(default_factory=list)

    @property
    def mean_score(self) -> float:
        return sum(score * n for score, n in self.scores.items()) / self.count if self.count else 0.0


@dataclass(frozen=True)
class ItemAnswers:
    question: str
    item: str
    points: float
    groups: list[AnswerGroup]
    distinct: int


def answer_groups(info: RubricInfo, results: Sequence[SubmissionResult], limit: int = 8) -> list[ItemAnswers]:
    """Per item, identical normalised answers (what the item found) with counts and scores, most common first."""
    found: dict[tuple[str, str], dict[str, AnswerGroup]] = defaultdict(dict)
    for result in graded(results):
        for question in result.questions:
            for item in question.items:
                key = normalise_answer(item.found)
                if not key:
                    continue
                group = found[(question.id, item.id)].setdefault(key, AnswerGroup(key))
                group.count += 1
                group.scores[item.score] += 1
                group.submissions.append(result.id)
    sets = []
    for question in info.questions:
        for item in question.items:
            groups = found.get((question.id, item.id))
            if groups:
                ordered = sorted(groups.values(), key=lambda g: (-g.count, g.answer))
                sets.append(ItemAnswers(question.id, item.id, item.points, ordered[:limit], len(ordered)))
    return sets


@dataclass(frozen=True)
class ReviewEntry:
    submission: str
    question: str | None  # None: the whole submission could not be graded
    flags: tuple[str, ...]  # what each flag says, for a TA
    score: float
    maximum: float


def review_queue(results: Sequence[SubmissionResult]) -> list[ReviewEntry]:
    """Every flagged answer and every submission that could not be graded, in submission order."""
    queue = []
    for result in results:
        if result.status != "graded":
            queue.append(ReviewEntry(result.id, None, ("not graded: " + (result.error or "unknown error"),), 0.0, result.max))
            continue
        if needs_review(result.flags):
            queue.append(ReviewEntry(result.id, None, tuple(str(n) for n in result.flags), result.score, result.max))
        for question in result.questions:
            if needs_review(question.flags):
                queue.append(ReviewEntry(result.id, question.id, tuple(str(n) for n in question.flags), question.score, question.max))
    return queue
