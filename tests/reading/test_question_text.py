"""Lines that copy the question are not graded as the answer."""

from __future__ import annotations

import pytest

from grader.model import Segment
from grader.reading.question_text import Printed, statement_lines, without_question_text

STATEMENT = """A screening test for a disease that affects 2% of the population detects it with probability 0.9.
It gives a false positive with probability 0.1.
(a) Find the probability that a random person tests positive.
(b) Find P(D | +)."""


@pytest.mark.parametrize("answer, kept", [
    # the question written out, then the answer
    ("A screening test for a disease that affects 2% of the population detects it with probability 0.9.\n"
     "P(+) = 0.9 x 0.02 + 0.1 x 0.98 = 0.116", ["P(+) = 0.9 x 0.02 + 0.1 x 0.98 = 0.116"]),
    # OCR damage and markup do not hide a copy
    ("**(a) Find the probabilty that a randorn person tests positive.**\n0.116", ["0.116"]),
    # short working that restates a given value is kept
    ("P(D) = 0.02, P(+|D) = 0.9\nso P(+) = 0.116", ["P(D) = 0.02, P(+|D) = 0.9", "so P(+) = 0.116"]),
    # an answer that uses the question's words in a sentence of its own is kept
    ("The probability that a random person tests positive is 0.116 by total probability.",
     ["The probability that a random person tests positive is 0.116 by total probability."]),
])
def test_copied_lines_are_dropped_and_the_rest_kept(answer, kept):
    segment = without_question_text(Segment.from_text("q1", answer), statement_lines(STATEMENT))
    assert [line.text for line in segment.lines] == kept
    assert ("question-text-ignored" in segment.flag_codes) == (len(kept) < len(answer.splitlines()))


def test_without_a_statement_nothing_is_dropped():
    segment = Segment.from_text("q1", "A screening test for a disease that affects 2% of the population.")
    assert without_question_text(segment, Printed()) is segment


def test_an_answer_of_only_the_question_words_keeps_only_lines_too_short_to_recognise():
    segment = without_question_text(Segment.from_text("q1", STATEMENT), statement_lines(STATEMENT))
    assert [line.text for line in segment.lines] == ["(b) Find P(D | +)."]


def test_copied_sentences_inside_a_line_go_and_the_students_own_stay():
    text = ("A screening test for a disease that affects 2% of the population detects it with probability 0.9. "
            "It gives a false positive with probability 0.1. So P(+) = 0.9 x 0.02 + 0.1 x 0.98 = 0.116.")
    segment = without_question_text(Segment.from_text("q1", text), statement_lines(STATEMENT))
    assert [line.text for line in segment.lines] == ["So P(+) = 0.9 x 0.02 + 0.1 x 0.98 = 0.116."]


def test_a_reworded_copy_of_a_wrapped_statement_is_recognised():
    wrapped = "A screening test for a disease that affects 2% of the\npopulation detects it with probability 0.9."
    text = "The screening test for a disease that affects 2% of the population detects it with probability 0.9."
    segment = without_question_text(Segment.from_text("q1", text), statement_lines(wrapped))
    assert segment.lines == ()


def test_a_matrix_like_the_questions_is_no_copy():
    statement = r"The transition matrix is $$P = \begin{pmatrix} 1/2 & 1/2 & 0 \\ 1/4 & 1/2 & 1/4 \\ 0 & 1/2 & 1/2 \end{pmatrix}$$"
    answer = r"$$P^2 = \begin{pmatrix} 3/8 & 1/2 & 1/8 \\ 1/4 & 1/2 & 1/4 \\ 1/8 & 1/2 & 3/8 \end{pmatrix}$$"
    segment = Segment.from_text("q4", answer)
    kept = without_question_text(segment, statement_lines(statement))
    assert kept.lines == segment.lines and kept.flags == segment.flags


def test_the_segment_knows_the_words_the_question_prints():
    kept = without_question_text(Segment.from_text("q", "An answer."), statement_lines("Why is the sky blue?", "Optics"))
    assert {"optics", "sky", "blue"} <= kept.question_words


DATA = """Three groups were measured:

| Group | Observations |
|-------|--------------|
| A | 2, 4, 6 |
| B | 1, 3, 5, 7 |

Find each group's mean."""


@pytest.mark.parametrize("answer, kept", [
    ("Group A: 2, 4, 6. Group B: 1, 3, 5, 7.", []),                     # the data restated
    ("A: 2, 4, 6 so the mean is 4", ["A: 2, 4, 6 so the mean is 4"]),   # its own number stays
    ("x̄_A = (2 + 4 + 6)/3 = 4", ["x̄_A = (2 + 4 + 6)/3 = 4"]),          # working with the data stays
    ("A: 2, 4, 7", ["A: 2, 4, 7"]),                                     # not the question's list
])
def test_the_questions_data_restated_is_not_an_answer(answer, kept):
    segment = without_question_text(Segment.from_text("q1", answer), statement_lines(DATA))
    assert [line.text for line in segment.lines] == kept
