"""Computed references in small rubrics of our own: loading, errors at FILE:LINE, grading, validate."""

from __future__ import annotations

import textwrap
from fractions import Fraction as F

import pytest
from click.testing import CliRunner

from grader.cli import main
from grader.engine import Grader
from grader.errors import RubricError
from grader.rubric.loader import load_rubric

BAYES = """\
given:
  p_disease: 1/100          # exact fraction
  sensitivity: 0.95         # decimal read exactly as 95/100
  false_positive: 0.1
compute:
  p_positive: sensitivity * p_disease + false_positive * (1 - p_disease)
  posterior: sensitivity * p_disease / p_positive
"""
POSTERIOR = F(95, 100) * F(1, 100) / (F(95, 100) * F(1, 100) + F(1, 10) * F(99, 100))

POSTERIOR_ITEM = """\
items:
  - id: posterior
    points: 2
    description: P(disease | positive)
    check: {reference: posterior, cue: [posterior]}
    feedback:
      correct: "Right: {{ found }} (exactly {{ refs.posterior }})."
      default: "The posterior is {{ expected }}; you wrote {{ found or 'nothing' }}."
"""


def problems(folder) -> list[str]:
    with pytest.raises(RubricError) as info:
        load_rubric(folder)
    return info.value.lines()


def grade(folder, text: str):
    return Grader(load_rubric(folder)).grade_text(text).questions[0].items


def test_a_numeric_item_grades_against_a_computed_posterior(write_rubric, question_yaml):
    folder = write_rubric({"q1": question_yaml(BAYES, item=POSTERIOR_ITEM)})
    rubric = load_rubric(folder)
    assert rubric.questions[0].refs["posterior"] == POSTERIOR == F(19, 217)
    right, = grade(folder, "1. By Bayes, posterior = 0.0876")
    assert (right.outcome.value, right.score) == ("correct", 2)
    assert right.feedback == "Right: 0.0876 (exactly 19/217)."
    exact, = grade(folder, "1. posterior = 19/217")
    assert exact.score == 2
    wrong, = grade(folder, "1. posterior = 0.95")  # the sensitivity, the classic mistake
    assert (wrong.outcome.value, wrong.score) == ("incorrect", 0)
    assert wrong.feedback.startswith("The posterior is 19/217 ≈ 0.0876")


def test_matrix_and_expression_items_grade_against_computed_references(write_rubric, question_yaml):
    body = """\
    given:
      A: [[2, 1], [1, 3]]
      b: [1, 2]
      x: {symbol: x, positive: true}
    compute:
      step: inv(A) * b
      f: x^2 * exp(-x)
      df: diff(f, x)
    """
    item = """\
    items:
      - id: step
        points: 1
        type: matrix
        description: the solution of A z = b
        check: {reference: step, name: z}
        feedback: "{{ expected }}"
      - id: derivative
        points: 1
        type: expression
        description: f'(x)
        check: {reference: df}
        feedback: "{{ expected }}"
    """
    folder = write_rubric({"q1": question_yaml(body, item=textwrap.dedent(item))})
    step, derivative = grade(folder, "1. z = [0.2, 0.6]\n\n$$y = 2x e^{-x} - x^2 e^{-x}$$")
    assert (step.score, derivative.score) == (1, 1), (step.detail, derivative.detail)
    step, derivative = grade(folder, "1. z = [0.6, 0.2]\n\n$$y = 2x e^{-x}$$")
    assert (step.score, derivative.score) == (0, 0)


