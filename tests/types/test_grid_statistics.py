"""The grid type on a statistics exam: ``|`` in ``P(A|B)`` and ``|x|`` is not a table, a table
that is not the grid gives way to a labelled line, labels that differ only in a sign stay
two labels, and a row written as a labelled tuple (``π = (1/4, 1/2, 1/4)``).

Our own cases: a one-row grid π over the states of a 3-state weather chain, and a
one-column grid of the posteriors P(D|+), P(D|−) of a screening test.
"""

from __future__ import annotations

import textwrap
from fractions import Fraction as F

import pytest
from hypothesis import given, settings, strategies as st
from pydantic import ValidationError

from grader.engine import Grader
from grader.model import Line, Outcome, Segment
from grader.rubric.loader import load_rubric
from grader.selftest import self_test
from grader.types import get_type
from grader.types.base import Comparison, Invalid, Parsed
from grader.types.grid import GridParams
from grader.types.grid_labels import compact, fine, label_index
from grader.types.grid_tables import split_row, table_row

GRID = get_type("grid")
REFS = {"pi": [[F(1, 4), F(1, 2), F(1, 4)]], "posterior": [[F(9, 58)], [F(1, 442)]]}
STATIONARY = {"rows": [{"label": "π", "aliases": ["stationary distribution"]}],
              "columns": ["sunny", "cloudy", "rainy"], "cells": "pi"}
POSTERIORS = {"rows": ["P(D|+)", "P(D|-)"], "columns": ["probability"], "cells": "posterior"}


def grade(text: str, grid: dict = STATIONARY, **changes) -> Comparison | Invalid | None:
    params = GridParams.model_validate({**grid, **changes})
    segment = Segment.from_text("q1", textwrap.dedent(text).strip("\n"))
    ctx = GRID.prepare("q1", segment, REFS, params)
    parsed = GRID.parse(ctx, params)
    return GRID.compare(parsed, ctx, params) if isinstance(parsed, Parsed) else parsed


# --- what is a table row ----------------------------------------------------------------------------

@pytest.mark.parametrize("line, cells", [
    ("| A | 0.8 | 0.67 |", ["A", "0.8", "0.67"]),
    ("A | 0.8 | 0.67", ["A", "0.8", "0.67"]),
    ("| P(D|+) | 0.155 |", ["P(D|+)", "0.155"]),                     # a pipe inside brackets stays in its cell
    ("| $P(D|+)$ | 0.155 |", ["$P(D|+)$", "0.155"]),                 # and inside math
    ("(b) P(rainy two days later | sunny) = (P^2)_{13} = 1/8", None),
    ("P(A|B) = P(B|A) P(A) / P(B)", None),
    ("|x| = 3 so 0.5 < |y|", None),                                  # absolute values: pieces of a formula
    ("|x - 2| < 1", None),
    ("$|x| = 3$", None),
    ("| (0.5 | 0.3 |", ["(0.5", "0.3"]),                             # unbalanced brackets (OCR): split at every pipe
])
def test_a_line_is_a_table_row_only_when_shaped_like_one(line, cells):
    assert table_row(line) == cells


_ATOMS = st.sampled_from(["A", "0.5", "=", "|", "x", "+"])
_GROUPS = st.recursive(_ATOMS, lambda inner: st.lists(inner, max_size=4).map(lambda parts: "(" + "".join(parts) + ")"),
                       max_leaves=12)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.one_of(_ATOMS, _GROUPS), max_size=12).map("".join))
def test_a_row_is_split_only_at_pipes_outside_brackets(text):
    cells = split_row(text)
    if cells is None:
        return
    assert all(cell.count("(") == cell.count(")") for cell in cells)  # no bracket is cut in two
    assert "|".join(cells) in {text, text[1:], text[:-1], text[1:-1]}  # nothing else is lost


# --- the statistics answer the TA reported ------------------------------------------------------------

@pytest.mark.parametrize("text", [
    "(b) P(rainy two days later | sunny) = (P^2)_{13} = 1/8\n(c) π = (1/4, 1/2, 1/4)",
    "(b) P(rainy | sunny) = 1/8\n(c) The stationary distribution is π = (1/4, 1/2, 1/4)",
    "(b) P(rainy | sunny) = (P^2)_{13} = 1/8\n(c) π = (1/4, 1/2, 1/4) since πP = π",
    "|P^2 - P| is small: |x| = 3\nπ = [0.25, 0.5, 0.25]",
    "\\pi = (1/4, 1/2, 1/4)",
    "pi = (0.25, 0.5, 0.25)",
    "stationary distribution: (1/4, 1/2, 1/4)",
    "π: sunny = 1/4, cloudy = 1/2, rainy = 1/4",
])
def test_a_conditional_probability_line_does_not_hide_the_row_below_it(text):
    result = grade(text)
    assert isinstance(result, Comparison) and result.outcome == Outcome.CORRECT, result


