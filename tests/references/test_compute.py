"""``compute:`` in order: earlier names only, cycles named, one report per failure, solver references usable."""

from fractions import Fraction as F

import pytest
import sympy

from grader.references import RefList, References, compute_references, computed_lines


def run(compute: dict, given: dict | None = None, solver: dict | None = None):
    return compute_references(given or {}, compute, solver or {})


def test_the_bayes_example_of_the_issue():
    given = {"p_disease": "1/100", "sensitivity": 0.95, "A": [[2, 1], [1, 3]], "b": [1, 2], "xs": [2, 4, 4, 5],
             "x": "symbol"}
    compute = {
        "p_positive": "sensitivity * p_disease + (1 - 0.9) * (1 - p_disease)",
        "posterior": "sensitivity * p_disease / p_positive",
        "step": "inv(A) * b",
        "detA": "det(A)",
        "f": "x^2 * exp(-x)",
        "df": "diff(f, x)",
        "area": "integrate(f, x, 0, oo)",
        "roots": "solve(x^2 - 5*x + 6, x)",
        "lim": "limit(sin(x)/x, x, 0)",
        "m": "mean(xs)",
        "v": "variance(xs)",
        "s": "sum(k^2, k, 1, 10)",
        "phi": "normal_cdf(1.96)",
        "c": "nCr(5, 2)",
        "a11": "A[1, 1]",
    }
    refs, problems = run(compute, given)
    assert problems == []
    p_positive = F(95, 100) * F(1, 100) + F(1, 10) * F(99, 100)
    assert refs["p_positive"] == p_positive
    assert refs["posterior"] == F(95, 100) * F(1, 100) / p_positive
    assert refs["step"] == (F(1, 5), F(3, 5)) and isinstance(refs["step"], RefList)
    assert (refs["detA"], refs["area"], refs["lim"], refs["s"], refs["c"], refs["a11"]) == (5, 2, 1, 385, 10, 2)
    assert refs["roots"] == (2, 3)
    assert (refs["m"], refs["v"]) == (F(15, 4), F(19, 16))
    x = sympy.Symbol("x")
    assert sympy.simplify(refs["df"] - (2 * x - x**2) * sympy.exp(-x)) == 0
    assert float(refs["phi"]) == pytest.approx(0.9750021048517795)
    assert list(refs.computed) == list(compute)  # in order, for grader validate
    assert isinstance(refs, References)


def test_a_later_name_is_an_error_naming_both():
    refs, problems = run({"a": "b + 1", "b": "2"})
    assert problems == [(("compute", "a"), "compute.a: uses b, which is computed later; move compute.b above compute.a")]
    assert refs["b"] == 2 and "a" not in refs


@pytest.mark.parametrize("compute, message", [
    ({"p": "q", "q": "p"}, "compute.p: p and q depend on each other (p uses q, q uses p)"),
    ({"p": "q + 1", "q": "r * 2", "r": "p"}, "compute.p: p and q depend on each other (p uses q, q uses r, r uses p)"),
    ({"p": "p + 1"}, "compute.p: uses itself"),
])
def test_cycles_are_named(compute, message):
    _, problems = run(compute)
    assert problems[0][1] == message


def test_an_entry_using_a_failed_one_is_not_reported_again():
    refs, problems = run({"a": "1/0", "b": "a + 1", "c": "b * 2", "d": "3"})
    assert problems == [(("compute", "a"), "compute.a: column 2: division by zero")]
    assert refs["d"] == 3 and not {"a", "b", "c"} & set(refs)


def test_a_failed_given_value_is_reported_once_too():
    refs, problems = run({"b": "a + 1", "c": "2"}, {"a": "1/0", "a2": "a * 2", "e": 1})
    assert [p[0] for p in problems] == [("given", "a"), ("given", "e")]
    assert refs["c"] == 2 and not {"a", "a2", "b", "e"} & set(refs)


