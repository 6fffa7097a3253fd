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


# --- the immutable sandbox: no template changes a value it is given -------------------------

import copy  # noqa: E402
from dataclasses import dataclass, field  # noqa: E402
from fractions import Fraction  # noqa: E402

from jinja2 import TemplateError  # noqa: E402

from grader.feedback import (  # noqa: E402
    CONTEXT_KEYS,
    MAX_FEEDBACK_CHARS,
    FeedbackLimitExceeded,
    FeedbackTooLong,
    template_variables,
)


def fresh_context():
    return copy.deepcopy({**CONTEXT, "refs": {"ap": 0.75, "C": [[1, 2], [3, 4]], "names": {"a", "b"}, "sub": {"k": 1}}})


@pytest.mark.parametrize(
    "template",
    [
        "{{ refs.update({'x': 1}) }}",
        "{{ refs.setdefault('x', 1) }}",
        "{{ refs.pop('ap') }}",
        "{{ refs.clear() }}",
        "{{ refs.sub.update(k=2) }}",
        "{{ refs.C.append([5, 6]) }}",
        "{{ refs.C[0].reverse() }}",
        "{{ refs.C.sort() }}",
        "{{ refs.names.add('c') }}",
        "{{ evidence.append(1) }}",
        "{{ evidence.extend([1]) }}",
        "{{ evidence.insert(0, 1) }}",
        "{% set e = evidence %}{{ e.pop() }}",
        "{{ (refs | attr('update'))({'x': 1}) }}",
        "{% for row in refs.C %}{{ row.clear() }}{% endfor %}",
    ],
)
def test_a_template_cannot_change_a_value_it_is_given(template):
    context = fresh_context()
    before = copy.deepcopy(context)
    with pytest.raises(SecurityError):
        render_feedback(template, Outcome.CORRECT, context)
    assert context == before


def test_a_change_never_reaches_the_next_sheet():
    refs = {"ap": 0.75}
    for sheet in range(2):
        with pytest.raises(SecurityError):
            render_feedback("{{ refs.update({'ap': 0}) }}", Outcome.CORRECT, {**CONTEXT, "refs": refs})
        assert render_feedback("{{ refs.ap }}", Outcome.CORRECT, {**CONTEXT, "refs": refs}) == "0.75"


@dataclass
class Sample:
    values: list = field(default_factory=list)

    def record(self, value):
        self.values.append(value)
        return ""


def test_methods_of_objects_that_are_not_plain_data_are_not_callable():
    sample = Sample()
    with pytest.raises(SecurityError):
        render_feedback("{{ refs.sample.record(1) }}", Outcome.CORRECT, {**CONTEXT, "refs": {"sample": sample}})
    assert sample.values == []
    assert render_feedback("{{ refs.sample.values }}", Outcome.CORRECT, {**CONTEXT, "refs": {"sample": sample}}) == "[]"


@pytest.mark.parametrize(
    "template, text",
    [
        ("{{ refs.items() | list | length }}", "4"),
        ("{{ refs.get('ap') }} {{ refs.C | first | join(',') }}", "0.75 1,2"),
        ("{{ found.upper() }}{{ found ~ '!' }}", "0.670.67!"),
        ("{{ evidence | join('; ') }} {{ evidence | sort | first }}", "line 3: 0.67 line 3: 0.67"),
        ("{% for row in refs.C %}{{ loop.index }}{{ loop.cycle('a', 'b') }}{% endfor %}", "1a2b"),
        ("{% set ns = namespace(n=0) %}{% for r in refs.C %}{% set ns.n = ns.n + r | sum %}{% endfor %}{{ ns.n }}", "10"),
        ("{% macro m(x) %}[{{ x }}]{% endmacro %}{{ m(points) }}", "[2]"),
        ("{% set rows = refs.C + [[5]] %}{{ rows | length }} {{ refs.C | length }}", "3 2"),
        ("{{ '%.3f' | format(refs.ap) }} {{ '{:>5}'.format(found) }}", "0.750  0.67"),
        ("{{ 2 ** 10 }} {{ 'ab' * 3 }} {{ [0] * 2 }} {{ f ** 2 }}", "1024 ababab [0, 0] 1/9"),
        ("{{ dict(a=1) }} {{ range(3) | list }}", "{'a': 1} [0, 1, 2]"),
    ],
)
def test_reading_values_still_works(template, text):
    assert render_feedback(template, Outcome.CORRECT, {**fresh_context(), "f": Fraction(1, 3)}) == text


# --- bounded rendering --------------------------------------------------------------------------


def test_a_nested_loop_is_stopped_once_the_text_is_too_long():
    template = "{% for a in range(100000) %}{% for b in range(100000) %}x{% endfor %}{% endfor %}"
    with pytest.raises(FeedbackTooLong, match="longer than 20,000 characters"):
        render_feedback(template, Outcome.CORRECT, CONTEXT)  # 10**10 characters if it ran to the end


