"""The table type on the real answer sheet's q3 and on synthetic answers, through the q3 rubric."""

from fractions import Fraction
from pathlib import Path

import pytest
from hypothesis import given, settings, strategies as st
from pydantic import ValidationError

from grader.grading import grade_question
from grader.model import Line, Outcome, Segment
from grader.numbers import Tolerance
from grader.rubric.loader import load_rubric
from grader.selftest import self_test
from grader.solvers import get_solver
from grader.types import get_type
from grader.domains.deep_learning.table import TableParams, _table_text, final_value
from grader.types.table_cells import judge
from grader.domains.deep_learning.table_rows import make_cell, read_table

ROOT = Path(__file__).resolve().parents[3]
SHEET = ROOT / "submissions" / "dl-exam" / "cs17btech11037.md"


@pytest.fixture(scope="module")
def q3(tmp_path_factory):
    """The bundled q3 rubric on its own (the other questions are not this module's business)."""
    folder = tmp_path_factory.mktemp("rubric")
    (folder / "q3.yaml").write_text((ROOT / "rubrics" / "dl-exam" / "q3.yaml").read_text())
    (folder / "exam.yaml").write_text(
        "id: dl-exam\ntitle: q3 only\ntotal: 8\nquestions: [q3]\n"
        "defaults:\n  numeric:\n    rel_tol: 0.005\n    student_precision: true\n")
    rubric = load_rubric(folder)
    return rubric, rubric.questions[0]


def grade(question, text: str | Segment):
    segment = text if isinstance(text, Segment) else Segment.from_text("q3", text)
    result = grade_question(question, segment, budget_seconds=5)
    return result, {item.id: item for item in result.items}


def sheet_segment() -> Segment:
    lines = SHEET.read_text(encoding="utf-8").splitlines()
    kept = tuple(Line(n, lines[n - 1]) for n in range(85, 110) if lines[n - 1].strip())
    return Segment("q3", kept, ((85, 109),))


REFS = get_solver("ranked_retrieval").fn(get_solver("ranked_retrieval").params.model_validate(
    {"relevance": "T T F F F T T F F T".split(), "total_relevant": 5}))
TABLE = _table_text(REFS["precision"], REFS["recall"], REFS["relevant"])
RULE = "Interpolated precision at recall r is the max precision at any recall >= r."


# --- the real sheet ---------------------------------------------------------------------------

def test_real_sheet_earns_full_marks_with_ocr_flag(q3):
    _, question = q3
    result, items = grade(question, sheet_segment())
    assert {i: it.score for i, it in items.items()} == {
        "precision-column": 2.5, "recall-column": 1.5, "interpolation-rule": 1.0, "ap-method": 1.0, "final-ap": 2.0}
    assert result.score == 8
    assert "ocr-suspect" in result.flag_codes
    # 0.752 is the 11-point AP of the sheet's own rounded rows: (5·1 + 4·0.57 + 2·0.5)/11 = 8.28/11, truncated
    assert "207/275" in items["ap-method"].feedback
    assert items["final-ap"].evidence[0].line == 109
    assert {e.line for e in items["precision-column"].evidence} == set(range(91, 101))


def test_real_sheet_cells_that_are_ocr_damage():
    table = read_table(sheet_segment().lines)
    tol = Tolerance()
    damaged = {(7, "precision"), (8, "precision"), (9, "precision"), (6, "recall"), (8, "recall"), (9, "recall"), (10, "recall")}
    for rank in range(1, 11):
        row = table.row(rank)
        assert row.relevant == REFS["relevant"][rank - 1]
        for column, denominator in (("precision", rank), ("recall", 5)):
            verdict = judge(row.cells[column], REFS[column][rank - 1], tol, denominator)
            assert verdict.status == ("suspect" if (rank, column) in damaged else "correct"), (rank, column)


# --- synthetic answers ------------------------------------------------------------------------

def answer(final: str, table: str = TABLE, rule: str = RULE) -> str:
    return f"{table}\n\n{rule}\n\nInterpolated AP = {final}"


