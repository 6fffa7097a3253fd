"""The matrix type on a statistics exam: vectors written as tuples, what the student calls a
matrix (``cue``), banded credit (``bands``), known wrong answers (``wrong``), a vector's
``orientation``, and what an answer without a matrix of the right shape comes out as.

The chain is a 3-state weather chain of our own: P = [[1/2, 1/2, 0], [1/4, 1/2, 1/4],
[0, 1/2, 1/2]], whose P² shares 5 of its 9 entries with P, and π = (1/4, 1/2, 1/4).
"""

from __future__ import annotations

import re
from fractions import Fraction as F

import pytest
from hypothesis import given, settings, strategies as st
from pydantic import ValidationError

from grader.engine import Grader
from grader.model import Outcome, Segment
from grader.rubric.loader import load_rubric
from grader.selftest import self_test
from grader.types import get_type
from grader.types.base import Comparison, Invalid, Parsed
from grader.types.matrix import MatrixParams, bmatrix, read_matrices
from grader.types.matrix_names import cued, names_word, normal

MATRIX = get_type("matrix")
P = [[F(1, 2), F(1, 2), F(0)], [F(1, 4), F(1, 2), F(1, 4)], [F(0), F(1, 2), F(1, 2)]]
P2 = [[sum(P[i][k] * P[k][j] for k in range(3)) for j in range(3)] for i in range(3)]
PI = [F(1, 4), F(1, 2), F(1, 4)]
REFS = {"P": P, "P2": P2, "pi": PI, "pi_row": [PI], "pi_column": [[v] for v in PI], "Q": [row[:] for row in P2]}


def grade(text: str, **check) -> Comparison | Invalid | None:
    params = MatrixParams(**check)
    ctx = MATRIX.prepare("q1", Segment.from_text("q1", text), REFS, params)
    parsed = MATRIX.parse(ctx, params)
    return MATRIX.compare(parsed, ctx, params) if isinstance(parsed, Parsed) else parsed


def brackets(rows) -> str:
    return "[" + ", ".join("[" + ", ".join(str(v) for v in row) + "]" for row in rows) + "]"


P_TEXT = "P = " + brackets(P)
P2_TEXT = "P^2 = " + brackets(P2)


def test_p_squared_shares_five_entries_with_p():
    assert sum(P[i][j] == P2[i][j] for i in range(3) for j in range(3)) == 5


# --- vectors: tuples, brackets, environments; orientation ------------------------------------------

VECTOR_FORMS = [
    "π = (1/4, 1/2, 1/4)",
    "(c) π = (0.25, 0.5, 0.25)",
    "\\pi = \\left( \\frac{1}{4}, \\frac{1}{2}, \\frac{1}{4} \\right)",
    "π = (0.25 0.5 0.25)",
    "[0.25, 0.5, 0.25]",
    "$\\pi = \\begin{pmatrix} 1/4 & 1/2 & 1/4 \\end{pmatrix}$",
    "$\\pi = \\begin{pmatrix} 1/4 \\\\ 1/2 \\\\ 1/4 \\end{pmatrix}$",
    "π = (1/4, 1/2, 1/4)^T",
    "π = [0.25 0.5 0.25]^{\\top}",
    "The stationary distribution is (1/4, 1/2, 1/4).",
    "$\\pi = (0.25,\\ 0.5,\\ 0.25)$",             # "\\ " is a LaTeX space
    "$\\pi = (\\tfrac14,\\, \\tfrac12,\\, \\tfrac14)$",
    "$\\pi = (\\frac{1}{4}, \\frac{1}{2}, \\frac{1}{4}$",  # OCR lost the closing bracket
]


@pytest.mark.parametrize("text", VECTOR_FORMS)
@pytest.mark.parametrize("reference", ["pi", "pi_row", "pi_column"])
def test_a_vector_is_read_in_every_form_and_either_orientation(text, reference):
    result = grade(text, reference=reference)
    assert isinstance(result, Comparison) and result.outcome == Outcome.CORRECT, result


@pytest.mark.parametrize("text", ["N(0, 1) and Bin(10, 0.5)", "f(1, 2, 3)", "P(X = 1) = 0.25", "see (3)", "(x, y, z)"])
def test_arguments_of_a_function_and_prose_in_parentheses_are_not_vectors(text):
    assert read_matrices(Segment.from_text("q", text).lines).candidates == ()
    assert grade(text, reference="pi") is None


