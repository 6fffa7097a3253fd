"""The matrix type: reading matrices in every form a student writes them, and the q6 rubric."""

from fractions import Fraction
from pathlib import Path

import pytest
from hypothesis import given, settings, strategies as st
from pydantic import ValidationError

from grader.grading import grade_question
from grader.model import Line, Outcome, Segment
from grader.selftest import self_test
from grader.solvers import get_solver
from grader.types import get_type
from grader.types.base import Invalid
from grader.types.matrix import MatrixParams, bmatrix, read_matrices

ROOT = Path(__file__).resolve().parents[2]
SHEET = ROOT / "submissions" / "dl-exam" / "cs17btech11037.md"
MATRIX = get_type("matrix")
_SOLVER = get_solver("convolution_matrix")
REFS = _SOLVER.fn(_SOLVER.params.model_validate({"kernel": [[1, 2], [3, 4]], "input_size": [3, 3], "z": [[5, 6], [7, 8]]}))
C, RESULT = REFS["C"], REFS["transposed"]


@pytest.fixture(scope="module")
def q6(bundled_alone):
    """The bundled q6 rubric on its own."""
    rubric = bundled_alone("q6")
    return rubric, rubric.questions[0]


def grade(question, text: str | Segment):
    segment = text if isinstance(text, Segment) else Segment.from_text("q6", text)
    result = grade_question(question, segment, budget_seconds=5)
    return result, {item.id: item for item in result.items}


def run(text: str, **check):
    params = MatrixParams(**{"reference": "transposed", **check})
    ctx = MATRIX.prepare("q6", Segment.from_text("q6", text), REFS, params)
    parsed = MATRIX.parse(ctx, params)
    if parsed is None or isinstance(parsed, Invalid):
        return parsed
    return MATRIX.compare(parsed, ctx, params)


def rows_text(rows, left="[", right="]", sep=" "):
    return "\n".join(f"{left}{sep.join(str(v) for v in row)}{right}" for row in rows)


# --- the forms a matrix is written in -----------------------------------------------------------

FORMS = {
    "bmatrix": lambda m: f"$$ {bmatrix([[Fraction(v) for v in row] for row in m])} $$",
    "pmatrix over lines": lambda m: "$$\\begin{pmatrix}\n" + " \\\\\n".join(" & ".join(map(str, r)) for r in m) + "\n\\end{pmatrix}$$",
    "array in \\[ \\]": lambda m: "\\[ \\left[\\begin{array}{" + "c" * len(m[0]) + "} "
                                  + " \\\\ ".join(" & ".join(map(str, r)) for r in m) + " \\end{array}\\right] \\]",
    "bmatrix without &": lambda m: "$\\begin{bmatrix} " + " \\\\ ".join(" ".join(map(str, r)) for r in m) + " \\end{bmatrix}$",
    "markdown table": lambda m: "| " + " | ".join(f"c{j}" for j in range(len(m[0]))) + " |\n|" + "---|" * len(m[0]) + "\n"
                                + "\n".join("| " + " | ".join(map(str, r)) + " |" for r in m),
    "nested list": lambda m: "= " + str([list(r) for r in m]).replace(" ", ""),
    "nested list over lines": lambda m: "[" + ",\n ".join(str(list(r)) for r in m) + "]",
    "matlab": lambda m: "[" + "; ".join(" ".join(map(str, r)) for r in m) + "]",
    "rows as lines": lambda m: rows_text(m),
    "bare rows with a label": lambda m: "Matrix:\n" + rows_text(m, "", "", ", "),
}


@pytest.mark.parametrize("form", FORMS)
@pytest.mark.parametrize("reference, matrix", [("C", C), ("transposed", RESULT)])
def test_every_form_is_read_and_graded_correct(form, reference, matrix):
    comparison = run("Working first.\n" + FORMS[form](matrix) + "\nDone.", reference=reference)
    assert comparison.outcome == Outcome.CORRECT, comparison.detail
    assert comparison.fraction == 1
    assert 2 <= comparison.evidence[0].line <= 1 + len(FORMS[form](matrix).splitlines())


def test_the_best_of_several_matrices_is_graded():
    text = "C^T is\n" + FORMS["bmatrix"](list(map(list, zip(*C)))) + "\nand the result\n" + FORMS["matlab"](RESULT)
    comparison = run(text)
    assert comparison.fraction == 1 and comparison.evidence[0].line == 4


def test_partial_credit_per_row_and_what_is_wrong():
    wrong = [row[:] for row in RESULT]
    wrong[1][1] = 61
    comparison = run(FORMS["matlab"](wrong))
    assert comparison.outcome == Outcome.PARTIAL and comparison.fraction == pytest.approx(2 / 3)
    assert "row 2, column 2: 61 (expected 60)" in comparison.detail
    assert run(FORMS["matlab"](wrong), partial="entries").fraction == pytest.approx(8 / 9)
    assert run(FORMS["matlab"](wrong), partial="none").outcome == Outcome.INCORRECT