@pytest.mark.parametrize("final, scores, total", [
    ("0.7532", {"ap-method": 1, "final-ap": 2}, 8),       # 11-point
    ("58/77", {"ap-method": 1, "final-ap": 2}, 8),
    ("0.729", {"ap-method": 1, "final-ap": 2}, 8),        # all-point
    ("0.714", {"ap-method": 0, "final-ap": 1}, 6),        # non-interpolated: half the value marks
    ("0.80", {"ap-method": 0, "final-ap": 0}, 5),         # wrong
])
def test_final_values_on_a_correct_table(q3, final, scores, total):
    _, question = q3
    result, items = grade(question, answer(final))
    assert {k: items[k].score for k in scores} == scores
    assert result.score == total
    assert "ocr-suspect" not in result.flag_codes


def test_error_carried_forward_earns_the_method_marks(q3):
    """Rank 3 marked relevant by mistake: wrong rows, but the AP follows from them."""
    wrong = get_solver("ranked_retrieval").fn(get_solver("ranked_retrieval").params.model_validate(
        {"relevance": "T T T F F T T F F T".split(), "total_relevant": 6}))
    table = _table_text(wrong["precision"], wrong["recall"], wrong["relevant"])
    _, items = grade(q3[1], answer(f"{float(wrong['ap_11pt']):.4f}", table))
    assert items["ap-method"].score == 1
    assert items["final-ap"].score == 0
    assert 0 < items["precision-column"].score < 2.5
    assert items["recall-column"].score == pytest.approx(1.5 / 10)  # only rank 10 (6/6 = 1) is right


def test_right_value_under_a_wrong_table_earns_the_value_alone(q3):
    precision = list(REFS["precision"])
    precision[2:5] = ["0.5", "0.4", "0.3"]
    precision[6] = "0.6"  # 4/7 wrong: the 11-point AP of these rows is 8.4/11 ≈ 0.764, not 0.7532
    table = _table_text(precision, REFS["recall"], REFS["relevant"])
    result, items = grade(q3[1], answer("0.7532", table, rule=""))
    assert items["final-ap"].score == 2
    assert items["ap-method"].score == 0
    assert items["precision-column"].score == pytest.approx(2.5 * 6 / 10)
    assert items["interpolation-rule"].score == 0  # "Interpolated AP = ..." names the topic, not the rule
    result, items = grade(q3[1], table)
    assert items["interpolation-rule"].outcome == Outcome.MISSING


@pytest.mark.parametrize("layout", [
    "\n".join(f"P@{k} = {p} , R@{k} = {r}" for k, (p, r) in enumerate(zip(REFS["precision"], REFS["recall"]), 1)),
    "\n".join(f"{k}) {'T' if t else 'F'}  {p} = {float(p):.2f}  {r} = {float(r):.1f}"
              for k, (p, r, t) in enumerate(zip(REFS["precision"], REFS["recall"], REFS["relevant"]), 1)),
    "\n".join(f"Rank {k}: precision = {float(p):.3f}; recall = {float(r):.2f}"
              for k, (p, r) in enumerate(zip(REFS["precision"], REFS["recall"]), 1)),
    # an interpolated-precision column before the precision column is not taken for it
    "| Rank | Rel | Interp. precision | Precision | Recall |\n|---|---|---|---|---|\n" + "\n".join(
        f"| {k} | {'T' if t else 'F'} | {i} | {p} | {r} |" for k, (p, r, t, i) in enumerate(
            zip(REFS["precision"], REFS["recall"], REFS["relevant"], REFS["interpolated_precision"]), 1)),
    # no header, no separator: columns told apart by what they hold
    "\n".join(f"| {k} | {'yes' if t else 'no'} | {p} | {r} |"
              for k, (p, r, t) in enumerate(zip(REFS["precision"], REFS["recall"], REFS["relevant"]), 1)),
])
def test_other_layouts_of_the_rows(q3, layout):
    _, items = grade(q3[1], answer("0.753", layout))
    assert items["precision-column"].score == 2.5
    assert items["recall-column"].score == 1.5
    assert items["ap-method"].score == 1


