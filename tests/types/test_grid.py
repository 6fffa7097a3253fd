"""The ``grid`` type: a table of labelled rows × columns, read in any layout, graded cell by cell
with per-column tolerance and error carried forward through ``derived_from`` formulas."""

from __future__ import annotations

import textwrap
from fractions import Fraction as F

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st
from pydantic import ValidationError

import grader.types.grid  # noqa: F401 - registers the type (until it is in base._TYPE_MODULES)
from grader.engine import Grader
from grader.limits import run_limited
from grader.model import Outcome, Segment
from grader.numbers import Tolerance, close_enough, decimal_places_for, decimal_text, just_outside, parse_number
from grader.rubric.loader import load_rubric
from grader.selftest import self_test
from grader.types import get_type
from grader.types.base import Comparison, Invalid, Parsed
from grader.types.grid import GridParams, markdown_table

GRID = get_type("grid")

P = [F(4, 5), F(1, 2), F(9, 10)]
R = [F(2, 3), F(3, 5), F(9, 10)]
F1 = [2 * p * r / (p + r) for p, r in zip(P, R)]  # 8/11, 6/11, 9/10
REFS = {"p": P, "r": R, "f1": F1}

BASE = {
    "rows": [{"label": "class A", "aliases": ["A", "cat"]}, {"label": "class B", "aliases": ["B", "dog"]},
             {"label": "class C", "aliases": ["C"]}],
    "columns": [{"label": "precision", "aliases": ["P", "prec"], "reference": "p"},
                {"label": "recall", "aliases": ["R"], "reference": "r"},
                {"label": "F1", "aliases": ["F1 score"], "reference": "f1", "derived_from": "F1 = 2*P*R/(P+R)"}],
}


def params(**changes) -> GridParams:
    return GridParams.model_validate({**BASE, **changes})


def grade(text: str, refs=REFS, **changes) -> Comparison | Invalid | None:
    p = params(**changes)
    segment = Segment.from_text("q1", textwrap.dedent(text).strip("\n"))
    ctx = GRID.prepare("q1", segment, refs, p)
    parsed = GRID.parse(ctx, p)
    return GRID.compare(parsed, ctx, p) if isinstance(parsed, Parsed) else parsed


# --- layouts -----------------------------------------------------------------------------------

