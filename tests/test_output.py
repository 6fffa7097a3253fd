import json
from types import SimpleNamespace

from grader.model import Evidence, ItemResult, Outcome, QuestionResult, SubmissionResult
import pytest

from grader.output import ResultsJsonWriter, dumps, grades_csv, results_document, write_atomic, write_results

RUBRIC = SimpleNamespace(
    exam=SimpleNamespace(id="mini"), sha256="ab" * 32,
    questions=[SimpleNamespace(id="q1"), SimpleNamespace(id="q2")],
)


def graded(sid: str, q1: float, q2: float, flags=()) -> SubmissionResult:
    item = ItemResult("value", q1, 2, Outcome.CORRECT, "Right.", (Evidence(3, "x = 0.67"),))
    questions = (
        QuestionResult("q1", "One", q1, 2, ((3, 4),), tuple(flags), (item,)),
        QuestionResult("q2", "Two", q2, 3, (), (), ()),
    )
    return SubmissionResult(sid, f"sheets/{sid}.md", "graded", None, q1 + q2, 5, questions)


def test_results_follow_the_spec_shape():
    document = results_document(RUBRIC, [graded("a", 2, 1.5)])
    submission = document["submissions"][0]
    assert document["exam"] == "mini" and document["rubric_sha256"] == "ab" * 32
    assert submission["questions"][0] == {
        "id": "q1", "score": 2, "max": 2, "spans": [[3, 4]], "flags": [],
        "items": [{"id": "value", "score": 2, "max": 2, "feedback": "Right.", "evidence": "line 3: x = 0.67"}],
    }
    assert submission["questions"][1]["spans"] == []


def test_an_error_submission_keeps_its_message():
    error = SubmissionResult("b", "sheets/b.pdf", "error", "not a text file (binary data)", 0.0, 5)
    row = json.loads(dumps(results_document(RUBRIC, [error])))["submissions"][0]
    assert row["status"] == "error" and row["error"].startswith("not a text file") and row["questions"] == []


def test_grades_csv_has_one_column_per_question():
    text = grades_csv(RUBRIC, [graded("a", 2, 1.5, flags=("ocr-suspect",)), SubmissionResult("b", "b.pdf", "error", "binary", 0.0, 5)])
    assert text.splitlines() == [
        "id,status,score,max,q1,q2,flags,error",
        "a,graded,3.5,5,2,1.5,1,",
        "b,error,0,5,,,0,binary",
    ]


def test_files_are_written_whole_and_identically(tmp_path):
    results = [graded("a", 2, 1.5), graded("b", 1, 0)]
    write_results(RUBRIC, results, tmp_path / "one")
    write_results(RUBRIC, results, tmp_path / "two")
    for name in ("results.json", "grades.csv"):
        assert (tmp_path / "one" / name).read_bytes() == (tmp_path / "two" / name).read_bytes()
    assert sorted(p.name for p in (tmp_path / "one").iterdir()) == ["grades.csv", "results.json"]


def test_write_atomic_replaces_without_leaving_temporary_files(tmp_path):
    target = tmp_path / "out" / "x.txt"
    write_atomic(target, "first")
    write_atomic(target, "second")
    assert target.read_text() == "second"
    assert [p.name for p in target.parent.iterdir()] == ["x.txt"]


def _many_results():
    error = SubmissionResult("e", "e.pdf", "error", "binary «data»", 0.0, 5)
    return [graded("a", 2, 1.5, flags=("ocr-suspect",)), error, graded("ü", 0.25, 3)]


@pytest.mark.parametrize("count", [0, 1, 3])
def test_streamed_results_json_is_byte_identical_to_the_whole_document(tmp_path, count):
    results = _many_results()[:count]
    with ResultsJsonWriter(RUBRIC, tmp_path / "results.json") as writer:
        for result in results:
            writer.add(result.to_json())
    assert (tmp_path / "results.json").read_text(encoding="utf-8") == dumps(results_document(RUBRIC, results))
    assert [p.name for p in tmp_path.iterdir()] == ["results.json"]


def test_a_failed_stream_leaves_the_previous_file_and_no_temporary(tmp_path):
    write_atomic(tmp_path / "results.json", "old")
    with pytest.raises(RuntimeError):
        with ResultsJsonWriter(RUBRIC, tmp_path / "results.json") as writer:
            writer.add(graded("a", 1, 1).to_json())
            raise RuntimeError("interrupted")
    assert (tmp_path / "results.json").read_text() == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["results.json"]