@pytest.mark.parametrize("formula, message", [
    ("sensitivty * 2", "column 1: unknown name 'sensitivty'; did you mean 'sensitivity'?"),
    ("sqr(2)", "column 1: unknown function 'sqr'; did you mean 'sqrt'?"),
    ("sqrt(1, 2)", "column 1: sqrt takes 1 argument, not 2"),
    ("log()", "column 1: log takes 1 or 2 arguments, not 0"),
    ("inv(B)", "column 1: inv needs a square matrix, not a 2×3 matrix"),
    ("det(b)", "column 1: det needs a square matrix, not a vector of 2"),
    ("inv(S)", "column 1: the matrix is singular (its determinant is 0): it has no inverse"),
    ("S^-1", "column 2: the matrix is singular"),
    ("A * B * A", "column 7: cannot multiply a 2×3 matrix by a 2×2 matrix: the left has 3 columns, the right 2 rows"),
    ("b * b", "for the dot product of two vectors write dot(u, v)"),
    ("A + 1", "column 3: cannot add a 2×2 matrix and the number 1"),
    ("A + B", "column 3: cannot add a 2×2 matrix and a 2×3 matrix: their shapes differ"),
    ("1 / (sensitivity - 0.95)", "column 3: division by zero"),
    ("log(0)", "the result is undefined"),
    ("oo - oo", "the result is undefined"),
    ("A[3, 1]", "column 3: there is no row 3: the rows are numbered 1 to 2"),
    ("b[0]", "column 3: there is no entry 0: the entries are numbered 1 to 2"),
    ("A[1]", "needs a row and a column"),
    ("sensitivity[1]", "only a vector or a matrix has entries to index"),
    ("sensitivity > 3", "column 13: a comparison ('>') only means something as the equation of solve"),
    ("sensitivity and 3", "'and' is only used in a condition"),
    ("(1, 2)", "a bracketed pair (value, condition) is only written inside piecewise"),
    ("if(sensitivity, 1, 2)", "column 4: a condition (like x < 0, or true) is needed here, not the number 19/20"),
    ("piecewise((1, 2 > 3))", "piecewise: none of its conditions holds; end with (value, otherwise)"),
    ("piecewise(1, 2)", "piecewise takes pairs (value, condition)"),
    ("solve(x > 2, x)", "column 9: solve needs an equation (lhs = rhs) or an expression equal to 0, not an inequality"),
    ("solve(x^2 = 4, sensitivity)", "the variable of solve must be a symbol or a new name, but 'sensitivity' is the number 19/20"),
    ("diff(x^2, 2)", "the variable of diff must be a name, like x"),
    ("limit(1/x, x, 0)", "the limit does not exist (the limits from the left and the right differ); give a direction"),
    ("limit(sin(1/x), x, 0)", "the limit does not exist: the function keeps moving between -1 and 1"),
    ("limit(1/x, x, 0, up)", "limit's direction is left, right or both"),
    ("integrate(x, x, 1)", "give both limits"),
    ("normal_cdf(1, mu=0, sd=1)", "normal_cdf has no option 'sd'; its options are mu, sigma"),
    ("normal_cdf(mu=0, 1)", "options (name = value) come after the other arguments"),
    ("normal_cdf(1, sigma=-1)", "sigma must be positive"),
    ("binomial_pmf(2, 5, 1.5)", "must be a probability from 0 to 1"),
    ("nCr(5, 1/2)", "nCr needs a whole number, not the number 1/2"),
    ("median(x, 1)", "median needs real numbers"),
    ("mean()", "mean takes at least 1 argument, not 0"),
    ("sensitivity(2)", "'sensitivity' is a value, not a function; to put a number into a formula use subs(f, x, value)"),
    ("sqrt", "'sqrt' is a function: call it, sqrt(...)"),
    ("true + 1", "cannot add the truth value true: it is not a number"),
    ("[1, [2]]", "not a mix of both"),
    ("sum(k, k, 1.5, 3)", "sum's bounds must be whole numbers (or oo)"),
    ("subs(x^2, 3, 1)", "subs(f, x, value) needs a symbol as x"),
])
def test_formula_mistakes_are_explained(formula, message):
    given = {"sensitivity": 0.95, "A": [[2, 1], [1, 3]], "B": [[1, 2, 3], [4, 5, 6]], "S": [[1, 2], [2, 4]],
             "b": [1, 2], "x": "symbol"}
    _, problems = run({"r": formula}, given)
    assert len(problems) == 1, problems
    path, text = problems[0]
    assert path == ("compute", "r") and text.startswith("compute.r: ") and message in text, text