def test_tolerance():
    near = [[5.001, 16, 12], [22, 60, 40], [21, 52, 32]]
    assert run(FORMS["nested list"](near)).fraction < 1  # 5.001 is not 5 when written to 3 decimals
    assert run(FORMS["nested list"](near), rel_tol=0.001).fraction == 1
    assert run(FORMS["nested list"]([[5.0, 16.00, 12], [22, 60, 40], [21, 52, 32]])).fraction == 1


def test_a_vector_in_a_row_or_a_column_and_its_partial_credit():
    vector = REFS["transposed_vector"]
    assert run(f"[{' '.join(map(str, vector))}]", reference="transposed_vector").fraction == 1
    assert run(FORMS["bmatrix"]([[v] for v in vector]), reference="transposed_vector").fraction == 1
    half = run(f"[{' '.join(map(str, vector))}]", conventions=[{"name": "the 9-vector", "reference": "transposed_vector", "credit": 0.5}])
    assert half.outcome == Outcome.PARTIAL and half.fraction == 0.5 and "earns 0.5" in half.detail


def test_a_convention_counts_only_when_stated():
    convention = {"name": "column-major flattening", "reference": "C_column_major", "stated": ["column-major", "column wise"]}
    matrix = FORMS["bmatrix"](REFS["C_column_major"])
    stated = run("Flattening column wise:\n" + matrix, reference="C", conventions=[convention])
    assert stated.fraction == 1 and "column-major flattening" in stated.detail
    silent = run(matrix, reference="C", conventions=[convention])
    assert silent.fraction < 1 and "does not say that convention" in silent.detail


def test_the_transpose_is_incorrect_and_another_shape_is_missing_and_says_what_was_found():
    comparison = run(FORMS["bmatrix"](list(map(list, zip(*C)))), reference="C")
    assert comparison.outcome == Outcome.INCORRECT and "9×4 matrix you wrote is the transpose of the matrix" in comparison.detail
    other = run("[[1, 2], [3, 4]]", reference="C", name="C")  # not an answer to this item: nothing was found
    assert other.outcome == Outcome.MISSING and "no 4×9 matrix (C) was found; found 2×2" in other.detail


@pytest.mark.parametrize("text, reason", [
    ("$\\begin{bmatrix} 1 & 2 \\\\ 3 \\end{bmatrix}$", "different lengths [2, 1]"),
    ("[[5,16,12],[22,60],[21,52,32]]", "different lengths [3, 2, 3]"),
    ("[1 2 0]\n[0 1]\n[2 2 2]", "different lengths"),
    ("$\\begin{pmatrix} 1 & 2 \\\\ 3 & 4", "never closed"),
    ("[[1, 2], [3, 4]", "never closed"),
    ("$\\begin{bmatrix} a & b \\\\ c & d \\end{bmatrix}$", "not a number: 'a'"),
])
def test_unreadable_matrices_are_invalid_with_the_reason(text, reason):
    parsed = run(text)
    assert isinstance(parsed, Invalid) and reason in parsed.reason
    assert parsed.evidence[0].line == 1


def test_no_matrix_is_missing():
    assert run("The transposed convolution is a matrix multiplication by C^T [see lecture].") is None


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(list("[]()&\\{}$|;,-=: \n0123456789.abx/") + ["\\begin{bmatrix}", "\\end{bmatrix}", "\\\\", "|---|",
                                                                               "^T", "\\left(", "P^2 =", "π"]),
                max_size=60).map("".join))
def test_hostile_text_never_raises(text):
    result = run(text)
    assert result is None or isinstance(result, Invalid) or 0 <= result.fraction <= 1


def test_author_errors():
    assert "not produced by this question" in MATRIX.check_params(MatrixParams(reference="nope"), REFS)[0]
    assert "is 4×9, not 9×4" in MATRIX.check_params(MatrixParams(reference="C", shape=(9, 4)), REFS)[0]
    assert MATRIX.check_params(MatrixParams(reference="C", shape=(4, 9)), REFS) == []
    with pytest.raises(ValidationError):
        MatrixParams(reference="C", conventions=[{"name": "x", "reference": "C", "credit": 0}])
    with pytest.raises(ValidationError):
        MatrixParams(reference="C", rows=True)


@pytest.mark.parametrize("text", [
    r"$\begin{bmatrix} \frac{12}{5} & {-2} \\ -\frac{1}{3} & 0.5 \end{bmatrix}$",
    r"$\begin{bmatrix} \frac{12}{5} \; {-2} \\ -\frac{1}{3} \, 0.5 \end{bmatrix}$",
    "[[12/5, -2], [-1/3, 0.5]]",
])
def test_fractions_and_signs_in_entries(text):
    (candidate,) = read_matrices(Segment.from_text("q", text).lines).candidates
    assert [[n.value for n in row] for row in candidate.rows] == [[Fraction(12, 5), -2], [Fraction(-1, 3), Fraction(1, 2)]]