LAYOUTS = {
    "markdown table": ("""
        | class | P | R | F1 |
        |---|---|---|---|
        | A | 0.8 | 2/3 | 0.73 |
        | B | 0.5 | 0.6 | 0.55 |
        | C | 0.9 | 0.9 | 0.9 |
        """, "Markdown table", None),
    "transposed table": ("""
        |  | class A | class B | class C |
        |---|---|---|---|
        | Precision | 0.8 | 0.5 | 0.9 |
        | Recall | 0.67 | 0.6 | 0.9 |
        | F1 | 0.73 | 0.55 | 0.9 |
        """, "transposed", None),
    "shuffled rows": ("""
        | class | precision | recall | F1 score |
        |---|---|---|---|
        | C | 0.9 | 0.9 | 0.9 |
        | A | 0.8 | 2/3 = 0.67 | 0.73 |
        | B | 0.5 | 0.6 | 0.55 |
        """, "Markdown table", None),
    "table without a header line (OCR)": ("""
        | class | P | R | F1 |
        | cat | 4/5 | 0.67 | 0.727 |
        | dog | 50% | 60% | 54.5% |
        | C | \\frac{9}{10} | .9 | 0.90 |
        """, "table", None),
    "pipe lines, no header": ("""
        A | 0.8 | 0.67 | 0.73
        B | 0.5 | 0.6 | 0.55
        C | 0.9 | 0.9 | 0.9
        """, "pipe lines", "columns were taken in the rubric's order"),
    "missing row labels": ("""
        | P | R | F1 |
        |---|---|---|
        | 0.8 | 0.67 | 0.73 |
        | 0.5 | 0.6 | 0.55 |
        | 0.9 | 0.9 | 0.9 |
        """, "Markdown table", "matched by position"),
    "one line per row": ("""
        class A: P = 0.8, R = 0.67, F1 = 0.73
        class B: P = 0.5, R = 0.6, F1 = 0.55
        class C: P = 0.9, R = 0.9, F1 = 0.9
        """, "one line per row", None),
    "one line per row, shuffled, no commas": ("""
        class C P = 0.9 R = 0.9 F1 = 0.9
        class A P = 0.8 R = 0.67 F1 = 0.73
        class B P = 0.5 R = 0.6 F1 = 0.55
        """, "one line per row", None),
    "one line per row, values in column order": ("""
        A: 0.8, 0.67, 0.73
        B: 0.5, 0.6, 0.55
        C: 0.9, 0.9, 0.9
        """, "one line per row", "column order"),
    "lines of bare numbers": ("""
        0.8 0.67 0.73
        0.5 0.6 0.55
        0.9 0.9 0.9
        """, "one line per row", "matched by position"),
    "one line per column": ("""
        P: 0.8, 0.5, 0.9
        R: 0.67, 0.6, 0.9
        F1: 0.73, 0.55, 0.9
        """, "one line per column", "row order"),
    "one line per column, rows labelled": ("""
        Precision: B = 0.5, A = 0.8, C = 0.9
        Recall: A 67%, C 90%, B 60%
        F1 score: C = 0.9, B = 0.55, A = 0.73
        """, "one line per column", None),
    "one line per cell, subscripts": ("""
        $P_A = \\frac{4}{5} = 0.8$, $R_A = 0.67$, $F1_A = 0.73$
        $P_B = 0.5$, $R_B = 0.6$, $F1_B = 0.55$
        $P_C = 0.9$, $R_C = 0.9$, $F1_C = 0.9$
        """, "one line per row", None),
    "head lines over working": ("""
        Class A:
        TP = 4, FP = 1, FN = 2
        P = 4/(4+1) = 0.8
        R = 4/6 = 0.67
        F1 = 2PR/(P+R) = 0.73
        Class B:
        P = 0.5
        R = 0.6
        F1 = 0.55
        For class C, precision = 0.9 and recall = 0.9, F1 = 0.9
        """, "one line per row", None),
    "a worked answer: head lines with working": ("""
        For class A: TP = 4, FP = 1, FN = 2.
        Precision = TP/(TP+FP) = 4/5 = 0.8
        Recall = TP/(TP+FN) = 4/6 = 0.67
        F1 = 2PR/(P+R) = 0.727
        For class B: TP = 3, FP = 3, FN = 2
        Precision = 3/6 = 0.5, Recall = 3/5 = 0.6, F1 = 0.545
        For class C: TP = 9, FP = 1, FN = 1
        Precision = 0.9
        Recall = 0.9
        F1 = 0.9
        So the model is best on class C.
        """, "one line per row", None),
    "a table and a line for the last column": ("""
        | class | P | R |
        |---|---|---|
        | A | 0.8 | 0.67 |
        | B | 0.5 | 0.6 |
        | C | 0.9 | 0.9 |
        F1: A = 0.73, B = 0.55, C = 0.9
        """, "Markdown table", None),
    "OCR-damaged labels": ("""
        | clss | Precsion | Recal | F-1 |
        |---|---|---|---|
        | clas A | 0.8 | 0.67 | 0.73 |
        | class B | 0.5 | 0.6 | 0.55 |
        | class C | 0.9 | 0.9 | 0.9 |
        """, "Markdown table", None),
    "a confusion matrix before the answer": ("""
        | | pred A | pred B | pred C |
        |---|---|---|---|
        | actual A | 4 | 1 | 1 |
        | actual B | 1 | 3 | 1 |
        | actual C | 0 | 1 | 9 |

        | class | P | R | F1 |
        |---|---|---|---|
        | A | 0.8 | 0.67 | 0.73 |
        | B | 0.5 | 0.6 | 0.55 |
        | C | 0.9 | 0.9 | 0.9 |
        """, "Markdown table", None),
}


@pytest.mark.parametrize("name", LAYOUTS)
def test_every_layout_of_a_right_grid_is_fully_right(name):
    text, layout, said = LAYOUTS[name]
    result = grade(text)
    assert isinstance(result, Comparison), result
    assert (result.fraction, result.outcome) == (1.0, Outcome.CORRECT), result.detail
    assert layout in result.found
    if said:
        assert said in result.detail
    else:
        assert "position" not in result.detail and "order" not in result.detail


def test_fuzzy_labels_are_reported_as_repairs_and_evidence_cites_the_lines():
    segment = Segment.from_text("q1", textwrap.dedent(LAYOUTS["OCR-damaged labels"][0]).strip("\n"))
    p = params()
    parsed = GRID.parse(GRID.prepare("q1", segment, REFS, p), p)
    assert any("'Precsion' as 'precision'" in r for r in parsed.repairs)
    assert any("'clas A'" in r for r in parsed.repairs)
    assert [e.line for e in parsed.evidence] == [3, 4, 5]


def test_a_wrong_cell_is_named_with_its_row_column_and_reference():
    result = grade("""
        | class | P | R | F1 |
        |---|---|---|---|
        | A | 0.8 | 0.67 | 0.73 |
        | B | 0.5 | 0.5 | 0.55 |
        | C | 0.9 | 0.9 | 0.9 |
        """)
    assert result.fraction == pytest.approx(8 / 9) and result.outcome == Outcome.PARTIAL
    assert "row class B, recall: 0.5, expected 0.6" in result.detail
    assert result.found.startswith("8 of 9 cells right")


def test_empty_cells_are_missing_not_wrong():
    result = grade("""
        class A: P = 0.8, R = 0.67, F1 = ?
        class B: P = 0.5, R = —, F1 = 0.55
        class C: P = 0.9, R = 0.9, F1 = 0.9
        """)
    assert result.fraction == pytest.approx(7 / 9)
    assert "row class A, F1: missing" in result.detail and "row class B, recall: missing" in result.detail
    # Only empty cells for what the item checks: the answer is missing, not wrong.
    assert grade("| class | P | R | F1 |\n|---|---|---|---|\n| A | 0.8 | 0.67 | |\n| B | 0.5 | 0.6 | - |",
                 column="F1") is None


