from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from grader.model import Line
from grader.reading.document import read_submission, read_text
from grader.reading.markdown import MathFragment, math_fragments, tables

REAL_SHEET = Path(__file__).resolve().parents[2] / "submissions" / "dl-exam" / "cs17btech11037.md"


@pytest.fixture(scope="module")
def real():
    return read_submission(REAL_SHEET)


def test_real_sheet_table(real):
    (table,) = tables(real.lines)
    assert table.lines == [89, *range(91, 102)]  # header separator (line 90) dropped
    assert table.rows[0] == ["", "Rank", "To a correct", "Precision", "Recall"]
    assert table.rows[2] == ["", "2", "True", "2/2 = 1.0", "2/5 = 0-4"]
    assert table.rows[5] == ["", "5", "False", "2/5 = 0.4", "$\\frac{2}{5} = 0.4$"]
    assert table.rows[6] == [",", "6", "True", "3/6 = 0.5", "312 = 0.6"]
    assert table.rows[7][3] == "47 = 0.57"
    assert table.rows[10] == ["", "10", "True 5", "(p = 0.5)", "5/C = 1.7"]
    assert all(len(row) == 5 for row in table.rows)


def test_real_sheet_math(real):
    fragments = math_fragments(real.lines)
    by_line = {}
    for fragment in fragments:
        by_line.setdefault(fragment.line, []).append(fragment)
    # one display fragment per kept $$ line of q1 (lines 9-37 are dropped repeats)
    assert [f.line for f in fragments if f.display] == [3, 5, 7, 39, 41, 45, 47, 49, 53, 55, 57, 59, 61, 63, 65, 67, 69, 71]
    assert by_line[49][0].latex.endswith("\\frac{\\partial V}{\\partial V")  # unbalanced braces, kept as written
    assert by_line[51] == [MathFragment(51, "\\frac{\\partial E_2}{\\partial V} = (O_2 - \\hat{O}_2), H_2", False)]
    assert [f.latex for f in by_line[85]] == ["\\frac{TP}{TP+FP}", "\\frac{TP}{TP+FN}"]
    assert by_line[95] == [MathFragment(95, "\\frac{2}{5} = 0.4", False)]  # math inside a table cell
    assert [f.latex for f in by_line[120]] == ["(1.(6.0) = \\frac{9}{31} = 0.29", "TOU = 4 + 8 = \\frac{32}{128}"]


def test_fragments_of_a_subset_keep_file_numbers(real):
    q3 = [line for line in real.lines if 85 <= line.number <= 109]
    assert [f.line for f in math_fragments(q3)] == [85, 85, 95, 101]
    assert tables(q3)[0].lines[0] == 89


@pytest.mark.parametrize(
    "text, expected",
    [
        ("so \\(a^2\\) and\n\\[\\frac{1}{2}\\]", [MathFragment(1, "a^2", False), MathFragment(2, "\\frac{1}{2}", True)]),
        ("first line $x$\nsecond $y = 2$ and $$z$$", [MathFragment(1, "x", False), MathFragment(2, "y = 2", False), MathFragment(2, "z", True)]),
        ("$$\n\\sum_k a_k\n$$", [MathFragment(1, "\\sum_k a_k", True)]),
        ("an unclosed \\( x and $ y", []),
        ("`$x$` is code", []),
    ],
)
def test_math_delimiters(text, expected):
    assert math_fragments(read_text(text).lines) == expected


def test_pipe_rows_markdown_does_not_read_still_make_a_table():
    lines = read_text("| Rank | P |\n| 1 | 1.0 |\n| 2 | 0.5 |\n\ntext").lines  # no header separator row
    (table,) = tables(lines)
    assert table.rows == [["Rank", "P"], ["1", "1.0"], ["2", "0.5"]]
    assert table.lines == [1, 2, 3]


def test_no_tables_or_math_in_plain_text():
    lines = read_text("just words\nno math here").lines
    assert tables(lines) == [] and math_fragments(lines) == []
    assert tables([]) == [] and math_fragments([]) == []


@settings(max_examples=100, deadline=None)
@given(st.lists(st.text(alphabet=st.sampled_from("$\\()[]{}|-ab1 "), max_size=40), max_size=8),
       st.integers(1, 3))
def test_never_fails_on_broken_markdown(texts, gap):
    lines = [Line(1 + i * gap, t) for i, t in enumerate(texts)]
    numbers = {line.number for line in lines}
    for fragment in math_fragments(lines):
        assert fragment.line in numbers
    for table in tables(lines):
        assert len(table.rows) == len(table.lines)
        assert set(table.lines) <= numbers


def test_fragments_after_a_multi_line_display_inside_a_paragraph_keep_their_lines():
    from grader.model import Line
    from grader.reading.markdown import math_fragments

    text = "Intro $x = 1$\n$$\n\\begin{aligned} a &= b \\\\ c &= d \\end{aligned}\n$$\nthen\n\\[ y = 5 \\]\n$$a = b$$ and $z=1$ and $z=1$"
    fragments = math_fragments([Line(i + 1, t) for i, t in enumerate(text.split("\n"))])
    assert [(f.line, f.latex) for f in fragments][2:] == [(6, "y = 5"), (7, "a = b"), (7, "z=1"), (7, "z=1")]
