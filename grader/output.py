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
from grader.flags import needs_review
from grader.model import RubricInfo, SubmissionResult


TMP_SUFFIX = ".grader-tmp"


def temporary(path: Path) -> Path:
    """The hidden name a file is written under before it is renamed into place."""
    return path.with_name(f".{path.name}{TMP_SUFFIX}")


def remove_temporaries(folder: Path) -> None:
    """Temporary files an interrupted run left behind (ours only, by their suffix)."""
    for leftover in folder.glob(f".*{TMP_SUFFIX}"):
        leftover.unlink(missing_ok=True)


def write_atomic(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = temporary(path)
    with open(tmp, "w", encoding="utf-8", newline="") as handle:
        handle.write(text)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(tmp, path)


def results_header(info: RubricInfo, rubric_sha256: str) -> dict[str, Any]:
    """results.json without its submissions: the exam, the rubric's hash and what the reports need of it."""
    return {"exam": info.id, "rubric_sha256": rubric_sha256, "grader_version": __version__, "rubric": info.to_json()}


def dumps(data: Any) -> str:
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


def grades_csv(info: RubricInfo, results: Iterable[SubmissionResult]) -> str:
    qids = [q.id for q in info.questions]
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(["id", "status", "score", "max", *qids, "flags", "error"])
    for result in results:
        per_question = {q.id: q for q in result.questions}
        flagged = sum(1 for q in result.questions if needs_review(q.flags))
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


class ResultsJsonWriter:
    """results.json written one submission at a time, byte-identical to ``dumps`` of the whole document.

    The file appears (renamed, after fsync) only when the block ends without an error.
    """

    def __init__(self, header: dict[str, Any], path: Path):
        self.header, self.path = header, path
        self.tmp = temporary(path)
        self.count = 0

    def __enter__(self) -> "ResultsJsonWriter":
        self.path.parent.mkdir(parents=True, exist_ok=True)
        head = dumps({**self.header, "submissions": []})
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
