"""A rubric's look-alikes: a formula read again with θ for the 0 OCR wrote, and what was read."""

from __future__ import annotations

import pytest

from grader.mathtext.latex import read_math, settle
from grader.mathtext.look_alikes import respelt, shown

THETA = {"\\theta": ["0", "O"]}
LAMBDA = {"\\lambda": ["A", "X"]}


@pytest.mark.parametrize("text, look_alikes, expected, read", [
    (r"\frac{0}{0+1}", THETA, r"\theta/(\theta+1)", ("0 read as θ",)),
    (r"\frac{O}{O+2}", THETA, r"\theta/(\theta+2)", ("O read as θ",)),
    (r"0 x^{0-1}", THETA, r"\theta x^{\theta-1}", ("0 read as θ",)),
    (r"-nX + \log X", LAMBDA, r"-n\lambda + \log\lambda", ("X read as λ",)),
    (r"\frac{O}{O+l}", {**THETA, "1": ["l"]}, r"\theta/(\theta+1)", ("O read as θ", "l read as 1")),
])
def test_the_symbol_is_put_in_for_its_look_alike(text, look_alikes, expected, read):
    text2, names = respelt(text, look_alikes)
    assert settle(read_math(text2).expr) == settle(read_math(expected).expr)
    assert names == read


@pytest.mark.parametrize("text", [
    r"\frac{\theta}{\theta+1} - 0",       # θ is written in it: its 0 is a zero
    r"10 + 0.5 + 2,0",                    # digits inside numbers
    r"\Omega + \log x",                   # letters inside commands and function names
    r"x_0 + a_{0}",                       # subscripts are indices
    r"\int_0^1 x dx",                     # bounds are bounds
    r"\sum_{i=0}^{n} x_i",
    r"E[X] + Var(X) + P(X = 0)",          # a random variable and an event
    r"\text{O and 0}",
])
def test_what_stays_as_written(text):
    assert respelt(text, {**THETA, **LAMBDA}) == (text, ())


def test_one_pass_what_one_puts_in_is_not_respelt_by_another():
    text, names = respelt("O", {"\\theta": ["O"], "1": ["l"]})
    assert text == "{\\theta}" and names == ("O read as θ",)


def test_shown():
    assert shown("\\lambda") == "λ" and shown("1") == "1" and shown("\\foo") == "\\foo"
