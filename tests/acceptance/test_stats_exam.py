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
# by tuning to a sheet). Revision 3 of the rubric (NOTES.md) grades 48 of the 50 marks; the q4
# method marks (2) stay by_hand, so a fully correct script reaches 48 before a TA.
# Measured 2026-12-01 after the reading fixes of that session (plain-text formulas, evaluation
# bars, implications, sums with symbolic bounds, question copies):
_BY_HAND = "q4's 2 method marks are by_hand; "
KNOWN_MISSES: dict[str, str] = {
    "s01_full_correct_typed": _BY_HAND + "48/50, every automatic mark",
    "s02_correct_alternative_forms": _BY_HAND + "42/50: q2 4/6, q3 6/7, q6 4/6 (alternative forms)",
    "s03_typical_mistakes": _BY_HAND + "31 vs 33-35",
    "s04_ocr_damaged_strong": _BY_HAND + "31 vs 47-49: OCR damage inside formulas (q2 1/6, q3 3/7)",
    "s05_ocr_damaged_mixed": _BY_HAND + "19 vs 35-37: as s04 (theta read as O, 1 as l)",
    "s08_repeats_questions": "2 vs 0: paraphrased question sentences and restated data earn q3(b) 1 and a q5 cell 1",
    "s11_plain_text_no_latex": _BY_HAND + "46 vs 49: q2 5/6 (the integral set-up in words)",
    "s12_carried_forward_slips": _BY_HAND + "40 vs 44-46: q5 5 vs 7-8 (no cf about a wrong mean)",
    "s13_bare_answers_only": _BY_HAND + "33 vs 34-35: q6 4/6",
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