@pytest.mark.parametrize("reference", ["C", "transposed", "transposed_vector", "C_column_major"])
def test_self_tests_come_out_as_labelled(reference):
    params = MatrixParams(reference=reference)
    for test in MATRIX.self_test(params, REFS):
        ctx = MATRIX.prepare("q6", Segment.from_text("q6", test.text), REFS, params)
        parsed = MATRIX.parse(ctx, params)
        if test.label == "invalid":
            assert isinstance(parsed, Invalid), test.text
        else:
            assert (MATRIX.compare(parsed, ctx, params).fraction == 1) == (test.label == "correct"), test.text


def test_reading_keeps_line_numbers():
    lines = (Line(10, "C ="), Line(12, "[1 2 0]"), Line(14, "[0 1 2]"))
    candidate = next(c for c in read_matrices(lines).candidates if c.shape == (2, 3))
    assert (candidate.first, candidate.last) == (12, 14)


# --- the q6 rubric ----------------------------------------------------------------------------

def test_q6_rubric_self_tests_pass(q6):
    rubric, question = q6
    assert self_test(rubric) == []
    assert sum(i.spec.points for i in question.items if i.spec.points > 0) == 10


def sheet_segment() -> Segment:
    lines = SHEET.read_text(encoding="utf-8").splitlines()
    kept = tuple(Line(n, lines[n - 1]) for n in range(128, 135) if lines[n - 1].strip())
    return Segment("q6", kept, ((128, 134),))


def test_question_words_earn_nothing(q6):
    _, question = q6
    words = ("Transposed convolution as a matrix multiplication with a kernel, a 3x3 input and a 9x1 result to "
             "reshape. Compute it as C^T vec(Z) and reshape the 9x1 result into 3x3.")
    result, _ = grade(question, words)
    assert result.score == 0


def test_real_sheet_earns_the_reshape_concept_only(q6):
    _, question = q6
    assert "Transfored convolution" in sheet_segment().lines[0].text
    result, items = grade(question, sheet_segment())
    assert {i: it.score for i, it in items.items()} == {
        "conv-matrix": 0.0, "transposed-result": 0.0, "transpose-multiplication": 0.0,
        "reshape-row-by-row": 1.5, "inverse-misconception": 0.0}
    assert items["conv-matrix"].outcome == Outcome.MISSING
    assert result.score == 1.5  # "as matrix multiplication" only repeats the question's title
    assert {e.line for e in items["reshape-row-by-row"].evidence} & {130, 132}


EXPLANATION = ("y = C vec(x). The transposed convolution is a matrix multiplication: multiply by the transpose of C, "
               "C^T vec(Z). Reshape the 9x1 result row by row into 3x3.")


@pytest.mark.parametrize("c_form", FORMS)
@pytest.mark.parametrize("result_form", ["bmatrix", "markdown table", "nested list", "matlab", "array in \\[ \\]"])
def test_synthetic_full_answer_earns_full_marks(q6, c_form, result_form):
    _, question = q6
    text = f"{EXPLANATION}\nC =\n{FORMS[c_form](C)}\n\nThe result:\n{FORMS[result_form](RESULT)}"
    result, items = grade(question, text)
    assert result.score == 10, {i: (it.score, it.feedback) for i, it in items.items()}


def test_column_major_answer_stated_earns_full_marks(q6):
    _, question = q6
    text = f"{EXPLANATION} Here vec stacks columns (column-major).\n{FORMS['bmatrix'](REFS['C_column_major'])}\n{FORMS['matlab'](RESULT)}"
    assert grade(question, text)[0].score == 10


def test_inverse_misconception_deducts(q6):
    _, question = q6
    text = f"{EXPLANATION} C^T is the inverse of C.\n{FORMS['bmatrix'](C)}\n{FORMS['matlab'](RESULT)}"
    result, items = grade(question, text)
    assert items["inverse-misconception"].score == -1 and result.score == 9
    negated = f"{EXPLANATION} C^T is not the inverse of C.\n{FORMS['bmatrix'](C)}\n{FORMS['matlab'](RESULT)}"
    assert grade(question, negated)[0].score == 10


def test_unreshaped_vector_earns_half_of_the_result(q6):
    _, question = q6
    text = f"{FORMS['bmatrix'](C)}\nC^T vec(Z) = [5 16 12 22 60 40 21 52 32]"
    _, items = grade(question, text)
    assert items["transposed-result"].score == 1.5
    assert "not reshaped" in items["transposed-result"].feedback