def test_rows_the_rubric_does_not_have_are_ignored_and_named():
    result = grade(LAYOUTS["markdown table"][0] + "| macro avg | 0.73 | 0.72 | 0.73 |\n")
    assert result.fraction == 1.0
    assert "rows not in the table: macro avg" in result.detail


def test_nothing_readable_is_missing_and_an_unmatched_table_is_invalid():
    assert grade("I ran out of time for this one.") is None
    assert grade("The precision is high for every class.") is None
    invalid = grade("| x | y |\n|---|---|\n| 1 | 2 |\n| 3 | 4 |")
    assert isinstance(invalid, Invalid) and "not the rubric's" in invalid.reason


def test_headers_with_remarks_initials_and_ocr_noise_name_their_columns():
    bare = [{"label": "precision", "reference": "p"}, {"label": "recall", "reference": "r"},
            {"label": "F1", "reference": "f1", "derived_from": "2*precision*recall/(precision+recall)"}]
    result = grade("""
        | class | P | R | Fl |
        |---|---|---|---|
        | A | 0.8 | 0.67 | 0.73 |
        | B | 0.5 | 0.6 | 0.55 |
        | C | 0.9 | 0.9 | 0.9 |
        """, columns=bare)
    assert result.fraction == 1.0
    result = grade("""
        | class | Precision (P) | Recall (TP/(TP+FN)) | F1 (harmonic mean) |
        |---|---|---|---|
        | A | 0.8 | 0.67 | 0.73 |
        | B | 0.5 | 0.6 | 0.55 |
        | C | 0.9 | 0.9 | 0.9 |
        """)
    assert result.fraction == 1.0


RANKS = {"p": [F(1), F(1), F(2, 3), F(1, 2), F(2, 5)], "r": [F(1, 5), F(2, 5), F(2, 5), F(2, 5), F(2, 5)]}
RANK_GRID = {"rows": [1, 2, 3, 4, 5], "columns": [{"label": "precision", "reference": "p"}, {"label": "recall", "reference": "r"}]}


@pytest.mark.parametrize("text", [
    "Precision at ranks 1–5: 1, 1, 0.67, 0.5, 0.4\nRecall at ranks 1-5: 0.2, 0.4, 0.4, 0.4, 0.4",
    "P@1 = 1, R@1 = 0.2\nP@2 = 1, R@2 = 0.4\nP@3 = 2/3, R@3 = 0.4\nP@4 = 0.5, R@4 = 0.4\nP@5 = 0.4, R@5 = 0.4",
    "rank 3: P = 2/3 = 0.67, R = 2/5 = 0.4\nrank 1: P = 1/1 = 1, R = 1/5 = 0.2\nrank 2: P = 1, R = 0.4\n"
    "rank 5: P = 0.4, R = 0.4\nrank 4: P = 0.5, R = 0.4",
    "| k | P@k | R@k |\n|---|---|---|\n| 1 | 1 | 0.2 |\n| 2 | 1 | 0.4 |\n| 3 | 0.67 | 0.4 |\n| 4 | 0.5 | 0.4 |\n"
    "| 5 | 0.4 | 0.4 |",
])
def test_rows_labelled_by_rank_in_every_layout(text):
    result = grade(text, refs=RANKS, **RANK_GRID)
    assert result.fraction == 1.0, result.detail


def test_the_real_sheets_ranked_table_is_read_despite_its_ocr_damage(sheet_lines):
    """The q3 table of the real answer sheet, read as a generic grid of ranks × precision/recall."""
    from grader.solvers import get_solver

    solver = get_solver("ranked_retrieval")
    refs = solver.fn(solver.params.model_validate({"relevance": "T T F F F T T F F T".split(), "total_relevant": 5}))
    grid = GridParams.model_validate({"rows": list(range(1, 11)), "columns": [
        {"label": "precision", "reference": "precision"}, {"label": "recall", "reference": "recall"}]})
    segment = sheet_lines("q3", 85, 109)
    ctx = GRID.prepare("q3", segment, refs, grid)
    result = GRID.compare(GRID.parse(ctx, grid), ctx, grid)
    # 19 of 20: "5/C = 1.7" (5/5 with an unreadable denominator) cannot be read back without
    # knowing recall's denominator; "47 = 0.57", "1/8 = 0.5", "312 = 0.6" are OCR-suspect but right.
    assert result.fraction == pytest.approx(19 / 20)
    assert "row 10, recall: 5/C = 1.7, expected 1" in result.detail
    assert result.flags[0].code == "ocr-suspect" and "47 = 0.57" in result.flags[0].message
    assert "position" not in result.detail  # the rank column labels the rows


