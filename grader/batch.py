"""Grade many submissions in worker processes, journaling each result as it arrives.

``run_batch`` grades every submission not already in the journal (OUT/.partial,
see grader.journal) and writes one entry per submission as soon as it is graded,
so memory stays flat and an interrupted batch resumes where it stopped.
``finish_batch`` then streams the journal, in submission-id order, into
results.json, grades.csv and the HTML reports, and removes the journal.

Work done once: workers are forked after the rubric is loaded (references solved
once per batch), and each worker memoises ``grade_question`` per (question,
segment): a segment is the answer's lines WITH their line numbers and its flags,
everything a question's grade depends on, so identical answers cost once and the
results are the same with or without the cache.

Limits: every item runs under the exam's time budget inside the worker
(grader.grading); on top of that the parent gives each sheet a wall-clock limit
and kills a worker that passes it, and a worker that dies (killed, out of memory,
crashed) costs only the sheet it was grading, which becomes an error result.
The parent knows exactly which sheet each worker holds: one task at a time.
"""

from __future__ import annotations

import multiprocessing
import os
import signal
import time
from collections import OrderedDict, deque
from multiprocessing.connection import wait
from pathlib import Path
from typing import Any, Callable

from grader.errors import GraderError, SubmissionError
from grader.grading import grade_question
from grader.journal import Journal, decode_result, file_sha256, _Strings
from grader.model import QuestionResult, Segment, SubmissionResult
from grader.output import ResultsJsonWriter, grades_csv, strip_journal_fields, write_atomic
from grader.pipeline import cues, error_result
from grader.reading.document import Document, read_submission
from grader.reading.segment import segment
from grader.reports import render_class, render_submission
from grader.reports.exports import gradebook
from grader.reports.html import page_href
from grader.rubric.loader import Question, Rubric, load_rubric

OnDone = Callable[[str], None]
CACHE_SIZE = 4096


def default_jobs() -> int:
    return max(1, len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1))


def sheet_limit(rubric: Rubric) -> float:
    """A sheet's wall-clock limit: what its item budgets allow, plus reading, segmenting and its page."""
    items = sum(len(q.items) for q in rubric.questions)
    return rubric.exam.budget_seconds * (items + 2)


class SheetGrader:
    """Grades submissions with one rubric; the same as grader.pipeline.grade_file, memoised."""

    def __init__(self, rubric: Rubric, cache_size: int = CACHE_SIZE):
        self.rubric = rubric
        self.cues = cues(rubric)
        self.cache_size = cache_size
        self.cache: OrderedDict[tuple[str, Segment], QuestionResult] = OrderedDict()
        self.hits = self.misses = 0

    def question(self, question: Question, seg: Segment) -> QuestionResult:
        key = (question.id, seg)
        cached = self.cache.get(key)
        if cached is not None:
            self.hits += 1
            self.cache.move_to_end(key)
            return cached
        self.misses += 1
        result = grade_question(question, seg, self.rubric.exam.budget_seconds)
        # A budget overrun depends on the machine's load, not only on the answer: never reuse it.
        if self.cache_size and "budget-exceeded" not in result.flags:
            self.cache[key] = result
            if len(self.cache) > self.cache_size:
                self.cache.popitem(last=False)
        return result

    def grade_document(self, document: Document, sid: str, file: str) -> SubmissionResult:
        segments = segment(document, self.cues).segments
        questions = tuple(self.question(q, segments.get(q.id, Segment(q.id))) for q in self.rubric.questions)
        score = round(sum(q.score for q in questions), 4)
        return SubmissionResult(sid, file, "graded", None, score, self.rubric.total, questions)

    def grade_file(self, path: Path, sid: str) -> SubmissionResult:
        """Grade one file; any failure becomes this submission's error result (as grader.pipeline.grade_file)."""
        file = path.as_posix()
        try:
            return self.grade_document(read_submission(path), sid, file)
        except SubmissionError as exc:
            return error_result(self.rubric, sid, file, str(exc))
        except GraderError as exc:
            return error_result(self.rubric, sid, file, f"could not be graded: {exc}")
        except Exception as exc:  # a grader bug (or MemoryError): this sheet's error; the batch goes on
            return error_result(self.rubric, sid, file, f"internal error while grading ({type(exc).__name__}: {exc})")