@pytest.mark.parametrize("cell, expected, status", [
    ("2/3 = 0.67", Fraction(2, 3), "correct"),
    ("0.667", Fraction(2, 3), "correct"),
    ("0.66", Fraction(2, 3), "wrong"),       # two decimals, not 2/3 rounded
    ("0.7", Fraction(2, 3), "wrong"),        # one decimal is too coarse for 2/3
    ("3/5 = 0.6", Fraction(2, 5), "wrong"),  # consistent and wrong
    ("47 = 0.57", Fraction(4, 7), "suspect"),
    ("47", Fraction(4, 7), "wrong"),         # a lone 47 is not OCR damage we can see
    ("1/8 = 0.5", Fraction(1, 2), "suspect"),
    ("312 = 0.6", Fraction(3, 5), "suspect"),
    ("5/C = 1.7", Fraction(1), "suspect"),
    ("1/8 = 0.3", Fraction(1, 2), "wrong"),
    ("² / ₅ = 0-4", Fraction(2, 5), "correct"),
])
def test_cell_verdicts(cell, expected, status):
    assert judge(make_cell(cell), expected, Tolerance(), denominator=5).status == status


def test_ocr_suspect_cell_is_not_credited_when_the_rest_of_the_row_is_wrong(q3):
    precision, recall = list(REFS["precision"]), list(REFS["recall"])
    precision[6], recall[6] = "47 = 0.57", "0.9"
    table = _table_text(precision, recall, REFS["relevant"])
    result, items = grade(q3[1], answer("0.753", table))
    assert items["precision-column"].score == pytest.approx(2.5 * 9 / 10)
    assert "rest of the row is wrong" in items["precision-column"].feedback
    precision[6], recall[6] = "47 = 0.57", "4/5"
    result, items = grade(q3[1], answer("0.753", _table_text(precision, recall, REFS["relevant"])))
    assert items["precision-column"].score == 2.5 and "ocr-suspect" in result.flag_codes


def test_no_table_is_missing_and_an_unreadable_column_is_invalid(q3):
    _, items = grade(q3[1], "Interpolated AP = 0.753")
    assert items["precision-column"].outcome == Outcome.MISSING
    assert items["ap-method"].outcome == Outcome.MISSING
    assert items["final-ap"].score == 2
    garbled = "| Rank | Precision | Recall |\n|---|---|---|\n" + "\n".join(f"| {k} | 0.{k} | |" for k in range(1, 11))
    _, items = grade(q3[1], garbled)
    assert items["recall-column"].outcome == Outcome.INVALID


def test_final_value_skips_table_rows_and_numbers_outside_zero_one():
    text = answer("0.75 (11-point)") + "\nThe 11-point method averages 11 values."
    ctx = get_type("ap_table").prepare("q3", Segment.from_text("q3", text), REFS, TableParams.model_validate({"part": "final", "accept": [{"reference": "ap_11pt"}]}))
    number, line = final_value(ctx)
    assert number.value == Fraction(3, 4) and "Interpolated AP" in line.text
    ctx = get_type("ap_table").prepare("q3", Segment.from_text("q3", TABLE + "\n0.729"), REFS, TableParams.model_validate({"part": "final", "accept": [{"reference": "ap_11pt"}]}))
    assert final_value(ctx)[0].value == Fraction("0.729")


# --- rubric-level checks ------------------------------------------------------------------------

def test_q3_self_tests_pass(q3):
    rubric, _ = q3
    assert self_test(rubric) == []


@pytest.mark.parametrize("check, message", [
    ({"part": "column"}, "column: required"),
    ({"part": "method", "methods": ["ap_magic"]}, "unknown"),
    ({"part": "final"}, "accept: required"),
    ({"part": "statement", "statements": [["max"]]}, "topic: required"),
    ({"part": "column", "column": "precision", "colour": "red"}, "Extra inputs"),
    ({"part": "column", "column": "f1"}, "precision"),
])
def test_bad_checks_are_rubric_errors(check, message):
    with pytest.raises(ValidationError, match=message):
        TableParams.model_validate(check)


