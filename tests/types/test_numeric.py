from fractions import Fraction as F
from pathlib import Path

import pytest
from pydantic import ValidationError

from grader.model import Line, Outcome, Segment
from grader.types import get_type
from grader.types.base import Invalid

SHEET = Path(__file__).resolve().parents[2] / "submissions" / "dl-exam" / "cs17btech11037.md"
REFS = {"ap_11pt": F(58, 77), "ap_all_point": F(51, 70), "ap_non_interpolated": F(5, 7), "ranks": (1, 2, 3)}
NUMERIC = get_type("numeric")
Q3_ACCEPT = {"accept": [
    {"reference": "ap_non_interpolated", "credit": 0.5, "label": "non-interpolated AP"},
    {"reference": "ap_11pt", "label": "11-point AP"},
    {"reference": "ap_all_point", "label": "all-point AP"},
], "cue": ["AP", "average precision"]}


def sheet_segment(first: int, last: int) -> Segment:
    lines = SHEET.read_text(encoding="utf-8").splitlines()
    kept = tuple(Line(n, lines[n - 1]) for n in range(first, last + 1) if lines[n - 1].strip())
    return Segment("q3", kept, ((first, last),))


def grade(text_or_segment, check, refs=REFS):
    params = NUMERIC.Params.model_validate(check)
    assert NUMERIC.check_params(params, refs) == []
    segment = text_or_segment if isinstance(text_or_segment, Segment) else Segment.from_text("q", text_or_segment)
    ctx = NUMERIC.prepare("q", segment, refs, params)
    parsed = NUMERIC.parse(ctx, params)
    if parsed is None or isinstance(parsed, Invalid):
        return parsed
    return NUMERIC.compare(parsed, ctx, params)


@pytest.mark.parametrize("text, found", [
    ("P = 2/3 = 0.67\nR = 0.4\n∴ AP = 0.753", "0.753"),
    ("AP = 0.753 (11-point)\nthen some words", "0.753"),
    ("precision 0.5 recall 0.4\n0.753\n", "0.753"),
    ("sum = 8.2857\n:. Interpolated AP is 0.753.", "0.753"),
    ("Answer: 58/77 which is about 0.75", "0.75"),  # the last result sign ("is") wins
    ("Answer: 58/77", "58/77"),
    ("AP = \\frac{58}{77} = 0.7532", "0.7532"),
    ("| 1 | 0.5 |\n| 2 | 0.753 |\nso the AP is 0.7", "0.7"),  # table rows are working
    # data restated as a list is not a result: the conclusion before it is
    ("so the AP is 0.75\nThe precisions are 1, 0.5, 0.67, 0.75.", "0.75"),
    ("AP = 0.7\nranks 1, 3; AP = 0.75", "0.75"),               # two numbers are not a list
])
def test_the_final_answer_not_the_working_is_read(text, found):
    assert grade(text, {"reference": "ap_11pt"}).found == found


@pytest.mark.parametrize("text, outcome, fraction", [
    ("AP = 0.753", Outcome.CORRECT, 1.0),
    ("AP = 0.7532", Outcome.CORRECT, 1.0),
    ("AP = 58/77", Outcome.CORRECT, 1.0),
    ("AP = 75.3%", Outcome.CORRECT, 1.0),
    ("AP = 0.729", Outcome.CORRECT, 1.0),  # all-point AP 51/70 = 0.72857
    ("AP = 0.714", Outcome.PARTIAL, 0.5),  # non-interpolated 5/7
    ("AP = 0.752", Outcome.INCORRECT, 0.0),  # not 58/77 rounded (error carried forward is the table's job)
    ("AP = 0.75", Outcome.CORRECT, 1.0),
    ("AP = 0.8", Outcome.INCORRECT, 0.0),  # one decimal is too coarse to be a rounding of the reference
])
def test_accepted_references_and_their_credit(text, outcome, fraction):
    comparison = grade(text, Q3_ACCEPT)
    assert (comparison.outcome, comparison.fraction) == (outcome, fraction)


