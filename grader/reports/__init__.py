"""HTML reports and gradebook exports.

``write_reports`` writes OUT/index.html (the class report), OUT/<id>.html for every
submission (a page saying what went wrong for one that could not be graded) and,
when asked, a gradebook CSV for Canvas or Moodle. Every file is written atomically.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Literal, Sequence

from grader.errors import GraderError
from grader.model import SubmissionResult
from grader.output import write_atomic
from grader.reports.exports import gradebook
from grader.reports.html import page_href, render_class, render_submission

__all__ = ["write_reports", "render_submission", "render_class"]


def write_reports(
    rubric: Any,
    results: Sequence[SubmissionResult],
    out: Path,
    audience: Literal["ta", "student"] = "ta",
    export: str | None = None,
) -> list[Path]:
    """Write the class report, one page per submission and an optional gradebook; return the paths written."""
    out = Path(out)
    written = []
    for result in results:
        path = out / page_href(result.id)
        if path.parent != out or path.name.startswith("."):
            raise GraderError(f"submission id {result.id!r} cannot be used as a file name")
        write_atomic(path, render_submission(rubric, result, audience))
        written.append(path)
    index = out / "index.html"
    write_atomic(index, render_class(rubric, results))
    written.insert(0, index)
    if export is not None:
        name, text = gradebook(rubric, results, export)
        write_atomic(out / name, text)
        written.append(out / name)
    return written
