"""The one way to grade a sheet: ``Grader(rubric).grade_file(path)``, used by ``check``,
by ``grade`` (in each worker) and by the self-tests' callers.

Every stage of a sheet runs inside its budget: reading (decoding, normalising) and
segmenting together get ``READING_BUDGETS`` item budgets, every rubric item its own
(grader.grading). ``_graded`` is the one place where a failure becomes a result:
a file that is not a transcript, a stage past its time limit or a bug of ours
becomes this sheet's error result with a catalogued flag; it never stops a batch.

Signals make budgets work only in a process's main thread. Called from another
thread, the whole sheet is graded in a forked child (whose only thread is its main
thread) so the result is the same record, byte for byte, as in the main thread.

Identical answers cost once: ``grade_question`` is memoised per (question, segment)
— a segment is the answer's lines with their line numbers and flags, everything a
question's grade depends on. A result with a transient flag (a time limit) is
never kept: it depends on the machine's load, not on the answer.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from dataclasses import replace
from pathlib import Path
from typing import Callable

from grader.errors import BudgetExceeded, SubmissionError
from grader.flags import Note, is_transient, note
from grader.grading import grade_question
from grader.reading.question_text import Printed, statement_lines, without_question_text
from grader.limits import run_in_child, run_limited
from grader.model import Line, QuestionResult, Segment, SubmissionResult
from grader.reading.document import Document, read_submission, read_text
from grader.reading.segment import QuestionCue, Segmentation, is_furniture, segment
from grader.rubric.loader import Question, Rubric

CACHE_SIZE = 4096
READING_BUDGETS = 2  # reading and segmenting a sheet get this many item budgets
# No handwritten answer runs to this many lines (the real sheet's longest has 70). Past it the
# answer is graded on its first lines and flagged: the size limit keeps a padded sheet's work,
# and so its result, independent of the machine's load, where a time limit alone would not.
MAX_ANSWER_LINES = 2000


def sheet_limit(rubric: Rubric) -> float:
    """A sheet's wall-clock limit: its item budgets plus reading and segmenting."""
    items = sum(len(q.items) for q in rubric.questions)
    return rubric.exam.budget_seconds * (items + READING_BUDGETS)


def cues(rubric: Rubric) -> list[QuestionCue]:
    return [QuestionCue(q.id, tuple(q.spec.markers), tuple(q.spec.terms)) for q in rubric.questions]


def error_result(rubric: Rubric, sid: str, file: str, flag: Note) -> SubmissionResult:
    return SubmissionResult(sid, file, "error", flag.message, 0.0, rubric.total, (), (flag,))


def _unplaced_flag(segmentation: Segmentation) -> tuple[Note, ...]:
    """Lines before the first answer are the sheet's header (name, roll number): shown, not flagged.
    Page furniture is not flagged either. A line left out after answers began is text the
    segmenter could not place: a TA should see it."""
    placed = [line.number for seg in segmentation.segments.values() for line in seg.lines]
    first = min(placed, default=None)
    stray = [line for line in segmentation.unassigned
             if first is not None and line.number > first and not is_furniture(line.text)]
    return (note("unplaced-text", f"{len(stray)} line{'s' if len(stray) != 1 else ''}"),) if stray else ()


def _bounded(seg: Segment) -> Segment:
    """The segment with at most MAX_ANSWER_LINES lines (flagged when lines were left out)."""
    if len(seg.lines) <= MAX_ANSWER_LINES:
        return seg
    kept = seg.lines[:MAX_ANSWER_LINES]
    flag = note("answer-truncated", f"{len(seg.lines)} lines; the first {MAX_ANSWER_LINES}, to line {kept[-1].number}, were graded")
    return replace(seg, lines=kept, flags=seg.flags + (flag,))


