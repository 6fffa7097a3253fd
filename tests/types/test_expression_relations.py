"""Equations and inequalities compared as relations (issue 12): never by one side, flips normalised."""

from __future__ import annotations

import pytest

from grader.model import Outcome, Segment
from grader.types.base import Parsed, get_type

TYPE = get_type("expression")


def verdict(reference: str, answer: str):
    params = TYPE.Params(latex=reference)
    ctx = TYPE.prepare("q", Segment.from_text("q", answer), {}, params)
    parsed = TYPE.parse(ctx, params)
    return TYPE.compare(parsed, ctx, params).outcome if isinstance(parsed, Parsed) else None


@pytest.mark.parametrize("reference, answer, outcome", [
    # equations: up to a nonzero factor, never by their right sides
    ("2x+4y-3=0", "$y = -x/2 + 3/4$", Outcome.CORRECT),
    ("x+y=0", "$x-y=0$", Outcome.INCORRECT),                  # both right sides 0
    ("a+3z=0", "$0$", Outcome.INCORRECT),                     # one side is no equation
    ("x^2-1=0", "$x-1=0$", Outcome.INCORRECT),                # a root lost
    ("x=7", "$x = 3 + 4 = 7$", Outcome.CORRECT),              # a chain: first side against last
    ("x=5", "$5$", Outcome.CORRECT),                          # the value of the name asked for
    ("f'(x)=3x^2", "$3x^2$", Outcome.CORRECT),
    ("E=mc^2", "$m = \\frac{E}{c^2}$", Outcome.CORRECT),      # solved for another name
    ("y=e^x", "$\\ln y = x$", Outcome.CORRECT),
    ("x^2+y^2=25", "$y=\\sqrt{25-x^2}$", Outcome.INCORRECT),  # a branch: half the circle
    # inequalities: flips normalised, strictness and direction kept
    ("x \\le 5", "$5 \\ge x$", Outcome.CORRECT),
    ("x<5", "$x>5$", Outcome.INCORRECT),
    ("x<5", "$x \\le 5$", Outcome.INCORRECT),
    ("x>2", "$-2x < -4$", Outcome.CORRECT),                   # scaled by a negative number, flipped
    ("x>2", "$2x > 4$", Outcome.CORRECT),
    ("x>2", "$-2x > -4$", Outcome.INCORRECT),
    ("-1<x<2", "$2>x>-1$", Outcome.CORRECT),                  # a compound, as a whole
    ("-1<x<2", "$-1<x$", Outcome.INCORRECT),
    ("x \\geq 1", "$x \\geqslant 1$", Outcome.CORRECT),
    ("x \\ge 4", "$x \\gt 4$", Outcome.INCORRECT),
])
def test_relations(reference, answer, outcome):
    assert verdict(reference, answer) is outcome


@pytest.mark.parametrize("reference, answer, outcome", [
    ("\\sqrt{2}", "$\\sqrt{2} \\approx 1.414$", Outcome.CORRECT),  # ≈ glosses; the exact value answers
    ("\\infty", "$-\\infty$", Outcome.INCORRECT),
    ("\\infty", "$\\infty$", Outcome.CORRECT),
])
def test_approximations_and_infinities(reference, answer, outcome):
    assert verdict(reference, answer) is outcome


def test_a_relation_reference_self_tests_as_labelled():
    params = TYPE.Params(latex="2x + 4y - 3 = 0")
    for test in TYPE.self_test(params, {}):
        got = verdict("2x + 4y - 3 = 0", test.text)
        assert (got is None and test.label == "invalid") or (got is Outcome.INVALID and test.label == "invalid") \
            or (got is Outcome.CORRECT) == (test.label == "correct"), test
