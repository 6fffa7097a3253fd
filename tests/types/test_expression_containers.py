"""Tuples, matrices, intervals and sets compared by kind by the expression type (issue 12)."""

from __future__ import annotations

import pytest

from grader.model import Outcome, Segment
from grader.types.base import Parsed, get_type

TYPE = get_type("expression")


def verdict(reference: str, answer: str, **params):
    p = TYPE.Params(latex=reference, **params)
    ctx = TYPE.prepare("q", Segment.from_text("q", answer), {}, p)
    parsed = TYPE.parse(ctx, p)
    return TYPE.compare(parsed, ctx, p).outcome if isinstance(parsed, Parsed) else None


C, W = Outcome.CORRECT, Outcome.INCORRECT


@pytest.mark.parametrize("reference, answer, outcome", [
    ("(1,2)", "$(2,1)$", W),                                   # ordered
    ("(3,4)", "$(6/2, 8/2)$", C),                              # entries by the formula comparator
    ("(1, 500)", "$1500$", W),
    ("(1,2)", "$\\{1,2\\}$", W),                               # a set has no order
    ("(-1,2,5)", "$$\\begin{pmatrix}-1\\\\2\\\\5\\end{pmatrix}$$", C),
    ("(2,-1)", "$x=2, y=-1$", C),                              # a point as its coordinates
    ("(2,-1)", "$y=2, x=-1$", W),
    ("\\{1,2,3\\}", "$\\{3,1,2\\}$", C),
    ("\\{1,2,3\\}", "$\\{1,1,2,3\\}$", C),
    ("\\{1,2,3\\}", "$\\{1,2\\}$", W),
    ("\\{-2,2\\}", "$\\pm 2$", C),
    ("\\{0,1\\}", "$[0,1]$", W),
    ("[0,1)", "$[0,1]$", W),
    ("(0,1)", "$]0,1[$", C),                                   # (a, b) answered as an interval
    ("(2,5)", "$2<x<5$", C),                                   # inequalities as the set they describe
    ("(-\\infty,3]", "$x \\le 3$", C),
    ("(2,5)", "$2 \\le x<5$", W),
    ("(-\\infty,-1)\\cup(1,\\infty)", "$(1,\\infty)\\cup(-\\infty,-1)$", C),
    ("[1,5]", "$[1,3)\\cup(3,5]$", W),
    ("\\mathbb{R}", "$(-\\infty,\\infty)$", C),
    ("\\begin{pmatrix}1\\\\2\\\\3\\end{pmatrix}", "$$\\begin{pmatrix}1&2&3\\end{pmatrix}$$", W),  # a row is no column
    ("\\begin{pmatrix}1&2\\\\3&4\\end{pmatrix}", "$$\\begin{bmatrix}1&2\\\\3&4\\end{bmatrix}$$", C),
    ("\\begin{pmatrix}1&2\\\\3&4\\end{pmatrix}", "$$\\begin{pmatrix}1&3\\\\2&4\\end{pmatrix}$$", W),
    ("\\{-3,3\\}", "We find $x^2 = 9$, so $x = 3$.", W),       # the conclusion is graded, not a step
])
def test_collections_compared_by_kind(reference, answer, outcome):
    assert verdict(reference, answer) is outcome


@pytest.mark.parametrize("reference", ["(1,2)", "\\{1,2,3\\}", "[0,1)", "\\begin{pmatrix}1&2\\\\3&4\\end{pmatrix}"])
def test_collection_references_self_test_as_labelled(reference):
    for test in TYPE.self_test(TYPE.Params(latex=reference), {}):
        got = verdict(reference, test.text)
        assert (test.label == "invalid") == (got in (None, Outcome.INVALID, Outcome.MISSING)) or \
            (test.label == "correct") == (got is C), test
        if test.label != "invalid":
            assert (got is C) == (test.label == "correct"), test


@pytest.mark.parametrize("reference, answer, outcome", [
    ("5", "First we get 3, so the answer is 5.", C),            # a prose answer's conclusion
    ("3", "First we get 3, so the answer is 5.", W),            # not a number of its working
    ("14", "Adding 3 and 4 gives 7, then doubling gives 14, which is the final answer.", C),
    ("24", "I first thought 42, but after correcting the error the answer is 24.", C),
    ("3", "The answer is 3 or 4, I am not sure.", None),        # hedged: no conclusion
])
def test_a_prose_answer_is_graded_by_its_conclusion(reference, answer, outcome):
    assert verdict(reference, answer) is outcome


@pytest.mark.parametrize("reference, answer, outcome", [
    ("\\begin{pmatrix}2&1\\\\4&3\\end{pmatrix}", "$$\\begin{pmatrix}1&2\\\\3&4\\end{pmatrix}\\begin{pmatrix}0&1\\\\1&0\\end{pmatrix}$$", C),
    ("\\begin{pmatrix}2&1\\\\4&3\\end{pmatrix}", "$$\\begin{pmatrix}0&1\\\\1&0\\end{pmatrix}\\begin{pmatrix}1&2\\\\3&4\\end{pmatrix}$$", W),
    ("\\begin{pmatrix}1&2\\\\3&4\\end{pmatrix}", "$[[1,2],[3,4]]$", C),
    ("-2", "$$\\det\\begin{pmatrix}1&2\\\\3&4\\end{pmatrix}$$", C),
    ("5", "$$\\operatorname{tr}\\begin{pmatrix}1&2\\\\3&5\\end{pmatrix}$$", W),
])
def test_matrix_arithmetic_is_worked_out_in_order(reference, answer, outcome):
    assert verdict(reference, answer) is outcome
