"""Formulas written in plain text are read like $…$ math."""

from __future__ import annotations

import pytest
from hypothesis import given, strategies as st

from grader.limits import run_limited
from grader.mathtext.latex import read_math
from grader.model import Line
from grader.reading.plain_math import formula_fragments, plain_formulas


def _latex(text: str) -> list[str]:
    return [f.latex for f in plain_formulas([Line(1, text)])]


@pytest.mark.parametrize("text, latex", [
    ("E[X] = theta/(theta+1)", [r"E[X] = \theta/(\theta+1)"]),
    ("(a) The mean is E[X] = θ/(θ+1), by integrating x f(x).", ["E[X] = θ/(θ+1)"]),
    ("sqrt(2)/2 = 0.707", [r"\sqrt{2}/2 = 0.707"]),
    ("so lambda-hat = x-bar = 2", [r"\hat{\lambda} = \bar{x} = 2"]),
    ("Var(X) = theta/((theta+1)^2 (theta+2)); simplest form", [r"Var(X) = \theta/((\theta+1)^2 (\theta+2))"]),
    ("x^2 + 1 = 0, hence no real root", ["x^2 + 1 = 0"]),
    # "=>" joins two statements; an index written straight after a name is a subscript
    ("pi1 = pi1/2 + pi2/4  => pi2 = 2 pi1", [r"\pi_{1} = \pi_{1}/2 + \pi_{2}/4", r"\pi_{2} = 2 \pi_{1}"]),
    ("x1 + x2 = 3", ["x_{1} + x_{2} = 3"]),
    # integrals, sums and products said in words
    ("E[X] = integral from 0 to 1 of x f(x) dx", ["E[X] = ∫_{0}^{1} x f(x) dx"]),
    ("E[X^2] = theta * integral of x^(theta+1) dx", [r"E[X^2] = \theta * ∫ x^{\theta+1} dx"]),
    ("the sum from i=1 to n of x_i = 10", ["∑_{i = 1}^{n} x_i = 10"]),
    ("L = product over i of p_i", ["L = ∏_{i} p_i"]),
    # LaTeX whose "$" OCR lost is read here; "nX" is a product of symbols, not a word; "3)" a label
    (r"3) L(X) = \prod e^{-X} X^{x_i} / x_i!", [r"L(X) = \prod e^{-X} X^{x_i} / x_i!"]),
    (r"log L = -nX + \Sigma x_i log X", [r"\log L = -nX + \Sigma x_i \log X"]),
    (r"P = \begin{pmatrix} 1 & 2 \end{pmatrix}", []),          # a matrix's layout is markdown's
    # words inside a chain are left out; the sides around them are kept
    ("E[X] = integral from 0 to 1 of x * theta * x^(theta-1) dx = theta/(theta+1)",
     [r"E[X] = ∫_{0}^{1} x * \theta * x^{\theta-1} dx = \theta/(\theta+1)"]),
    ("(b) E[X^2] = theta * integral of x^(theta+1) dx = theta/(theta+2)", [r"E[X^2] = \theta * ∫ x^{\theta+1} dx = \theta/(\theta+2)"]),
    # Leibniz derivatives and a colon before the formula
    ("dl/dlambda = -n + (sum x_i)/lambda", [r"\frac{d \ell}{d \lambda} = -n + (\sum x_i)/\lambda"]),
    ("Setting it to 0: (sum x_i)/lambda = n", [r"(\sum x_i)/\lambda = n"]),
    # a bare formula (an answer with no relation), but not a bare list or words
    ("θ/(θ+1)", ["θ/(θ+1)"]),
    ("L(lambda) = exp(-n lambda) lambda^(sum x_i) / prod x_i!", [r"L(\lambda) = \exp(-n \lambda) \lambda^{\sum x_i} / \prod x_i!"]),
    ("= theta/((theta+1)^2 (theta+2))", [r"= \theta/((\theta+1)^2 (\theta+2))"]),  # a chain continued
    ("the sum is = 3", []),  # words before a lone relation: no formula
    ("x̄/(1 - x̄)", ["x̄/(1 - x̄)"]),
    ("2, 4, 6", []),
    ("(a) The mean", []),
    # prose, or formulas already in LaTeX, are not plain formulas
    ("I think that a = b is not right", []),
    ("The answer is 5 > 3 clearly", []),
    ("no relation here at all", []),
    (r"$x = 1$ and y = 2", []),
    (r"f(x) &= (x+1)^2 \\", []),
])
def test_plain_formulas(text, latex):
    assert _latex(text) == latex


def test_plain_formulas_read_like_latex():
    (fragment,) = plain_formulas([Line(3, "l(lambda) = -n lambda + sum x_i log(lambda)")])
    assert fragment.line == 3
    sides = read_math(fragment.latex).sides
    assert str(sides[-1]) == str(read_math(r"-n\lambda + \sum x_i \log(\lambda)").sides[-1])


def test_lines_inside_a_display_block_are_left_to_markdown():
    lines = [Line(1, "$$"), Line(2, r"x = \frac{1}{2}"), Line(3, "$$"), Line(4, r"y = \frac{1}{3}")]
    assert [f.latex for f in plain_formulas(lines)] == [r"y = \frac{1}{3}"]


def test_fragments_keep_reading_order():
    lines = [Line(1, "$a = 1$"), Line(2, "b = 2"), Line(3, "$$c = 3$$")]
    assert [f.latex for f in formula_fragments(lines)] == ["a = 1", "b = 2", "c = 3"]


@given(st.text(alphabet="abx=()+-*/^ ,;.sotheta0123456789", max_size=200))
def test_any_text_is_read_quickly_and_never_raises(text):
    run_limited(plain_formulas, [Line(1, text)], seconds=5)
