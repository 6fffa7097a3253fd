"""Reading boxes, their roles and parameterisation, and stated metric values from answers."""

from __future__ import annotations

from fractions import Fraction

import pytest
from hypothesis import given, strategies as st

from grader.model import Line
from grader.domains.deep_learning.box_reading import read_boxes, stated_format, stated_values


def lines(text: str) -> list[Line]:
    return [Line(i, t) for i, t in enumerate(text.splitlines(), start=1)]


@pytest.mark.parametrize("text, expected", [
    ("Ground truth G = (0, 0, 4, 4), A = (2, 0, 6, 4)", [("truth", "G", (0, 0, 4, 4), None), ("prediction", "A", (2, 0, 6, 4), None)]),
    ("GT: [0,0,4,4] and pred [1, 1, 5, 5]", [("truth", "ground truth", (0, 0, 4, 4), None), ("prediction", "", (1, 1, 5, 5), None)]),
    ("$B_1 = (0.5, 0, 4.5, 4)$", [("prediction", "B1", (Fraction(1, 2), 0, Fraction(9, 2), 4), None)]),
    ("centre of B2 is at (8, 14) and it is of size (10x6)", [(None, "", (8, 14, 10, 6), "centre_size")]),
    ("the target has center (2, 2) with w = 4, h = 4", [("truth", "ground truth", (2, 2, 4, 4), "centre_size")]),
    ("A = (2, 0, 6, 4) ... again A = (2, 0, 6, 4)", [("prediction", "A", (2, 0, 6, 4), None)]),
    ("(x1, y1, x2, y2) is the format", []),
    ("no boxes at all, just 1, 2, 3", []),
])
def test_boxes_with_their_roles(text, expected):
    got = [(b.role, b.name, b.values, b.fmt) for b in read_boxes(lines(text))]
    assert got == [(r, n, tuple(Fraction(v) for v in vals), f) for r, n, vals, f in expected]


@pytest.mark.parametrize("text, fmt", [
    ("boxes as (x1, y1, x2, y2)", "corners"),
    ("using $(x_1, y_1, x_2, y_2)$", "corners"),
    ("top-left and bottom-right corners", "corners"),
    ("boxes as (cx, cy, w, h)", "centre_size"),
    ("as centre and size", "centre_size"),
    ("COCO style (x, y, w, h)", "corner_size"),
    ("just some boxes", None),
])
def test_stated_format(text, fmt):
    assert stated_format(lines(text)) == fmt


@pytest.mark.parametrize("text, aliases, expected", [
    ("L2(G, A) = \\sqrt{8} and IoU(G, A) = 8/24 = 1/3", {}, [("l2", Fraction(8)), ("iou", Fraction(1, 3))]),
    ("L2 = 2\\sqrt{2}, IoU = 0.33", {}, [("l2", Fraction(8)), ("iou", Fraction(33, 100))]),
    ("the L_2 distance is sqrt(10)", {}, [("l2", Fraction(10))]),
    ("TOU = 4 + 8 = \\frac{32}{128}", {"iou": ["TOU"]}, [("iou", Fraction(1, 4))]),
    ("TOU = 0.25", {}, []),  # an OCR variant counts only when the rubric lists it
    ("IoU is high", {}, []),
    # the union on the way is not the IoU; the value after the last name is
    ("IoU of A: intersection 2 x 4 = 8, union 16 + 16 - 8 = 24, IoU = 1/3", {}, [("iou", Fraction(1, 3))]),
    ("L2 distance of A: sqrt(2^2 + 0^2 + 2^2 + 0^2) = sqrt(8); of B: 3", {}, [("l2", Fraction(8))]),
])
def test_stated_values(text, aliases, expected):
    got = [(s.metric, s.square if s.square is not None else s.value) for s in stated_values(lines(text), aliases)]
    assert got == expected


def test_a_stated_value_knows_what_it_is_about():
    (stated,) = stated_values(lines("L2 for B = 2.83"), {})
    assert "B" in stated.about and stated.places == 2


@given(st.text(max_size=300))
def test_reading_never_raises(text):
    read_boxes(lines(text))
    stated_values(lines(text), {"iou": ["TOU"]})
    stated_format(lines(text))