@pytest.mark.parametrize("text, orientation, outcome, said", [
    ("π = (1/4, 1/2, 1/4)", "row", Outcome.CORRECT, ""),
    ("π = (1/4, 1/2, 1/4)^T", "column", Outcome.CORRECT, ""),
    ("$\\begin{pmatrix} 1/4 \\\\ 1/2 \\\\ 1/4 \\end{pmatrix}$", "column", Outcome.CORRECT, ""),
    ("π = (1/4, 1/2, 1/4)", "column", Outcome.INCORRECT, "π is written as a row, but the answer must be a column vector"),
    ("$\\begin{pmatrix} 1/4 \\\\ 1/2 \\\\ 1/4 \\end{pmatrix}$", "row", Outcome.INCORRECT, "written as a column"),
])
def test_an_orientation_the_rubric_asks_for(text, orientation, outcome, said):
    result = grade(text, reference="pi", name="π", orientation=orientation)
    assert result.outcome == outcome and said in result.detail


def test_orientation_is_only_for_vectors():
    assert MATRIX.check_params(MatrixParams(reference="P2", orientation="row"), REFS) == [
        "orientation: only for a vector; reference 'P2' is a 3×3 matrix"]
    assert MATRIX.check_params(MatrixParams(reference="pi_row", orientation="column"), REFS) == []


# --- nothing of the right shape: missing, invalid, or a slip ------------------------------------------

@pytest.mark.parametrize("text, outcome, said", [
    ("I ran out of time.", Outcome.MISSING, "no answer found"),
    (P2_TEXT, Outcome.MISSING, "no vector of 3 entries (π) was found; found 3×3"),
    ("π = [1/4, 1/2]", Outcome.MISSING, "found 1×2"),
    ("$$\\pi = \\begin{pmatrix} 1/4 & 1/2 \\\\ 1/4 \\end{pmatrix}$$", Outcome.INVALID, "rows have different lengths [2, 1]"),
    (P2_TEXT + "\n$$\\pi = \\begin{pmatrix} a & b & c \\end{pmatrix}$$", Outcome.INVALID, "not a number: 'a'"),
])
def test_no_vector_of_the_right_length_is_missing_or_invalid_never_incorrect(text, outcome, said):
    result = grade(text, reference="pi", name="π")
    if result is None:  # nothing at all: the grading loop makes it missing, "no answer found for this item"
        assert outcome == Outcome.MISSING
        return
    got = Outcome.INVALID if isinstance(result, Invalid) else result.outcome
    detail = result.reason if isinstance(result, Invalid) else result.detail
    assert got == outcome and said in detail, (got, detail)


def test_the_transpose_of_the_reference_is_still_a_wrong_answer():
    refs = {**REFS, "m": [[1, 4], [2, 5], [3, 6]]}
    params = MatrixParams(reference="m", name="M")
    ctx = MATRIX.prepare("q1", Segment.from_text("q1", "[[1, 2, 3], [4, 5, 6]]"), refs, params)
    result = MATRIX.compare(MATRIX.parse(ctx, params), ctx, params)
    assert result.outcome == Outcome.INCORRECT and "the 2×3 matrix you wrote is the transpose of M" in result.detail


# --- names and cues ---------------------------------------------------------------------------------

@pytest.mark.parametrize("text, names", [
    ("P^2 = [[1, 2], [3, 4]]", ["P^2"]),
    ("P = [[1, 2], [3, 4]], so P^2 = P·P = [[7, 10], [15, 22]]", ["P", "so P^2"]),
    ("P \\cdot P = P^2 = [[7, 10], [15, 22]]", ["P^2"]),
    ("$$\\mathbf{P}^{2} = \\begin{pmatrix} 7 & 10 \\\\ 15 & 22 \\end{pmatrix}$$", ["\\mathbf{P}^{2}"]),
    ("Two-step matrix P²:\n| 7 | 10 |\n| 15 | 22 |", ["Two-step matrix P²"]),
    ("P^2 =\n$$\\begin{bmatrix} 7 & 10 \\\\ 15 & 22 \\end{bmatrix}$$", ["P^2"]),
    ("The stationary distribution is (0.5, 0.5)", ["The stationary distribution"]),
    ("Working: 3 + 4 = 7\n[[7, 10], [15, 22]]", []),
])
def test_a_matrix_is_named_by_what_is_written_before_it(text, names):
    found = [c.names for c in read_matrices(Segment.from_text("q", text).lines).candidates]
    assert [n for names_of in found for n in names_of] == names


