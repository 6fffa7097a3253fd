"""The construction type through the bundled q5 rubric: examples that check out, that do not,
and the real sheet's OCR-damaged one."""

from __future__ import annotations

import pytest
from hypothesis import given, settings, strategies as st

from grader.grading import grade_question
from grader.model import Outcome, Segment
from grader.selftest import self_test

EXAM_EXAMPLE = """Boxes as (x1, y1, x2, y2). Ground truth G = (0, 0, 4, 4), prediction A = (2, 0, 6, 4), prediction B = (0, 0, 6, 6).
L2(G, A) = $\\sqrt{2^2 + 0^2 + 2^2 + 0^2} = \\sqrt{8}$ and L2(G, B) = $\\sqrt{0 + 0 + 2^2 + 2^2} = \\sqrt{8}$.
IoU(G, A) = 8/24 = 1/3 and IoU(G, B) = 16/36 = 4/9.
So the same L2 distance gives different IoU. Implication: an L2 loss does not reflect IoU; use an IoU loss such as GIoU."""

CENTRE_SIZE = """I write boxes as (cx, cy, w, h).
Ground truth: centre (2, 2), size 4x4. Prediction A: centre (4, 2), size 4x4. Prediction B: centre (2, 2), size 6x4.
L2 for A = 2, L2 for B = 2.
IoU for A = 1/3 = 0.33, IoU for B = 16/24 = 0.67."""

UNLABELLED = """(0, 0, 4, 4) vs (2, 0, 6, 4) and (0, 0, 6, 6), all as corners.
Distances: L2 = √8 = 2.83 for both. IoU = 1/3 and IoU = 4/9."""

# Claims equal L2, but B = (0, 0, 7, 6) is √13 away.
FALSE_CLAIM = """Boxes as (x1, y1, x2, y2). Ground truth G = (0, 0, 4, 4), prediction A = (2, 0, 6, 4), prediction B = (0, 0, 7, 6).
L2(G, A) = √8 and L2(G, B) = √8. IoU(G, A) = 1/3 and IoU(G, B) = 16/42.
Both at the same L2 but different IoU, so L2 loss does not reflect IoU; use an IoU based loss."""

# Equal L2 but also equal IoU: a mirror image shows nothing.
MIRROR = """Corners (x1, y1, x2, y2): ground truth G = (0, 0, 4, 4), A = (2, 0, 6, 4), B = (-2, 0, 2, 4).
L2 = √8 for both, IoU = 1/3 for both."""


@pytest.fixture(scope="module")
def q5(bundled_question):
    return bundled_question("q5")


def grade(question, text):
    segment = text if isinstance(text, Segment) else Segment.from_text("q5", text)
    result = grade_question(question, segment, budget_seconds=5)
    return result, {item.id: item for item in result.items}


@pytest.mark.parametrize("text", [EXAM_EXAMPLE, CENTRE_SIZE, UNLABELLED], ids=["corners", "centre-size", "unlabelled"])
def test_a_construction_that_checks_out_earns_the_construction_and_arithmetic(q5, text):
    result, items = grade(q5, text)
    assert items["construction"].outcome is Outcome.CORRECT, items["construction"].feedback
    assert items["arithmetic"].outcome is Outcome.CORRECT, items["arithmetic"].feedback


def test_the_exam_example_earns_full_marks(q5):
    result, items = grade(q5, EXAM_EXAMPLE)
    assert result.score == 6
    assert "√8" in items["construction"].feedback and "1/3" in items["construction"].feedback
    assert {e.line for e in items["construction"].evidence} == {1}


def test_an_unlabelled_ground_truth_is_assumed_and_flagged(q5):
    result, _ = grade(q5, UNLABELLED)
    assert "ground-truth-assumed" in result.flag_codes
    assert "format-assumed" not in result.flag_codes  # "as corners" states it


def test_a_false_equality_claim_earns_at_most_half(q5):
    result, items = grade(q5, FALSE_CLAIM)
    assert items["construction"].score == 0
    assert "√13" in items["construction"].feedback  # says which part failed
    assert "expected" in items["arithmetic"].feedback
    assert result.score <= 3


def test_equal_iou_does_not_show_the_claim(q5):
    _, items = grade(q5, MIRROR)
    assert items["construction"].score == 0
    assert "iou is the same" in items["construction"].feedback


def test_the_real_sheet_is_partial_and_flagged_for_a_ta(q5, sheet_lines):
    result, items = grade(q5, sheet_lines("q5", 120, 124))
    assert "construction-uncertain" in result.flag_codes
    assert items["construction"].outcome is Outcome.PARTIAL
    assert 0 < items["arithmetic"].score < 1  # 9/31 = 0.29 holds; "(10-8)^2 + (4-10)^2 = 25" does not
    assert items["implication"].score == 1  # L2 blind to how boxes lie; no IoU-based loss named
    assert 0 < result.score < 6


def test_nothing_about_boxes_earns_nothing(q5):
    result, items = grade(q5, "Bounding boxes are rectangles around objects.")
    assert result.score == 0
    assert items["construction"].outcome is Outcome.MISSING


def test_q5_self_tests_pass(bundled_alone):
    assert self_test(bundled_alone("q5")) == []


@settings(max_examples=60, deadline=None)
@given(st.text(alphabet="(),.=0123456789 -/xIoUL2√\\sqrt{}^centrsizGAB:\n", max_size=200))
def test_any_text_is_graded_without_raising(q5, text):
    result, _ = grade(q5, text)
    assert 0 <= result.score <= 6
