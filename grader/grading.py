"""Grade one question of one sheet: run each rubric item through its type.

read → parse → compare → award → feedback, each item under the exam's time budget.
What a type reads from the segment is memoised here, per sheet, under the type and
the options the reading depends on (``QuestionType.reading_key``); types write no
shared state, and what they flag or repair comes back in their result, so the
grade is the same in the main thread, a thread or a worker process.

Faults are kept apart from the student's answer. A student's unreadable answer is
``invalid`` (0 points, flagged). An item whose check runs out of time, raises, or
whose feedback template fails is ``not-graded``: 0 points, a flag saying why (a
fault, listed for a human) and plain feedback saying a TA will grade it — never
"wrong", and for a deduction never silently "not applied". The other items and
questions of the sheet are graded as usual.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, replace
from fractions import Fraction
from typing import Any, Hashable

from grader.errors import BudgetExceeded
from grader.feedback import render_feedback
from grader.flags import CATALOGUE, Note, note
from grader.limits import run_limited
from grader.model import ItemResult, Outcome, QuestionResult, Segment
from grader.reading.question_text import printed_words
from grader.numbers import decimal_text
from grader.reading.parts import split_parts
from grader.rubric.loader import Item, Question, recompute_references
from grader.types.base import Comparison, FlagLike, Invalid, QuestionContext

Readings = dict[Hashable, Any]


@dataclass(frozen=True)
class _Failed:
    """A reading that raised: later items that need it fail the same way without redoing it."""

    error: BaseException


def _reading(item: Item, segment: Segment, readings: Readings) -> Any:
    key = item.qtype.reading_key(item.params)
    if key is None:
        return None
    key = (item.qtype.name, segment.lines, key)  # one reading per type, options and part of the answer
    if key not in readings:
        try:
            readings[key] = item.qtype.read(segment, item.params)
        except BaseException as exc:
            readings[key] = _Failed(exc)
    found = readings[key]
    if isinstance(found, _Failed):
        raise found.error
    return found


def run_item(item: Item, question_id: str, segment: Segment, refs: Any, readings: Readings) -> Comparison:
    """One item's read, parse and compare (no budget, no fault handling: see ``grade_item``)."""
    ctx = QuestionContext(question_id, segment, refs, _reading(item, segment, readings))
    parsed = item.qtype.parse(ctx, item.params)
    if parsed is None:
        return Comparison(0.0, Outcome.MISSING, detail="no answer found for this item")
    if isinstance(parsed, Invalid):
        return Comparison(0.0, Outcome.INVALID, detail=parsed.reason, evidence=parsed.evidence,
                          flags=(note("unreadable-answer", parsed.reason),))
    comparison = item.qtype.compare(parsed, ctx, item.params)
    if parsed.flags or parsed.repairs:
        comparison = replace(comparison, flags=tuple(comparison.flags) + tuple(parsed.flags),
                             repairs=tuple(dict.fromkeys(parsed.repairs + comparison.repairs)))
    return comparison


def score_of(item: Item, comparison: Comparison) -> tuple[float, float, Outcome]:
    points = item.spec.points
    score = item.qtype.award(comparison, points)
    if points > 0:
        return score, points, comparison.outcome
    # A deduction: its check describes a fault. Applied = the student loses points.
    applied = comparison.fraction > 0
    return score, 0.0, (Outcome.INCORRECT if applied else Outcome.CORRECT)


def _notes(flags: tuple[FlagLike, ...], item_id: str) -> tuple[Note, ...]:
    return tuple(dict.fromkeys(note(f, item=item_id) if isinstance(f, str) else replace(f, item=item_id) for f in flags))


def feedback_context(item: Item, refs: Any, comparison: Comparison, score: float, outcome: Outcome) -> dict[str, Any]:
    """What an item's feedback template sees (documented in the authoring guide)."""
    return {
        "outcome": outcome.value,
        "score": score,
        "points": item.spec.points,
        "found": comparison.found,
        "expected": comparison.expected,
        "detail": comparison.detail,
        "refs": refs,
        "evidence": [e.render() for e in comparison.evidence],
        "description": item.spec.description,
        "carried_forward": comparison.carried,
    }