def test_full_credit_reference_wins_over_a_partial_one_that_also_matches():
    check = {"accept": [{"reference": "a", "credit": 0.5}, {"reference": "b"}], "rel_tol": 0.1}
    comparison = grade("answer = 1", check, {"a": F(1), "b": F(21, 20)})
    assert (comparison.outcome, comparison.fraction, comparison.detail) == (Outcome.CORRECT, 1.0, "b")


@pytest.mark.parametrize("text, ok", [
    ("AP = 0.7570", True),  # within rel 0.5% of 0.75325 (window 0.003766)
    ("AP = 0.7571", False),
    ("AP = 0.7495", True),
    ("AP = 0.7494", False),
])
def test_relative_tolerance_edges(text, ok):
    check = {"reference": "ap_11pt", "rel_tol": 0.005, "student_precision": False}
    assert (grade(text, check).outcome is Outcome.CORRECT) is ok


def test_evidence_is_the_line_of_the_answer():
    comparison = grade("working 1/2\n\n∴ AP = 0.753", {"reference": "ap_11pt"})
    assert [e.render() for e in comparison.evidence] == ["line 3: ∴ AP = 0.753"]
    assert comparison.expected == "58/77 ≈ 0.7532"


@pytest.mark.parametrize("text", ["", "I do not know", "AP is the area under the curve",
                                  "The precisions at the ranks are 1, 0.5, 0.67, 0.75."])
def test_no_number_is_missing(text):
    assert grade(text, {"reference": "ap_11pt"}) is None


def test_real_sheet_final_ap_is_read_from_its_conclusion_and_is_not_the_reference():
    comparison = grade(sheet_segment(85, 109), {**Q3_ACCEPT})
    assert comparison.found == "0.752"
    assert comparison.evidence[0].line == 109
    assert comparison.outcome is Outcome.INCORRECT


@pytest.mark.parametrize("check, problem", [
    ({"reference": "ap_12pt"}, "did you mean 'ap_11pt'"),
    ({"reference": "ranks"}, "not a single number"),
])
def test_check_params_reports_bad_references(check, problem):
    problems = NUMERIC.check_params(NUMERIC.Params.model_validate(check), REFS)
    assert len(problems) == 1 and problem in problems[0]


@pytest.mark.parametrize("check", [
    {},
    {"reference": "ap_11pt", "accept": [{"reference": "ap_11pt"}]},
    {"accept": [{"reference": "ap_11pt", "credit": 0.5}]},
    {"reference": "ap_11pt", "tolerance": 0.1},
    {"accept": [{"reference": "ap_11pt", "credit": 1.5}]},
])
def test_bad_checks_are_rejected(check):
    with pytest.raises(ValidationError):
        NUMERIC.Params.model_validate(check)


@pytest.mark.parametrize("check", [
    {"reference": "ap_11pt"},
    {"reference": "ap_11pt", "rel_tol": 0.005},
    {"reference": "ap_all_point", "abs_tol": 0.01, "student_precision": False},
    {"reference": "ap_non_interpolated", "sig_figs": 2, "min_decimals": 3},
    {"reference": "ap_11pt", "student_precision": False},
    Q3_ACCEPT,
])
def test_self_tests_get_their_labels(check):
    params = NUMERIC.Params.model_validate(check)
    tests = NUMERIC.self_test(params, REFS)
    assert {t.label for t in tests} == {"correct", "incorrect", "invalid"}
    for test in tests:
        comparison = grade(test.text, check)
        if test.label == "correct":
            assert comparison.fraction == 1.0, test
        elif test.label == "incorrect":
            assert comparison.fraction < 1.0, test
        else:
            assert comparison is None, test


BAYES = {"numerator": F(18, 1000), "p_pos": F(116, 1000)}


@pytest.mark.parametrize("text, outcome, found, line", [
    # a method mark: the number appears somewhere in the working, not necessarily last
    ("P(D|+) = 0.9 x 0.02 / 0.116 = 0.018 / 0.116 = 0.155", Outcome.CORRECT, "0.018", 1),
    ("numerator: 0.9 · 0.02\n= 0.018\nso P(D|+) = 0.155", Outcome.CORRECT, "0.9 × 0.02", 1),  # the product set up
    ("numerator:\n0.018\nso P(D|+) = 0.155", Outcome.CORRECT, "0.018", 2),
    ("P(D|+) = 0.9 / 0.116 = 7.76", Outcome.INCORRECT, "0.9 / 0.116, 7.76", None),
])
def test_find_any_credits_a_number_anywhere_in_the_working(text, outcome, found, line):
    comparison = grade(text, {"reference": "numerator", "find": "any"}, BAYES)
    assert (comparison.outcome, comparison.found) == (outcome, found)
    assert [e.line for e in comparison.evidence] == ([line] if line else [])


