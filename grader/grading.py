"""Grade one question of one submission: run each rubric item through its type.

parse → compare → award, under the exam's time budget per item. A student's
unreadable answer is ``invalid`` (0 points, flagged); a budget overrun is flagged
and earns nothing for that item only; a bug in a type is NOT swallowed here — it
propagates so the submission is reported as an error rather than as "wrong".
"""

from __future__ import annotations

from typing import Any

from grader.errors import BudgetExceeded
from grader.feedback import render_feedback
from grader.limits import run_limited
from grader.model import ItemResult, Outcome, QuestionResult, Segment
from grader.rubric.loader import Item, Question
from grader.types.base import Comparison, Invalid, QuestionContext


def run_item(item: Item, ctx: QuestionContext) -> Comparison:
    parsed = item.qtype.parse(ctx, item.params)
    if parsed is None:
        return Comparison(0.0, Outcome.MISSING, detail="no answer found for this item")
    if isinstance(parsed, Invalid):
        return Comparison(0.0, Outcome.INVALID, detail=parsed.reason, evidence=parsed.evidence, flags=("unreadable-answer",))
    comparison = item.qtype.compare(parsed, ctx, item.params)
    if parsed.flags:
        comparison = Comparison(**{**comparison.__dict__, "flags": tuple(comparison.flags) + tuple(parsed.flags)})
    return comparison


def _score(item: Item, comparison: Comparison) -> tuple[float, float, Outcome]:
    points = item.spec.points
    score = item.qtype.award(comparison, points)
    if points > 0:
        return score, points, comparison.outcome
    # A deduction: its check describes a fault. Applied = the student loses points.
    applied = comparison.fraction > 0
    return score, 0.0, (Outcome.INCORRECT if applied else Outcome.CORRECT)


def grade_item(item: Item, ctx: QuestionContext, budget_seconds: float) -> ItemResult:
    try:
        comparison = run_limited(run_item, item, ctx, seconds=budget_seconds)
    except BudgetExceeded as exc:
        comparison = Comparison(0.0, Outcome.INVALID, detail=f"not graded: {exc}", flags=("budget-exceeded",))
    for flag in comparison.flags:
        ctx.flag(flag)
    score, maximum, outcome = _score(item, comparison)
    context: dict[str, Any] = {
        "outcome": outcome.value,
        "score": score,
        "points": item.spec.points,
        "found": comparison.found,
        "expected": comparison.expected,
        "detail": comparison.detail,
        "refs": ctx.refs,
        "evidence": [e.render() for e in comparison.evidence],
        "description": item.spec.description,
    }
    return ItemResult(
        id=item.id,
        score=score,
        max=maximum,
        outcome=outcome,
        feedback=render_feedback(item.spec.feedback, outcome, context),
        evidence=comparison.evidence,
        hidden=item.spec.hidden,
        expected=comparison.expected,
        found=comparison.found,
    )


def grade_question(question: Question, segment: Segment, budget_seconds: float) -> QuestionResult:
    ctx = QuestionContext(question.id, segment, question.refs)
    for flag in segment.flags:
        ctx.flag(flag)
    items = tuple(grade_item(item, ctx, budget_seconds) for item in question.items)
    raw = sum(item.score for item in items)
    score = round(min(max(raw, 0.0), question.spec.points), 4)
    return QuestionResult(
        id=question.id,
        title=question.spec.title,
        score=score,
        max=question.spec.points,
        spans=segment.spans,
        flags=tuple(sorted(ctx.flags)),
        items=items,
        answer=segment.lines,
        repairs=tuple(ctx.repairs),
    )