def test_huge_or_hostile_answers_are_read_quickly():
    hostile = [
        "A: " + ", ".join(["P = 0.8"] * 5000),
        "\n".join("| A | 0.8 | 0.67 | 0.73 |" for _ in range(3000)),
        "|" + " | ".join(["0.8"] * 3000) + "|\n|" + " | ".join(["a"] * 3000) + "|",
        "1" * 100_000 + " - 2 : P = 0.8",
        "(" * 5000 + "P = 0.8" + ")" * 5000,
        "\n".join(f"clas{'s' * (k % 7)} {chr(65 + k % 26)} precison {k}" for k in range(2000)),
    ]
    for text in hostile:  # each well inside an item's budget (BudgetExceeded would fail the test)
        run_limited(grade, text, seconds=10)


# --- parts, order ----------------------------------------------------------------------------------

WRONG_B = """
    class A: P = 0.8, R = 0.67, F1 = 0.73
    class B: P = 0.5, R = 0.5, F1 = 0.4
    class C: P = 0.9, R = 0.9, F1 = 0.9
    """


@pytest.mark.parametrize("changes, fraction, what", [
    ({}, 7 / 9, "7 of 9 cells right"),
    ({"column": "recall"}, 2 / 3, "2 of 3 recall cells right"),
    ({"part": "column", "column": "P"}, 1.0, "3 of 3 P cells right"),
    ({"row": "dog"}, 1 / 3, "1 of 3 cells of row dog right"),
    ({"part": "row", "row": "class C"}, 1.0, "3 of 3 cells of row class C right"),
])
def test_an_item_checks_all_cells_one_column_or_one_row(changes, fraction, what):
    result = grade(WRONG_B, **changes)
    assert result.fraction == pytest.approx(fraction)
    assert result.found.startswith(what)


def test_ordered_grids_match_rows_by_position_whatever_their_labels():
    shuffled = LAYOUTS["shuffled rows"][0]
    assert grade(shuffled).fraction == 1.0
    result = grade(shuffled, ordered=True)
    assert result.fraction < 1.0
    assert "row 1 is labelled 'C'" in result.detail and "graded as class A" in result.detail
    assert grade(LAYOUTS["markdown table"][0], ordered=True).fraction == 1.0


@pytest.mark.parametrize("changes, message", [
    ({"part": "column"}, "column: required when part is 'column'"),
    ({"part": "row"}, "row: required when part is 'row'"),
    ({"column": "recal"}, "'recal' is not one of the columns"),
    ({"row": "class D"}, "'class D' is not one of the rows"),
    ({"part": "cells", "column": "P"}, "column: only for part 'column'"),
    ({"rows": ["A", "B", "b"]}, "'b' names both 'B' and 'b'"),
    ({"rows": ["A", "--"]}, "no letters or digits"),
    ({"rows": []}, "at least 1"),
])
def test_check_options_that_cannot_be_a_grid_are_rubric_errors(changes, message):
    with pytest.raises(ValidationError, match=message):
        params(**changes)


def test_labels_may_be_written_as_numbers_in_yaml():
    grid = params(rows=[1, 2, 3])
    assert [r.label for r in grid.rows] == ["1", "2", "3"]
    result = grade("| rank | P | R | F1 |\n|---|---|---|---|\n| 3 | 0.9 | 0.9 | 0.9 |\n| 1 | 0.8 | 0.67 | 0.73 |\n"
                   "| 2 | 0.5 | 0.6 | 0.55 |", rows=[1, 2, 3])
    assert result.fraction == 1.0


# --- tolerance --------------------------------------------------------------------------------------

def _one_cell(value: str, **changes) -> Comparison:
    """Row A with its recall cell written as ``value`` (reference 2/3), the rest right."""
    return grade(f"class A: P = 4/5, R = {value}, F1 = 8/11\nclass B: P = 1/2, R = 3/5, F1 = 6/11\n"
                 "class C: P = 9/10, R = 9/10, F1 = 9/10", **changes)


@pytest.mark.parametrize("value, changes, right", [
    ("0.67", {}, True),                        # the precision the student wrote: 2/3 rounded to 2 places
    ("0.667", {}, True),
    ("0.66", {}, False),                       # neither rounded nor truncated... truncation is not rounding
    ("0.7", {}, False),                        # one decimal: below min_decimals
    ("0.7", {"min_decimals": 1}, True),
    ("2/3", {"student_precision": False}, True),
    ("0.67", {"student_precision": False}, False),
    ("0.67", {"student_precision": False, "rel_tol": 0.005}, True),    # |0.67 - 2/3| / (2/3) = 0.005
    ("0.6701", {"student_precision": False, "rel_tol": 0.005}, False),
    ("0.66", {"student_precision": False, "abs_tol": 0.01}, True),     # 2/3 - 0.66 = 0.00667 <= 0.01
    ("0.65", {"student_precision": False, "abs_tol": 0.01}, False),
    ("0.6", {"student_precision": False, "sig_figs": 1}, False),       # 1 s.f.: within 0.05 of 2/3? 0.0667 no
    ("0.7", {"student_precision": False, "sig_figs": 1}, True),        # 0.0333 <= 0.05
    ("66.7%", {}, True),
])
def test_tolerance_edges(value, changes, right):
    result = _one_cell(value, **changes)
    assert (result.fraction == 1.0) is right, result.detail