@pytest.mark.parametrize("compute, given, message", [
    ({"pi": "3"}, {}, "compute.pi: 'pi' is a constant of the language; choose another name"),
    ({"a b": "3"}, {}, "compute.a b: a name is letters, digits and _"),
    ({"n": "3"}, {"n": 2}, "compute.n: 'n' is already a given value"),
    ({"ap": "3"}, {}, "compute.ap: 'ap' is already a reference of the question's solver"),
    ({"r": [1, 2]}, {}, "compute.r: a formula is text"),
    ({"r": None}, {}, "compute.r: a formula is text"),
])
def test_name_and_shape_problems(compute, given, message):
    _, problems = compute_references(given, compute, {"ap": F(3, 4)})
    assert len(problems) == 1 and problems[0][1].startswith(message), problems


def test_numbers_and_booleans_may_be_written_bare():
    refs, problems = run({"a": 3, "b": 0.25, "c": True})
    assert problems == [] and (refs["a"], refs["b"], refs["c"]) == (3, F(1, 4), True)


def test_function_names_may_be_value_names():
    refs, problems = run({"mean": "5", "std": "2", "z": "(7 - mean) / std", "m": "mean(1, 3)"})
    assert problems == [] and refs["z"] == 1 and refs["m"] == 2


def test_solver_references_are_usable_and_kept_as_they_are():
    solver = {"ap_11pt": F(58, 77), "ranks": [1, 2, 3], "C": [[1, 2], [3, 4]], "label": "text", "rate": 0.25}
    refs, problems = run({"pct": "ap_11pt * 100", "total": "sum(ranks[k], k, 1, 3)", "d": "det(C)", "r2": "rate^2"},
                         solver=solver)
    assert problems == []
    assert refs["pct"] == F(5800, 77) and refs["total"] == 6 and refs["d"] == -2 and refs["r2"] == F(1, 16)
    assert refs["ap_11pt"] is solver["ap_11pt"] and refs["label"] == "text"  # the solver's values untouched
    _, problems = run({"bad": "label + 1"}, solver=solver)
    assert problems == [(("compute", "bad"), "compute.bad: column 1: the solver's reference 'label' is str, not a number, a list or a matrix")]


def test_variables_bind_only_inside_their_function():
    refs, problems = run({"s": "sum(k, k, 1, 4)", "t": "k + 1"})
    assert refs["s"] == 10
    assert problems == [(("compute", "t"), "compute.t: column 1: unknown name 'k'")]


def test_a_sum_over_a_computed_name_in_a_given_symbol_substitutes_each_index():
    refs, problems = run({"term": "k^2", "s": "sum(term, k, 1, 3)"}, {"k": "symbol"})
    assert problems == [] and refs["s"] == 14


def test_validate_lines_show_exact_values_and_decimals():
    refs, problems = run({"p": "19/217", "n": "3", "v": "[1/5, 3/5]", "f": "x^2 * exp(-x)", "r": "sqrt(2)"},
                         {"x": "symbol"})
    assert problems == []
    assert computed_lines("q7", refs) == [
        "q7: p = 19/217 ≈ 0.0875576",
        "q7: n = 3",
        "q7: v = [1/5, 3/5] ≈ [0.2, 0.6]",
        "q7: f = x^2*exp(-x)",
        "q7: r = sqrt(2) ≈ 1.41421",
    ]
