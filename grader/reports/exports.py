"""Gradebook CSVs that learning-management systems import.

Canvas (Grades → Import): the columns Student, ID, SIS User ID, SIS Login ID, Section,
then one column per assignment; a second row "Points Possible" gives each column's
maximum, and a column whose name is not an existing assignment creates one. Canvas
matches students by ID, SIS User ID or SIS Login ID: we know only the submission id
(the file name, e.g. the roll number), so it goes into SIS User ID and SIS Login ID.

Moodle (Grades → Import → CSV file): any columns; on import the TA maps one column
to a user field ("ID number" here, holding the submission id) and each grade column
to a grade item, and may map a feedback column. One column per question plus the total.

A submission that could not be graded gets empty cells, not 0: both systems then
leave its grade unchanged, and the TA sees the gap instead of an unearned zero.
"""

from __future__ import annotations

import csv
import io
from typing import Any, Sequence

from grader.errors import GraderError
from grader.flags import needs_review
from grader.model import RubricInfo, SubmissionResult
from grader.reports.svg import fmt

FORMATS = ("canvas", "moodle")


def _per_question(result: SubmissionResult, question_ids: Sequence[str]) -> list[str]:
    if result.status != "graded":
        return [""] * len(question_ids)
    scores = {q.id: q.score for q in result.questions}
    return [fmt(scores[qid]) if qid in scores else "" for qid in question_ids]


def _write(rows: list[list[str]]) -> str:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\r\n").writerows(rows)  # RFC 4180 line ends, as both importers expect
    return buffer.getvalue()


def canvas_csv(info: RubricInfo, results: Sequence[SubmissionResult]) -> str:
    title = info.title
    qids = [q.id for q in info.questions]
    header = ["Student", "ID", "SIS User ID", "SIS Login ID", "Section", title, *(f"{title}: {qid}" for qid in qids)]
    possible = ["Points Possible", "", "", "", "", fmt(info.total), *(fmt(q.points) for q in info.questions)]
    rows = [header, possible]
    for result in results:
        total = fmt(result.score) if result.status == "graded" else ""
        rows.append([result.id, "", result.id, result.id, "", total, *_per_question(result, qids)])
    return _write(rows)


def moodle_csv(info: RubricInfo, results: Sequence[SubmissionResult]) -> str:
    qids = [q.id for q in info.questions]
    header = ["ID number", info.title, *(f"{q.id}: {q.title}" for q in info.questions), "Feedback"]
    rows = [header]
    for result in results:
        if result.status == "graded":
            flagged = [q.id for q in result.questions if needs_review(q.flags)]
            note = f"under review: {', '.join(flagged)}" if flagged else ""
            rows.append([result.id, fmt(result.score), *_per_question(result, qids), note])
        else:
            rows.append([result.id, "", *_per_question(result, qids), f"not graded: {result.error or 'unknown error'}"])
    return _write(rows)


def gradebook(info: RubricInfo, results: Sequence[SubmissionResult], system: str) -> tuple[str, str]:
    """(file name, CSV text) of the gradebook for ``system`` ('canvas' or 'moodle')."""
    if system == "canvas":
        return "gradebook-canvas.csv", canvas_csv(info, results)
    if system == "moodle":
        return "gradebook-moodle.csv", moodle_csv(info, results)
    raise GraderError(f"unknown gradebook format {system!r}; known: {', '.join(FORMATS)}")
