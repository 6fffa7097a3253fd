"""Arithmetic on written matrices, products kept in order (the formula reader's products commute)."""

from __future__ import annotations

import pytest
import sympy
from hypothesis import given, strategies as st

from grader.mathtext.matrix_algebra import read_matrix_formula, matrix_literal

M = r"\begin{pmatrix}1&2\\3&4\end{pmatrix}"
P = r"\begin{pmatrix}0&1\\1&0\end{pmatrix}"
Mat = sympy.ImmutableMatrix


@pytest.mark.parametrize("text, value", [
    (M + "^T", Mat([[1, 3], [2, 4]])),
    (M + "^{\\top}", Mat([[1, 3], [2, 4]])),
    ("2" + M, Mat([[2, 4], [6, 8]])),
    (M + P, Mat([[2, 1], [4, 3]])),
    (P + M, Mat([[3, 4], [1, 2]])),                       # the other order, another matrix
    (M + r"\cdot" + P, Mat([[2, 1], [4, 3]])),
    (M + "+" + r"\begin{pmatrix}1&1\\1&1\end{pmatrix}", Mat([[2, 3], [4, 5]])),
    (M + "^{-1}", Mat([[-2, 1], [sympy.Rational(3, 2), -sympy.Rational(1, 2)]])),
    (r"\begin{pmatrix}1&1\\0&1\end{pmatrix}^2", Mat([[1, 2], [0, 1]])),
    (r"\det" + M, -2),
    (r"\operatorname{tr}" + M, 5),
    (r"\operatorname{rank}\begin{pmatrix}1&2\\2&4\end{pmatrix}", 1),
    (r"(1,2,3)\cdot(4,5,6)", 32),                       # written vectors: a dot product …
    (r"\|(3,4)\|", 5),                                  # … and a length
    (r"\left\|(3,4)\right\|", 5),
])
def test_matrix_arithmetic(text, value):
    assert read_matrix_formula(text) == value


@pytest.mark.parametrize("text", [
    M,                                                     # a matrix as written: no arithmetic
    "x + 1",
    M + r" + \begin{pmatrix}1&2&3\end{pmatrix}",           # sizes that do not fit
    r"\begin{pmatrix}1&2\\2&4\end{pmatrix}^{-1}",          # singular
    M + "^{99}",
    r"(1,2)\cdot(3,4,5)",                                 # lengths that differ
    r"x \cdot y",
])
def test_what_is_not_worked_out(text):
    assert read_matrix_formula(text) is None


def test_a_nested_list_is_a_matrix_rows_first():
    assert matrix_literal("[[1,2],[3,4]]") == Mat([[1, 2], [3, 4]]) and matrix_literal("[1, 2]") is None


@given(st.text(alphabet="\\begin{pmatrix}&^T-+23 det", max_size=40))
def test_any_text_is_read_or_refused_without_raising(text):
    value = read_matrix_formula(text)
    assert value is None or isinstance(value, sympy.Basic)
