"""Self-tests of a rubric: every item grades its own generated answers as labelled.

Each question type makes, from the references, answers that must come out
``correct`` (the check holds fully), ``incorrect`` (it does not, e.g. a number just
outside the tolerance) and ``invalid`` (unreadable or missing). ``grader validate``
grades them through the same code as real submissions (grader.grading.run_item);
a mismatch means the rubric (or the type) does not grade what its author thinks.

Each self-test also renders every one of the item's feedback templates with what
that answer produced, so a misspelt variable or a failing template is a rubric
error at ``validate`` time, with its file and line, not a fault on every sheet.
"""

from __future__ import annotations

from dataclasses import dataclass

from grader.errors import BudgetExceeded
from grader.feedback import render_feedback
from grader.grading import score_of, feedback_context, run_item
from grader.limits import run_limited
from grader.model import Outcome, Segment
from grader.rubric.loader import Item, Question, Rubric
from grader.types.base import Comparison, SelfTest


@dataclass(frozen=True)
class SelfTestFailure:
    file: str
    line: int
    question_id: str
    item_id: str
    text: str  # what went wrong, after the item's key

    def message(self) -> str:
        return f"items.{self.item_id}{self.text}"


def _verdict(comparison: Comparison) -> str:
    if comparison.outcome in (Outcome.INVALID, Outcome.MISSING):
        return "invalid"
    return "correct" if comparison.fraction >= 1.0 else "incorrect"


def _shown(text: str) -> str:
    answer = " ".join(text.split())
    return answer if len(answer) <= 60 else answer[:57] + "..."


def _templates(item: Item) -> list[tuple[str, Outcome]]:
    """(key, the outcome to render it with) for every template of the item's feedback."""
    feedback = item.spec.feedback
    if isinstance(feedback, str):
        return [("", Outcome.CORRECT)]
    return [(f".{key}", Outcome(key) if key in Outcome._value2member_map_ else Outcome.INCORRECT) for key in feedback]


def _check_item(item: Item, question: Question, test: SelfTest, budget: float) -> list[SelfTestFailure]:
    def failure(line: int, text: str) -> SelfTestFailure:
        return SelfTestFailure(question.file, line, question.id, item.id, text)

    segment = Segment.from_text(question.id, test.text)
    try:
        comparison = run_limited(run_item, item, question.id, segment, question.refs, {}, seconds=budget)
    except BudgetExceeded:
        got = "over its time budget"
    except Exception as exc:  # the type or solver failed on the rubric's own answer
        got = f"not graded: the grader failed ({type(exc).__name__}: {exc})"
    else:
        got = _verdict(comparison)
        problems = []
        score, _, _ = score_of(item, comparison)
        for key, outcome in _templates(item):
            context = feedback_context(item, question.refs, comparison, score, outcome)
            try:
                run_limited(render_feedback, {outcome.value: _source(item, key)}, outcome, context, seconds=budget)
            except Exception as exc:  # noqa: BLE001 — any failure of the author's template is theirs to fix
                problems.append(failure(item.feedback_line, f".feedback{key}: template error: {type(exc).__name__}: {exc}"))
        if problems:
            return problems
    if got == test.label:
        return []
    article = "an" if test.label[0] in "aeiou" else "a"
    return [failure(item.line, f": self-test: {article} {test.label} answer ({_shown(test.text)!r}) was graded {got}")]


def _source(item: Item, key: str) -> str:
    feedback = item.spec.feedback
    return feedback if isinstance(feedback, str) else feedback[key[1:]]


def self_test(rubric: Rubric) -> list[SelfTestFailure]:
    """Grade every item's generated answers and render its feedback; return what is not as it should be."""
    failures: list[SelfTestFailure] = []
    for question in rubric.questions:
        for item in question.items:
            for test in item.qtype.self_test(item.params, question.refs):
                for found in _check_item(item, question, test, rubric.exam.budget_seconds):
                    if found not in failures:
                        failures.append(found)
    return failures
