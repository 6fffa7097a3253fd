from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from grader.model import Line
from grader.reading import normalise as n


@pytest.mark.parametrize(
    "step, raw, expected",
    [
        (n.remove_invisible, "gra\u200bdient", "gradient"),
        (n.remove_invisible, "\ufeffQ1 soft\u00adhyphen", "Q1 softhyphen"),
        (n.remove_invisible, "a\x07b\x0bc", "a b c"),
        (n.remove_invisible, "tab\tkept", "tab\tkept"),
        (n.compatibility_characters, "\ufb01nal \ufb02ow", "final flow"),
        (n.compatibility_characters, "\uff31\uff13 \uff08a\uff09", "Q3 (a)"),
        (n.compatibility_characters, "a\u2026b, 2\u22153, 1\u20444, x\u2217y, a\u2236b", "a...b, 2/3, 1/4, x*y, a:b"),
        (n.unify_dashes, "\u22123 \u2013 4 \u2014 5", "-3 - 4 - 5"),
        (n.unify_dashes, "long\u2010term \u2011 \ufe63x", "long-term - -x"),
        (n.ascii_quotes, "\u2018a\u2019 \u201cb\u201d f\u2032 g\u2033", "'a' \"b\" f' g''"),
        (n.plain_spaces, "a\u00a0b\u2009c\u202fd\u3000e\tf", "a b c d e f"),
        (n.fraction_glyphs, "\u00b2 / \u2085 = 0-4", "2/5 = 0-4"),
        (n.fraction_glyphs, "\u00b2\u2044\u2085 and \u00b9\u2070/\u2081\u2080", "\u00b2\u2044\u2085 and 10/10"),
        (n.fraction_glyphs, "\u00bd of it, \u2154", "1/2 of it, 2/3"),
        (n.fraction_glyphs, "1\u00bd stays", "1\u00bd stays"),
        (n.script_digits, "x\u00b2 + H\u2082 + (a)\u00b3", "x^{2} + H_{2} + (a)^{3}"),
        (n.script_digits, "Y \u2085 = 0.8", "Y \u2085 = 0.8"),
        (n.dimension_times, "3\u00d73 and 9 \u00d7 1", "3x3 and 9 x 1"),
        (n.dimension_times, "a \u00d7 b", "a \u00d7 b"),
        (n.collapse_spaces, "a   b  c d", "a b c d"),
        (n.strip, "  Q1  ", "Q1"),
    ],
)
def test_step(step, raw, expected):
    assert step(raw) == expected


def test_steps_are_all_listed_in_order():
    assert n.STEPS == (
        n.remove_invisible,
        n.compatibility_characters,
        n.unify_dashes,
        n.ascii_quotes,
        n.plain_spaces,
        n.fraction_glyphs,
        n.script_digits,
        n.dimension_times,
        n.collapse_spaces,
        n.strip,
    )


@pytest.mark.parametrize(
    "raw, expected",
    [
        ("  \u2212\u00bd\u00a0\u00a0of 3\u00d73\u2009 ", "-1/2 of 3x3"),  # minus sign next to 1/2 is not a digit
        ("| | 2 | True | 2/2 = 1.0 | \u00b2 / \u2085 = 0-4 |", "| | 2 | True | 2/2 = 1.0 | 2/5 = 0-4 |"),
        ("\u201cvanishing\u201d\u00a0gra\u200bdient", '"vanishing" gradient'),
    ],
)
def test_normalise_line(raw, expected):
    assert n.normalise_line(raw) == expected


@settings(max_examples=100, deadline=None)
@given(st.text())
def test_normalise_line_is_idempotent_and_tidy(text):
    once = n.normalise_line(text.replace("\n", " ").replace("\r", " "))
    assert n.normalise_line(once) == once
    assert once == once.strip()
    assert "  " not in once


@pytest.mark.parametrize(
    "text, lines",
    [
        ("a\nb\n", ["a", "b"]),
        ("a\r\nb\rc", ["a", "b", "c"]),
        ("a\n\nb", ["a", "", "b"]),
        ("a\x0cb\u2028c\n", ["a\x0cb\u2028c"]),  # form feed and U+2028 do not start lines
        ("", []),
    ],
)
def test_split_lines(text, lines):
    assert n.split_lines(text) == lines


def test_drop_repeated_lines_keeps_first_long_math_copy():
    math = "$$\\frac{\\partial E_{1}}{\\partial W} = \\frac{\\partial E_{2}}{\\partial W}$$"
    lines = [Line(1, math), Line(2, "0.752"), Line(3, math), Line(4, "0.752"), Line(5, "other"), Line(6, math)]
    kept, dropped = n.drop_repeated_lines(lines)
    assert [line.number for line in kept] == [1, 2, 4, 5]
    assert [line.number for line in dropped] == [3, 6]


@pytest.mark.parametrize(
    "text, long_math",
    [
        ("$$" + "x" * 40 + "$$", True),
        ("\\frac{a}{b} " * 4, True),
        ("a plain sentence that is long enough to count as long", False),
        ("$x$", False),
    ],
)
def test_is_long_math(text, long_math):
    assert n.is_long_math(text) is long_math