def test_find_final_still_reads_only_the_conclusion():
    comparison = grade("P(D|+) = 0.018 / 0.116 = 0.155", {"reference": "numerator"}, BAYES)
    assert comparison.outcome == Outcome.INCORRECT and comparison.found == "0.155"


def test_find_any_self_tests_get_their_labels():
    params = NUMERIC.Params.model_validate({"reference": "numerator", "find": "any"})
    for test in NUMERIC.self_test(params, BAYES):
        comparison = grade(test.text, {"reference": "numerator", "find": "any"}, BAYES)
        verdict = "invalid" if comparison is None else "correct" if comparison.fraction == 1 else "incorrect"
        assert verdict == test.label, test


@pytest.mark.parametrize("text, ok", [
    ("P(D) = 0.02", False),        # a given value that rounds to 0.018 at two decimals is not the numerator
    ("0.9 · 0.02 = 0.018", True),
    ("0.9 · 0.02 = 18/1000", True),
])
def test_find_any_needs_the_figures_the_reference_has(text, ok):
    comparison = grade(text, {"reference": "numerator", "find": "any"}, BAYES)
    assert (comparison.fraction == 1) == ok


@pytest.mark.parametrize("text", [
    r"P(D|+) = \frac{0.018}{0.116} = 0.155",
    r"P(D|+) = \dfrac{0.018}{0.116}",
    "P(D|+) = 0.018 / 0.116",
])
def test_find_any_reads_the_terms_of_a_written_fraction(text):
    assert grade(text, {"reference": "numerator", "find": "any"}, BAYES).outcome == Outcome.CORRECT


@pytest.mark.parametrize("text, found", [
    # a conclusion word introduces the result on its line; one ending a line of working does not
    ("P(-) = 1 - 0.116 = 0.884, so\nP(D|-) = 0.002/0.884 = 0.00226", "0.00226"),
    ("P(-) = 0.884, so P(D|-) = 0.00226\nwhich is small", "0.00226"),
    ("x = 4, hence\ny = 2", "2"),
])
def test_a_conclusion_word_must_come_before_the_result(text, found):
    comparison = grade(text, {"reference": "p_pos"}, BAYES)
    assert comparison.found == found


@pytest.mark.parametrize("text, found, repaired", [
    ("so P(+) = O.116", "O.116", True),     # O for 0
    ("so P(+) = 0.116", "0.116", False),
])
def test_an_ocr_damaged_decimal_is_read_and_flagged(text, found, repaired):
    params = NUMERIC.Params.model_validate({"reference": "p_pos"})
    ctx = NUMERIC.prepare("q", Segment.from_text("q", text), BAYES, params)
    parsed = NUMERIC.parse(ctx, params)
    assert parsed.value.text == found and NUMERIC.compare(parsed, ctx, params).outcome == Outcome.CORRECT
    assert bool(parsed.flags) == repaired and (parsed.repairs == ("read 'O.116' as 0.116",)) == repaired


@pytest.mark.parametrize("text, ok", [
    ("P(+) = 0.9 × 0.02 + 0.1 × 0.98 = 0.116", True),   # the term set up as a product
    (r"P(+) = 0.9 \cdot 0.02 + 0.1 \times 0.98", True),
    ("P(+) = 0.9 * 0.02 + 0.1 * 0.98", True),
    ("P(+) = (0.9)(0.02) + (0.1)(0.98)", True),
    ("P(+) = (0.9)(0.02) + (0.1) + (0.98)", False),
    ("P(+) = 0.9 + 0.02 + 0.1 + 0.98", False),           # no product: no term
])
def test_find_any_sees_a_product_set_up_in_the_working(text, ok):
    comparison = grade(text, {"reference": "term", "find": "any"}, {"term": F(98, 1000)})
    assert (comparison.fraction == 1) == ok
