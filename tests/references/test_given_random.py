"""Values a practice variant may draw (``{value: ..., choose: [...]}``, ``{value: ..., range: [...]}``):
the exam's own value when loaded, strict checks with a path to the entry at fault, and draws that
are always one of the declared values."""

import random
import textwrap
from fractions import Fraction as F

import pytest
import yaml
from hypothesis import given as for_all, settings, strategies as st

from grader.errors import RubricError
from grader.references import compute_references
from grader.references.given import draw_given, random_paths, range_values, yaml_number
from grader.rubric.loader import load_rubric


def given(text: str):
    return compute_references(yaml.safe_load(text)["given"], {})


@pytest.mark.parametrize("line, expected", [
    ("p: {value: 2/100, choose: [1/100, 2/100, 5/100]}", F(1, 50)),
    ("p: {value: 0.9, range: [0.8, 0.95], step: 0.05}", F(9, 10)),
    ("n: {value: 5, range: [2, 9]}", 5),
    ("r: {value: sqrt(2), choose: [sqrt(2), sqrt(3)]}", None),  # formulas as alternatives
    ("flag: {value: true, choose: [true, false]}", True),
    ("b: {value: [1, 2], choose: [[1, 2], [3, 1]]}", (1, 2)),
    ("A: {value: [[2, 1], [1, 3]], choose: [[[2, 1], [1, 3]], [[4, 1], [1, 5]]]}", ((2, 1), (1, 3))),
    ("A: [[{value: 2, range: [1, 4]}, 1], [1, {value: 3, choose: [2, 3, 5]}]]", ((2, 1), (1, 3))),
    ("v: [1, {value: 1/2, choose: [1/2, 1/4]}, 3]", (1, F(1, 2), 3)),
])
def test_the_exam_uses_the_plain_value(line, expected):
    refs, problems = given(f"given:\n  {line}\n")
    assert problems == []
    (name,) = refs
    if expected is not None:
        assert refs[name] == expected
    else:
        assert str(refs[name]) == "sqrt(2)"


def test_an_alternative_may_use_the_given_values_above_it():
    refs, problems = given("given:\n  a: 3\n  b: {value: 2*a, choose: ['2*a', '3*a']}\n")
    assert problems == [] and refs["b"] == 6


@pytest.mark.parametrize("spec, path, message", [
    ("{value: 2, chose: [1, 2]}", ("chose",), "unknown key 'chose' of a value to draw; allowed: value, choose, range, step"),
    ("{value: 2}", (), "a value to draw needs choose: [its alternatives] or range: [low, high]"),
    ("{value: 2, choose: [1, 2], range: [1, 2]}", ("range",), "choose or range, not both"),
    ("{value: 2, choose: [1, 2], step: 1}", ("step",), "only a range has a step"),
    ("{value: 2, choose: [1]}", ("choose",), "list at least two alternatives"),
    ("{value: 2, choose: 1}", ("choose",), "list at least two alternatives"),
    ("{value: 2, choose: [1, '1/0']}", ("choose", 1), "column 2: division by zero"),
    ("{value: 2, choose: [1, 'sqrt(4)', 2]}", ("choose", 2), "the same value as choose.1"),
    ("{value: 2, choose: [1, [1, 2]]}", ("choose", 1), "a vector of 2, but the value is a number"),
    ("{value: [1, 2], choose: [[1, 2], [1, 2, 3]]}", ("choose", 1), "a vector of 3, but the value is a vector of 2"),
    ("{value: [[1, 2], [3, 4]], choose: [[[1, 2], [3, 4]], [1, 2]]}", ("choose", 1), "a vector of 2, but the value is a 2×2 matrix"),
    ("{value: 1, choose: [true, false]}", ("choose", 0), "a truth value, but the value is a number"),
    ("{value: symbol, choose: [1, 2]}", ("value",), "not a symbol or a mapping"),
    ("{value: {symbol: x}, choose: [1, 2]}", ("value",), "not a symbol or a mapping"),
    ("{value: [{value: 1, range: [1, 2]}], choose: [[1], [2]]}", ("value", 0), "either for the whole value or in its entries, not both"),
    ("{value: [1], choose: [[{value: 1, range: [1, 2]}], [2]]}", ("choose", 0, 0), "not both"),
    ("{value: [1, 2], range: [1, 3]}", ("value",), "a range draws a number, and the value is a vector of 2"),
    ("{value: 2, range: [1]}", ("range",), "write the range as [low, high]"),
    ("{value: 2, range: 5}", ("range",), "write the range as [low, high]"),
    ("{value: 2, range: [1, n]}", ("range", 1), "'n' is not a number such as 2, 0.05 or 1/100"),
    ("{value: 2, range: [1, 'sqrt(9)']}", ("range", 1), "bounds and steps are numbers, not formulas"),
    ("{value: 2, range: [1, true]}", ("range", 1), "is not a number"),
    ("{value: 2, range: [1, .inf]}", ("range", 1), "is not a number"),
    ("{value: 2, range: [1, 1/0]}", ("range", 1), "is not a number"),
    ("{value: 2, range: [5, 1]}", ("range",), "the low end (5) must be less than the high end (1)"),
    ("{value: 2, range: [1, 1]}", ("range",), "must be less than"),
    ("{value: 2, range: [1, 5], step: 0}", ("step",), "the step must be more than 0"),
    ("{value: 2, range: [1, 5], step: -1}", ("step",), "the step must be more than 0"),
    ("{value: 0.9, range: [0.8, 0.95], step: 0.5}", ("step",), "a step of 0.5 leaves only one value between 0.8 and 0.95"),
    ("{value: null, choose: [1, 2]}", ("value",), "no value"),
])
def test_a_bad_spec_names_the_entry_at_fault(spec, path, message):
    _, problems = given(f"given:\n  p: {spec}\n")
    assert len(problems) == 1, problems
    where, text = problems[0]
    assert where == ("given", "p") + path, problems
    assert text.startswith("given." + ".".join(str(p) for p in ("p",) + path) + ": ") and message in text, text