def test_a_column_may_have_its_own_tolerance():
    columns = [dict(c) for c in BASE["columns"]]
    columns[1] = {**columns[1], "abs_tol": 0.05, "student_precision": False}
    assert _one_cell("0.62", columns=columns).fraction == 1.0   # 0.0467 <= 0.05
    assert _one_cell("0.61", columns=columns).fraction < 1.0
    assert _one_cell("0.62").fraction < 1.0  # the grid's default elsewhere


@pytest.mark.parametrize("tol", [Tolerance(), Tolerance(rel=0.01, student_precision=False), Tolerance(abs=0.02),
                                 Tolerance(sig_figs=2, student_precision=False)])
def test_just_outside_the_tolerance_loses_the_cell_and_just_inside_keeps_it(tol):
    keys = {"rel_tol": tol.rel, "abs_tol": tol.abs, "sig_figs": tol.sig_figs, "student_precision": tol.student_precision}
    expected = F(2, 3)
    places = decimal_places_for(expected, tol)
    outside = decimal_text(just_outside(expected, tol), places)
    inside = decimal_text(expected, places)
    assert close_enough(parse_number(inside), expected, tol) and not close_enough(parse_number(outside), expected, tol)
    assert _one_cell(inside, **keys).fraction == 1.0
    assert _one_cell(outside, **keys).fraction == pytest.approx(8 / 9)


# --- error carried forward ----------------------------------------------------------------------------

def test_f1_from_a_wrong_precision_is_carried_forward():
    # P_A = 0.6 is wrong (0.8); the student's F1 from it, 2·0.6·0.67/1.27 = 0.633, is right for them.
    result = grade("""
        class A: P = 0.6, R = 0.67, F1 = 0.63
        class B: P = 0.5, R = 0.6, F1 = 0.55
        class C: P = 0.9, R = 0.9, F1 = 0.9
        """)
    assert result.fraction == pytest.approx(8 / 9)
    assert "row class A, precision: 0.6, expected 0.8" in result.detail
    assert "error carried forward — row class A, F1: 0.63 follows from your precision 0.6, recall 0.67" in result.detail
    column = grade("class A: P = 0.6, R = 0.67, F1 = 0.63", column="F1")
    assert column.found.startswith("1 of 3 F1 cells right")


def test_carried_forward_uses_the_exact_fractions_the_student_wrote():
    # From 3/5 and 2/3 exactly, F1 = 12/19 = 0.6316; from 0.6 and 0.67 it is 0.6331: both are theirs.
    assert grade("class A: P = 3/5 = 0.6, R = 2/3 = 0.67, F1 = 0.6316", column="F1").fraction == pytest.approx(1 / 3)


def test_a_derived_cell_that_follows_from_nothing_is_wrong():
    result = grade("class A: P = 0.6, R = 0.67, F1 = 0.7", column="F1")  # neither 8/11 nor 0.633
    assert result.fraction == 0.0 and "row class A, F1: 0.7, expected 8/11" in result.detail
    # Without the student's precision there is nothing to carry forward.
    result = grade("class A: R = 0.67, F1 = 0.63", column="F1")
    assert result.fraction == 0.0 and "carried" not in result.detail


def test_a_formula_may_use_the_questions_scalar_references():
    columns = [dict(c) for c in BASE["columns"]]
    beta = F(1)
    columns[2] = {**columns[2], "derived_from": "(1 + beta^2) * P * R / (beta^2 * P + R)"}
    refs = {**REFS, "beta": beta}
    result = grade("class A: P = 0.6, R = 0.67, F1 = 0.63", refs=refs, columns=columns, column="F1")
    assert result.fraction == pytest.approx(1 / 3) and "carried forward" in result.detail


# --- OCR -----------------------------------------------------------------------------------------

def test_a_cell_that_disagrees_with_itself_is_credited_when_its_row_agrees_and_flagged():
    refs = {**REFS, "p": [F(4, 7), F(1, 2), F(9, 10)], "f1": [2 * F(4, 7) * F(2, 3) / (F(4, 7) + F(2, 3)), F1[1], F1[2]]}
    result = grade("class A: P = 47 = 0.57, R = 0.67, F1 = 0.62", refs=refs, column="P")
    assert result.fraction == pytest.approx(1 / 3)
    assert [f.code for f in result.flags] == ["ocr-suspect"] and "47 = 0.57" in result.flags[0].message


def test_ocr_repaired_numbers_are_read_and_flagged():
    result = grade("| class | P | R | F1 |\n|---|---|---|---|\n| A | 0,8 | O.67 | 0-73 |", row="A")
    assert result.fraction == 1.0
    message = result.flags[0].message
    assert result.flags[0].code == "ocr-suspect"
    assert "decimal comma" in message and "letter O" in message and "dash" in message