def test_validate_prints_every_computed_reference_before_the_last_line(write_rubric, question_yaml):
    folder = write_rubric({"q1": question_yaml(BAYES, item=POSTERIOR_ITEM)})
    result = CliRunner().invoke(main, ["validate", str(folder)], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines == [
        "q1: p_positive = 217/2000 ≈ 0.1085",
        "q1: posterior = 19/217 ≈ 0.0875576",
        f"{folder}: valid (1 question, 1 item, 2 points; self-tests pass)",
    ]


def test_a_question_with_a_solver_and_compute_keeps_both(write_rubric, question_yaml):
    body = """\
    solver: ranked_retrieval
    params: {relevance: [T, T, F, F, F, T, T, F, F, T], total_relevant: 5}
    compute:
      ap_percent: 100 * ap_11pt
    """
    item = """\
    items:
      - id: ap
        points: 1
        description: the 11-point AP
        check: {reference: ap_11pt}
        feedback: "{{ expected }}"
      - id: percent
        points: 1
        description: the 11-point AP in percent
        check: {reference: ap_percent, cue: [percent]}
        feedback: "{{ expected }}"
    """
    folder = write_rubric({"q1": question_yaml(body, item=textwrap.dedent(item))})
    refs = load_rubric(folder).questions[0].refs
    assert refs["ap_11pt"] == F(58, 77) and refs["ap_percent"] == F(5800, 77)
    assert "precision" in refs or len(refs) > 2  # the solver's other references are all still there
    assert CliRunner().invoke(main, ["validate", str(folder)]).exit_code == 0


def test_every_formula_problem_is_reported_at_the_line_of_its_key(write_rubric, question_yaml):
    body = """\
    given:
      sensitivity: 0.95
      A: [[1, 2, 3],
          [4, 5, 6]]
      M: [[1, 2],
          [3, 1/0]]
      y: {symbol: y, positiv: true}
    compute:
      a: sensitivty * 2
      b: inv(A)
      c: later + 1
      later: 2
      d: 2x
      e2: a + 1
      r: later * 2
    """
    folder = write_rubric({"q1": question_yaml(body)})  # its item grades against r: give it
    file = folder / "q1.yaml"
    lines = file.read_text(encoding="utf-8").splitlines()

    def line_of(text: str) -> int:
        return next(n for n, line in enumerate(lines, start=1) if text in line)

    assert problems(folder) == sorted([
        f"{file}:{line_of('[3, 1/0]')}: given.M.1.1: column 2: division by zero",
        f"{file}:{line_of('positiv')}: given.y.positiv: unknown key 'positiv' of a symbol; allowed: symbol, positive, "
        "negative, nonnegative, nonpositive, nonzero, real, integer",
        f"{file}:{line_of('a: sensitivty')}: compute.a: column 1: unknown name 'sensitivty'; did you mean 'sensitivity'?",
        f"{file}:{line_of('b: inv(A)')}: compute.b: column 1: inv needs a square matrix, not a 2×3 matrix",
        f"{file}:{line_of('c: later')}: compute.c: uses later, which is computed later; move compute.later above compute.c",
        f"{file}:{line_of('d: 2x')}: compute.d: column 2: unexpected 'x' (write * between factors: 2*x, not 2x)",
    ])


def test_an_item_naming_a_failed_entry_is_reported_too(write_rubric, question_yaml):
    folder = write_rubric({"q1": question_yaml("compute:\n  posterior: 1/0\n", item=POSTERIOR_ITEM)})
    found = problems(folder)
    assert any("compute.posterior: column 2: division by zero" in p for p in found)
    assert any("items.0.check: reference 'posterior' is not produced" in p for p in found)


def test_unknown_keys_in_a_question_are_still_errors(write_rubric, question_yaml):
    folder = write_rubric({"q1": question_yaml("givens:\n  a: 1\n", item=POSTERIOR_ITEM)})
    file = folder / "q1.yaml"
    assert f"{file}:7: givens: unknown key" in problems(folder)


def test_compute_is_skipped_while_the_solver_itself_fails(write_rubric, question_yaml):
    body = "solver: ranked_retreival\ncompute:\n  ap_percent: 100 * ap_11pt\n"
    found = problems(write_rubric({"q1": question_yaml(body, item=POSTERIOR_ITEM)}))
    assert any("unknown solver 'ranked_retreival'" in p for p in found)
    assert not any("compute." in p for p in found)


def test_the_rubric_hash_covers_given_and_compute(write_rubric, question_yaml):
    folder = write_rubric({"q1": question_yaml(BAYES, item=POSTERIOR_ITEM)})
    before = load_rubric(folder).sha256
    path = folder / "q1.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("0.95", "0.9"), encoding="utf-8")
    after = load_rubric(folder)
    assert after.sha256 != before and after.questions[0].refs["posterior"] == F(9, 108)
