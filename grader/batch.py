"""Grade many submissions in worker processes, journaling each result as it arrives.

``run_batch`` grades every submission whose final result is not already in the
journal (OUT/.partial, see grader.journal), one entry per submission as soon as it
is graded, so memory stays flat and an interrupted batch resumes where it stopped.
Then grader.publish streams the journal into results.json and every report.

Every sheet is graded by a ``grader.engine.Grader`` in a worker process, whatever
``jobs`` is, so a batch behaves the same with one worker or many. Workers are
forked after the rubric is loaded (references solved once per batch); each grades
one sheet at a time, so the parent knows which sheet each holds.

Limits: every stage runs under its budget inside the worker (grader.engine); on top
of that the parent gives each sheet a wall-clock limit and kills a worker that
passes it, and a worker that dies (killed, out of memory, crashed) costs only the
sheet it held, which becomes an error result — not final: it is graded again when
the batch resumes. Workers die with the parent: the kernel kills them when it goes
(PR_SET_PDEATHSIG on Linux), and elsewhere a watchdog thread in each worker does.
"""

from __future__ import annotations

import ctypes
import multiprocessing
import os
import signal
import sys
import threading
import time
from collections import deque
from multiprocessing.connection import wait
from pathlib import Path
from typing import Any, Callable, Sequence

from grader.engine import CACHE_SIZE, Grader, error_result, sheet_limit
from grader.flags import note
from grader.inputs import Submission
from grader.journal import Journal, file_sha256
from grader.rubric.loader import Rubric

OnDone = Callable[[str], None]
_PR_SET_PDEATHSIG = 1


def default_jobs() -> int:
    return max(1, len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1))


def _die_with(parent: int) -> None:
    """End this worker when ``parent`` ends, even in the middle of a sheet."""
    if sys.platform.startswith("linux"):
        try:
            ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)
        except (OSError, AttributeError):
            pass
        if os.getppid() != parent:  # the parent went before the call above took effect
            os._exit(1)
        return

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(0.5)
        os._exit(1)

    threading.Thread(target=watch, daemon=True).start()


def _worker_main(conn: Any, rubric: Rubric | str, out: str, cache_size: int, parent: int) -> None:
    _die_with(parent)
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle: it stops us
    from grader.rubric.loader import load_rubric

    loaded = rubric if isinstance(rubric, Rubric) else load_rubric(rubric)
    grader = Grader(loaded, cache_size)
    journal = Journal(Path(out), loaded.sha256)
    while True:
        task = conn.recv()
        if task is None:
            return
        sid, path, file = task
        content = file_sha256(Path(path))
        journal.write(sid, file, content, grader.grade_file(Path(path), sid, file))
        conn.send(sid)


class _Worker:
    def __init__(self, rubric: Rubric, out: Path, cache_size: int):
        methods = multiprocessing.get_all_start_methods()
        # fork shares the loaded rubric (its references already solved); spawn loads it again.
        context = multiprocessing.get_context("fork" if "fork" in methods else "spawn")
        payload: Rubric | str = rubric if "fork" in methods else rubric.folder
        self.conn, child = context.Pipe()
        self.process = context.Process(target=_worker_main, args=(child, payload, str(out), cache_size, os.getpid()), daemon=True)
        self.process.start()
        child.close()
        self.task: Submission | None = None
        self.started = 0.0

    def give(self, task: Submission) -> None:
        self.conn.send((task.id, str(task.path), task.file))
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
    submissions: Sequence[Submission],
    out: Path,
    jobs: int = 1,
    on_done: OnDone | None = None,
    sheet_seconds: float | None = None,
    cache_size: int = CACHE_SIZE,
) -> int:
    """Grade every submission into the journal of ``out``; return how many were graded now (not resumed)."""
    journal = Journal(out, rubric.sha256)
    resumed = journal.open()
    todo = []
    for submission in submissions:
        if resumed and journal.is_done(submission.id, submission.file, file_sha256(submission.path)):
            if on_done:
                on_done(submission.id)
        else:
            todo.append(submission)
    if todo:
        _run_workers(rubric, todo, out, max(1, min(jobs, len(todo))), on_done,
                     sheet_seconds or sheet_limit(rubric), journal, cache_size)
    return len(todo)


def _run_workers(
    rubric: Rubric, todo: list[Submission], out: Path, jobs: int,
    on_done: OnDone | None, limit: float, journal: Journal, cache_size: int,
) -> None:
    queue = deque(todo)
    workers = [_Worker(rubric, out, cache_size) for _ in range(jobs)]

    def lost(index: int, code: str, why: str) -> None:
        """The worker died or overran with a sheet: that sheet becomes an error; a fresh worker replaces it."""
        worker = workers[index]
        task = worker.task
        assert task is not None
        worker.task = None
        worker.stop()
        result = error_result(rubric, task.id, task.file, note(code, why))
        journal.write(task.id, task.file, file_sha256(task.path), result)
        if on_done:
            on_done(task.id)
        workers[index] = _Worker(rubric, out, cache_size)

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
                died = f"exit code {worker.process.exitcode}; this sheet was not graded"
                if worker.conn.poll():
                    try:
                        sid = worker.conn.recv()
                    except (EOFError, OSError):
                        lost(i, "worker-died", died)
                        continue
                    worker.task = None
                    if on_done:
                        on_done(sid)
                elif not worker.process.is_alive():
                    lost(i, "worker-died", died)
                elif time.monotonic() - worker.started > limit:
                    lost(i, "sheet-time-limit", f"over the {limit:g} s limit per sheet")
    finally:
        for worker in workers:
            worker.stop()