def _journal_result(journal: Journal, rubric: Rubric, audience: str, result: SubmissionResult, content: str) -> None:
    try:
        page = render_submission(rubric, result, audience)  # type: ignore[arg-type]
    except Exception as exc:  # a report bug must not lose the grade: record it as the sheet's error
        result = error_result(rubric, result.id, result.file, f"internal error while writing its page ({type(exc).__name__}: {exc})")
        page = render_submission(rubric, result, audience)  # type: ignore[arg-type]
    journal.write(result.id, result.file, content, result, page)


def _grade_one(grader: SheetGrader, journal: Journal, audience: str, sid: str, path: Path) -> None:
    content = file_sha256(path)
    _journal_result(journal, grader.rubric, audience, grader.grade_file(path, sid), content)


def _worker_main(conn: Any, rubric: Rubric | str, out: str, audience: str, cache_size: int, parent: int) -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle: it stops us
    loaded = rubric if isinstance(rubric, Rubric) else load_rubric(rubric)
    grader = SheetGrader(loaded, cache_size)
    journal = Journal(Path(out), loaded.sha256, audience)
    while True:
        # Forked siblings hold copies of our pipe, so a killed parent is not seen as EOF: watch for it.
        while not conn.poll(1.0):
            if os.getppid() != parent:
                return
        task = conn.recv()
        if task is None:
            return
        sid, path = task
        _grade_one(grader, journal, audience, sid, Path(path))
        conn.send(sid)


class _Worker:
    def __init__(self, rubric: Rubric, out: Path, audience: str, cache_size: int):
        methods = multiprocessing.get_all_start_methods()
        # fork shares the loaded rubric (its references already solved); spawn loads it again.
        context = multiprocessing.get_context("fork" if "fork" in methods else "spawn")
        payload: Rubric | str = rubric if "fork" in methods else rubric.folder
        self.conn, child = context.Pipe()
        self.process = context.Process(target=_worker_main, args=(child, payload, str(out), audience, cache_size, os.getpid()), daemon=True)
        self.process.start()
        child.close()
        self.task: tuple[str, Path] | None = None
        self.started = 0.0

    def give(self, task: tuple[str, Path]) -> None:
        self.conn.send((task[0], str(task[1])))
        self.task, self.started = task, time.monotonic()

    def stop(self) -> None:
        if self.process.is_alive() and self.task is None:
            try:
                self.conn.send(None)
            except OSError:
                pass
            self.process.join(timeout=2)
        if self.process.is_alive():
            self.process.kill()
        self.process.join()
        self.conn.close()


def run_batch(
    rubric: Rubric,
    submissions: list[tuple[str, Path]],
    out: Path,
    jobs: int = 1,
    audience: str = "ta",
    on_done: OnDone | None = None,
    sheet_seconds: float | None = None,
    cache_size: int = CACHE_SIZE,
) -> int:
    """Grade every ``(id, path)`` into the journal of ``out``; return how many were graded now (not resumed)."""
    journal = Journal(out, rubric.sha256, audience)
    resumed = journal.open()
    todo = []
    for sid, path in submissions:
        if resumed and journal.is_done(sid, path.as_posix(), file_sha256(path)):
            if on_done:
                on_done(sid)
        else:
            todo.append((sid, path))
    jobs = max(1, min(jobs, len(todo)))
    if jobs == 1:
        grader = SheetGrader(rubric, cache_size)
        for sid, path in todo:
            _grade_one(grader, journal, audience, sid, path)
            if on_done:
                on_done(sid)
    else:
        _run_workers(rubric, todo, out, jobs, audience, on_done, sheet_seconds or sheet_limit(rubric), journal, cache_size)
    return len(todo)


