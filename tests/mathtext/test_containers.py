"""Tuples, matrices, intervals and sets read from a formula (or None: an ordinary formula)."""

from __future__ import annotations

import pytest
import sympy
from hypothesis import given, strategies as st

from grader.mathtext.containers import read_container

I = sympy.Interval


@pytest.mark.parametrize("text, value, pair", [
    (r"(1, 500)", sympy.Tuple(1, 500), True),                       # a comma inside brackets separates entries
    (r"\left(1,2\right)", sympy.Tuple(1, 2), True),
    (r"(2; 3)", sympy.Tuple(2, 3), True),
    (r"\langle 1,2,3\rangle", sympy.Tuple(1, 2, 3), False),
    (r"(x,y)=(2,-1)", sympy.Tuple(2, -1), True),                    # read at the last =
    (r"\boxed{(0,0)}", sympy.Tuple(0, 0), True),
    (r"[0,1)", I(0, 1, False, True), False),
    (r"]0,1[", I(0, 1, True, True), False),                         # the French open interval
    (r"[0,2\pi[", I(0, 2 * sympy.Symbol("pi"), False, True), False),  # π is a name to the reader
    (r"(-\infty,3]", I(-sympy.oo, 3), False),
    (r"[1,3]\cup[3,5]", I(1, 5), False),
    (r"\mathbb{R}\setminus\{0\}", sympy.Union(I(-sympy.oo, 0, True, True), I(0, sympy.oo, True, True)), False),
    (r"\{1,2,3\}\cap\{2,3,4\}", sympy.FiniteSet(2, 3), False),
    (r"\emptyset", sympy.EmptySet, False),
    (r"\{\}", sympy.EmptySet, False),
    (r"\pm 2", sympy.FiniteSet(2, -2), False),
    (r"\{\pm\sqrt{2}\}", sympy.FiniteSet(sympy.sqrt(2), -sympy.sqrt(2)), False),
    (r"\{(1,2),(3,4)\}", sympy.FiniteSet(sympy.Tuple(1, 2), sympy.Tuple(3, 4)), False),
    (r"\begin{pmatrix}-1\\2\\5\end{pmatrix}", sympy.ImmutableMatrix([[-1], [2], [5]]), False),
    (r"\begin{bmatrix}1 & 2\\ 3 & 4\end{bmatrix}", sympy.ImmutableMatrix([[1, 2], [3, 4]]), False),
])
def test_collections_are_read(text, value, pair):
    found = read_container(text)
    assert found is not None and found.value == value and found.pair is pair


@pytest.mark.parametrize("text", [
    r"(x+1)", r"(a)(b)", r"x^2", r"\begin{vmatrix}1&2\\3&4\end{vmatrix}",   # a determinant is a number
    r"\{x \mid x > 0\}", r"(1, )", r"",
])
def test_what_is_no_collection(text):
    assert read_container(text) is None


@given(st.text(alphabet="()[]{}\\,;=|abx0123+-", max_size=30))
def test_any_text_reads_or_is_refused_never_raises(text):
    found = read_container(text)
    assert found is None or isinstance(found.value, sympy.Basic)
