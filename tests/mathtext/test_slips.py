"""Slips with one reading, undone before parsing: a parenthesis left open in a group, a spaced
full stop as the product dot, O and l as the bounds of an integral."""

from __future__ import annotations

import pytest
from hypothesis import given, strategies as st

from grader.mathtext.latex import read_math
from grader.mathtext.slips import close_groups, undo_slips


@pytest.mark.parametrize("text, expected", [
    (r"\frac{\theta}{(\theta+1)^{2}(\theta+2}", r"\frac{\theta}{(\theta+1)^{2}(\theta+2)}"),
    (r"\frac{(a}{b}", r"\frac{(a)}{b}"),
    (r"\sqrt{((x+1}", r"\sqrt{((x+1))}"),
    (r"{[0, 1)}", r"{[0, 1)}"),          # an interval closed by ")" is not an open parenthesis
    (r"(a+b", r"(a+b"),                  # no group ends inside it: left for the reader's own rules
    (r"\frac{a}{b}", r"\frac{a}{b}"),
])
def test_a_parenthesis_left_open_is_closed_where_its_group_ends(text, expected):
    assert close_groups(text) == expected


@pytest.mark.parametrize("text, expected", [
    (r"x . O x^{O-1}", r"x \cdot O x^{O-1}"),
    (r"2 . x", r"2 \cdot x"),
    (r"3 . 5", r"3 . 5"),                # between two digits it may be a decimal point
    (r"3.5 x", r"3.5 x"),
    (r"\int_O^l x dx", r"\int_0^1 x dx"),
    (r"\int_{O}^{I} f(x) dx", r"\int_{0}^{1} f(x) dx"),
    (r"\int_0^{\infty} f", r"\int_0^{\infty} f"),
    (r"\int_a^b f", r"\int_a^b f"),
    (r"\int_{Om}^1 f", r"\int_{Om}^1 f"),  # a name, not a lone letter
    (r"sqrt(32)", r"\sqrt{32}"),
    (r"4\sqrt(2)", r"4\sqrt{2}"),
    (r"sqrt((x+1)^2)", r"\sqrt{(x+1)^2}"),
    (r"isqrt(2)", r"isqrt(2)"),            # part of another word
    (r"50 percent", r"50\%"),
    (r"20\text{ percent}", r"20\%"),
    (r"\boxed{42}", r"42"),
    (r"\boxed{\frac{1}{2}}", r"\frac{1}{2}"),
    (r"\sin 2x", r"\sin(2x)"),              # TeX's convention, not sin(2)·x
    (r"\ln 2x + 1", r"\ln(2x) + 1"),
    (r"\sin x", r"\sin x"),
    (r"\log 2", r"\log 2"),
    (r"\sin 2xy", r"\sin 2xy"),            # more than one letter: left to the reader
    (r"|x-1|<2", r"\left|x-1\right|<2"),    # bare bars in pairs: an absolute value
    (r"\ln|x| + C", r"\ln\left|x\right| + C"),
    (r"P(B|A)", r"P(B|A)"),                   # a lone bar is a condition
    (r"P(A|B) + P(C|D)", r"P(A|B) + P(C|D)"),  # bars whose inside is no group stay
    (r"0.\overline{3}", r"\frac{1}{3}"),     # a repeating decimal
    (r"0.1\overline{6}", r"\frac{1}{6}"),
    (r"33.\overline{3}\%", r"\frac{1}{3}"),
    (r"\overline{x}", r"\overline{x}"),      # a bar over a name stays a mean
])
def test_slips_with_one_reading(text, expected):
    assert undo_slips(text) == expected


def test_the_reader_undoes_them():
    assert read_math(r"\frac{\theta}{(\theta+1)^{2}(\theta+2}").expr == read_math(
        r"\frac{\theta}{(\theta+1)^{2}(\theta+2)}").expr
    assert read_math(r"\int_O^l x . x dx").expr == read_math(r"\int_0^1 x \cdot x dx").expr


@given(st.text(alphabet="{}()[]ab+^_ .\\intOl0123", max_size=40))
def test_only_adds_closers_and_dots_and_leaves_clean_text_alone(text):
    out = undo_slips(text)
    if text.count("(") <= text.count(")") and " ." not in text and "\\int" not in text:
        assert out == text
    # a closer is only ever added, never a character removed
    assert out.count("(") == text.count("(") and out.count(")") >= text.count(")")
