"""Checking a student's own arithmetic steps, in math and in plain text."""

from __future__ import annotations

import pytest
from hypothesis import given, strategies as st

from grader.mathtext.arithmetic import check_arithmetic
from grader.model import Line


def steps(text: str):
    return [(s.left, s.right, s.holds, s.note) for s in check_arithmetic([Line(1, text)])]


@pytest.mark.parametrize("text, expected", [
    ("$\\frac{8}{24} = \\frac{1}{3} = 0.33$", [("\\frac{8}{24}", "\\frac{1}{3}", True, ""), ("\\frac{1}{3}", "0.33", True, "")]),
    ("$\\sqrt{2^2 + 2^2} = \\sqrt{8} = 2.83$", [("\\sqrt{2^2 + 2^2}", "\\sqrt{8}", True, ""), ("\\sqrt{8}", "2.83", True, "")]),
    ("$\\sqrt{8} = 2.82$", [("\\sqrt{8}", "2.82", True, "")]),  # truncated at the last digit
    ("$\\sqrt{8} = 2.8$", [("\\sqrt{8}", "2.8", True, "")]),
    ("$\\sqrt{8} = 2.6$", [("\\sqrt{8}", "2.6", False, "")]),
    ("L2 = 4 + 4 = 8 = 2.83", [("4 + 4", "8", True, ""), ("8", "2.83", True, "square root taken without writing it")]),
    ("intersection 2 x 4 = 8", [("2 * 4", "8", True, "")]),
    ("IoU = 16/36 = 4/9", [("16/36", "4/9", True, "")]),
    ("IoU = 16/36 = 1/2", [("16/36", "1/2", False, "")]),
    ("(10-8)^2+ (4-10)^2 = 25", [("(10-8)^2+ (4-10)^2", "25", False, "")]),
    # one damaged side does not hide the steps that can be read
    ("$(1.(6.0) = \\frac{9}{31} = 0.29$", [("\\frac{9}{31}", "0.29", True, "")]),
    ("$x = 2 y$", []),  # letters: not arithmetic
    ("$x_2 = 3$", []),
])
def test_steps(text, expected):
    assert steps(text) == expected


def test_an_exponent_tower_is_refused_not_computed():
    assert steps("$9^{9^{9^{9}}} = 3$") == []


@given(st.text(alphabet="0123456789+-*/^().= √\\sqrtfrac{}$", max_size=80))
def test_never_raises(text):
    check_arithmetic([Line(1, text)])