P_SQUARED_TABLE = """
    P^2 =
    | 3/8 | 1/2 | 1/8 |
    | 1/4 | 1/2 | 1/4 |
    | 1/8 | 1/2 | 3/8 |
    """


def test_a_table_of_another_matrix_gives_way_to_the_labelled_line():
    result = grade(P_SQUARED_TABLE + "stationary distribution: (1/4, 1/2, 1/4)")
    assert result.outcome == Outcome.CORRECT and [e.line for e in result.evidence] == [5]
    # Nothing else: the table is all there is, and it is not this grid.
    alone = grade(P_SQUARED_TABLE)
    assert isinstance(alone, Invalid) and "whose rows and columns are not the rubric's" in alone.reason


def test_a_table_of_numbers_alone_the_size_of_the_grid_is_still_read_by_position():
    result = grade("| 1/4 | 1/2 | 1/4 |")
    assert result.outcome == Outcome.CORRECT and "columns were taken in the rubric's order" in result.detail


# --- labels that differ only in a sign ----------------------------------------------------------------

@pytest.mark.parametrize("a, b, same", [
    ("P(D|+)", "P(D|-)", False), ("P(D|+)", "P(D | +)", True), ("P(D|−)", "P(D|-)", True),
    ("P(D \\mid +)", "P(D|+)", True), ("A", "A'", False), ("\\bar{A}", "A'", True), ("A ∩ B", "A ∪ B", False),
    ("A \\cap B", "A∩B", True), ("F_1", "F 1", True), ("π", "\\pi", True),
    # TeX's unbraced argument and script digits: one label however written
    ("\\bar x", "\\bar{x}", True), ("\\bar x", "x̄", True), ("\\bar x", "x", False), ("s²", "s^2", True),
    ("\\hat\\lambda", "\\hat{\\lambda}", True),
])
def test_signs_are_kept_where_they_are_all_that_differs(a, b, same):
    assert compact(a) == compact(b) or not same
    assert (fine(a) == fine(b)) is same


@pytest.mark.parametrize("text, row", [
    ("P(D|+)", 0), ("P(D | +)", 0), ("P(D|−)", 1), ("P(D \\mid -)", 1), ("P(D)", None), ("P(D|x)", None),
])
def test_a_student_label_names_the_row_its_sign_says(text, row):
    assert label_index([("P(D|+)",), ("P(D|-)",)], text) == row


@pytest.mark.parametrize("text", [
    "P(D|+) = 9/58 ≈ 0.155\nP(D|−) = 1/442",
    "P(D|-) = 0.0023, P(D|+) = 0.155",
    "$P(D \\mid +) = 0.155$ and\n$P(D \\mid -) = 0.0023$",
    "P(D|+) = 0.155 and P(D|−) = 0.0023",
    "| event | probability |\n|---|---|\n| P(D|+) | 0.155 |\n| P(D|-) | 0.0023 |",
])
def test_posteriors_labelled_by_their_signs_are_graded_cell_by_cell(text):
    result = grade(text, POSTERIORS)
    assert result.outcome == Outcome.CORRECT, result.detail


def test_swapped_signs_cost_both_cells():
    result = grade("P(D|+) = 0.0023\nP(D|-) = 0.155", POSTERIORS)
    assert result.fraction == 0 and "row P(D|+), probability: 0.0023" in result.detail


@pytest.mark.parametrize("rows, message", [
    (["P(D|+)", "P(D | +)"], "'P(D | +)' names both 'P(D|+)' and 'P(D | +)'"),
    (["A", "B", "b"], "'b' names both 'B' and 'b'"),
    ([{"label": "positive", "aliases": ["P(D|+)"]}, {"label": "negative", "aliases": ["P(D|+ )"]}], "names both"),
])
def test_labels_equal_up_to_punctuation_still_clash(rows, message):
    with pytest.raises(ValidationError, match=message.replace("(", r"\(").replace(")", r"\)").replace("|", r"\|").replace("+", r"\+")):
        GridParams.model_validate({**POSTERIORS, "rows": rows})


