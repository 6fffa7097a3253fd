"""The grading pipeline: read a submission, segment it, grade every question.

A submission that cannot be read, or whose grading hits a bug, becomes a result
with ``status: "error"``; it never stops the batch (cf. Otter-Grader).
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Iterable, Iterator

from grader.errors import GraderError, SubmissionError
from grader.grading import grade_question
from grader.model import Segment, SubmissionResult
from grader.reading.document import Document, read_submission, read_text
from grader.reading.segment import QuestionCue, segment
from grader.rubric.loader import Rubric

_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")


def submission_id(path: Path) -> str:
    """The file name without extension, made safe for file names."""
    safe = _UNSAFE.sub("_", path.stem).strip("._")
    return safe or "submission"


def cues(rubric: Rubric) -> list[QuestionCue]:
    return [QuestionCue(q.id, tuple(q.spec.markers), tuple(q.spec.terms)) for q in rubric.questions]


def grade_document(rubric: Rubric, document: Document, sid: str, file: str) -> SubmissionResult:
    segments = segment(document, cues(rubric)).segments
    questions = tuple(
        grade_question(q, segments.get(q.id, Segment(q.id)), rubric.exam.budget_seconds) for q in rubric.questions
    )
    score = round(sum(q.score for q in questions), 4)
    return SubmissionResult(sid, file, "graded", None, score, rubric.total, questions)


def grade_text(rubric: Rubric, text: str, sid: str = "submission", file: str = "<text>") -> SubmissionResult:
    return grade_document(rubric, read_text(text, file), sid, file)


def error_result(rubric: Rubric, sid: str, file: str, message: str) -> SubmissionResult:
    return SubmissionResult(sid, file, "error", message, 0.0, rubric.total, ())


def grade_file(rubric: Rubric, path: Path, sid: str | None = None) -> SubmissionResult:
    """Grade one file; any failure becomes this submission's error result."""
    sid = sid or submission_id(path)
    file = path.as_posix()
    try:
        document = read_submission(path)
        return grade_document(rubric, document, sid, file)
    except SubmissionError as exc:
        return error_result(rubric, sid, file, str(exc))
    except GraderError as exc:
        return error_result(rubric, sid, file, f"could not be graded: {exc}")
    except Exception as exc:  # a grader bug: record it as this sheet's error, go on with the batch
        return error_result(rubric, sid, file, f"internal error while grading ({type(exc).__name__}: {exc})")


def collect_submissions(paths: Iterable[Path]) -> list[tuple[str, Path]]:
    """Every submission file under ``paths`` (hidden files skipped), with unique ids, sorted by id."""
    files: set[Path] = set()
    for path in paths:
        if path.is_dir():
            files.update(p for p in path.rglob("*") if p.is_file() and not any(part.startswith(".") for part in p.relative_to(path).parts))
        elif path.is_file():
            files.add(path)
        else:
            raise SubmissionError(f"{path}: no such file or folder")
    taken: dict[str, int] = {}
    out = []
    for path in sorted(files, key=lambda p: (submission_id(p), p.as_posix())):
        sid = submission_id(path)
        taken[sid] = taken.get(sid, 0) + 1
        out.append((sid if taken[sid] == 1 else f"{sid}-{taken[sid]}", path))
    return out


def grade_all(rubric: Rubric, submissions: list[tuple[str, Path]]) -> Iterator[SubmissionResult]:
    """Grade sequentially in this process, in the given order."""
    for sid, path in submissions:
        yield grade_file(rubric, path, sid)