# --- properties -------------------------------------------------------------------------------------

def _render(rows: list[tuple[str, list[str]]], layout: str, columns: list[str]) -> str:
    if layout == "table":
        return "\n".join([f"| class | {' | '.join(columns)} |", "|---" * (len(columns) + 1) + "|"]
                         + [f"| {label} | {' | '.join(cells)} |" for label, cells in rows])
    if layout == "transposed":
        head = f"| | {' | '.join(label for label, _ in rows)} |"
        return "\n".join([head, "|---" * (len(rows) + 1) + "|"]
                         + [f"| {name} | {' | '.join(cells[k] for _, cells in rows)} |" for k, name in enumerate(columns)])
    if layout == "pipe lines":
        return "\n".join(f"{label} | {' | '.join(cells)}" for label, cells in rows)
    if layout == "row lines":
        return "\n".join(f"{label}: " + ", ".join(f"{name} = {cell}" for name, cell in zip(columns, cells))
                         for label, cells in rows)
    if layout == "head lines":
        return "\n".join(f"For {label}:\n" + "\n".join(f"{name} = {cell}" for name, cell in zip(columns, cells))
                         for label, cells in rows)
    return "\n".join(f"{name}: " + ", ".join(f"{label} = {cells[k]}" for label, cells in rows)
                     for k, name in enumerate(columns))


LABELS = ["cat", "dog", "bird", "fish", "horse", "class 6"]
LAYOUT_NAMES = ["table", "transposed", "pipe lines", "row lines", "head lines", "column lines"]
grids = st.integers(2, 6).flatmap(lambda n: st.tuples(
    st.lists(st.tuples(st.integers(1, 20), st.integers(1, 20)), min_size=n, max_size=n),
    st.permutations(range(n)),
    st.sampled_from(LAYOUT_NAMES),
    st.lists(st.sampled_from(["exact", "decimal", "percent"]), min_size=3 * n, max_size=3 * n),
))


def _write(value: F, style: str) -> str:
    """A right value as a student writes it: exact, rounded to 3 decimals, or a percentage."""
    if style == "decimal":
        return decimal_text(value, 3)
    if style == "percent":
        return decimal_text(value * 100, 1) + "%"
    return str(value.numerator) if value.denominator == 1 else f"{value.numerator}/{value.denominator}"


def _grid_case(values, styles):
    labels = LABELS[:len(values)]
    p = [F(a, 20) for a, _ in values]
    r = [F(b, 20) for _, b in values]
    f1 = [2 * x * y / (x + y) for x, y in zip(p, r)]
    refs = {"p": p, "r": r, "f1": f1}
    changes = {"rows": labels}
    written = [[_write(v, styles[3 * i + k]) for k, v in enumerate(row)] for i, row in enumerate(zip(p, r, f1))]
    return refs, changes, params(**changes), labels, written


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(grids)
def test_any_permutation_of_the_rows_of_a_right_grid_is_fully_right(case):
    values, order, layout, styles = case
    refs, changes, _, labels, written = _grid_case(values, styles)
    rows = [(labels[i], written[i]) for i in order]
    result = grade(_render(rows, layout, ["P", "R", "F1"]), refs=refs, **changes)
    assert result.fraction == 1.0, (layout, result.detail)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(grids, st.data())
def test_one_cell_beyond_its_tolerance_loses_exactly_that_cell(case, data):
    values, order, layout, styles = case
    refs, changes, grid, labels, written = _grid_case(values, styles)
    row = data.draw(st.integers(0, len(labels) - 1))
    column = data.draw(st.integers(0, 2))
    expected = [refs["p"], refs["r"], refs["f1"]][column][row]
    tol = grid.tolerance(column)
    written[row][column] = decimal_text(just_outside(expected, tol), decimal_places_for(expected, tol))
    rows = [(labels[i], written[i]) for i in order]
    result = grade(_render(rows, layout, ["P", "R", "F1"]), refs=refs, **changes)
    total = 3 * len(labels)
    assert result.fraction == pytest.approx((total - 1) / total), (layout, result.detail)
    name = ["precision", "recall", "F1"][column]
    assert f"row {labels[row]}, {name}: {written[row][column]}, expected" in result.detail


# --- check_params and self-tests ---------------------------------------------------------------------

def problems(refs=REFS, **changes) -> list[str]:
    return GRID.check_params(params(**changes), refs)


def test_a_well_formed_grid_has_no_problems():
    assert problems() == []


