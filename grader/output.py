"""Writing results: results.json (SPEC §3) and grades.csv, atomically.

Files are written to a temporary name and renamed, so an interrupted run never
leaves a half-written file behind. The same inputs give byte-identical files.
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


def write_results(rubric: Rubric, results: list[SubmissionResult], out: Path) -> None:
    write_atomic(out / "results.json", dumps(results_document(rubric, results)))
    write_atomic(out / "grades.csv", grades_csv(rubric, results))
