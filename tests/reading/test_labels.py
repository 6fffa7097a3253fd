from __future__ import annotations

import pytest

from grader.reading.labels import midline_labels, read_label, strip_label


@pytest.mark.parametrize(
    "text, number, letter, roman, prefixed, rest",
    [
        ("1. text", 1, None, None, False, "text"),
        ("Q1", 1, None, None, True, ""),
        ("Q.4 focal", 4, None, None, True, "focal"),
        ("Ans 3) The AP", 3, None, None, True, "The AP"),
        ("Answer 6: C", 6, None, None, True, "C"),
        ("**Q3.** The", 3, None, None, True, "The"),
        ("## 3. Precision", 3, None, None, False, "Precision"),
        ("2. (a) Recurrent", 2, "a", None, False, "Recurrent"),
        ("2(b) z", 2, "b", None, False, "z"),
        ("Q2 (a) x", 2, "a", None, True, "x"),
        ("2a x", 2, "a", None, False, "x"),
        ("54. At Y=0", 54, None, None, False, "At Y=0"),
        ("- (b). (i) In this", None, "b", "i", False, "In this"),
        ("(b) x", None, "b", None, False, "x"),
        ("b) x", None, "b", None, False, "x"),
        ("- (ii) LSTM", None, None, "ii", False, "LSTM"),
        ("iv) x", None, None, "iv", False, "x"),
        ("1.Intro", 1, None, None, False, "Intro"),
    ],
)
def test_labels(text, number, letter, roman, prefixed, rest):
    label = read_label(text)
    assert (label.number, label.letter, label.roman, label.prefixed) == (number, letter, roman, prefixed)
    assert strip_label(text, label) == rest


@pytest.mark.parametrize(
    "text",
    ["0.752", "3.5 is the answer", "3rd row.", "1st", "4 we have", "3 - x", "(Interpolated Precision at i)",
     "So: 4 we have", "12x3", "Name - Shivashish", "2/3 = 0.67", ":. Interpolated AP is 0.752."],
)
def test_not_labels(text):
    assert read_label(text) is None


def test_glued_letter_is_marked():
    assert read_label("3d convolution").glued and not read_label("2. (a)").glued


def test_midline_label():
    text = "Let B2 be the record bounding 5 \u00b7 (a) box and 8"
    (label,) = midline_labels(text)
    assert (label.number, label.letter) == (5, "a")
    assert strip_label(text, label) == "Let B2 be the record bounding box and 8"
    assert midline_labels("2. (a) at the start is not mid-line") == []
    assert midline_labels("f(a) and x2 (b)") == []
