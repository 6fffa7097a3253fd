"""Box geometry against brute force: IoU by counting raster cells, L2 by coordinates."""

from __future__ import annotations

import math
from fractions import Fraction

import pytest
from hypothesis import given, strategies as st
from pydantic import ValidationError

from grader.solvers import get_solver
from grader.domains.deep_learning.boxes import BoxError, FORMATS, from_corners, iou, l2_squared, sqrt_text, to_corners


def raster_iou(a, b):
    """IoU of integer corner boxes by counting the unit cells each covers."""
    cells_a = {(x, y) for x in range(a[0], a[2]) for y in range(a[1], a[3])}
    cells_b = {(x, y) for x in range(b[0], b[2]) for y in range(b[1], b[3])}
    return Fraction(len(cells_a & cells_b), len(cells_a | cells_b))


int_boxes = st.tuples(st.integers(0, 12), st.integers(0, 12), st.integers(1, 8), st.integers(1, 8)).map(
    lambda t: (t[0], t[1], t[0] + t[2], t[1] + t[3]))


@given(int_boxes, int_boxes)
def test_iou_equals_the_share_of_raster_cells(a, b):
    assert iou(to_corners(a, "corners"), to_corners(b, "corners")) == raster_iou(a, b)


@given(int_boxes, int_boxes)
def test_iou_is_symmetric_and_between_zero_and_one(a, b):
    a, b = to_corners(a, "corners"), to_corners(b, "corners")
    assert iou(a, b) == iou(b, a)
    assert 0 <= iou(a, b) <= 1
    assert iou(a, a) == 1


@given(int_boxes, st.sampled_from(FORMATS))
def test_parameterisations_round_trip(box, fmt):
    corners = to_corners(box, "corners")
    assert to_corners(from_corners(corners, fmt), fmt) == corners


@given(int_boxes, int_boxes, st.sampled_from(FORMATS))
def test_l2_is_the_distance_between_the_written_coordinates(a, b, fmt):
    a, b = to_corners(a, "corners"), to_corners(b, "corners")
    expected = math.dist([float(v) for v in from_corners(a, fmt)], [float(v) for v in from_corners(b, fmt)])
    assert math.isclose(math.sqrt(l2_squared(a, b, fmt)), expected, abs_tol=1e-12)


@pytest.mark.parametrize("box, fmt, corners", [
    ((2, 2, 4, 4), "centre_size", (0, 0, 4, 4)),
    ((0, 0, 4, 4), "corner_size", (0, 0, 4, 4)),
    ((4, 4, 0, 0), "corners", (0, 0, 4, 4)),  # corners in the other order are the same box
    ((0.5, 0.5, 1, 1), "centre_size", (0, 0, 1, 1)),
])
def test_to_corners(box, fmt, corners):
    assert to_corners(box, fmt) == tuple(Fraction(v) for v in corners)


@pytest.mark.parametrize("box, fmt", [((0, 0, 0, 4), "corners"), ((1, 1, 0, 2), "centre_size"),
                                      ((1, 1, 2, -1), "corner_size"), ((1, 2, 3), "corners")])
def test_boxes_without_area_are_refused(box, fmt):
    with pytest.raises(BoxError):
        to_corners(box, fmt)


@pytest.mark.parametrize("square, text", [(8, "√8"), (4, "2"), (Fraction(1, 4), "1/2"), (Fraction(5, 2), "√(5/2)"), (0, "0")])
def test_sqrt_text(square, text):
    assert sqrt_text(Fraction(square)) == text


def test_the_exam_example_has_equal_l2_and_different_iou():
    """q5's example: both predictions √8 from the ground truth as corners; IoU 1/3 and 4/9."""
    spec = get_solver("box_geometry")
    refs = spec.fn(spec.params(ground_truth=[0, 0, 4, 4], predictions={"a": [2, 0, 6, 4], "b": [0, 0, 6, 6]}))
    assert refs["l2sq_corners_a"] == refs["l2sq_corners_b"] == 8
    assert (refs["iou_a"], refs["iou_b"]) == (Fraction(1, 3), Fraction(4, 9))
    # the same boxes as centre+size are not equally far: why the parameterisation must be stated
    assert (refs["l2sq_centre_size_a"], refs["l2sq_centre_size_b"]) == (4, 10)


def test_decimal_parameters_are_exact():
    spec = get_solver("box_geometry")
    refs = spec.fn(spec.params(format="centre_size", ground_truth=[0.5, 0.5, 1, 1], predictions={"p": [0.6, 0.5, 1, 1]}))
    assert refs["ground_truth"] == (0, 0, 1, 1)
    assert refs["l2sq_centre_size_p"] == Fraction(1, 100)


@pytest.mark.parametrize("params", [
    {"ground_truth": [0, 0, 4], "predictions": {"a": [0, 0, 1, 1]}},
    {"ground_truth": [0, 0, 4, 4], "predictions": {}},
    {"ground_truth": [0, 0, 0, 4], "predictions": {"a": [0, 0, 1, 1]}},
    {"ground_truth": [0, 0, 4, 4], "predictions": {"a": [0, 0, 1, 1]}, "colour": "red"},
])
def test_bad_parameters_are_rubric_errors(params):
    with pytest.raises(ValidationError):
        get_solver("box_geometry").params(**params)