@dataclass(frozen=True)
class GradedItem:
    result: ItemResult
    flags: tuple[Note, ...]
    repairs: tuple[str, ...]
    value: Any = None  # the student's own answer as a value (Comparison.value), for later items' carry-forward


# the student's own values of the question's earlier items, by item id
Values = dict[str, Any]


def _with_carry_forward(item: Item, question: Question, segment: Segment, readings: Readings, values: Values) -> Comparison:
    """The item's comparison; if it falls short and the item carries references forward from
    earlier items, the better of that and the comparison with the references recomputed from
    the student's own earlier answers (error carried forward, as markers do)."""
    comparison = run_item(item, question.id, segment, question.refs, readings)
    if comparison.fraction >= 1 or not item.spec.carry_forward or comparison.outcome in (Outcome.MISSING, Outcome.INVALID):
        return comparison
    overrides = {name: values[source] for name, source in item.spec.carry_forward.items() if values.get(source) is not None}
    if not overrides:
        return comparison
    refs = recompute_references(question, overrides)
    if refs is None:
        return comparison
    carried = run_item(item, question.id, segment, refs, readings)
    if carried.fraction <= comparison.fraction:
        return comparison
    sources = ", ".join(_source(question, source, values[source])
                        for name, source in item.spec.carry_forward.items() if name in overrides)
    how = f"follows from {sources}: error carried forward"
    return replace(carried, carried=how, detail=f"{carried.detail}; {how}" if carried.detail else how,
                   flags=tuple(carried.flags) + (note("carried-forward", how),), value=comparison.value)


def _source(question: Question, source: str, value: Any) -> str:
    """"your answer to (a) (0.106)": the earlier answer carried forward, as a student reads it."""
    part = next((i.spec.part for i in question.items if i.id == source), None)
    what = f"your answer to ({part})" if part else f"your {source}"
    return what if getattr(value, "is_Matrix", False) else f"{what} ({_shown(value)})"


def _shown(value: Any) -> str:
    if isinstance(value, Fraction):
        return str(value.numerator) if value.denominator == 1 else decimal_text(value, 4).rstrip("0").rstrip(".")
    return str(value)


def not_graded(item: Item, code: str, why: str, comparison: Comparison | None = None) -> GradedItem:
    """The result of an item the grader could not decide: 0 points, flagged, left to a TA."""
    said = CATALOGUE[code].message.removeprefix("not graded: ")
    if item.spec.points > 0:
        text = f"Not graded: {said}. A TA will grade this item."
    else:
        text = f"Not decided: {said}. Whether this deduction applies is left to a TA."
    result = ItemResult(
        id=item.id, score=0.0, max=max(item.spec.points, 0.0), outcome=Outcome.NOT_GRADED,
        found=comparison.found if comparison else "", expected=comparison.expected if comparison else "",
        feedback=text, evidence=comparison.evidence if comparison else (), hidden=item.spec.hidden, detail=why,
    )
    return GradedItem(result, (note(code, why, item=item.id),), ())


def grade_item(item: Item, question: Question, segment: Segment, readings: Readings, budget: float,
               values: Values | None = None) -> GradedItem:
    deadline = time.monotonic() + budget
    refs = question.refs
    try:
        comparison = run_limited(_with_carry_forward, item, question, segment, readings, values or {}, seconds=budget)
    except BudgetExceeded as exc:
        return not_graded(item, "time-limit", f"the check {exc}")
    except Exception as exc:  # a bug in a type or a solver: the grader's fault, never the student's
        return not_graded(item, "grader-fault", f"{type(exc).__name__}: {exc}")
    score, maximum, outcome = score_of(item, comparison)
    try:
        context = feedback_context(item, refs, comparison, score, outcome)
        feedback = run_limited(render_feedback, item.spec.feedback, outcome, context,
                               seconds=max(deadline - time.monotonic(), 0.001))
    except BudgetExceeded as exc:
        return not_graded(item, "time-limit", f"its feedback {exc}", comparison)
    except Exception as exc:  # the rubric's template failed (a misspelt variable, a loop too long ...)
        return not_graded(item, "feedback-fault", f"{type(exc).__name__}: {exc}", comparison)
    result = ItemResult(
        id=item.id, score=score, max=maximum, outcome=outcome, found=comparison.found, expected=comparison.expected,
        feedback=feedback, evidence=comparison.evidence, hidden=item.spec.hidden, detail=comparison.detail,
    )
    return GradedItem(result, _notes(tuple(comparison.flags), item.id), tuple(comparison.repairs), comparison.value)