@pytest.mark.parametrize("refs, changes, message", [
    ({"p": P, "r": R}, {}, "columns.F1.reference: 'f1' is not computed by the question; known: p, r"),
    ({**REFS, "r": R[:2]}, {}, "columns.recall.reference: 'r' has 2 values, but the grid has 3 rows"),
    ({**REFS, "r": F(1, 2)}, {}, "columns.recall.reference: 'r' is not a list of values"),
    ({**REFS, "r": [F(1), "x", F(1)]}, {}, "'r' holds x, which is not a number"),
    (REFS, {"columns": [{"label": "P"}]}, "columns.P: needs a reference"),
    ({**REFS, "m": [[1, 2, 3], [4, 5, 6]]}, {"columns": ["P", "R"], "cells": "m"}, "is 2×3, but the grid has 3 rows and 2 columns; it is columns × rows: write transpose"),
    ({**REFS, "m": [1, 2]}, {"columns": ["P", "R"], "cells": "m"}, "cells: reference 'm' is not a matrix"),
    (REFS, {"columns": ["P", "R"], "cells": "m"}, "cells: reference 'm' is not computed"),
])
def test_references_missing_or_of_the_wrong_shape_are_reported(refs, changes, message):
    found = problems(refs, **changes)
    assert any(message in p for p in found), found


def _derived(formula: str) -> list[str]:
    columns = [dict(c) for c in BASE["columns"]]
    columns[2] = {**columns[2], "derived_from": formula}
    return problems(columns=columns)


@pytest.mark.parametrize("formula, message", [
    ("F1 = 2*P*Q/(P+R)", "columns.F1.derived_from: column 10: unknown name 'Q'"),   # columns count in the author's text
    ("F1 = 2 * precison * recall / (precision + recall)",
     "column 10: unknown name 'precison'; did you mean 'precision'? (a formula names columns by their labels"),
    ("2*P*R/(P+R", "columns.F1.derived_from: column 7: unbalanced brackets"),
    ("2*P*R/(P R)", "columns.F1.derived_from: column 10: unexpected"),
    ("F1 / 2", "uses its own column 'F1'"),
    ("2 / 3", "uses none of the columns"),
    ("P * R", "in row class A the formula gives 8/15 ≈ 0.5333 but the reference is 8/11 ≈ 0.7273"),
])
def test_a_derived_from_that_does_not_read_or_does_not_fit_is_reported(formula, message):
    found = _derived(formula)
    assert any(message in p for p in found), found


def test_a_derived_formula_may_name_columns_by_label_or_alias():
    assert _derived("2 * precision * recall / (precision + R)") == []
    assert _derived("if(P + R = 0, 0, 2*P*R/(P+R))") == []


@pytest.mark.parametrize("changes", [{}, {"column": "F1"}, {"row": "B"}, {"column": "recall", "student_precision": False,
                                                                              "rel_tol": 0.01}])
def test_self_tests_are_graded_as_labelled(changes):
    p = params(**changes)
    tests = GRID.self_test(p, REFS)
    assert [t.label for t in tests] == ["correct", "incorrect", "invalid"]
    for test in tests:
        result = grade(test.text, **changes)
        if test.label == "invalid":
            assert result is None or isinstance(result, Invalid)
        else:
            assert (result.fraction == 1.0) is (test.label == "correct"), (test.text, result.detail)


def test_the_correct_self_test_is_the_reference_grid_as_a_markdown_table():
    text = GRID.self_test(params(), REFS)[0].text
    assert text.splitlines()[0] == "| | precision | recall | F1 |"
    assert "| class A | 0.8 | 2/3 | 8/11 |" in text
    assert markdown_table(params(), [["1"] * 3] * 3).count("\n") == 4


def test_items_that_share_a_grid_share_one_reading():
    keys = {GRID.reading_key(params(**c)) for c in ({}, {"column": "F1"}, {"row": "A"}, {"ordered": True})}
    assert len(keys) == 1
    assert GRID.reading_key(params(rows=["A", "B", "C"])) not in keys


# --- a rubric of our own: given a confusion matrix, compute per-class P/R/F1 -----------------------

EXAM = """\
id: grid-test
title: Grid test
total: 6
questions: [q1]
defaults:
  grid: {student_precision: true}
"""

QUESTION = """\
id: q1
title: Per-class precision, recall and F1
points: 6
markers: ["1.", "Q1"]
terms: ["precision", "recall"]
type: grid
given:
  C: [[4, 1, 1], [1, 3, 1], [0, 1, 9]]   # rows: the true class; columns: the predicted class
compute:
  precision: "[C[1,1] / sum(C[k,1], k, 1, 3), C[2,2] / sum(C[k,2], k, 1, 3), C[3,3] / sum(C[k,3], k, 1, 3)]"   # column sums
  recall: "[C[1,1] / sum(C[1,k], k, 1, 3), C[2,2] / sum(C[2,k], k, 1, 3), C[3,3] / sum(C[3,k], k, 1, 3)]"      # row sums
  f1: "[2 * precision[1] * recall[1] / (precision[1] + recall[1]), 2 * precision[2] * recall[2] / (precision[2] + recall[2]), 2 * precision[3] * recall[3] / (precision[3] + recall[3])]"
  grid: "transpose([precision, recall, f1])"
items:
  - id: precision
    points: 2
    description: per-class precision
    check:
      rows: &rows [{label: cat, aliases: [A]}, {label: dog, aliases: [B]}, {label: bird, aliases: [C]}]
      columns: &columns
        - {label: precision, aliases: [P], reference: precision}
        - {label: recall, aliases: [R], reference: recall}
        - {label: F1, aliases: [F1 score], reference: f1, derived_from: "F1 = 2*P*R/(P+R)", abs_tol: 0.005}
      column: precision
    feedback: "{{ found }}. {{ detail }}"
  - id: recall
    points: 2
    description: per-class recall
    check: {rows: *rows, columns: *columns, column: recall}
    feedback: "{{ found }}. {{ detail }}"
  - id: f1
    points: 1
    description: per-class F1, error carried forward
    check: {rows: *rows, columns: *columns, column: F1}
    feedback:
      correct: "All F1 right."
      default: "{{ found }}. {{ detail }}"
  - id: whole
    points: 1
    description: the whole grid, from the computed matrix
    check: {rows: *rows, columns: [{label: precision, aliases: [P]}, {label: recall, aliases: [R]}, F1], cells: grid}
    feedback: "{{ found }}"
    # (without a derived_from here, this item's F1 cells are judged against the reference alone)
"""


