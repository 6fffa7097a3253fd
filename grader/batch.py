"""Grade many submissions, in this process or in worker processes.

Workers load the rubric once each (solving its references once per process) and
grade whole files, so a submission's result depends only on the rubric and the
file: the same inputs give the same results whatever the number of workers or the
order of the files. Results are returned sorted by submission id.
"""

from __future__ import annotations

import os
from concurrent.futures import ProcessPoolExecutor, as_completed
from pathlib import Path
from typing import Callable

from grader.model import SubmissionResult
from grader.pipeline import grade_file
from grader.rubric.loader import Rubric, load_rubric

OnResult = Callable[[SubmissionResult], None]

_WORKER_RUBRIC: Rubric | None = None


def _init_worker(folder: str) -> None:
    global _WORKER_RUBRIC
    _WORKER_RUBRIC = load_rubric(folder)


def _grade_in_worker(sid: str, path: str) -> SubmissionResult:
    assert _WORKER_RUBRIC is not None, "worker started without its rubric"
    return grade_file(_WORKER_RUBRIC, Path(path), sid)


def default_jobs() -> int:
    return max(1, len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1))


def grade_batch(
    rubric: Rubric,
    submissions: list[tuple[str, Path]],
    jobs: int = 1,
    on_result: OnResult | None = None,
) -> list[SubmissionResult]:
    """Grade every ``(id, path)``; ``on_result`` is called as each one finishes."""
    results: list[SubmissionResult] = []

    def done(result: SubmissionResult) -> None:
        results.append(result)
        if on_result is not None:
            on_result(result)

    jobs = max(1, min(jobs, len(submissions)))
    if jobs == 1:
        for sid, path in submissions:
            done(grade_file(rubric, path, sid))
    else:
        with ProcessPoolExecutor(max_workers=jobs, initializer=_init_worker, initargs=(rubric.folder,)) as pool:
            futures = [pool.submit(_grade_in_worker, sid, str(path)) for sid, path in submissions]
            for future in as_completed(futures):
                done(future.result())
    return sorted(results, key=lambda r: r.id)
