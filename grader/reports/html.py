"""The HTML pages: one per submission and the class report, from jinja2 templates.

Autoescape is on and no template is ever built from student text: what a student
wrote reaches a template only as a value, escaped there, or as Markup made by
``mathml.render_text`` (escaped text + allow-listed MathML). The page loads nothing:
the CSS is inlined and allowed by its hash in a strict Content-Security-Policy, the
charts are inline SVG, and there is no script at all.
"""

from __future__ import annotations

import base64
import hashlib
from dataclasses import dataclass
from functools import lru_cache
from importlib.resources import files
from typing import Any, Literal, Sequence

from jinja2 import Environment, PackageLoader, StrictUndefined
from markupsafe import Markup

from grader.flags import for_audience, needs_review
from grader.inputs import page_href
from grader.model import Line, QuestionInfo, QuestionResult, RubricInfo, SubmissionResult
from grader.reports import stats, svg
from grader.reports.mathml import render_formula, render_text

Audience = Literal["ta", "student"]
_MAX_GROUPED_LINES = 30  # a $$ opened and never closed within this many lines is not one formula


@lru_cache(maxsize=1)
def environment() -> Environment:
    env = Environment(
        loader=PackageLoader("grader", "templates"),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters["fmt"] = svg.fmt
    env.filters["math"] = render_text
    env.filters["formula"] = render_formula
    env.filters["repair"] = _repair_in_words
    env.filters["page"] = page_href  # a link: the file name, URL-quoted
    return env


def _repair_in_words(name: str) -> str:
    from grader.mathtext.repairs import repair_in_words, registered

    registered()  # the installed packs describe their own repairs
    return repair_in_words(name)


@lru_cache(maxsize=1)
def stylesheet() -> tuple[Markup, Markup]:
    """The CSS (ours, trusted) and its CSP source expression 'sha256-…'."""
    css = files("grader").joinpath("templates/report.css").read_text(encoding="utf-8")
    digest = base64.b64encode(hashlib.sha256(css.encode("utf-8")).digest()).decode("ascii")
    return Markup(css), Markup(f"'sha256-{digest}'")


@dataclass(frozen=True)
class AnswerRow:
    numbers: tuple[int, ...]
    html: Markup
    evidence_for: tuple[str, ...]  # ids of the items whose evidence sits on these lines


def _unclosed(text: str) -> str | None:
    """The display delimiter a line leaves open ('$$' or '\\['), if any."""
    if text.count("$$") % 2:
        return "$$"
    if text.count("\\[") > text.count("\\]"):
        return "\\["
    return None


def _grouped(lines: Sequence[Line]) -> list[list[Line]]:
    """Lines, with a display formula that spans several lines kept together so it renders whole."""
    groups: list[list[Line]] = []
    index = 0
    while index < len(lines):
        opener = _unclosed(lines[index].text)
        closer = "$$" if opener == "$$" else "\\]"
        if opener:
            for end in range(index + 1, min(index + _MAX_GROUPED_LINES, len(lines))):
                if closer in lines[end].text:
                    groups.append(list(lines[index:end + 1]))
                    index = end + 1
                    break
            else:
                groups.append([lines[index]])
                index += 1
            continue
        groups.append([lines[index]])
        index += 1
    return groups


def answer_rows(question: QuestionResult, visible_items: Sequence[Any]) -> list[AnswerRow]:
    evidence: dict[int, list[str]] = {}
    for item in visible_items:
        for piece in item.evidence:
            if piece.line is not None and item.id not in evidence.setdefault(piece.line, []):
                evidence[piece.line].append(item.id)
    rows = []
    for group in _grouped(question.answer):
        numbers = tuple(line.number for line in group)
        html = render_text("\n".join(line.text for line in group))
        marked = tuple(dict.fromkeys(i for n in numbers for i in evidence.get(n, ())))
        rows.append(AnswerRow(numbers, html, marked))
    return rows


def _reference(question: QuestionInfo) -> Markup | None:
    """The question's model answer (the rubric's template, filled with the computed references)."""
    if not question.reference:
        return None
    return Markup("<br>").join(render_text(line) for line in question.reference.splitlines())


@dataclass(frozen=True)
class QuestionView:
    result: QuestionResult
    title: str
    items: list[Any]
    flags: list[str]
    rows: list[AnswerRow]
    lines_shown: frozenset[int]
    reference: Markup | None
    show_expected: bool


def _question_view(info: QuestionInfo | None, result: QuestionResult, audience: Audience) -> QuestionView:
    items = [item for item in result.items if audience == "ta" or not item.hidden]
    allowed = audience == "ta" or bool(info and info.show_references_to_students)
    rows = answer_rows(result, items)
    return QuestionView(
        result=result,
        title=result.title or (info.title if info else result.id),
        items=items,
        flags=[str(n) for n in for_audience(result.flags, audience)],
        rows=rows,
        lines_shown=frozenset(n for row in rows for n in row.numbers),
        reference=_reference(info) if allowed and info is not None else None,
        show_expected=allowed,
    )


def _page(template: str, **context: Any) -> str:
    css, style_hash = stylesheet()
    return environment().get_template(template).render(css=css, style_hash=style_hash, **context)


def render_submission(info: RubricInfo, result: SubmissionResult, audience: Audience = "ta") -> str:
    """The HTML page of one submission for ``audience`` ('ta': everything; 'student': no hidden items)."""
    if audience not in ("ta", "student"):
        raise ValueError(f"audience must be 'ta' or 'student', not {audience!r}")
    by_id = {q.id: q for q in info.questions}
    questions = [_question_view(by_id.get(q.id), q, audience) for q in result.questions]
    bars = svg.score_bars([svg.Bar(q.id, q.score, q.max) for q in result.questions], f"score per question of {result.id}")
    unplaced = [AnswerRow((line.number,), render_text(line.text), ()) for line in result.unplaced]
    # Points of items the engine did not decide (time limit, fault, by hand): the total is not final.
    pending = sum(i.max for q in result.questions for i in q.items if i.outcome.value == "not-graded")
    return _page("submission.j2", exam=info, result=result, questions=questions, bars=bars, audience=audience,
                 sheet_flags=[str(n) for n in for_audience(result.flags, audience)], unplaced=unplaced, pending=pending)


@dataclass(frozen=True)
class StudentRow:
    result: SubmissionResult
    scores: list[float | None]  # per rubric question, None where the result has no such question
    flagged: int


def _student_row(info: RubricInfo, result: SubmissionResult) -> StudentRow:
    by_id = {q.id: q.score for q in result.questions}
    return StudentRow(result, [by_id.get(q.id) for q in info.questions], sum(1 for q in result.questions if needs_review(q.flags)))


def render_class(info: RubricInfo, results: Sequence[SubmissionResult]) -> str:
    """The class report: distribution, per-question spread, item analysis, review queue, answer groups."""
    graded = stats.graded(results)
    totals = [r.score for r in graded]
    counts, edges = stats.histogram(totals, info.total)
    per_question = stats.question_stats(info, results)
    spread = svg.spread_bars(
        [svg.Spread(q.id, q.mean, q.sd, q.low, q.high, q.points) for q in per_question], "mean and spread per question"
    )
    summary = {
        "submissions": len(results),
        "graded": len(graded),
        "errors": len(results) - len(graded),
        "mean": stats.mean(totals),
        "sd": stats.population_sd(totals),
        "low": min(totals, default=0.0),
        "high": max(totals, default=0.0),
    }
    return _page(
        "class.j2",
        exam=info,
        questions=list(info.questions),
        students=[_student_row(info, r) for r in results],
        summary=summary,
        histogram=svg.histogram(counts, edges, "distribution of total scores"),
        per_question=per_question,
        spread=spread,
        items=stats.item_analysis(info, results),
        queue=stats.review_queue(results),
        groups=stats.answer_groups(info, results),
        upper_lower_share=stats.UPPER_LOWER_SHARE,
    )