@pytest.mark.parametrize("name, cue, named", [
    ("P^2", "P^2", True), ("P²", "P^2", True), ("$P^{2}$", "P²", True), ("\\mathbf{P}^2", "p^2", True),
    ("so P^2", "P^2", True), ("Two-step matrix P²", "P^2", True), ("two-step matrix", "two-step", True),
    ("P^2", "P", False), ("P_2", "P", False), ("P'", "P", False), ("step", "P", False),
    ("\\pi", "π", True), ("pi", "\\pi", True), ("The stationary distribution", "stationary distribution", True),
])
def test_a_cue_names_a_matrix_as_a_whole_word(name, cue, named):
    assert cued([name], [cue]) is named


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet="ABCPQXpq", min_size=1, max_size=3), st.sampled_from(["", "^2", "^T", "_1", "'"]))
def test_a_cue_always_names_its_own_matrix_and_never_its_power(base, suffix):
    cue = base + suffix
    assert cued([cue], [cue]) and cued([f"(b) {cue}"], [cue])
    text = f"{cue} = [[1, 2], [3, 4]]"
    (candidate,) = read_matrices(Segment.from_text("q", text).lines).candidates
    assert cued(candidate.names, [cue])
    assert not names_word(normal(base + "^3"), normal(cue))


@pytest.mark.parametrize("text, cue, graded", [
    (P2_TEXT + "\n" + P_TEXT, ["P"], P),              # the named P is graded, though P^2 is written too
    (P_TEXT + "\n" + P2_TEXT, ["P^2", "P²"], P2),
    ("P² = " + brackets(P2) + "\n" + P_TEXT, ["P^2"], P2),
    ("P^2 =\n" + "\n".join("| " + " | ".join(str(v) for v in row) + " |" for row in P2) + "\n" + P_TEXT, ["P^2"], P2),
])
def test_the_matrix_the_cue_names_wins(text, cue, graded):
    reference = "P" if graded is P else "P2"
    result = grade(text, reference=reference, cue=cue, partial="entries")
    assert result.outcome == Outcome.CORRECT, result.detail


def test_a_cue_that_names_nothing_keeps_the_usual_choice_and_a_named_unreadable_matrix_is_invalid():
    wrong_p2 = "Q = " + brackets([[F(3, 8), F(1, 2), F(1, 8)], [F(1, 4), F(1, 2), F(1, 4)], [0, 0, 0]])
    # No matrix is called P^2: the best fit of the right shape is graded, as without a cue.
    with_cue = grade(wrong_p2 + "\n" + P_TEXT, reference="P2", cue=["P^2"], partial="entries")
    without = grade(wrong_p2 + "\n" + P_TEXT, reference="P2", partial="entries")
    assert with_cue.found == without.found and with_cue.fraction == without.fraction == pytest.approx(6 / 9)
    # P is named but ragged: the item grades P, and P cannot be read.
    ragged = "$$P = \\begin{bmatrix} 1/2 & 1/2 \\\\ 1/4 \\end{bmatrix}$$\n" + P2_TEXT
    assert isinstance(grade(ragged, reference="P", cue=["P"]), Invalid)
    usual = grade(ragged, reference="P")  # without a cue: P^2, the only readable 3×3, is graded as P
    assert usual.outcome == Outcome.PARTIAL and usual.found.startswith("[3/8 1/2 1/8;")


def test_an_empty_cue_is_a_rubric_error():
    with pytest.raises(ValidationError, match="a cue is the name a student writes"):
        MatrixParams(reference="P", cue=[" "])


# --- bands ------------------------------------------------------------------------------------------

BANDS = [{"entries": 9, "credit": 1}, {"entries": 7, "credit": "2/3"}, {"entries": 5, "credit": "1/3"}]