def _run_workers(
    rubric: Rubric, todo: list[tuple[str, Path]], out: Path, jobs: int, audience: str,
    on_done: OnDone | None, limit: float, journal: Journal, cache_size: int,
) -> None:
    queue = deque(todo)
    workers = [_Worker(rubric, out, audience, cache_size) for _ in range(jobs)]

    def lost(index: int, why: str) -> None:
        """The worker died or overran with a sheet: that sheet becomes an error; a fresh worker replaces it."""
        worker = workers[index]
        sid, path = worker.task  # type: ignore[misc]
        worker.task = None
        worker.stop()
        _journal_result(journal, rubric, audience, error_result(rubric, sid, path.as_posix(), why), file_sha256(path))
        if on_done:
            on_done(sid)
        workers[index] = _Worker(rubric, out, audience, cache_size)

    try:
        while True:
            for worker in workers:
                if worker.task is None and queue:
                    worker.give(queue.popleft())
            busy = [i for i, w in enumerate(workers) if w.task is not None]
            if not busy:
                return
            now = time.monotonic()
            timeout = max(0.0, min(workers[i].started + limit - now for i in busy))
            wait([workers[i].conn for i in busy] + [workers[i].process.sentinel for i in busy], timeout=timeout + 0.01)
            for i in busy:
                worker = workers[i]
                if worker.conn.poll():
                    try:
                        sid = worker.conn.recv()
                    except (EOFError, OSError):
                        lost(i, f"the grading process died (exit code {worker.process.exitcode}); this sheet was not graded")
                        continue
                    worker.task = None
                    if on_done:
                        on_done(sid)
                elif not worker.process.is_alive():
                    lost(i, f"the grading process died (exit code {worker.process.exitcode}); this sheet was not graded")
                elif time.monotonic() - worker.started > limit:
                    lost(i, f"took longer than the {limit:g} s limit per sheet; not graded")
    finally:
        for worker in workers:
            worker.stop()


def finish_batch(rubric: Rubric, submissions: list[tuple[str, Path]], out: Path, audience: str = "ta", export: str | None = None) -> list[SubmissionResult]:
    """Write results.json, grades.csv and the reports from the journal; remove it; return the results.

    The returned results carry no answer lines and no evidence (the class report and
    the summary need neither); every file is replaced whole, results.json last.
    """
    out = Path(out)
    journal = Journal(out, rubric.sha256, audience)
    share = _Strings()
    results: list[SubmissionResult] = []
    ordered = sorted(submissions, key=lambda s: s[0])
    with ResultsJsonWriter(rubric, out / "results.json") as writer:
        for sid, path in ordered:
            entry = journal.read(sid)
            if entry is None:
                raise GraderError(f"{path}: no graded result in {journal.folder}; run the batch again")
            writer.add(strip_journal_fields(entry["result"]))
            _publish_page(journal.page_path(sid), out, sid)
            results.append(decode_result(entry["result"], share, keep_evidence=False))
        write_atomic(out / "index.html", render_class(rubric, results))
        if export is not None:
            name, text = gradebook(rubric, results, export)
            write_atomic(out / name, text)
        write_atomic(out / "grades.csv", grades_csv(rubric, results))
    journal.remove()
    return results


def _publish_page(source: Path, out: Path, sid: str) -> None:
    target = out / page_href(sid)
    if target.parent != out or target.name.startswith("."):
        raise GraderError(f"submission id {sid!r} cannot be used as a file name")
    tmp = out / f".{target.name}.tmp"
    tmp.unlink(missing_ok=True)
    try:
        os.link(source, tmp)  # a second name for the journal's page: no copy; the journal goes later
    except OSError:
        tmp.write_bytes(source.read_bytes())
    os.replace(tmp, target)
