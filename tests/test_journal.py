"""The batch journal: entries round-trip to the same results.json, and only whole entries count."""

import json

import pytest

from grader.journal import Journal, decode_result, encode_result, file_sha256
from grader.limits import MAX_FILE_BYTES
from grader.model import Evidence, ItemResult, Outcome, QuestionResult, SubmissionResult
from grader.output import strip_journal_fields


def result(sid: str = "a", evidence=(Evidence(3, "x = 0.67"), Evidence(None, "Präzision «½»"))) -> SubmissionResult:
    items = (
        ItemResult("value", 1.5, 2, Outcome.PARTIAL, "Close.", evidence, hidden=True, expected="2/3", found="0.67"),
        ItemResult("penalty", -0.5, 0.0, Outcome.INCORRECT, "", ()),
    )
    questions = (QuestionResult("q1", "One", 1.0, 2, ((3, 4), (9, 9)), ("ocr-suspect",), items, repairs=("x",)),)
    return SubmissionResult(sid, f"sheets/{sid}.md", "graded", None, 1.0, 5, questions)


ERROR = SubmissionResult("b", "b.pdf", "error", "not a text file", 0.0, 5)


@pytest.mark.parametrize("original", [result(), result(evidence=()), ERROR])
def test_an_entry_gives_back_the_same_results_json(original):
    encoded = json.loads(json.dumps(encode_result(original)))
    assert strip_journal_fields(encoded) == original.to_json()
    decoded = decode_result(encoded)
    assert json.dumps(decoded.to_json()) == json.dumps(original.to_json())  # same keys, order and number types
    for question, before in zip(decoded.questions, original.questions):
        assert question.title == before.title and question.answer == ()
        for item, was in zip(question.items, before.items):
            assert (item.outcome, item.hidden, item.expected, item.found) == (was.outcome, was.hidden, was.expected, was.found)


def test_decoded_results_share_equal_strings():
    from grader.journal import _Strings

    share = _Strings()
    one, two = (decode_result(json.loads(json.dumps(encode_result(result(s)))), share) for s in "ab")
    assert one.questions[0].items[0].feedback is two.questions[0].items[0].feedback


def test_only_whole_matching_entries_count(tmp_path):
    journal = Journal(tmp_path, "r1", "ta")
    assert journal.open() is False
    journal.write("a", "sheets/a.md", "h1", result(), "<p>page</p>")
    assert journal.is_done("a", "sheets/a.md", "h1")
    assert not journal.is_done("a", "sheets/a.md", "h2")  # the file changed
    assert not journal.is_done("a", "other/a.md", "h1")
    assert not journal.is_done("c", "sheets/c.md", "h1")
    journal.page_path("a").unlink()  # the page without its entry is not whole
    assert not journal.is_done("a", "sheets/a.md", "h1")
    journal.write("a", "sheets/a.md", "h1", result(), "<p>page</p>")
    (journal.folder / next(p.name for p in journal.folder.glob("*.json") if p.name != "meta.json")).write_text("{trunc")
    assert journal.read("a") is None


@pytest.mark.parametrize("change", [("r2", "ta"), ("r1", "student")])
def test_a_different_rubric_or_audience_starts_afresh(tmp_path, change):
    journal = Journal(tmp_path, "r1", "ta")
    journal.open()
    journal.write("a", "a.md", "h", result(), "page")
    assert Journal(tmp_path, "r1", "ta").open() is True
    other = Journal(tmp_path, *change)
    assert other.open() is False and other.read("a") is None


def test_ids_that_are_not_file_names_get_safe_entry_names(tmp_path):
    journal = Journal(tmp_path, "r1", "ta")
    journal.open()
    journal.write("../../etc/x", "x.md", "h", result("../../etc/x"), "page")
    assert journal.read("../../etc/x")["id"] == "../../etc/x"
    assert all(p.parent == journal.folder for p in journal.folder.iterdir())


def test_file_keys_follow_content_and_refuse_to_read_huge_files(tmp_path):
    small, huge = tmp_path / "s.md", tmp_path / "h.md"
    small.write_text("one")
    key = file_sha256(small)
    small.write_text("two")
    assert file_sha256(small) != key
    with open(huge, "wb") as handle:
        handle.truncate(MAX_FILE_BYTES + 1)
    assert file_sha256(huge) == f"size:{MAX_FILE_BYTES + 1}"
    assert file_sha256(tmp_path / "missing.md").startswith("unreadable:")
