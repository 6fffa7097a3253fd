"""Self-tests of a rubric: every item grades its own generated answers as labelled.

Each question type makes, from the references, answers that must come out
``correct`` (the check holds fully), ``incorrect`` (it does not, e.g. a number just
outside the tolerance) and ``invalid`` (unreadable or missing). ``grader validate``
grades them through the same code path as real submissions; a mismatch means the
rubric (or the type) does not grade what its author thinks it grades.
"""

from __future__ import annotations

from dataclasses import dataclass

from grader.errors import BudgetExceeded
from grader.grading import run_item
from grader.limits import run_limited
from grader.model import Outcome, Segment
from grader.rubric.loader import Item, Question, Rubric
from grader.types.base import Comparison, QuestionContext, SelfTest


@dataclass(frozen=True)
class SelfTestFailure:
    file: str
    line: int
    question_id: str
    item_id: str
    label: str
    text: str
    got: str

    def message(self) -> str:
        answer = " ".join(self.text.split())
        if len(answer) > 60:
            answer = answer[:57] + "..."
        return f"items.{self.item_id}: self-test: a {self.label} answer ({answer!r}) was graded {self.got}"


def _verdict(comparison: Comparison) -> str:
    if comparison.outcome in (Outcome.INVALID, Outcome.MISSING):
        return "invalid"
    return "correct" if comparison.fraction >= 1.0 else "incorrect"


def _run(item: Item, question: Question, test: SelfTest, budget: float) -> str:
    ctx = QuestionContext(question.id, Segment.from_text(question.id, test.text), question.refs)
    try:
        return _verdict(run_limited(run_item, item, ctx, seconds=budget))
    except BudgetExceeded:
        return "over its time budget"


def self_test(rubric: Rubric) -> list[SelfTestFailure]:
    """Grade every item's generated answers; return the ones not graded as labelled."""
    failures = []
    for question in rubric.questions:
        for item in question.items:
            for test in item.qtype.self_test(item.params, question.refs):
                got = _run(item, question, test, rubric.exam.budget_seconds)
                if got != test.label:
                    failures.append(SelfTestFailure(question.file, item.line, question.id, item.id, test.label, test.text, got))
    return failures