def test_the_limit_counts_the_text_as_it_is_made():
    exactly = "{% for a in range(" + str(MAX_FEEDBACK_CHARS) + ") %}x{% endfor %}"
    assert len(render_feedback(exactly, Outcome.CORRECT, CONTEXT)) == MAX_FEEDBACK_CHARS
    with pytest.raises(FeedbackTooLong):
        render_feedback(exactly + "y", Outcome.CORRECT, CONTEXT)
    with pytest.raises(FeedbackTooLong):
        render_feedback("{% for e in found %}{{ found }}{% endfor %}", Outcome.CORRECT, {**CONTEXT, "found": "z" * 200})


@pytest.mark.parametrize(
    "template, error",
    [
        ("{{ 'x' * 1000000000 }}", FeedbackTooLong),
        ("{{ 1000000000 * 'x' }}", FeedbackTooLong),
        ("{{ [found] * 10 ** 9 }}", FeedbackTooLong),
        ("{{ 10 ** 1000000000 }}", FeedbackLimitExceeded),
        ("{{ (2 ** 5000) ** 5000 }}", FeedbackLimitExceeded),
        ("{{ f ** 100000 }}", FeedbackLimitExceeded),
    ],
)
def test_one_huge_value_is_refused_before_it_is_built(template, error):
    with pytest.raises(error):
        render_feedback(template, Outcome.CORRECT, {**CONTEXT, "f": Fraction(2, 3)})
    assert issubclass(error, TemplateError)


def test_huge_constants_are_not_folded_when_the_rubric_is_checked():
    assert template_problems("{{ 10 ** 1000000000 }}{{ 'x' * 1000000000 }}") == []


# --- the variables a template reads ---------------------------------------------------------


@pytest.mark.parametrize(
    "feedback, names",
    [
        ("You wrote {{ found }}; {{ refs.ap }}", {"found", "refs"}),
        ({"correct": "{{ fonud }}", "default": "{{ detail }}"}, {"fonud", "detail"}),
        ("{% for e in evidence %}{{ e }}{{ loop.index }}{% endfor %}{{ range(2) | list }}", {"evidence"}),
        ("{% set x = score %}{{ x }}{% macro m(y) %}{{ y }}{% endmacro %}{{ m(points) }}", {"score", "points"}),
        ("plain text", set()),
        ({"correct": "{% if %}", "default": "{{ outcome }}"}, {"outcome"}),
    ],
)
def test_template_variables_are_what_the_templates_read(feedback, names):
    assert template_variables(feedback) == names


def test_a_misspelt_variable_can_be_reported_before_grading():
    unknown = template_variables({"correct": "{{ expeted }} {{ found }}", "partial": "{{ evidence }}"}) - set(CONTEXT_KEYS)
    assert unknown == {"expeted"}


def test_formula_references_print_as_a_ta_writes_them():
    import sympy

    from grader.feedback import render_feedback
    from grader.model import Outcome

    theta = sympy.Symbol("theta")
    refs = {"var": theta / ((theta + 1) ** 2 * (theta + 2)), "p": sympy.Matrix([[0, 1], [1, 0]])}
    text = render_feedback("Var = {{ refs.var }}; P = {{ refs.p }}", Outcome.CORRECT, {"refs": refs})
    assert text == "Var = theta/((theta + 1)^2*(theta + 2)); P = [[0, 1], [1, 0]]"


@pytest.mark.parametrize("value, latex", [
    ("theta", r"\frac{\theta}{\theta + 1}"),
    ("fraction", r"\frac{9}{58}"),
    ("matrix", r"\begin{pmatrix}1 & 2\\3 & 4\end{pmatrix}"),
    ("rows", r"\begin{pmatrix}\frac{1}{2} & 1\\0 & \frac{3}{4}\end{pmatrix}"),  # a matrix reference as templates see it
    ("column", r"\begin{pmatrix}\frac{1}{4}\\\frac{1}{2}\end{pmatrix}"),
    ("text", "P(D)"),
])
def test_the_latex_filter_writes_a_reference_as_a_sheet_would(value, latex):
    from fractions import Fraction

    import sympy

    from grader.feedback import render_feedback
    from grader.model import Outcome

    theta = sympy.Symbol("theta")
    refs = {"theta": theta / (theta + 1), "fraction": Fraction(9, 58), "matrix": sympy.Matrix([[1, 2], [3, 4]]),
            "text": "P(D)", "rows": [[Fraction(1, 2), 1], [0, Fraction(3, 4)]], "column": [Fraction(1, 4), Fraction(1, 2)]}
    assert render_feedback("{{ refs[name] | latex }}", Outcome.CORRECT, {"refs": refs, "name": value}) == latex
