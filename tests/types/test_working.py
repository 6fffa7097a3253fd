"""``working``: method marks read from the working — products worked out, systems set up, formulas as written."""

import pytest

from grader.engine import Grader
from grader.errors import RubricError
from grader.rubric.loader import load_rubric
from grader.selftest import self_test

# A matrix question of its own: A = [[1, 2], [3, 4]], B = [[0, 1], [1, 1]], A·B = [[2, 3], [4, 7]];
# a chain with Q = [[0.9, 0.1], [0.3, 0.7]] whose stationary law solves piQ = pi: (3/4, 1/4).
QUESTION = """\
id: q1
title: Matrices
points: 4
markers: ['1.']
terms: ['matrix', 'product', 'stationary']
type: working
given:
  A: [[1, 2], [3, 4]]
  B: [[0, 1], [1, 1]]
  Q: [[9/10, 1/10], [3/10, 7/10]]
  w: [1/2, 1/4, 1/4]
  x: [2, 4, 8]
compute:
  AB: A * B
  balance: transpose(Q) - identity(2)
  mean: transpose(w) * x
items:
  - id: product
    points: 1
    description: an entry of AB worked out
    feedback: "Show one entry of AB row times column: {{ found }}"
    check: {product: [A, B], name: "AB"}
  - id: setup
    points: 1
    description: piQ = pi set up
    feedback: "{{ detail }}"
    check:
      equations: {unknowns: [pi_1, pi_2], matrix: balance}
      formulas: ["\\\\pi Q = \\\\pi"]
  - id: words
    points: 1
    description: the method named
    feedback: "{{ detail }}"
    check: {phrasings: ["row times column"]}
  - id: dot
    points: 1
    description: the weighted mean worked out
    feedback: "{{ detail }}"
    check: {product: [w, x]}
"""


def write(folder, question=QUESTION):
    folder.mkdir()
    (folder / "exam.yaml").write_text("id: m\ntitle: M\ntotal: 4\nquestions: [q1]\n", encoding="utf-8")
    (folder / "q1.yaml").write_text(question, encoding="utf-8")
    return folder


@pytest.fixture(scope="module")
def grader(tmp_path_factory):
    rubric = load_rubric(write(tmp_path_factory.mktemp("w") / "r"))
    assert self_test(rubric) == []
    return Grader(rubric)


def outcomes(grader, answer):
    (question,) = grader.grade_text("1. " + answer + "\n").questions
    return {item.id: item.score for item in question.items}


@pytest.mark.parametrize("answer, item, score", [
    # an entry of A·B term by term: any entry, factors either way round, zero terms left out or written
    (r"$(AB)_{11} = 1\cdot 0 + 2\cdot 1 = 2$", "product", 1),
    (r"$(AB)_{22} = 3 \times 1 + 4 \times 1 = 7$", "product", 1),
    ("entry (1,2): 1*1 + 2*1 = 3", "product", 1),
    (r"$(AB)_{11} = 2 \cdot 1 = 2$", "product", 1),            # the zero term left out
    (r"$(AB)_{21} = (3)(0) + (4)(1) = 4$", "product", 1),       # brackets side by side multiply
    (r"row 1: $1\cdot(0, 1) + 2\cdot(1, 1) = (2, 3)$", "product", 1),  # a row: A_1k times row k of B
    (r"$\frac12(0, 1) + 2(1,\ 1) = (2, 3)$", "product", 0),           # a wrong coefficient
    (r"$(0, 1) + 2(1, 1) = (2, 3)$", "product", 1),                      # a factor 1 left out
    ("column 2: 1*(1, 3) + 1*(2, 4) = (3, 7)", "product", 1),           # a column: column k of A times B_k2
    (r"$\frac12 \cdot 2 + \frac14 \cdot 4 + \frac14 \cdot 8 = 4$", "dot", 1),
    ("0.5*2 + 0.25*4 + 0.25*8 = 4", "dot", 1),
    ("(1,1): 1 x 0 + 2 x 1 = 2", "product", 1),                        # x between numbers multiplies
    # not the method: the result alone, a term missing, the wrong entries, a wrong product
    ("AB = [[2, 3], [4, 7]]", "product", 0),
    (r"$(AB)_{22} = 3 \cdot 1 = 3$", "product", 0),             # 4·1 is missing
    (r"$(AB)_{11} = 1 \cdot 0 + 3 \cdot 1 = 3$", "product", 0),  # a column of A, not a row
    ("2 + 4 + 8 = 14", "dot", 0),                                # a sum with no products
    # the set-up of piQ = pi: equations that follow from it, in any form
    (r"$\pi_1 = 0.9\pi_1 + 0.3\pi_2$", "setup", 1),
    (r"$\pi_2 = \frac{1}{3}\pi_1$", "setup", 1),
    ("pi1 = 3 pi2", "setup", 1),
    (r"$\pi Q = \pi$ and $\pi_1 + \pi_2 = 1$", "setup", 1),      # stated as a formula, order kept
    (r"$\pi = \pi Q$", "setup", 1),                              # either way round
    # not the set-up: Q pi = pi (columns), its equations, the answer alone
    (r"$Q\pi = \pi$", "setup", 0),
    (r"$\pi_1 = 0.9\pi_1 + 0.1\pi_2$", "setup", 0),
    (r"$\pi_1 = 3/4, \pi_2 = 1/4$", "setup", 0),
    (r"$\pi_1 + \pi_2 = 1$", "setup", 0),
    # words, not negated
    ("I multiplied row times column.", "words", 1),
    ("I did not multiply row times column.", "words", 0),
])
def test_method_found_or_not(grader, answer, item, score):
    assert outcomes(grader, answer)[item] == score


def test_the_working_is_the_evidence_and_the_feedback_says_what_was_found(grader):
    (question,) = grader.grade_text("1. First the product.\n$(AB)_{12} = 1 \\cdot 1 + 2 \\cdot 1 = 3$\n").questions
    product = next(item for item in question.items if item.id == "product")
    assert product.outcome.value == "correct"
    assert [e.line for e in product.evidence] == [2]
    assert "entry (1, 2) of AB" in product.found


def test_no_working_is_incorrect_and_a_blank_is_missing(grader):
    (question,) = grader.grade_text("1. AB = [[2, 3], [4, 7]]\n").questions
    product = next(item for item in question.items if item.id == "product")
    assert product.outcome.value == "incorrect" and "term by term" in product.expected
    (question,) = grader.grade_text("2. nothing here\n").questions
    assert {item.outcome.value for item in question.items} == {"missing"}


@pytest.mark.parametrize("check, message", [
    ("{product: [A, C]}", "'C'"),
    ("{product: [A, x]}", "do not multiply"),
    ("{equations: {unknowns: [pi_1], matrix: balance}}", "one per unknown"),
    ("{equations: {unknowns: ['1 + x', pi_2], matrix: balance}}", "not one name"),
    ("{}", "at least one of"),
])
def test_rubric_mistakes_are_rubric_errors(tmp_path, check, message):
    question = QUESTION.split("items:")[0] + f"items:\n  - {{id: m, points: 4, description: d, feedback: f, check: {check}}}\n"
    with pytest.raises(RubricError, match=message):
        load_rubric(write(tmp_path / "r", question))
