"""``given:`` values: every form a TA writes, and the problems with a path to the entry at fault."""

from fractions import Fraction as F

import pytest
import sympy
import yaml

from grader.references import RefList, compute_references


def given(text: str):
    """References and problems of a ``given:`` block written as YAML."""
    return compute_references(yaml.safe_load(text)["given"], {})


@pytest.mark.parametrize("line, expected", [
    ("n: 12", 12),
    ("p: 0.95", F(95, 100)),
    ("p: 0.1", F(1, 10)),
    ("p: 1.5e-3", F(15, 10000)),  # YAML reads 1.5e-3 as text: it is read as a formula
    ("p: 1.0e-3", F(1, 1000)),  # ... and 1.0e-3 as a float: read as the decimal written
    ("p: 1/100", F(1, 100)),
    ("p: '2/3'", F(2, 3)),
    ("p: -7", -7),
    ("p: 100000000000000000000000001", 10**26 + 1),
    ("flag: true", True),
    ("flag: false", False),
    ("b: [1, 2]", (1, 2)),
    ("xs: [0.5, 1/4, '3/4', 2]", (F(1, 2), F(1, 4), F(3, 4), 2)),
    ("A: [[2, 1], [1, 3]]", ((2, 1), (1, 3))),
    ("row: [[1, 2, 3]]", ((1, 2, 3),)),
    ("empty: []", ()),
])
def test_values(line, expected):
    refs, problems = given(f"given:\n  {line}\n")
    assert problems == []
    (name,) = refs
    assert refs[name] == expected
    assert isinstance(refs[name], RefList) if isinstance(expected, tuple) else type(refs[name]) is type(expected)


def test_a_formula_string_is_exact_and_may_use_given_values_above_it():
    refs, problems = given("given:\n  r: sqrt(2)\n  a: 3\n  b: a^2 + 1\n  c: 'r^2'\n")
    assert problems == []
    assert refs["r"] == sympy.sqrt(2) and refs["b"] == 10 and refs["c"] == 2


def test_symbols_plain_and_with_assumptions():
    refs, problems = given("given:\n  x: symbol\n  lam: {symbol: lambda, positive: true}\n  k: {symbol: k, integer: true, nonnegative: true}\n")
    assert problems == []
    assert refs["x"] == sympy.Symbol("x")
    # Items receive symbols as the student's reader makes them: by name, without assumptions.
    assert refs["lam"] == sympy.Symbol("lambda")
    assert refs.given["lam"].is_positive and refs.given["k"].is_integer


@pytest.mark.parametrize("text, path, message", [
    ("given:\n  e: 3\n", ("given", "e"), "given.e: 'e' is a constant of the language; choose another name"),
    ("given:\n  and: 3\n", ("given", "and"), "'and' is a keyword"),
    ("given:\n  2x: 3\n", ("given", "2x"), "a name is letters, digits and _"),
    ("given:\n  p: null\n", ("given", "p"), "given.p: no value"),
    ("given:\n  p: .inf\n", ("given", "p"), "is not a finite number"),
    ("given:\n  p: 1/0\n", ("given", "p"), "given.p: column 2: division by zero"),
    ("given:\n  p: 2 +\n", ("given", "p"), "given.p: column 3: the formula ends too early"),
    ("given:\n  p: sensitivty\n", ("given", "p"), "unknown name 'sensitivty'"),
    ("given:\n  A: [[1, 2], [3]]\n", ("given", "A"), "given.A: the matrix: its rows have different lengths [2, 1]"),
    ("given:\n  A: [[1, 2], [3, 1/0]]\n", ("given", "A", 1, 1), "given.A.1.1: column 2: division by zero"),
    ("given:\n  A: [1, [2]]\n", ("given", "A", 1), "not both"),
    ("given:\n  A: [[[1]]]\n", ("given", "A", 0), "lists nest two levels at most"),
    ("given:\n  v: [1, '[2, 3]']\n", ("given", "v", 1), "given.v.1: an entry of a list needs a number or an expression, not a vector of 2"),
    ("given:\n  v: [1, {a: 2}]\n", ("given", "v", 1), "not both"),
    ("given:\n  y: {symbol: y, positiv: true}\n", ("given", "y", "positiv"), "unknown key 'positiv' of a symbol; allowed: symbol, positive"),
    ("given:\n  y: {positive: true}\n", ("given", "y"), "a mapping declares a symbol"),
    ("given:\n  y: {symbol: 2y}\n", ("given", "y", "symbol"), "the symbol's name must be letters"),
    ("given:\n  y: {symbol: y, real: yes please}\n", ("given", "y", "real"), "real: must be true or false"),
    ("given:\n  y: {symbol: y, positive: true, negative: true}\n", ("given", "y"), "contradictory options"),
    ("given:\n  x: symbol\n  y: {symbol: x}\n", ("given", "y"), "the symbol 'x' is already given.x"),
])
def test_problems_name_the_key_and_the_entry(text, path, message):
    _, problems = given(text)
    assert len(problems) == 1, problems
    assert problems[0][0] == path and message in problems[0][1], problems


def test_a_given_name_may_not_shadow_a_solver_reference():
    _, problems = compute_references({"ap": 1}, {}, {"ap": F(1, 2)})
    assert problems == [(("given", "ap"), "given.ap: 'ap' is already a reference of the question's solver")]
