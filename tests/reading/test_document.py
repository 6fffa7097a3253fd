from __future__ import annotations

import codecs
from pathlib import Path

import pytest

from grader.errors import SubmissionError
from grader.model import Line
from grader.reading.document import Document, decode, read_submission, read_text

REAL_SHEET = Path(__file__).resolve().parents[2] / "submissions" / "dl-exam" / "cs17btech11037.md"


def test_read_text_numbers_lines_as_in_the_file_and_skips_blanks():
    document = read_text("Q1\r\n\r\n  answer\u00a0one \n\n\nQ2\n", "x.md")
    assert document == Document("x.md", (Line(1, "Q1"), Line(3, "answer one"), Line(6, "Q2")), ())


def test_read_text_of_nothing_is_an_empty_document():
    assert read_text("", "x.md").lines == ()


@pytest.mark.parametrize(
    "data, text",
    [
        ("Q1 \u03b3 = 2\n".encode("utf-8"), "Q1 \u03b3 = 2\n"),
        (codecs.BOM_UTF8 + "Q1 \u03b3\n".encode("utf-8"), "Q1 \u03b3\n"),
        (codecs.BOM_UTF16_LE + "Q1 \u03b3\n".encode("utf-16-le"), "Q1 \u03b3\n"),
        (codecs.BOM_UTF16_BE + "Q1 \u03b3\n".encode("utf-16-be"), "Q1 \u03b3\n"),
    ],
)
def test_decode(data, text):
    assert decode(data) == text


def _write(tmp_path: Path, data: bytes) -> Path:
    path = tmp_path / "sheet.md"
    path.write_bytes(data)
    return path


@pytest.mark.parametrize(
    "data, message",
    [
        (b"Q1 \x00\x01\x02 PK\x03\x04", "binary (it contains NUL bytes)"),
        (bytes(range(1, 32)) * 10 + b"Q1", "binary (mostly control characters)"),
        ("Q1 r\u00e9seau".encode("latin-1"), "not UTF-8 or UTF-16 text (byte 0xe9 at offset 4)"),
        (codecs.BOM_UTF16_LE + b"\x00\xd8", "not valid UTF-16"),
        (b"", "file is empty"),
        (b"  \n\t\r\n \xc2\xa0\n", "only whitespace"),
    ],
)
def test_read_errors(tmp_path, data, message):
    with pytest.raises(SubmissionError) as caught:
        read_submission(_write(tmp_path, data))
    assert message in str(caught.value)


def test_too_big_is_refused_before_reading(tmp_path):
    path = tmp_path / "huge.md"
    with path.open("wb") as handle:
        handle.truncate(20_100_000)  # sparse: nothing is written, only the size matters
    with pytest.raises(SubmissionError) as caught:
        read_submission(path)
    assert str(caught.value) == "file is 20.1 MB, over the 2 MB limit"


@pytest.mark.parametrize("limit, message", [(10, "file is 11 bytes, over the 10 bytes limit"),
                                            (5000, None)])
def test_size_limit_is_a_parameter(tmp_path, limit, message):
    path = _write(tmp_path, b"Q1 answer\n\n")
    if message is None:
        assert read_submission(path, max_bytes=limit).lines == (Line(1, "Q1 answer"),)
    else:
        with pytest.raises(SubmissionError, match=message):
            read_submission(path, max_bytes=limit)


def test_missing_file(tmp_path):
    with pytest.raises(SubmissionError, match="cannot read the file"):
        read_submission(tmp_path / "nope.md")


def test_real_sheet():
    document = read_submission(REAL_SHEET)
    assert document.file == REAL_SHEET.as_posix()
    numbers = [line.number for line in document.lines]
    assert numbers[:5] == [1, 3, 5, 7, 39]  # lines 9-37 repeat line 7
    assert [line.number for line in document.dropped] == list(range(9, 38, 2))
    assert all(line.text == document.lines[3].text for line in document.dropped)
    assert document.lines[-1] == Line(134, "3rd row.")
    assert Line(92, "| | 2 | True | 2/2 = 1.0 | 2/5 = 0-4 |") in document.lines  # "² / ₅" read as 2/5
