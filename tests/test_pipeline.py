"""The pipeline end to end on the bundled rubric: real, blank, weak and broken sheets."""

from pathlib import Path

import pytest

from grader.pipeline import collect_submissions, grade_file, grade_text, submission_id
from grader.rubric.loader import load_rubric

ROOT = Path(__file__).resolve().parents[1]
RUBRIC = load_rubric(ROOT / "rubrics" / "dl-exam")
REAL_SHEET = ROOT / "submissions" / "dl-exam" / "cs17btech11037.md"


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
    assert "needs-review" in real["q1"].flags and "construction-uncertain" in real["q5"].flags
    assert "ocr-suspect" in real["q3"].flags


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


def test_a_bug_in_one_sheet_is_that_sheets_error_only(tmp_path, monkeypatch):
    from grader.types.concepts import ConceptsType as Concepts

    good = tmp_path / "good.md"
    good.write_text("Synthetic\n\n3. AP = 0.753\n", encoding="utf-8")
    bad = tmp_path / "bad.md"
    bad.write_text("Synthetic\n\n2. (a) the product of gradients vanishes\n", encoding="utf-8")
    original = Concepts.parse

    def parse(self, ctx, params):
        if "product" in ctx.segment.text:
            raise RuntimeError("a grader bug")
        return original(self, ctx, params)

    monkeypatch.setattr(Concepts, "parse", parse)
    results = {r.id: r for r in (grade_file(RUBRIC, p) for p in (good, bad))}
    assert results["bad"].status == "error" and "a grader bug" in results["bad"].error
    assert results["good"].status == "graded" and results["good"].score > 0


@pytest.mark.parametrize(
    "name, sid",
    [("cs17btech11037.md", "cs17btech11037"), ("Jane Doe (1).txt", "Jane_Doe_1"), ("..md", "submission"), ("a.b.md", "a.b")],
)
def test_submission_ids_are_safe_file_names(name, sid):
    assert submission_id(Path(name)) == sid


def test_collect_skips_hidden_files_and_makes_ids_unique(tmp_path):
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    (tmp_path / "a" / "s1.md").write_text("x")
    (tmp_path / "b" / "s1.txt").write_text("y")
    (tmp_path / ".hidden.md").write_text("z")
    found = collect_submissions([tmp_path])
    assert [sid for sid, _ in found] == ["s1", "s1-2"]
