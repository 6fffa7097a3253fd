"""Writing results: results.json (SPEC §3) and grades.csv, atomically.

Files are written to a temporary name and renamed, so an interrupted run never
leaves a half-written file behind. The same inputs give byte-identical files.
results.json is streamed one submission at a time (a 10,000-sheet batch never
holds the whole document as one string).
"""

from __future__ import annotations

import csv
import io
import json
import os
from pathlib import Path
from typing import Any, Iterable

from grader import __version__
from grader.model import SubmissionResult
from grader.rubric.loader import Rubric


def write_atomic(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp")
    with open(tmp, "w", encoding="utf-8", newline="") as handle:
        handle.write(text)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(tmp, path)


def results_document(rubric: Rubric, results: Iterable[SubmissionResult]) -> dict[str, Any]:
    return {
        "exam": rubric.exam.id,
        "rubric_sha256": rubric.sha256,
        "grader_version": __version__,
        "submissions": [r.to_json() for r in results],
    }


def dumps(data: Any) -> str:
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


def grades_csv(rubric: Rubric, results: Iterable[SubmissionResult]) -> str:
    qids = [q.id for q in rubric.questions]
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(["id", "status", "score", "max", *qids, "flags", "error"])
    for result in results:
        per_question = {q.id: q for q in result.questions}
        flagged = sum(1 for q in result.questions if q.flags)
        writer.writerow(
            [
                result.id,
                result.status,
                _num(result.score),
                _num(result.max),
                *(_num(per_question[qid].score) if qid in per_question else "" for qid in qids),
                flagged,
                result.error or "",
            ]
        )
    return buffer.getvalue()


def _num(value: float) -> str:
    return f"{value:g}"


def write_results(rubric: Rubric, results: Iterable[SubmissionResult], out: Path) -> None:
    results = list(results)
    with ResultsJsonWriter(rubric, out / "results.json") as writer:
        for result in results:
            writer.add(result.to_json())
    write_atomic(out / "grades.csv", grades_csv(rubric, results))


def strip_journal_fields(data: dict[str, Any]) -> dict[str, Any]:
    """``SubmissionResult.to_json()`` from grader.journal's encoding, which appends fields to it."""
    questions = []
    for q in data["questions"]:
        items = [{k: v for k, v in i.items() if k in _ITEM_KEYS} for i in q["items"]]
        questions.append({**{k: v for k, v in q.items() if k in _QUESTION_KEYS}, "items": items})
    return {**data, "questions": questions}


_QUESTION_KEYS = ("id", "score", "max", "spans", "flags", "items")
_ITEM_KEYS = ("id", "score", "max", "feedback", "evidence")


class ResultsJsonWriter:
    """results.json written one submission at a time, byte-identical to ``dumps(results_document(...))``.

    The file appears (renamed, after fsync) only when the block ends without an error.
    """

    def __init__(self, rubric: Rubric, path: Path):
        self.rubric, self.path = rubric, path
        self.tmp = path.with_name(f".{path.name}.tmp")
        self.count = 0

    def __enter__(self) -> "ResultsJsonWriter":
        self.path.parent.mkdir(parents=True, exist_ok=True)
        head = dumps(results_document(self.rubric, []))
        assert head.endswith('"submissions": []\n}\n')
        self.handle = open(self.tmp, "w", encoding="utf-8", newline="")
        self.handle.write(head[: -len("[]\n}\n")] + "[")
        return self

    def add(self, submission: dict[str, Any]) -> None:
        text = json.dumps(submission, indent=2, ensure_ascii=False)
        self.handle.write(("," if self.count else "") + "\n" + "\n".join("    " + line for line in text.split("\n")))
        self.count += 1

    def __exit__(self, kind: Any, value: Any, traceback: Any) -> None:
        try:
            if kind is None:
                self.handle.write("\n  ]\n}\n" if self.count else "]\n}\n")
                self.handle.flush()
                os.fsync(self.handle.fileno())
        finally:
            self.handle.close()
        if kind is None:
            os.replace(self.tmp, self.path)
        else:
            self.tmp.unlink(missing_ok=True)