def p2_with_wrong(count: int) -> str:
    """P² with its first ``count`` entries written 0.9 (never right: no entry of P² is 0.9)."""
    rows = [row[:] for row in P2]
    for k in range(count):
        rows[k // 3][k % 3] = F(9, 10)
    return "P^2 = " + brackets(rows)


@pytest.mark.parametrize("wrong, fraction, said", [
    (0, 1.0, ""),
    (1, 2 / 3, "8 of 9 entries right: at least 7 earn 2/3 of the marks"),
    (2, 2 / 3, "7 of 9 entries right: at least 7 earn 2/3 of the marks"),
    (3, 1 / 3, "6 of 9 entries right: at least 5 earn 1/3 of the marks"),
    (4, 1 / 3, "at least 5 earn 1/3"),
    (5, 0.0, "4 of 9 entries right: fewer than 5 earn no marks"),
    (9, 0.0, "0 of 9 entries right"),
])
def test_bands_give_whole_mark_credit_by_right_entries(wrong, fraction, said):
    result = grade(p2_with_wrong(wrong), reference="P2", bands=BANDS)
    assert result.fraction == pytest.approx(fraction, abs=1e-6) and said in result.detail
    assert result.outcome == (Outcome.CORRECT if fraction == 1 else Outcome.PARTIAL if fraction else Outcome.INCORRECT)


def test_three_points_times_two_thirds_is_two_points():
    assert MATRIX.award(grade(p2_with_wrong(2), reference="P2", bands=BANDS), 3) == 2.0


def test_bands_by_rows_and_bands_without_the_top():
    by_rows = [{"rows": 2, "credit": 0.5}]
    assert grade(p2_with_wrong(1), reference="P2", bands=by_rows).fraction == 0.5  # rows 2 and 3 right
    assert grade(p2_with_wrong(4), reference="P2", bands=by_rows).fraction == 0.0  # row 3 only
    assert grade(p2_with_wrong(0), reference="P2", bands=by_rows).fraction == 1.0  # all right: full credit, always
    lenient = [{"entries": 8, "credit": 1}]
    assert grade(p2_with_wrong(1), reference="P2", bands=lenient).outcome == Outcome.CORRECT


@pytest.mark.parametrize("bands, message", [
    ([{"entries": 7, "rows": 2, "credit": 1}], "give entries or rows"),
    ([{"credit": 1}], "give entries or rows"),
    ([{"entries": 0, "credit": 1}], "greater than or equal to 1"),
    ([{"entries": 7, "credit": 1.5}], "less than or equal to 1"),
    ([{"entries": 7, "credit": 0}], "greater than 0"),
    ([{"entries": 7, "credit": "two thirds"}], "'two thirds' is not a number"),
    ([{"entries": 7, "credit": 1}, {"rows": 2, "credit": 0.5}], "every band counts entries, or every band counts rows"),
    ([{"entries": 5, "credit": 0.5}, {"entries": 7, "credit": 0.3}], "bands.1: 7 entries is not fewer than the band before it (5)"),
    ([{"entries": 7, "credit": 0.5}, {"entries": 5, "credit": 0.5}], "bands.1: credit 0.5 is not less than the band before it"),
    ([{"entries": 7, "credit": 0.5, "points": 2}], "Extra inputs are not permitted"),
])
def test_bands_that_are_not_a_clear_scheme_are_rubric_errors(bands, message):
    with pytest.raises(ValidationError, match=re.escape(message)):
        MatrixParams(reference="P2", bands=bands)


def test_a_band_larger_than_the_reference_is_a_rubric_error():
    assert MATRIX.check_params(MatrixParams(reference="P2", bands=[{"entries": 10, "credit": 1}]), REFS) == [
        "bands.0: 10 entries, but reference 'P2' has 9"]
    assert MATRIX.check_params(MatrixParams(reference="pi", bands=[{"rows": 4, "credit": 1}]), REFS) == [
        "bands.0: 4 rows, but reference 'pi' has 3"]


# --- known wrong answers ----------------------------------------------------------------------------

def test_writing_p_instead_of_p_squared_earns_nothing_and_says_so():
    proportional = grade("P^2 = " + brackets(P), reference="P2", partial="entries")
    assert proportional.fraction == pytest.approx(5 / 9)  # without wrong: 5 of 9 entries are right
    banded = grade("P^2 = " + brackets(P), reference="P2", bands=BANDS)
    assert banded.fraction == pytest.approx(1 / 3)
    known = grade("P^2 = " + brackets(P), reference="P2", partial="entries", bands=BANDS,
                  wrong=[{"reference": "P", "label": "P itself"}])
    assert (known.fraction, known.outcome) == (0.0, Outcome.INCORRECT)
    assert known.detail == "this is P itself, a known wrong answer: no marks"
    unlabelled = grade("P^2 = " + brackets(P), reference="P2", wrong=[{"reference": "P"}])
    assert unlabelled.detail == "this is P, a known wrong answer: no marks"


def test_a_known_wrong_answer_is_matched_within_the_tolerance_and_only_as_a_whole():
    wrong = [{"reference": "P", "label": "P itself"}]
    decimals = "[[0.5, 0.5, 0], [0.25, 0.5, 0.25], [0, 0.5, 0.5]]"
    assert grade(decimals, reference="P2", partial="entries", wrong=wrong).fraction == 0
    near = "[[0.5, 0.5, 0], [0.25, 0.5, 0.25], [0, 0.5, 0.4]]"  # not P: graded as usual
    assert grade(near, reference="P2", partial="entries", wrong=wrong).fraction == pytest.approx(5 / 9)
    # P and P^2 both written: the right one is graded.
    assert grade(P_TEXT + "\n" + P2_TEXT, reference="P2", wrong=wrong).outcome == Outcome.CORRECT


@pytest.mark.parametrize("wrong, message", [
    ([{"reference": "Q"}], "wrong.0.reference: 'Q' equals the reference ('P2') within the tolerance"),
    ([{"reference": "pi"}], "wrong.0.reference: 'pi' is a vector of 3 entries, but 'P2' is a 3×3 matrix"),
    ([{"reference": "nope"}], "reference 'nope' is not produced by this question"),
])
def test_a_known_wrong_answer_that_cannot_be_one_is_a_rubric_error(wrong, message):
    found = MATRIX.check_params(MatrixParams(reference="P2", wrong=wrong), REFS)
    assert any(message in p for p in found), found


# --- self-tests of the new options ------------------------------------------------------------------

OPTIONS = [
    {},
    {"cue": ["P^2", "P²"]},
    {"bands": BANDS},
    {"bands": [{"entries": 8, "credit": 1}, {"entries": 6, "credit": 0.5}]},
    {"bands": [{"rows": 2, "credit": 1}]},
    {"wrong": [{"reference": "P", "label": "P itself"}], "cue": ["P^2"], "partial": "entries"},
]


@pytest.mark.parametrize("reference, options", [("P2", o) for o in OPTIONS] + [
    ("pi", {}), ("pi", {"orientation": "row", "cue": ["π"]}), ("pi_column", {"orientation": "column"}),
    ("pi_row", {"bands": [{"entries": 2, "credit": 0.5}]}),
])
def test_self_tests_come_out_as_labelled(reference, options):
    params = MatrixParams(reference=reference, **options)
    tests = MATRIX.self_test(params, REFS)
    assert {"correct", "incorrect", "invalid"} <= {t.label for t in tests}
    for test in tests:
        result = grade(test.text, reference=reference, **options)
        if test.label == "invalid":
            assert result is None or isinstance(result, Invalid) or result.outcome == Outcome.MISSING, test.text
        else:
            assert isinstance(result, Comparison), (test.text, result)
            assert (result.fraction == 1) is (test.label == "correct"), (test.why, test.text, result.detail)


fractions = st.fractions(min_value=-2, max_value=2, max_denominator=12)


@settings(max_examples=60, deadline=None)
@given(st.integers(1, 4).flatmap(lambda r: st.integers(1, 4).flatmap(
    lambda c: st.lists(st.lists(fractions, min_size=c, max_size=c), min_size=r, max_size=r))), st.data())
def test_self_tests_of_any_reference_with_any_bands_come_out_as_labelled(matrix, data):
    entries = len(matrix) * len(matrix[0])
    top = data.draw(st.integers(1, entries))
    bands = [{"entries": top, "credit": data.draw(st.sampled_from([1, 0.5]))}]
    if top > 1:
        bands.append({"entries": data.draw(st.integers(1, top - 1)), "credit": 0.25})
    refs = {"m": matrix}
    params = MatrixParams(reference="m", bands=bands)
    assert MATRIX.check_params(params, refs) == []
    for test in MATRIX.self_test(params, refs):
        ctx = MATRIX.prepare("q", Segment.from_text("q", test.text), refs, params)
        parsed = MATRIX.parse(ctx, params)
        if test.label == "invalid":
            assert not isinstance(parsed, Parsed) or MATRIX.compare(parsed, ctx, params).outcome == Outcome.MISSING
        else:
            assert (MATRIX.compare(parsed, ctx, params).fraction == 1) is (test.label == "correct"), (test.why, bands)


# --- a rubric of our own, through the engine --------------------------------------------------------

QUESTION = """\
id: q1
title: A three-state weather chain
points: 4
markers: ["1.", "Q1"]
terms: ["transition", "stationary", "P^2", "two days"]
type: matrix
given:
  P: [[1/2, 1/2, 0], [1/4, 1/2, 1/4], [0, 1/2, 1/2]]
compute:
  P2: P^2
  stationary: "[1/4, 1/2, 1/4]"
items:
  - id: two-step
    points: 3
    description: P^2, banded by right entries; P itself earns nothing
    check:
      reference: P2
      name: "P²"
      cue: ["P^2", "P²"]
      bands: [{entries: 9, credit: 1}, {entries: 7, credit: 2/3}, {entries: 5, credit: 1/3}]
      wrong: [{reference: P, label: P itself}]
    feedback: "{{ detail }}"
  - id: stationary
    points: 1
    description: the stationary distribution
    check: {reference: stationary, name: π, cue: [π, stationary distribution]}
    feedback: "{{ detail }}"
"""


@pytest.fixture
def rubric(tmp_path):
    folder = tmp_path / "weather"
    folder.mkdir()
    (folder / "exam.yaml").write_text("id: weather\ntitle: Weather\ntotal: 4\nquestions: [q1]\n", encoding="utf-8")
    (folder / "q1.yaml").write_text(QUESTION, encoding="utf-8")
    return load_rubric(folder)


@pytest.mark.parametrize("sheet, scores", [
    ("Q1. P^2 = [[3/8, 1/2, 1/8], [1/4, 1/2, 1/4], [1/8, 1/2, 3/8]]\n(b) P(rainy | sunny in two days) = 1/8\n"
     "(c) π = (1/4, 1/2, 1/4)", {"two-step": 3, "stationary": 1}),
    ("Q1. P = [[0.5, 0.5, 0], [0.25, 0.5, 0.25], [0, 0.5, 0.5]]\nP² =\n| 0.375 | 0.5 | 0.125 |\n| 0.25 | 0.5 | 0.25 |\n"
     "| 0.125 | 0.4 | 0.4 |\nThe stationary distribution is (0.25, 0.5, 0.25).", {"two-step": 2, "stationary": 1}),
    ("Q1. P^2 = [[0.5, 0.5, 0], [0.25, 0.5, 0.25], [0, 0.5, 0.5]]", {"two-step": 0, "stationary": 0}),
])
def test_sheets_grade_through_the_engine(rubric, sheet, scores):
    assert self_test(rubric) == []
    question, = Grader(rubric).grade_text(sheet).questions
    assert {i.id: i.score for i in question.items} == scores
    if scores["two-step"] == 0:
        items = {i.id: i for i in question.items}
        assert items["two-step"].feedback == "this is P itself, a known wrong answer: no marks"
        assert items["stationary"].outcome == Outcome.MISSING


def test_bmatrix_of_a_row_vector():
    assert bmatrix([PI]) == r"\begin{bmatrix} 0.250000 & 0.500000 & 0.250000 \end{bmatrix}"


def test_a_tuple_damaged_by_ocr_is_unreadable_not_missing():
    result = grade("π = (1/4, 1/z, 1/4)", reference="pi", cue=["π"])
    assert isinstance(result, Invalid) and result.reason == "the tuple on line 1 cannot be read: '1/z' is not a number"
    assert grade("(x, y, 1)", reference="pi") is None  # mostly symbols: not a vector at all


def test_a_matrix_of_an_unstated_conventions_shape_only_is_a_wrong_attempt():
    refs = {**REFS, "flat": [v for row in P2 for v in row]}
    params = MatrixParams(reference="P2", name="P²", conventions=[
        {"name": "P² flattened", "reference": "flat", "stated": ["flattened"]}])
    ctx = MATRIX.prepare("q1", Segment.from_text("q1", "[1, 2, 3, 4, 5, 6, 7, 8, 9]"), refs, params)
    result = MATRIX.compare(MATRIX.parse(ctx, params), ctx, params)
    assert result.outcome == Outcome.INCORRECT and result.detail == "no 3×3 matrix (P²) was found; found 1×9"
