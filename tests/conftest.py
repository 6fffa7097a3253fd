"""Shared fixtures: one bundled question on its own, and lines of the real answer sheet."""

from __future__ import annotations

from pathlib import Path
from typing import Callable

import pytest
import yaml

from grader.model import Line, Segment
from grader.rubric.loader import Question, Rubric, load_rubric

ROOT = Path(__file__).resolve().parents[1]
BUNDLED = ROOT / "rubrics" / "dl-exam"
REAL_SHEET = ROOT / "submissions" / "dl-exam" / "cs17btech11037.md"


@pytest.fixture(scope="session")
def bundled_alone(tmp_path_factory) -> Callable[[str], Rubric]:
    """``bundled_alone("q5")``: a rubric of that one question of the bundled exam, with the
    exam's defaults, so a test of one type does not depend on the other questions."""
    loaded: dict[str, Rubric] = {}
    exam = yaml.safe_load((BUNDLED / "exam.yaml").read_text(encoding="utf-8"))

    def load(qid: str) -> Rubric:
        if qid not in loaded:
            folder = tmp_path_factory.mktemp(f"rubric-{qid}")
            spec = yaml.safe_load((BUNDLED / f"{qid}.yaml").read_text(encoding="utf-8"))
            (folder / f"{qid}.yaml").write_text((BUNDLED / f"{qid}.yaml").read_text(encoding="utf-8"), encoding="utf-8")
            alone = {**exam, "title": f"{qid} only", "questions": [qid], "total": spec["points"]}
            (folder / "exam.yaml").write_text(yaml.safe_dump(alone), encoding="utf-8")
            loaded[qid] = load_rubric(folder)
        return loaded[qid]

    return load


@pytest.fixture(scope="session")
def bundled_question(bundled_alone) -> Callable[[str], Question]:
    """``bundled_question("q5")``: that question of the bundled rubric, loaded on its own."""
    return lambda qid: bundled_alone(qid).questions[0]


@pytest.fixture(scope="session")
def sheet_lines() -> Callable[[str, int, int], Segment]:
    """``sheet_lines("q5", 120, 124)``: those lines of the real answer sheet as a segment."""
    text = REAL_SHEET.read_text(encoding="utf-8").splitlines()

    def segment(qid: str, first: int, last: int) -> Segment:
        lines = tuple(Line(n, text[n - 1]) for n in range(first, last + 1) if text[n - 1].strip())
        return Segment(qid, lines, ((first, last),))

    return segment
