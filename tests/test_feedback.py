import pytest
from jinja2.exceptions import SecurityError, UndefinedError

from grader.feedback import render_feedback, template_for, template_problems
from grader.model import Outcome

CONTEXT = {"outcome": "correct", "score": 2.0, "points": 2, "found": "0.67", "expected": "2/3", "detail": "",
           "refs": {"ap": 0.75}, "evidence": ["line 3: 0.67"], "description": "value"}


@pytest.mark.parametrize(
    "feedback, outcome, chosen",
    [
        ("one for all", Outcome.INCORRECT, "one for all"),
        ({"correct": "yes", "default": "no"}, Outcome.CORRECT, "yes"),
        ({"correct": "yes", "default": "no"}, Outcome.PARTIAL, "no"),
        ({"correct": "yes"}, Outcome.MISSING, ""),
    ],
)
def test_each_outcome_picks_its_template(feedback, outcome, chosen):
    assert template_for(feedback, outcome) == chosen


def test_templates_see_what_was_found_and_the_references():
    text = render_feedback("You wrote {{ found }}; the answer is {{ expected }} ({{ '%.2f' | format(refs.ap) }}).", Outcome.CORRECT, CONTEXT)
    assert text == "You wrote 0.67; the answer is 2/3 (0.75)."


def test_student_text_in_a_variable_is_never_rendered_as_a_template():
    context = {**CONTEXT, "found": "{{ 7*7 }}"}
    assert render_feedback("{{ found }}", Outcome.CORRECT, context) == "{{ 7*7 }}"


def test_a_misspelt_variable_is_an_error_not_silence():
    with pytest.raises(UndefinedError):
        render_feedback("{{ fonud }}", Outcome.CORRECT, CONTEXT)


def test_the_sandbox_keeps_templates_away_from_python_internals():
    with pytest.raises(SecurityError):
        render_feedback("{{ found.__class__.__mro__ }}", Outcome.CORRECT, CONTEXT)


def test_syntax_errors_are_reported_per_template():
    assert template_problems({"correct": "{{ ok }}", "default": "{% if %}"})[0].startswith("feedback: template error")
    assert template_problems("fine {{ found }}") == []
