from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from grader.reading.document import read_submission, read_text
from grader.reading.segment import LABEL_INFERRED, REPEATED_LINES, QuestionCue, segment

SUBMISSIONS = Path(__file__).resolve().parents[2] / "submissions" / "dl-exam"


def spans(segmentation):
    return {q: s.spans for q, s in segmentation.segments.items()}


def test_real_sheet(cues):
    result = segment(read_submission(SUBMISSIONS / "cs17btech11037.md"), cues)
    assert spans(result) == {
        "q1": ((3, 71),),
        "q2a": ((73, 80),),
        "q2b": ((82, 83),),
        "q3": ((85, 109),),
        "q4": ((111, 118),),
        "q5": ((120, 124),),
        "q6": ((128, 134),),
    }
    assert [line.number for line in result.unassigned] == [1, 126]  # name header, "turn" (page furniture)
    flags = {q: s.flag_codes for q, s in result.segments.items()}
    assert flags["q1"] == (LABEL_INFERRED, REPEATED_LINES)  # no label; lines 9-37 repeat line 7
    assert result.repeats == {"q1": 15}
    assert flags["q4"] == (LABEL_INFERRED,)  # "54." for 4
    assert flags["q5"] == (LABEL_INFERRED,)  # "5 · (a)" in the middle of line 120
    assert flags["q6"] == (LABEL_INFERRED,)  # no label: "Transfored convolution ..."
    assert flags["q2a"] == flags["q2b"] == flags["q3"] == ()
    segments = result.segments
    assert segments["q2a"].lines[0].text.startswith("Recurrent models")  # label taken off
    assert segments["q2b"].lines[0].text.startswith("In this dataset")
    assert segments["q4"].lines[0].text == "At Y=0, FL(P) = - log P"
    assert segments["q5"].lines[0].text.startswith("Let B2 be the record bounding box and 8")
    assert [line.number for line in segments["q1"].lines][:5] == [3, 5, 7, 39, 41]  # repeats collapsed


def test_synthetic_shuffled_q_labels(cues):
    result = segment(read_submission(SUBMISSIONS / "synthetic-correct-shuffled.md"), cues)
    assert spans(result) == {
        "q3": ((4, 23),),
        "q1": ((25, 33),),
        "q6": ((35, 41),),
        "q2b": ((43, 47),),
        "q4": ((49, 52),),
        "q2a": ((54, 57),),
        "q5": ((59, 63),),
    }
    assert all(s.flags == () for s in result.segments.values())
    assert [line.number for line in result.unassigned] == [1, 2]


def test_synthetic_ans_labels(cues):
    result = segment(read_submission(SUBMISSIONS / "synthetic-ans-labels.md"), cues)
    assert spans(result) == {
        "q1": ((4, 7),), "q2a": ((9, 9),), "q2b": ((11, 12),), "q3": ((14, 16),),
        "q4": ((18, 19),), "q5": ((21, 23),), "q6": ((25, 26),),
    }
    assert result.segments["q2b"].lines[0].text.startswith("The sequences are long")


def test_synthetic_question_words(cues):
    result = segment(read_submission(SUBMISSIONS / "synthetic-question-words.md"), cues)
    assert spans(result) == {"q1": ((4, 4),), "q2a": ((6, 6),), "q2b": ((8, 8),), "q3": ((10, 10),),
                             "q4": ((12, 12),), "q5": ((14, 14),), "q6": ((16, 16),)}


@pytest.mark.parametrize(
    "text, expected",
    [
        # other label styles, other orders
        ("Q3 precision 1, recall 0.2\nQ1 BPTT\nQ.4 focal loss\n2(b) LSTM\n2(a) vanishing",
         {"q3": ((1, 1),), "q1": ((2, 2),), "q4": ((3, 3),), "q2b": ((4, 4),), "q2a": ((5, 5),)}),
        ("Ans 3) AP = 0.75\nAns 1) $\\partial E$\nAns 6) C^T\nAns 2(a) x\n(b) y",
         {"q3": ((1, 1),), "q1": ((2, 2),), "q6": ((3, 3),), "q2a": ((4, 4),), "q2b": ((5, 5),)}),
        # "(b)" after q2a is q2b; "(i)", "(ii)" stay; "(b)" in a question without parts stays
        ("2. (a) vanishing\n(b) (i) long\n(ii) LSTM\n4. focal\n(b) easy negatives",
         {"q2a": ((1, 1),), "q2b": ((2, 3),), "q4": ((4, 5),)}),
        # "2." alone starts the first unanswered part of question 2
        ("2. vanishing gradient\n(b) dataset", {"q2a": ((1, 1),), "q2b": ((2, 2),)}),
        # a numbered list inside an answer does not jump back to answered questions
        ("Q1 BPTT\nQ3 ranking\n1. precision 1\n2. precision 1\nQ4 focal",
         {"q1": ((1, 1),), "q3": ((2, 4),), "q4": ((5, 5),)}),
        # a list that starts "1." inside the answer to question 1 goes on with "2.", "3."
        ("Q1 BPTT\n1. first\n2. second\n3. third\nQ2 (a) vanishing",
         {"q1": ((1, 4),), "q2a": ((5, 5),)}),
        # "Q1" again (prefixed) continues an answered question: two spans
        ("Q1 BPTT\nQ3 ranking\nQ1 more of 1", {"q1": ((1, 1), (3, 3)), "q3": ((2, 2),)}),
        # a label at the line start that names no question is text
        ("Q3 AP\n7. not a question\n3d convolution is not q3", {"q3": ((1, 3),)}),
    ],
)
def test_label_variants(cues, text, expected):
    assert spans(segment(read_text(text), cues)) == expected


