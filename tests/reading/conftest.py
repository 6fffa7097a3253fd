"""Shared fixtures of the reading tests: the rubric's question cues, read straight from its YAML."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from grader.reading.segment import QuestionCue

ROOT = Path(__file__).resolve().parents[2]
RUBRIC = ROOT / "rubrics" / "dl-exam"
SUBMISSIONS = ROOT / "submissions" / "dl-exam"
REAL_SHEET = SUBMISSIONS / "cs17btech11037.md"


def rubric_cues() -> list[QuestionCue]:
    """The cues the pipeline builds, from the rubric files themselves (not copies of them)."""
    exam = yaml.safe_load((RUBRIC / "exam.yaml").read_text(encoding="utf-8"))
    cues = []
    for qid in exam["questions"]:
        spec = yaml.safe_load((RUBRIC / f"{qid}.yaml").read_text(encoding="utf-8"))
        cues.append(QuestionCue(spec["id"], tuple(spec["markers"]), tuple(spec["terms"])))
    return cues


@pytest.fixture(scope="session")
def cues() -> list[QuestionCue]:
    return rubric_cues()