def _anywhere_in_the_answer(item: Item) -> Item:
    """An item of an earlier part whose label was not found: the whole answer is read, and its final
    statement is the last part's, so the item's answer is looked for anywhere (``find: any``)."""
    if getattr(item.params, "find", None) != "final":
        return item
    return replace(item, params=item.params.model_copy(update={"find": "any"}))


def _implied(question: Question, graded: list[GradedItem]) -> list[GradedItem]:
    """Items earned because the items they are ``implied_by`` are fully right, judged on those items'
    own results (an implied credit never implies another)."""
    by_id = {item.id: done.result for item, done in zip(question.items, graded)}
    out = []
    for item, done in zip(question.items, graded):
        sources = [by_id[i] for i in item.spec.implied_by]
        result = done.result
        if not sources or result.score >= result.max or result.max <= 0 \
                or not all(s.outcome is Outcome.CORRECT and s.score >= s.max for s in sources):
            out.append(done)
            continue
        names = " and ".join(_described(question, s.id) for s in sources)
        how = f"implied by {', '.join(s.id for s in sources)}"
        feedback = f"Credited: the marking scheme gives this mark for {names}, which you have right."
        implied = replace(result, score=result.max, outcome=Outcome.CORRECT, found=sources[0].found,
                          evidence=tuple(e for s in sources for e in s.evidence), feedback=feedback, detail=how)
        out.append(replace(done, result=implied, flags=done.flags + (note("implied", how, item=item.id),)))
    return out


def _described(question: Question, item_id: str) -> str:
    """How a student reads another item: "your (a) log-likelihood …" from its part and description."""
    item = next(i for i in question.items if i.id == item_id)
    text = item.spec.description
    return f"your {text}" if text.startswith("(") else f"your answer ({text})"


def grade_question(question: Question, segment: Segment, budget_seconds: float) -> QuestionResult:
    """Every item of the question, in the rubric's order (a later item may carry an earlier one's
    answer forward); an item of a part reads only that part's lines."""
    readings: Readings = {}
    values: Values = {}
    if not segment.question_words:  # graded outside the engine (a test, a self-test): the statement as written
        segment = replace(segment, question_words=printed_words(question.spec.title, question.spec.statement or ""))
    split = split_parts(segment, question.spec.parts) if question.spec.parts else None
    graded = []
    for item in question.items:
        scoped = split.segment_for(item.spec.part, segment) if split else segment
        if split and item.spec.part in split.unlabelled and item.spec.part != question.spec.parts[-1]:
            item = _anywhere_in_the_answer(item)
        done = grade_item(item, question, scoped, readings, budget_seconds, values)
        values[item.id] = done.value
        graded.append(done)
    graded = _implied(question, graded)
    part_flags: tuple[Note, ...] = ()
    if split and segment.lines and split.unlabelled and any(item.spec.part in split.unlabelled for item in question.items):
        part_flags = (note("part-unlabelled", "no label found for part " + ", ".join(f"({p})" for p in split.unlabelled)),)
    items = tuple(g.result for g in graded)
    raw = sum(item.score for item in items)
    return QuestionResult(
        id=question.id,
        title=question.spec.title,
        score=round(min(max(raw, 0.0), question.spec.points), 4),
        max=question.spec.points,
        spans=segment.spans,
        flags=tuple(dict.fromkeys(segment.flags + part_flags + tuple(n for g in graded for n in g.flags))),
        items=items,
        answer=segment.lines,
        repairs=tuple(dict.fromkeys(r for g in graded for r in g.repairs)),
    )
