"""Publishing: results.json, grades.csv, every page and the exports, from stored results.

One step for both sources of results: the batch journal (``grader grade``) and an
earlier results.json (``grader render``, which grades nothing). A ``grader grade`` of some
sheets into an OUT that holds this exam's results keeps the other sheets (``earlier_results``). Results arrive in id
order and are handled one at a time — written into results.json, rendered into
their page — then kept without their answer lines and evidence for the class
report and the CSVs, so memory stays small for a large class. Every file is
written under a temporary name and renamed; temporaries an interrupted run left
are removed first, and results.json, the file a rerun trusts, is renamed last.
"""

from __future__ import annotations

import heapq
import json
from contextlib import nullcontext
from dataclasses import replace
from pathlib import Path
from typing import Any, Iterable, Iterator, Sequence

from grader.errors import GraderError
from grader.flags import note
from grader.inputs import Submission, page_name
from grader.journal import Journal
from grader.model import RubricInfo, SubmissionResult
from grader.output import ResultsJsonWriter, grades_csv, remove_temporaries, results_header, write_atomic
from grader.reports import render_class, render_submission
from grader.reports.exports import gradebook
from grader.rubric.loader import Rubric


def _slim(result: SubmissionResult) -> SubmissionResult:
    """What the class report and the CSVs need: no answer lines, no evidence."""
    questions = tuple(replace(q, answer=(), items=tuple(replace(i, evidence=()) for i in q.items)) for q in result.questions)
    return replace(result, questions=questions, unplaced=())


def publish(
    info: RubricInfo,
    rubric_sha256: str,
    results: Iterable[SubmissionResult],
    out: Path,
    audience: str = "ta",
    export: str | None = None,
    write_json: bool = True,
) -> list[SubmissionResult]:
    """Write every report of ``results`` into ``out``; return the results (slimmed)."""
    out.mkdir(parents=True, exist_ok=True)
    remove_temporaries(out)
    kept: list[SubmissionResult] = []
    writer = ResultsJsonWriter(results_header(info, rubric_sha256), out / "results.json") if write_json else None
    # results.json is renamed into place when the block ends without an error, after every other file.
    with writer or nullcontext():
        for result in results:
            if writer:
                writer.add(result.to_json())
            write_atomic(out / page_name(result.id), render_submission(info, result, audience))  # type: ignore[arg-type]
            kept.append(_slim(result))
        write_atomic(out / "index.html", render_class(info, kept))
        if export is not None:
            name, text = gradebook(info, kept, export)
            write_atomic(out / name, text)
        write_atomic(out / "grades.csv", grades_csv(info, kept))
    return kept


def finish_batch(rubric: Rubric, submissions: Sequence[Submission], out: Path, audience: str = "ta",
                 export: str | None = None) -> list[SubmissionResult]:
    """Publish the journal of a graded batch, in id order, then remove the journal."""
    journal = Journal(out, rubric.sha256)

    def stored() -> Iterator[SubmissionResult]:
        for submission in sorted(submissions, key=lambda s: s.id):
            entry = journal.read(submission.id)
            if entry is None:
                raise GraderError(f"{submission.file}: no graded result in {journal.folder}; run the batch again")
            yield SubmissionResult.from_json(entry["result"])

    kept = earlier_results(out, rubric, {s.id for s in submissions})
    results = publish(rubric.info, rubric.sha256, heapq.merge(stored(), kept, key=lambda r: r.id), out, audience, export)
    journal.remove()
    return results


def earlier_results(out: Path, rubric: Rubric, regraded: set[str]) -> list[SubmissionResult]:
    """The sheets of an earlier run of this exam in ``out`` that this run did not grade, kept (a
    regrade of a subset never drops the rest of the class), in id order. Those graded with another
    version of the rubric are flagged ``earlier-rubric``."""
    path = out / "results.json"
    if not path.exists():
        return []
    header, _, records = read_results(path)
    if header.get("exam") != rubric.info.id:
        return []  # another exam's results: this run's replace them, as before
    stale = header.get("rubric_sha256") != rubric.sha256
    kept = []
    try:
        for record in records:
            if record.get("id") in regraded:
                continue
            result = SubmissionResult.from_json(record)
            if stale:
                result = replace(result, flags=result.flags + (note("earlier-rubric", "graded with an earlier version of the rubric"),))
            kept.append(result)
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        raise GraderError(f"{path}: a submission record is damaged ({exc}); move the file away to grade afresh") from None
    return sorted(kept, key=lambda r: r.id)


def read_results(path: Path) -> tuple[dict[str, Any], RubricInfo, list[dict[str, Any]]]:
    """results.json as (its header, the rubric info it carries, the submissions' records)."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        header = {k: v for k, v in data.items() if k != "submissions"}
        return header, RubricInfo.from_json(data["rubric"]), data["submissions"]
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise GraderError(f"{path}: not a results.json this grader wrote ({type(exc).__name__}: {exc})") from None


def render(out: Path, audience: str = "ta", export: str | None = None) -> list[SubmissionResult]:
    """Re-render every page, the class report and the exports from OUT/results.json alone."""
    header, info, records = read_results(out / "results.json")
    try:
        results = [SubmissionResult.from_json(r) for r in records]
    except (KeyError, TypeError, ValueError) as exc:
        raise GraderError(f"{out / 'results.json'}: a submission record is damaged ({exc})") from None
    return publish(info, header["rubric_sha256"], results, out, audience, export, write_json=False)

