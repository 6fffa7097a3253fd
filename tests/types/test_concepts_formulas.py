"""Ideas shown in math: formula phrasings found by the formula reader, not by words."""

from __future__ import annotations

import pydantic
import pytest

from grader.model import Outcome, Segment
from grader.types import get_type
from grader.types.concepts_formulas import answer_formulas, formula_line, is_formula, read_phrasing

CONCEPTS = get_type("concepts")
CHECK = {"id": "by-transpose", "phrasings": ["multiply by the transpose of C", "$C^T \\operatorname{vec}(Z)$"]}


def grade(check: dict, answer: str):
    params = CONCEPTS.Params.model_validate(check)
    ctx = CONCEPTS.prepare("q", Segment.from_text("q", answer), {}, params)
    parsed = CONCEPTS.parse(ctx, params)
    return None if parsed is None else CONCEPTS.compare(parsed, ctx, params)


@pytest.mark.parametrize("answer, outcome", [
    ("So $C^T\\mathrm{vec}(Z) = (5, 16, 12)^T$.", Outcome.CORRECT),       # a side the reader cannot read beside it
    ("$$y = C^{\\top} \\operatorname{vec}(Z)$$", Outcome.CORRECT),        # \top, another side
    ("We get $2 C^T \\mathrm{vec}(Z)$ here", Outcome.CORRECT),            # a product holding all its factors
    ("The result is $C \\mathrm{vec}(Z)$", Outcome.INCORRECT),            # C, not its transpose
    ("The result is $C^{-1} \\mathrm{vec}(Z)$", Outcome.INCORRECT),
    ("We multiply by the transpose of C.", Outcome.CORRECT),              # the words still count
    ("The kernel slides over the input.", Outcome.INCORRECT),
])
def test_a_formula_phrasing_is_found_by_the_formula_reader(answer, outcome):
    assert grade(CHECK, answer).outcome is outcome


def test_its_evidence_is_the_line_of_the_formula():
    result = grade(CHECK, "First line of words.\n\n$$C^T \\mathrm{vec}(Z)$$")
    assert [e.line for e in result.evidence] == [3]


def test_an_answer_of_formulas_only_is_read():
    assert grade({"id": "f", "phrasings": ["$(1 - p_t)^{\\gamma}$"]}, "$$(1-p_t)^\\gamma$$").outcome is Outcome.CORRECT


@pytest.mark.parametrize("check, message", [
    ({"id": "f", "phrasings": ["$\\frac{1}{$"]}, "formula phrasing"),
    ({"id": "f", "phrasings": ["$x = 1$"]}, "one expression"),
    ({"id": "f", "phrasings": ["words"], "misconceptions": ["$C$"]}, "said in words"),
])
def test_unreadable_formula_phrasings_are_rubric_errors(check, message):
    with pytest.raises(pydantic.ValidationError, match=message):
        CONCEPTS.Params.model_validate(check)


@pytest.mark.parametrize("phrasings", [["$(1 - p_t)^{\\gamma}$"], ["$C^T$", "multiply by the transpose"]])
def test_the_self_tests_grade_as_labelled_with_formula_phrasings(phrasings):
    params = CONCEPTS.Params.model_validate({"id": "f", "phrasings": phrasings})
    for test in CONCEPTS.self_test(params, {}):
        result = grade({"id": "f", "phrasings": phrasings}, test.text)
        got = "invalid" if result is None or result.outcome in (Outcome.INVALID, Outcome.MISSING) else \
            "correct" if result.fraction >= 1 else "incorrect"
        assert got == test.label, test


def test_helpers():
    assert is_formula("$x$") and not is_formula("x") and not is_formula("$")
    formulas = answer_formulas(Segment.from_text("q", "a $x + 1$ b\n\n$y = x^2$").lines)
    assert formula_line(formulas, read_phrasing("$x^2$")) == 3 and formula_line(formulas, read_phrasing("$x^3$")) is None