def test_garbled_label_needs_to_be_next_or_on_topic(cues):
    # "54." after q3: 4 is next -> q4; "59." after q3: 9 names nothing, and 5 is not next, not on topic
    assert spans(segment(read_text("3. AP\n54. gamma"), cues)) == {"q3": ((1, 1),), "q4": ((2, 2),)}
    assert spans(segment(read_text("3. AP\n55. said nothing"), cues)) == {"q3": ((1, 2),)}
    on_topic = segment(read_text("3. AP\n55. the IoU of the box"), cues)
    assert spans(on_topic) == {"q3": ((1, 1),), "q5": ((2, 2),)}
    assert on_topic.segments["q5"].flag_codes == (LABEL_INFERRED,)


def test_unlabelled_answers_go_by_content(cues):
    text = "\n".join([
        "Name: A Student",
        "Precision = TP / (TP + FP), recall = TP / (TP + FN)",  # q3 by content, before any label
        "so the interpolated AP is 0.75",
        "Q1 $\\partial E / \\partial W$",
        "Transposed convolution is a matrix multiplication by C^T",  # q6 by content, after a label
        "the 9x1 result is reshaped to 3x3",
        "and one stray word: precision",  # one q3 term does not pull the line back to q3
    ])
    result = segment(read_text(text), cues)
    assert spans(result) == {"q3": ((2, 3),), "q1": ((4, 4),), "q6": ((5, 7),)}
    assert result.segments["q3"].flag_codes == result.segments["q6"].flag_codes == (LABEL_INFERRED,)
    assert result.segments["q1"].flags == ()
    assert [line.number for line in result.unassigned] == [1]


def test_text_with_no_question_is_unassigned(cues):
    result = segment(read_text("Name: X\nhello\nturn"), cues)
    assert result.segments == {} and len(result.unassigned) == 3


def test_literal_markers_and_ids_without_numbered_markers():
    cues = [QuestionCue("intro", ("Part A",), ("essay",)), QuestionCue("q7", ("Part B",), ("matrix",))]
    result = segment(read_text("Part A my essay\nPart B the matrix\nPartB is not a marker"), cues)
    assert spans(result) == {"intro": ((1, 1),), "q7": ((2, 3),)}
    assert result.segments["intro"].lines[0].text == "my essay"
    # "q7" has no numbered marker: its id gives the number
    assert spans(segment(read_text("intro essay\n7. matrix"), cues))["q7"] == ((2, 2),)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.sampled_from([
    "Q1", "Q3", "2. (a)", "(b)", "(ii)", "54.", "1.", "Ans 6)", "precision recall AP", "$\\partial E$ \\partial W",
    "vanishing gradient LSTM", "focal loss gamma", "IoU of the box", "transposed convolution 3x3",
    "words", "turn", "Name: X", "5 \u00b7 (a) box",
]), max_size=25))
def test_every_line_lands_once_and_spans_are_ordered(cues, texts):
    document = read_text("\n".join(texts))
    result = segment(document, cues)
    all_spans = sorted(span for s in result.segments.values() for span in s.spans)
    for (a, b), (c, d) in zip(all_spans, all_spans[1:]):
        assert a <= b < c <= d  # disjoint, sorted
    for seg in result.segments.values():
        assert list(seg.spans) == sorted(seg.spans)
        for line in seg.lines:
            assert any(a <= line.number <= b for a, b in seg.spans)
    covered = {n for s in result.segments.values() for a, b in s.spans for n in range(a, b + 1)}
    unassigned = {line.number for line in result.unassigned}
    for line in document.lines:
        assert (line.number in covered) != (line.number in unassigned)


LOOKALIKE_CUES = [QuestionCue(f"q{n}", (f"{n}.",), (term,)) for n, term in
                  ((1, "disease"), (2, "density"), (5, "variance"), (6, "p-value"))]


@pytest.mark.parametrize("text, starts, inferred", [
    # OCR read the label's digit as a look-alike letter: accepted where it is expected ...
    ("1. the disease answer\n2. the density answer\nS. the variance of each group is 4\n", {"q5": 3}, True),
    ("1. the disease answer\nl. more about it\n", {"q1": 1}, False),  # q1 already answered: no new start
    # ... or where the line is about that question, flagged as inferred
    ("1. the disease answer\nG. the p-value is 0.03\n", {"q6": 2}, True),
    # not a label: a look-alike letter where the question is neither expected nor talked about
    ("1. the disease answer\nS. Smith helped me with this\n", {}, False),
    # a number whose period OCR lost, where expected or about the question
    ("1. the disease answer\n2. the density answer\n5 | Group | Mean | variance |\n", {"q5": 3}, True),
    ("1. the disease answer\n6 the p-value is 0.03\n", {"q6": 2}, True),
    # a bare number that is arithmetic or a count is text
    ("1. the disease answer\n5 people had the disease\n2 + 3 = 5\n", {}, False),
])
def test_a_labels_digit_read_as_a_lookalike_letter(text, starts, inferred):
    result = segment(read_text(text), LOOKALIKE_CUES)
    for qid, line in starts.items():
        assert result.segments[qid].spans[0][0] == line
        assert (LABEL_INFERRED in result.segments[qid].flag_codes) == inferred
    if not starts:
        assert set(result.segments) <= {"q1"}


def test_a_damaged_label_may_return_to_a_skipped_question():
    # 1, then 5, then "54." (OCR) for the skipped 2: the earliest unanswered question is expected too
    cues = [QuestionCue(f"q{n}", (f"{n}.",), (term,)) for n, term in ((1, "disease"), (2, "density"), (5, "variance"))]
    result = segment(read_text("1. the disease\n5. the variance\n52. back to it\n"), cues)
    assert result.segments["q2"].spans == ((3, 3),) and LABEL_INFERRED in result.segments["q2"].flag_codes
