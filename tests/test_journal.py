"""The batch journal: full records, only whole and final entries count."""

import pytest

from grader.flags import note
from grader.journal import Journal, file_sha256, is_final
from grader.limits import MAX_FILE_BYTES
from grader.model import SubmissionResult

from tests.test_model import result


def test_an_entry_holds_the_full_record(tmp_path):
    journal = Journal(tmp_path, "r1")
    journal.open()
    original = result()
    journal.write("a", "sheets/a.md", "h1", original)
    assert SubmissionResult.from_json(journal.read("a")["result"]) == original


def test_only_whole_matching_entries_count(tmp_path):
    journal = Journal(tmp_path, "r1")
    assert journal.open() is False
    journal.write("a", "sheets/a.md", "h1", result())
    assert journal.is_done("a", "sheets/a.md", "h1")
    assert not journal.is_done("a", "sheets/a.md", "h2")  # the file changed
    assert not journal.is_done("a", "other/a.md", "h1")
    assert not journal.is_done("c", "sheets/c.md", "h1")
    (journal.folder / next(p.name for p in journal.folder.glob("*.json") if p.name != "meta.json")).write_text("{trunc")
    assert journal.read("a") is None


@pytest.mark.parametrize("code", ["worker-died", "sheet-time-limit"])
def test_a_transient_failure_is_never_final(tmp_path, code):
    """A dead worker or a time limit depends on the run, not the answer: a resumed batch grades it again."""
    died = SubmissionResult("a", "a.md", "error", "x", 0.0, 5, (), (note(code),))
    assert not is_final(died)
    journal = Journal(tmp_path, "r1")
    journal.open()
    journal.write("a", "a.md", "h", died)
    assert journal.read("a") is not None and not journal.is_done("a", "a.md", "h")


def test_an_item_time_limit_is_not_final():
    from dataclasses import replace

    original = result()
    question = replace(original.questions[0], flags=(note("time-limit", "over 5 s", "value"),))
    assert is_final(original) and not is_final(replace(original, questions=(question,)))


def test_a_different_rubric_starts_afresh(tmp_path):
    journal = Journal(tmp_path, "r1")
    journal.open()
    journal.write("a", "a.md", "h", result())
    assert Journal(tmp_path, "r1").open() is True
    other = Journal(tmp_path, "r2")
    assert other.open() is False and other.read("a") is None


def test_ids_that_are_not_file_names_get_safe_entry_names(tmp_path):
    journal = Journal(tmp_path, "r1")
    journal.open()
    journal.write("../../etc/x", "x.md", "h", result("../../etc/x"))
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