@pytest.mark.parametrize("entries, path, message", [
    ("[1, {value: 2, choose: [[1], [2]]}]", ("v", 1, "choose", 0), "a vector of 1, but the value is a number"),
    ("[[1, {value: 2, range: [3, 1]}], [1, 1]]", ("v", 0, 1, "range"), "must be less than"),
    ("[[1, {value: 2, choose: [1, 3]}], [1, {colour: red}]]", ("v", 1), "lists nest two levels at most"),
    ("[1, {value: [1, 2], choose: [[1, 2], [2, 1]]}]", ("v", 1), "an entry of a list needs a number"),
])
def test_a_bad_entry_spec_names_its_entry(entries, path, message):
    _, problems = given(f"given:\n  v: {entries}\n")
    assert len(problems) == 1, problems
    assert problems[0][0] == ("given",) + path and message in problems[0][1], problems


def test_a_mapping_that_is_neither_symbol_nor_spec_says_both_forms():
    _, problems = given("given:\n  y: {positive: true}\n")
    assert "a mapping declares a symbol" in problems[0][1] and "{value: 5, range: [2, 9]}" in problems[0][1]


def test_the_loader_reports_a_bad_spec_at_its_line(write_rubric, question_yaml):
    body = textwrap.dedent("""\
        given:
          prevalence:
            value: 2/100
            choose:
              - 1/100
              - [1, 2]
          sensitivity: {value: 0.9, range: [0.8, 0.95], step: 0}
        compute:
          r: prevalence * sensitivity
        """)
    folder = write_rubric({"q1": question_yaml(body)})
    with pytest.raises(RubricError) as info:
        load_rubric(folder)
    path = folder / "q1.yaml"
    lines = info.value.lines()  # (the item whose reference uses them is reported too)
    assert f"{path}:12: given.prevalence.choose.1: a vector of 2, but the value is a number: every alternative is the same kind of value" in lines
    assert f"{path}:13: given.sensitivity.step: the step must be more than 0" in lines


@pytest.mark.parametrize("raw", [
    5, 0.25, "1/100", "sqrt(2)", True, "symbol", {"symbol": "x", "positive": True}, [1, 2], [[1, 2], [3, 4]], [],
])
def test_a_value_without_choose_or_range_is_never_changed(raw):
    assert random_paths(raw) == []
    for seed in range(20):
        assert draw_given(raw, random.Random(seed)) == raw


@pytest.mark.parametrize("raw, paths", [
    ({"value": 1, "choose": [1, 2]}, [()]),
    ([1, {"value": 1, "range": [1, 3]}, 2], [(1,)]),
    ([[{"value": 1, "range": [1, 3]}, 0], [0, {"value": 1, "choose": [1, 2]}]], [(0, 0), (1, 1)]),
])
def test_random_paths_name_every_spec(raw, paths):
    assert random_paths(raw) == paths
    drawn = draw_given(raw, random.Random(1))
    assert random_paths(drawn) == []  # a drawn value is plain


def test_the_same_rng_seed_draws_the_same_values():
    raw = [[{"value": 1, "range": [1, 1000]}, 0], [0, {"value": 1, "choose": list(range(1, 50))}]]
    assert draw_given(raw, random.Random("s")) == draw_given(raw, random.Random("s"))
    assert len({str(draw_given(raw, random.Random(seed))) for seed in range(20)}) > 10


# ------------------------------------------------------------------ properties

_numbers = st.one_of(
    st.integers(-1000, 1000),
    st.fractions(min_value=-100, max_value=100, max_denominator=64).map(lambda f: f"{f.numerator}/{f.denominator}"),
)


@settings(max_examples=60, deadline=None)
@for_all(alternatives=st.lists(_numbers, min_size=2, max_size=6, unique_by=lambda x: F(x)), seed=st.integers())
def test_every_value_chosen_is_one_of_the_alternatives(alternatives, seed):
    spec = {"value": alternatives[0], "choose": alternatives}
    _, problems = compute_references({"p": spec}, {})
    assert problems == []
    drawn = draw_given(spec, random.Random(seed))
    assert drawn in alternatives


@settings(max_examples=80, deadline=None)
@for_all(low=st.fractions(min_value=-50, max_value=50, max_denominator=20),
         width=st.fractions(min_value=F(1, 10), max_value=100, max_denominator=20),
         steps=st.integers(1, 50), seed=st.integers())
def test_every_value_in_a_range_is_on_its_grid_and_reads_back_exactly(low, width, steps, seed):
    step = width / steps
    spec = {"value": 0, "range": [str(low), str(low + width)], "step": str(step)}
    _, problems = compute_references({"p": spec}, {})
    assert problems == []
    drawn = draw_given(spec, random.Random(seed))
    refs, problems = compute_references({"p": drawn}, {})  # what the variant's rubric reads
    assert problems == []
    number = F(refs["p"])
    assert low <= number <= low + width
    assert ((number - low) / step).denominator == 1
    assert range_values(spec)[2] == steps + 1


@settings(max_examples=100, deadline=None)
@for_all(number=st.fractions(min_value=-10**6, max_value=10**6, max_denominator=10**4))
def test_a_drawn_number_is_written_so_that_it_reads_back_exactly(number):
    text = yaml.safe_dump({"p": yaml_number(number)})
    refs, problems = compute_references(yaml.safe_load(text), {})
    assert problems == [] and F(refs["p"]) == number
