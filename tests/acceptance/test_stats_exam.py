"""Acceptance: the second bundled exam (probability and statistics), graded with generic types only.

The bands in stats_exam_bands.py were written by the TA who set the paper, before any
rubric existed; the rubric (rubrics/stats-exam) was written from the authoring guide
alone, before anyone looked at these sheets. A sheet the engine grades outside its
band is listed in KNOWN_MISSES with what goes wrong: it stays a failing expectation
(strict xfail) until the engine earns the band, so a miss is never silently accepted
and a fix is noticed.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from grader.engine import Grader
from grader.rubric.loader import load_rubric
from grader.types.base import type_names

from tests.acceptance.stats_exam_bands import BANDS

ROOT = Path(__file__).resolve().parents[2]
RUBRIC = ROOT / "rubrics" / "stats-exam"
SHEETS = ROOT / "submissions" / "stats-exam"
DOMAIN_TYPES = {"ap_table", "construction", "derivation"}  # the deep-learning pack's

# sheet -> what the engine gets wrong there, as measured (filled in from the measurement, never
# by tuning to a sheet). Revision 4 of the rubric (NOTES.md) grades all 50 marks: q4's two method
# marks became `working` items when the engine could read working.
# Measured 2026-12-02 (revision 5: look-alikes):
KNOWN_MISSES: dict[str, str] = {
    "s02_correct_alternative_forms": "49/50: q2 5/6 (b-identity: the identity applied straight into one combined fraction, which same_form refuses)",
}


@pytest.fixture(scope="module")
def graded():
    rubric = load_rubric(RUBRIC)
    grader = Grader(rubric)
    return rubric, {path.stem: grader.grade_file(path) for path in sorted(SHEETS.glob("*.md"))}


def test_the_rubric_uses_generic_types_only(graded):
    rubric, _ = graded
    used = {item.qtype.name for q in rubric.questions for item in q.items}
    assert used <= set(type_names()) - DOMAIN_TYPES and rubric.total == 50


def test_every_sample_sheet_has_a_band(graded):
    _, results = graded
    assert set(results) == set(BANDS)


@pytest.mark.parametrize("sheet", [
    pytest.param(s, marks=pytest.mark.xfail(reason=KNOWN_MISSES[s], strict=True)) if s in KNOWN_MISSES else s
    for s in sorted(BANDS)
])
def test_each_sheet_lands_in_the_band_its_ta_wrote(graded, sheet):
    _, results = graded
    result = results[sheet]
    assert result.status == "graded", result.error
    low, high = BANDS[sheet]["total"]
    per_question = {q.id: q.score for q in result.questions}
    assert low <= result.score <= high, (result.score, per_question)
