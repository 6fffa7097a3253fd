"""The result record: results.json's shape (SPEC §3 v2) and a lossless round trip."""

import json

import pytest
from hypothesis import given, strategies as st

from grader.flags import CATALOGUE, note
from grader.model import Evidence, ItemResult, Line, Outcome, QuestionResult, SubmissionResult


def result(sid: str = "a", evidence=(Evidence(3, "x = 0.67"), Evidence(None, "Präzision «½»"))) -> SubmissionResult:
    items = (
        ItemResult("value", 1.5, 2, Outcome.PARTIAL, "0.67", "2/3", "Close.", evidence, hidden=True, detail="rounded"),
        ItemResult("penalty", -0.5, 0.0, Outcome.INCORRECT, "", "", ""),
    )
    questions = (QuestionResult("q1", "One", 1.0, 2, ((3, 4), (9, 9)), (note("ocr-suspect", "row 3", "value"),), items,
                                answer=(Line(3, "x = 0.67"), Line(4, "y")), repairs=("x",)),)
    return SubmissionResult(sid, f"sheets/{sid}.md", "graded", None, 1.0, 5, questions, unplaced=(Line(9, "stray"),))


ERROR = SubmissionResult("b", "b.pdf", "error", "not a text file", 0.0, 5, (), (note("unreadable-file", "binary"),))


def test_the_record_has_the_spec_shape():
    data = result().to_json()
    assert list(data)[:7] == ["id", "file", "status", "error", "score", "max", "questions"]
    question = data["questions"][0]
    assert list(question)[:7] == ["id", "title", "score", "max", "spans", "flags", "items"]
    assert question["flags"] == [{"code": "ocr-suspect", "message": "some values look damaged by the scan (row 3)", "item": "value"}]
    item = question["items"][0]
    assert list(item)[:9] == ["id", "score", "max", "outcome", "found", "expected", "feedback", "evidence", "override"]
    assert item["evidence"] == [{"line": 3, "text": "x = 0.67"}, {"line": None, "text": "Präzision «½»"}]
    assert item["outcome"] == "partial" and item["override"] is None
    assert question["answer"] == [{"line": 3, "text": "x = 0.67"}, {"line": 4, "text": "y"}]
    assert data["unplaced"] == [{"line": 9, "text": "stray"}]


@pytest.mark.parametrize("original", [result(), result(evidence=()), ERROR])
def test_the_record_round_trips_through_json(original):
    text = json.dumps(original.to_json(), ensure_ascii=False)
    decoded = SubmissionResult.from_json(json.loads(text))
    assert decoded == original
    assert json.dumps(decoded.to_json(), ensure_ascii=False) == text  # same keys, order and number types


@given(st.lists(st.tuples(st.integers(1, 10_000), st.text(max_size=20)), max_size=5),
       st.sampled_from(sorted(CATALOGUE)), st.floats(allow_nan=False, allow_infinity=False, width=32))
def test_any_record_round_trips(lines, code, score):
    answer = tuple(Line(n, t) for n, t in lines)
    question = QuestionResult("q", "T", score, 3, tuple((n, n) for n, _ in lines), (note(code),),
                              (ItemResult("i", score, 3, Outcome.NOT_GRADED, "f", "e", "fb", tuple(Evidence(n, t) for n, t in lines)),),
                              answer)
    original = SubmissionResult("s", "s.md", "graded", None, score, 3, (question,), unplaced=answer)
    assert SubmissionResult.from_json(json.loads(json.dumps(original.to_json()))) == original


def test_no_module_keeps_a_second_list_of_the_record_fields():
    """The record's keys come from model.py's dataclass fields only (issue 10)."""
    from pathlib import Path

    grader = Path(__file__).resolve().parents[1] / "grader"
    for path in grader.rglob("*.py"):
        if path.name == "model.py":
            continue
        text = path.read_text(encoding="utf-8")
        assert '"expected", "found"' not in text and "_ITEM_KEYS" not in text and "_QUESTION_KEYS" not in text, path
