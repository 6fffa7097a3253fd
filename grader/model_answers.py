"""A question's ``statement`` and ``model_answer`` templates, and the self-test that the
model answers earn full marks.

Both templates are the rubric author's, rendered by the feedback sandbox
(``grader.feedback.render_feedback``) under the exam's time budget, and see:

* ``refs``: every reference of the question (given, computed and a solver's), as
  ``reference_text`` sees them;
* ``given``: only the question's given values (what the paper prints).

The model answers are graded as one sheet — every question's answer under the
first of its markers, in paper order — through the engine every real sheet goes
through (``Grader(rubric).grade_text``). ``grader validate`` reports each question
whose model answer does not earn full marks, naming the items that lost points
and why; ``grader variant`` writes the same sheet as ``model-answers.md``. Items of
type ``by_hand`` are left to a TA on every sheet, so they are not counted.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Literal

from grader.engine import Grader
from grader.errors import BudgetExceeded
from grader.feedback import render_feedback, template_variables
from grader.limits import run_limited
from grader.model import ItemResult, Outcome, QuestionResult
from grader.rubric.loader import Question, Rubric
from grader.rubric.yamlsource import load_located

Problem = tuple[str, int, str]
TemplateKey = Literal["statement", "model_answer"]
TEMPLATE_VARIABLES = ("refs", "given")
SHEET_NAME = "model-answers.md"


def template_context(question: Question) -> dict[str, Any]:
    """What ``statement`` and ``model_answer`` templates see (documented in docs/variants.md)."""
    given = getattr(question.refs, "given", {})
    return {"refs": question.refs, "given": {name: question.refs[name] for name in given if name in question.refs}}


def _line(question: Question, key: str) -> int:
    return load_located(Path(question.file)).line_of((key,))


def render_templates(rubric: Rubric, key: TemplateKey) -> tuple[dict[str, str], list[Problem]]:
    """Every question's ``key`` template, rendered (question id → text; questions without
    one are left out), and a ``FILE:LINE`` problem for each template that fails."""
    texts: dict[str, str] = {}
    problems: list[Problem] = []
    for question in rubric.questions:
        source = getattr(question.spec, key)
        if not source:
            continue
        unknown = sorted(template_variables(source) - set(TEMPLATE_VARIABLES))
        if unknown:  # caught even in a branch this question's values do not take (another variant's may)
            problems.append((question.file, _line(question, key), f"{key}: unknown variable {', '.join(map(repr, unknown))}; "
                             f"these templates can use {', '.join(TEMPLATE_VARIABLES)}"))
            continue
        try:
            text = run_limited(render_feedback, source, Outcome.CORRECT, template_context(question),
                               seconds=rubric.exam.budget_seconds)
        except BudgetExceeded as exc:
            problems.append((question.file, _line(question, key), f"{key}: the template {exc}"))
            continue
        except Exception as exc:  # noqa: BLE001 — any failure of the author's template is theirs to fix
            problems.append((question.file, _line(question, key), f"{key}: template error: {type(exc).__name__}: {exc}"))
            continue
        if not text.strip():
            problems.append((question.file, _line(question, key), f"{key}: the template renders no text"))
            continue
        texts[question.id] = text
    return texts, problems


def model_answer_sheet(rubric: Rubric, answers: dict[str, str]) -> str:
    """The answer sheet a student writing ``answers`` would hand in: each under the first
    marker of its question (a label the segmenter reads), in paper order, nothing else
    (a heading could be read as part of an answer)."""
    blocks = [f"{question.spec.markers[0]} {answers[question.id]}" for question in rubric.questions if question.id in answers]
    return "\n\n".join(blocks) + "\n"


def _lost(item: ItemResult) -> str:
    why = item.outcome.value
    if item.found:
        why += f": found {item.found!r}"
    if item.expected:
        why += f", expected {item.expected!r}" if item.found else f": expected {item.expected!r}"
    elif item.detail and not item.found:
        why += f": {item.detail}"
    return f"{item.id} lost {item.max - item.score:g} ({why})"


def _shortfalls(question: Question, result: QuestionResult) -> list[str]:
    by_hand = {item.id for item in question.items if item.qtype.name == "by_hand"}
    return [_lost(item) for item in result.items if item.id not in by_hand and item.score < item.max - 1e-9]


def grade_model_answers(rubric: Rubric, answers: dict[str, str]) -> list[Problem]:
    """A ``FILE:LINE`` problem for each question whose answer in ``answers`` does not earn
    full marks when the sheet of them all is graded."""
    if not answers:
        return []
    result = Grader(rubric).grade_text(model_answer_sheet(rubric, answers), sid="model-answers", file=SHEET_NAME)
    answered = [q for q in rubric.questions if q.id in answers]
    if result.status != "graded":
        return [(q.file, _line(q, "model_answer"), f"model_answer: the model answers could not be graded: {result.error}")
                for q in answered]
    graded = {q.id: q for q in result.questions}
    problems = []
    for question in answered:
        shortfalls = _shortfalls(question, graded[question.id])
        if shortfalls:
            got = graded[question.id]
            problems.append((question.file, _line(question, "model_answer"),
                             f"model_answer: earns {got.score:g} of {got.max:g} points: {'; '.join(shortfalls)}"))
    return problems


def model_answer_problems(rubric: Rubric) -> list[Problem]:
    """What ``grader validate`` reports: statements and model answers that cannot be rendered,
    and model answers that do not earn full marks."""
    _, statement_problems = render_templates(rubric, "statement")
    answers, answer_problems = render_templates(rubric, "model_answer")
    return sorted(statement_problems + answer_problems + grade_model_answers(rubric, answers))

