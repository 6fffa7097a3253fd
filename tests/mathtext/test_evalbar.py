"""Evaluation bars [F]_a^b are read as F(b) - F(a)."""

from __future__ import annotations

import pytest
from hypothesis import given, strategies as st

from grader.limits import run_limited
from grader.mathtext.evalbar import expand_evaluation_bars
from grader.mathtext.evaluate import relation_at_points
from grader.mathtext.latex import read_math


@pytest.mark.parametrize("written, equal_to", [
    (r"\left[\frac{\theta x^{\theta+1}}{\theta+1}\right]_0^1", r"\frac{\theta}{\theta+1}"),
    (r"\Big[ t^2 \Big]_{0}^{2}", "4"),
    (r"[x^3/3]_0^1", r"\frac{1}{3}"),
    (r"\left[ -e^{-x} \right]_0^{1}", r"1 - e^{-1}"),
])
def test_a_bar_is_the_difference_of_its_bounds(written, equal_to):
    assert relation_at_points(read_math(written).expr, read_math(equal_to).expr, "equal", 4, 0)


def test_the_variable_is_the_integrals():
    latex = r"\int_0^1 2u\,du = \left[u^2\right]_0^1 = 1"
    assert [str(s) for s in read_math(latex).sides][-2:] != [] and relation_at_points(
        read_math(latex).sides[2], read_math("1").expr, "equal", 3, 0)


@pytest.mark.parametrize("latex", [
    r"E[X] + E[Y]",          # brackets without bounds
    r"[a^2]_0^1",            # no variable it could be
    r"\left[ [x]_0^1 \right]_0^1",  # a bar inside a bar is left alone
])
def test_what_is_no_bar_is_left_as_written(latex):
    inner_only = latex.startswith(r"\left[ [")
    assert (expand_evaluation_bars(latex) == latex) != inner_only


def test_the_students_text_is_kept_as_the_source():
    latex = r"[x^2]_0^1 = 1"
    assert read_math(latex).source == latex


@given(st.text(alphabet="[]_^{}x01 \\left", max_size=300))
def test_any_text_finishes(text):
    run_limited(expand_evaluation_bars, text, seconds=5)