def test_cells_may_be_a_list_for_a_grid_of_one_row_or_one_column():
    flat = {"pi": [F(1, 4), F(1, 2), F(1, 4)], "posterior": [F(9, 58), F(1, 442)]}
    for grid, text in ((STATIONARY, "π = (1/4, 1/2, 1/4)"), (POSTERIORS, "P(D|+) = 9/58, P(D|-) = 1/442")):
        params = GridParams.model_validate(grid)
        assert GRID.check_params(params, flat) == []
        ctx = GRID.prepare("q1", Segment.from_text("q1", text), flat, params)
        assert GRID.compare(GRID.parse(ctx, params), ctx, params).outcome == Outcome.CORRECT
    three = GridParams.model_validate({**STATIONARY, "rows": ["π", "μ"]})
    assert any("a list of values only for a grid of one row or one column" in p for p in GRID.check_params(three, flat))


def test_an_item_names_its_row_by_its_sign():
    assert GridParams.model_validate({**POSTERIORS, "row": "P(D|−)"}).row_index("P(D|−)") == 1
    with pytest.raises(ValidationError, match="is not one of the rows"):
        GridParams.model_validate({**POSTERIORS, "row": "P(D)"})


# --- rows written as labelled tuples ------------------------------------------------------------------

THREE = {"rows": ["A", "B", "C"], "columns": ["P", "R", "F1"], "cells": "grid"}
THREE_REFS = {"grid": [[F(4, 5), F(2, 3), F(8, 11)], [F(1, 2), F(3, 5), F(6, 11)], [F(9, 10), F(9, 10), F(9, 10)]]}


@pytest.mark.parametrize("text, fraction", [
    ("A = (0.8, 0.67, 0.73)\nB = (0.5, 0.6, 0.55)\nC = (0.9, 0.9, 0.9)", 1.0),
    ("A = [0.8 0.67 0.73], B = [0.5 0.6 0.55], C = [0.9 0.9 0.9]", 1.0),
    ("A = (0.8, 0.67)\nB = (0.5, 0.6, 0.55)", 5 / 9),             # a short tuple: the first columns
    ("A = 0.8", 0.0),                                              # one value names no cell of a 3-column grid
])
def test_a_row_label_then_its_values_in_column_order(text, fraction):
    params = GridParams.model_validate(THREE)
    ctx = GRID.prepare("q1", Segment.from_text("q1", text), THREE_REFS, params)
    parsed = GRID.parse(ctx, params)
    got = GRID.compare(parsed, ctx, params).fraction if isinstance(parsed, Parsed) else 0.0
    assert got == pytest.approx(fraction)


def test_greek_labels_are_one_label_however_written_and_p_is_not_short_for_pi():
    assert compact("π") == compact("\\pi") == compact("pi")
    params = GridParams.model_validate(STATIONARY)
    from grader.types.grid_labels import matcher_for, pick
    assert pick(matcher_for(params.vocab).resolve("P"), "any") is None


# --- a rubric of our own ------------------------------------------------------------------------------

QUESTION = """\
id: q1
title: A screening test
points: 2
markers: ["1.", "Q1"]
terms: ["P(D", "Bayes"]
type: grid
given:
  prevalence: 2/100
  sensitivity: 9/10
  specificity: 9/10
compute:
  p_pos: sensitivity * prevalence + (1 - specificity) * (1 - prevalence)
  posteriors: "[sensitivity * prevalence / p_pos, (1 - sensitivity) * prevalence / (1 - p_pos)]"
items:
  - id: posteriors
    points: 2
    description: P(D|+) and P(D|−)
    check:
      rows: ["P(D|+)", {label: "P(D|-)", aliases: ["P(D|−)"]}]
      columns: [probability]
      cells: posteriors
      rel_tol: 0.01
    feedback: "{{ found }}. {{ detail }}"
"""


def test_the_rubric_loads_passes_its_self_tests_and_grades_a_sheet(tmp_path):
    folder = tmp_path / "screening"
    folder.mkdir()
    (folder / "exam.yaml").write_text("id: screening\ntitle: Screening\ntotal: 2\nquestions: [q1]\n", encoding="utf-8")
    (folder / "q1.yaml").write_text(QUESTION, encoding="utf-8")
    rubric = load_rubric(folder)
    assert self_test(rubric) == []
    sheet = "Q1. By Bayes, P(D|+) = 0.018/0.116 = 0.155\nand P(D|−) = 0.002/0.884 = 0.00226"
    question, = Grader(rubric).grade_text(sheet).questions
    assert question.score == 2, question.items[0].feedback


def test_lines_are_read_as_lines_when_no_table_is_there():
    from grader.types.grid_reading import read_grid
    lines = [Line(1, "P(D|+) = 0.155"), Line(2, "P(D|-) = 0.0023")]
    reading = read_grid(lines, GridParams.model_validate(POSTERIORS).vocab)
    assert reading.layout == "one line per row" and len(reading.rows) == 2
