import json

import pytest

from grader.flags import note
from grader.model import Evidence, ItemInfo, ItemResult, Outcome, QuestionInfo, QuestionResult, RubricInfo, SubmissionResult
from grader.output import ResultsJsonWriter, dumps, grades_csv, remove_temporaries, results_header, temporary, write_atomic

INFO = RubricInfo("mini", "Mini exam", 5, (
    QuestionInfo("q1", "One", 2, (ItemInfo("value", 2, "the value", False),), None),
    QuestionInfo("q2", "Two", 3, (), None),
))
SHA = "ab" * 32


def graded(sid: str, q1: float, q2: float, flags=()) -> SubmissionResult:
    item = ItemResult("value", q1, 2, Outcome.CORRECT, "0.67", "2/3", "Right.", (Evidence(3, "x = 0.67"),))
    questions = (
        QuestionResult("q1", "One", q1, 2, ((3, 4),), tuple(flags), (item,)),
        QuestionResult("q2", "Two", q2, 3, (), (), ()),
    )
    return SubmissionResult(sid, f"sheets/{sid}.md", "graded", None, q1 + q2, 5, questions)


def document(results):
    return {**results_header(INFO, SHA), "submissions": [r.to_json() for r in results]}


def test_results_carry_the_rubric_the_reports_need():
    data = document([graded("a", 2, 1.5)])
    assert data["exam"] == "mini" and data["rubric_sha256"] == SHA
    assert RubricInfo.from_json(data["rubric"]) == INFO


def test_grades_csv_has_one_column_per_question_and_counts_flags_to_review():
    error = SubmissionResult("b", "b.pdf", "error", "binary", 0.0, 5)
    info_only = graded("c", 1, 1, flags=(note("repeated-lines"),))  # information, nothing to review
    text = grades_csv(INFO, [graded("a", 2, 1.5, flags=(note("ocr-suspect"),)), error, info_only])
    assert text.splitlines() == [
        "id,status,score,max,q1,q2,flags,error",
        "a,graded,3.5,5,2,1.5,1,",
        "b,error,0,5,,,0,binary",
        "c,graded,2,5,1,1,0,",
    ]


def test_write_atomic_replaces_without_leaving_temporary_files(tmp_path):
    target = tmp_path / "out" / "x.txt"
    write_atomic(target, "first")
    write_atomic(target, "second")
    assert target.read_text() == "second"
    assert [p.name for p in target.parent.iterdir()] == ["x.txt"]


def test_leftover_temporaries_are_removed_and_nothing_else(tmp_path):
    temporary(tmp_path / "a.html").write_text("half")
    (tmp_path / ".keep.tmp").write_text("not ours")
    remove_temporaries(tmp_path)
    assert [p.name for p in tmp_path.iterdir()] == [".keep.tmp"]


def _many_results():
    error = SubmissionResult("e", "e.pdf", "error", "binary «data»", 0.0, 5)
    return [graded("a", 2, 1.5, flags=(note("ocr-suspect"),)), error, graded("ü", 0.25, 3)]


@pytest.mark.parametrize("count", [0, 1, 3])
def test_streamed_results_json_is_byte_identical_to_the_whole_document(tmp_path, count):
    results = _many_results()[:count]
    with ResultsJsonWriter(results_header(INFO, SHA), tmp_path / "results.json") as writer:
        for result in results:
            writer.add(result.to_json())
    assert (tmp_path / "results.json").read_text(encoding="utf-8") == dumps(document(results))
    assert json.loads((tmp_path / "results.json").read_text(encoding="utf-8"))["submissions"] == [r.to_json() for r in results]
    assert [p.name for p in tmp_path.iterdir()] == ["results.json"]


def test_a_failed_stream_leaves_the_previous_file_and_no_temporary(tmp_path):
    write_atomic(tmp_path / "results.json", "old")
    with pytest.raises(RuntimeError):
        with ResultsJsonWriter(results_header(INFO, SHA), tmp_path / "results.json") as writer:
            writer.add(graded("a", 1, 1).to_json())
            raise RuntimeError("interrupted")
    assert (tmp_path / "results.json").read_text() == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["results.json"]