def printed_question(question: Question, budget: float) -> Printed:
    """What the question's rendered ``statement`` prints (nothing without one, or when it fails to
    render: ``grader validate`` reports that)."""
    if not question.spec.statement:
        return statement_lines("", question.spec.title)
    from grader.feedback import render_feedback
    from grader.model import Outcome
    from grader.model_answers import template_context

    try:
        text = run_limited(render_feedback, question.spec.statement, Outcome.CORRECT, template_context(question),
                           seconds=budget)
    except Exception:  # noqa: BLE001 — a failing template only means nothing is recognised as copied
        return statement_lines("", question.spec.title)
    return statement_lines(text, question.spec.title)


class Grader:
    def __init__(self, rubric: Rubric, cache_size: int = CACHE_SIZE):
        self.rubric = rubric
        self.cues = cues(rubric)
        self.cache_size = cache_size
        self.cache: OrderedDict[tuple[str, Segment], QuestionResult] = OrderedDict()
        self.hits = self.misses = 0
        self.printed = {q.id: printed_question(q, self.budget) for q in rubric.questions}

    @property
    def budget(self) -> float:
        return self.rubric.exam.budget_seconds

    # --- the stages ------------------------------------------------------------------------

    def _question(self, question: Question, seg: Segment) -> QuestionResult:
        key = (question.id, seg)
        cached = self.cache.get(key)
        if cached is not None:
            self.hits += 1
            self.cache.move_to_end(key)
            return cached
        self.misses += 1
        result = grade_question(question, without_question_text(seg, self.printed[question.id]), self.budget)
        if self.cache_size and not is_transient(result.flags):
            self.cache[key] = result
            if len(self.cache) > self.cache_size:
                self.cache.popitem(last=False)
        return result

    def _grade(self, sid: str, file: str, load: Callable[[], Document]) -> SubmissionResult:
        def read() -> tuple[Document, Segmentation]:
            document = load()
            return document, segment(document, self.cues)

        document, segmentation = run_limited(read, seconds=self.budget * READING_BUDGETS)
        segments = {qid: _bounded(seg) for qid, seg in segmentation.segments.items()}
        questions = tuple(self._question(q, segments.get(q.id, Segment(q.id))) for q in self.rubric.questions)
        unplaced = tuple(Line(line.number, line.text) for line in segmentation.unassigned[:MAX_ANSWER_LINES])
        return SubmissionResult(sid, file, "graded", None, round(sum(q.score for q in questions), 4),
                                self.rubric.total, questions, _unplaced_flag(segmentation), unplaced)

    def _graded(self, sid: str, file: str, work: Callable[[], SubmissionResult]) -> SubmissionResult:
        """``work()``, or this sheet's error result saying why it could not be graded."""
        try:
            return work()
        except SubmissionError as exc:
            return error_result(self.rubric, sid, file, note("unreadable-file", str(exc)))
        except BudgetExceeded as exc:
            return error_result(self.rubric, sid, file, note("sheet-time-limit", f"reading the sheet {exc}"))
        except Exception as exc:  # a grader bug (or MemoryError): this sheet's error; the batch goes on
            return error_result(self.rubric, sid, file, note("grader-fault", f"{type(exc).__name__}: {exc}"))

    # --- the entry points ------------------------------------------------------------------

    def grade_text(self, text: str, sid: str = "submission", file: str = "<text>") -> SubmissionResult:
        return self._in_main_thread(lambda: self._graded(sid, file, lambda: self._grade(
            sid, file, lambda: read_text(text, file))), sid, file)

    def grade_file(self, path: Path, sid: str | None = None, file: str | None = None) -> SubmissionResult:
        sid = sid or path.stem
        file = file or path.as_posix()
        return self._in_main_thread(lambda: self._graded(sid, file, lambda: self._grade(
            sid, file, lambda: read_submission(path))), sid, file)

    def _in_main_thread(self, work: Callable[[], SubmissionResult], sid: str, file: str) -> SubmissionResult:
        if threading.current_thread() is threading.main_thread():
            return work()
        try:
            return run_in_child(work, seconds=sheet_limit(self.rubric))
        except BudgetExceeded as exc:
            return error_result(self.rubric, sid, file, note("sheet-time-limit", f"the sheet {exc}"))