def test_check_params_names_missing_references():
    params = TableParams.model_validate({"part": "column", "column": "precision", "precision_reference": "prec"})
    assert get_type("ap_table").check_params(params, REFS) == ["reference 'prec' is not produced by the question's solver"]
    assert get_type("ap_table").check_params(params.model_copy(update={"precision_reference": "precision"}), REFS) == []


@settings(max_examples=40, deadline=None)
@given(st.lists(st.booleans(), min_size=2, max_size=12).filter(any), st.integers(0, 2), st.data())
def test_any_reference_table_grades_full_and_one_bad_row_costs_one_row(q3, relevance, missing, data):
    _, question = q3
    solver = get_solver("ranked_retrieval")
    refs = solver.fn(solver.params.model_validate({"relevance": relevance, "total_relevant": sum(relevance) + missing}))
    ptype = get_type("ap_table")
    params = TableParams.model_validate({"part": "column", "column": "precision"})
    table = _table_text(refs["precision"], refs["recall"], refs["relevant"])
    ctx = ptype.prepare("q", Segment.from_text("q", table), refs, params)
    assert ptype.compare(ptype.parse(ctx, params), ctx, params).fraction == 1
    bad = data.draw(st.integers(0, len(relevance) - 1))
    precision = list(refs["precision"])
    precision[bad] = str(precision[bad] + Fraction(1, 10)) if precision[bad] < Fraction(9, 10) else "0.05"
    ctx = ptype.prepare("q", Segment.from_text("q", _table_text(precision, refs["recall"], refs["relevant"])), refs, params)
    comparison = ptype.compare(ptype.parse(ctx, params), ctx, params)
    assert comparison.fraction == pytest.approx((len(relevance) - 1) / len(relevance))
    method = TableParams.model_validate({"part": "method", "methods": ["ap_11pt", "ap_all_point"]})
    text = f"{table}\nAP = {float(refs['ap_all_point']):.4f}"
    ctx = ptype.prepare("q", Segment.from_text("q", text), refs, method)
    assert ptype.compare(ptype.parse(ctx, method), ctx, method).outcome == Outcome.CORRECT


@pytest.mark.parametrize("check", [
    {"part": "final", "accept": [{"reference": "ap_11pt"}, {"reference": "ap_all_point"},
                                 {"reference": "ap_non_interpolated", "credit": 0.5}], "rel_tol": 0.005},
    {"part": "final", "accept": [{"reference": "ap_all_point"}]},
    {"part": "statement", "topic": ["interpolat"], "statements": [["interpolat", "max"]]},
    {"part": "method", "methods": ["ap_all_point"], "rel_tol": 0.01},
    {"part": "column", "column": "recall", "rel_tol": 0.01},
])
def test_every_part_grades_its_own_self_tests_as_labelled(check):
    qtype, params = get_type("ap_table"), TableParams.model_validate(check)
    tests = qtype.self_test(params, REFS)
    assert {t.label for t in tests} == {"correct", "incorrect", "invalid"}
    for test in tests:
        ctx = qtype.prepare("q3", Segment.from_text("q3", test.text), REFS, params)
        parsed = qtype.parse(ctx, params)
        if test.label == "invalid":
            assert parsed is None or not hasattr(parsed, "value"), test.text
            continue
        fraction = qtype.compare(parsed, ctx, params).fraction
        assert (fraction == 1) is (test.label == "correct"), (test.label, test.text)


@pytest.mark.parametrize("final, credit", [("0.753", 1.0), ("0.7286", 1.0), ("5/7", 0.5), ("0.70", 0.0)])
def test_final_part_credits_each_accepted_reference(final, credit):
    qtype = get_type("ap_table")
    params = TableParams.model_validate({"part": "final", "rel_tol": 0.005, "accept": [
        {"reference": "ap_11pt"}, {"reference": "ap_all_point"}, {"reference": "ap_non_interpolated", "credit": 0.5}]})
    ctx = qtype.prepare("q3", Segment.from_text("q3", f"{TABLE}\nSo the AP is {final}"), REFS, params)
    assert qtype.compare(qtype.parse(ctx, params), ctx, params).fraction == credit