@pytest.fixture
def rubric(tmp_path):
    folder = tmp_path / "rubric"
    folder.mkdir()
    (folder / "exam.yaml").write_text(EXAM, encoding="utf-8")
    (folder / "q1.yaml").write_text(QUESTION, encoding="utf-8")
    return load_rubric(folder)


def test_the_rubric_computes_the_grid_and_passes_its_self_tests(rubric):
    refs = rubric.questions[0].refs
    assert list(refs["precision"]) == [F(4, 5), F(3, 5), F(9, 11)]
    assert list(refs["recall"]) == [F(2, 3), F(3, 5), F(9, 10)]
    assert list(refs["grid"][0]) == [F(4, 5), F(2, 3), F(8, 11)]
    assert self_test(rubric) == []


def test_a_sheet_is_graded_through_the_engine(rubric):
    sheet = """\
Name: A. Student

Q1. From the confusion matrix:

| class | P | R | F1 |
|---|---|---|---|
| bird | 9/11 = 0.82 | 0.9 | 0.86 |
| cat | 0.8 | 0.67 | 0.73 |
| dog | 0.6 | 0.6 | 0.6 |
"""
    result = Grader(rubric).grade_text(sheet)
    question, = result.questions
    assert question.score == 6
    assert {i.id: i.outcome for i in question.items} == {k: Outcome.CORRECT for k in ("precision", "recall", "f1", "whole")}
    f1 = next(i for i in question.items if i.id == "f1")
    assert f1.feedback == "All F1 right." and [e.line for e in f1.evidence] == [7, 8, 9]


def test_a_wrong_precision_costs_its_cell_and_f1_is_carried_forward(rubric):
    sheet = """\
1. cat: P = 0.6, R = 0.67, F1 = 0.63
dog: P = 0.6, R = 0.6, F1 = 0.6
bird: P = 0.82, R = 0.9, F1 = 0.86
"""
    question, = Grader(rubric).grade_text(sheet).questions
    items = {i.id: i for i in question.items}
    assert items["precision"].score == pytest.approx(2 * 2 / 3, abs=1e-4)
    assert "row cat, precision: 0.6, expected 0.8" in items["precision"].feedback
    assert items["recall"].score == 2
    assert items["f1"].score == 1 and items["f1"].outcome == Outcome.CORRECT
    assert "error carried forward" in items["f1"].detail
    # The whole-grid item's F1 has no derived_from: nothing is carried forward there.
    assert items["whole"].score == pytest.approx(7 / 9, abs=1e-4)
    assert "row cat, F1: 0.63, expected 8/11" in items["whole"].detail


def test_the_documented_example_rubric_loads_and_passes_its_self_tests(tmp_path):
    from pathlib import Path

    doc = (Path(__file__).resolve().parents[2] / "docs" / "types" / "grid.md").read_text(encoding="utf-8")
    question = doc.split("```yaml\n", 1)[1].split("```", 1)[0]
    folder = tmp_path / "doc"
    folder.mkdir()
    (folder / "exam.yaml").write_text(EXAM, encoding="utf-8")
    (folder / "q1.yaml").write_text(question, encoding="utf-8")
    rubric = load_rubric(folder)
    assert self_test(rubric) == []
    question, = Grader(rubric).grade_text("1. cat: P = 0.6, R = 0.67, F1 = 0.63").questions
    f1 = next(i for i in question.items if i.id == "f1")
    assert "error carried forward — row cat, F1: 0.63 follows from your precision 0.6, recall 0.67" in f1.detail


def test_an_ocr_damaged_cell_is_read_and_flagged():
    text = """
        | class | P | R | F1 |
        |---|---|---|---|
        | A | O.8 | 0.67 | 0.73 |
        | B | 0.5 | 0.6 | 0.55 |
        | C | 0.9 | 0.9 | 0.9 |
    """
    result = grade(text)
    assert result.fraction == 1.0
    assert [n.code for n in result.flags if not isinstance(n, str)] == ["ocr-suspect"]
    assert "'O.8'" in result.flags[0].message
