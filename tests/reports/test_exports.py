"""Gradebook CSVs for Canvas and Moodle: pinned by golden files, parsed back as a gradebook importer would."""

from __future__ import annotations

import csv
import io

import pytest

from grader.errors import GraderError
from grader.reports.exports import canvas_csv, gradebook, moodle_csv


@pytest.fixture
def results(rich_result, hostile_result, error_result):
    return [rich_result, hostile_result, error_result]


@pytest.mark.parametrize("system", ["canvas", "moodle"])
def test_gradebook_golden(demo_rubric, results, golden, system):
    name, text = gradebook(demo_rubric, results, system)
    assert name == f"gradebook-{system}.csv"
    golden.check(name, text)


def test_canvas_columns_and_points_possible(demo_rubric, results):
    rows = list(csv.reader(io.StringIO(canvas_csv(demo_rubric, results))))
    assert rows[0][:5] == ["Student", "ID", "SIS User ID", "SIS Login ID", "Section"]
    assert rows[0][5:] == ["Demo exam", "Demo exam: q1", "Demo exam: q2"]
    assert rows[1] == ["Points Possible", "", "", "", "", "6", "4", "2"]
    assert rows[2] == ["alice", "", "alice", "alice", "", "4", "3", "1"]
    assert rows[4] == ["broken", "", "broken", "broken", "", "", "", ""]  # not graded: left empty, not 0


def test_moodle_columns_and_feedback(demo_rubric, results):
    rows = list(csv.reader(io.StringIO(moodle_csv(demo_rubric, results))))
    assert rows[0] == ["ID number", "Demo exam", "q1: Average precision", "q2: Focal loss", "Feedback"]
    assert rows[1] == ["alice", "4", "3", "1", "under review: q1"]
    assert rows[3] == ["broken", "", "", "", "not graded: not a text file: <binary>"]


def test_unknown_gradebook_is_an_error(demo_rubric, results):
    with pytest.raises(GraderError, match="canvas, moodle"):
        gradebook(demo_rubric, results, "blackboard")
