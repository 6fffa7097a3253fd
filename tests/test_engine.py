"""The grading engine end to end on the bundled rubric: real, blank, weak and broken sheets."""

from pathlib import Path

import pytest

from grader.engine import Grader
from grader.rubric.loader import load_rubric

ROOT = Path(__file__).resolve().parents[1]
RUBRIC = load_rubric(ROOT / "rubrics" / "dl-exam")
REAL_SHEET = ROOT / "submissions" / "dl-exam" / "cs17btech11037.md"


def grade_file(rubric, path):
    return Grader(rubric).grade_file(path)


def grade_text(rubric, text):
    return Grader(rubric).grade_text(text)


def codes(question):
    return {n.code for n in question.flags}


@pytest.fixture(scope="module")
def real():
    result = grade_file(RUBRIC, REAL_SHEET)
    assert result.status == "graded", result.error
    return {q.id: q for q in result.questions}


def test_the_real_sheet_gets_its_answers_segmented(real):
    spans = {qid: q.spans for qid, q in real.items()}
    assert spans["q2a"] == ((73, 80),) and spans["q2b"] == ((82, 83),) and spans["q3"] == ((85, 109),)
    assert spans["q4"] == ((111, 118),) and spans["q5"] == ((120, 124),) and spans["q6"] == ((128, 134),)
    assert spans["q1"][0][0] == 3 and spans["q1"][-1][1] == 71


@pytest.mark.parametrize("qid, least", [("q2a", 0.75), ("q2b", 0.75), ("q4", 0.6), ("q3", 0.9)])
def test_the_real_sheet_earns_most_marks_where_it_is_right(real, qid, least):
    assert real[qid].score >= least * real[qid].max


# The real sheet as a TA reads it (issue acceptance): partial q1 with its W chain flagged,
# q2a/q2b/q3/q4 mostly right, q5's OCR-damaged construction partial and flagged, q6 only the reshape.
REAL_SCORES = {"q1": 7.375, "q2a": 4, "q2b": 5.25, "q3": 8, "q4": 4.5, "q5": 2.75, "q6": 1.5}


def test_the_real_sheet_is_graded_as_pinned(real):
    assert {qid: q.score for qid, q in real.items()} == REAL_SCORES
    assert "needs-review" in codes(real["q1"]) and "construction-uncertain" in codes(real["q5"])
    assert "ocr-suspect" in codes(real["q3"])


@pytest.mark.parametrize("name, total", [("synthetic-correct-shuffled", 50), ("synthetic-question-words", 0)])
def test_a_correct_sheet_earns_everything_and_the_question_words_nothing(name, total):
    result = grade_file(RUBRIC, REAL_SHEET.parent / f"{name}.md")
    assert result.status == "graded" and result.score == total, [(q.id, q.score) for q in result.questions]


def test_every_awarded_point_names_its_evidence(real):
    for question in real.values():
        for item in question.items:
            if item.score > 0:
                assert item.evidence, (question.id, item.id)
                assert all(e.line is None or question.spans[0][0] <= e.line for e in item.evidence)


def test_a_blank_sheet_earns_nothing():
    result = grade_text(RUBRIC, "Synthetic sheet: blank\n\n\n")
    assert result.status == "graded" and result.score == 0
    assert [q.id for q in result.questions] == [q.id for q in RUBRIC.questions]


def test_repeating_the_question_earns_little():
    text = "Synthetic sheet\n\n2. (a) RNNs have vanishing gradients because the learning rate is too high\n"
    q2a = {q.id: q for q in grade_text(RUBRIC, text).questions}["q2a"]
    assert q2a.score <= 1


def test_a_bug_in_one_item_is_that_items_fault_only(tmp_path, monkeypatch):
    """A grader bug is flagged on the item it hit, never scored as the student's; the rest is graded."""
    from grader.types.concepts import ConceptsType as Concepts

    good = tmp_path / "good.md"
    good.write_text("Synthetic\n\n3. AP = 0.753\n", encoding="utf-8")
    bad = tmp_path / "bad.md"
    bad.write_text("Synthetic\n\n2. (a) the product of gradients vanishes\n\n3. AP = 0.753\n", encoding="utf-8")
    original = Concepts.parse

    def parse(self, ctx, params):
        if "product" in ctx.segment.text:
            raise RuntimeError("a grader bug")
        return original(self, ctx, params)

    monkeypatch.setattr(Concepts, "parse", parse)
    results = {r.id: r for r in (grade_file(RUBRIC, p) for p in (good, bad))}
    bad_result = results["bad"]
    assert bad_result.status == "graded"
    q2a = {q.id: q for q in bad_result.questions}["q2a"]
    assert all(i.outcome.value == "not-graded" for i in q2a.items)
    assert "grader-fault" in codes(q2a) and any("a grader bug" in n.message for n in q2a.flags)
    assert {q.id: q.score for q in bad_result.questions}["q3"] == {q.id: q.score for q in results["good"].questions}["q3"] > 0


def test_an_answer_padded_past_any_handwritten_length_is_graded_on_its_first_lines():
    """Size, not time, bounds a padded answer's work, so its grade does not depend on the machine's load."""
    from grader.engine import MAX_ANSWER_LINES

    padded = REAL_SHEET.read_text(encoding="utf-8") + "x\n" * (3 * MAX_ANSWER_LINES)
    result = grade_text(RUBRIC, padded)
    questions = {q.id: q for q in result.questions}
    assert {qid: q.score for qid, q in questions.items()} == REAL_SCORES
    assert "answer-truncated" in codes(questions["q6"]) and len(questions["q6"].answer) == MAX_ANSWER_LINES
