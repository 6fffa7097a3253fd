"""The public helpers: formula_names(text), compile_formula(text) -> Formula (read once,
evaluate many), evaluate_formula unchanged; compute: ordered by the free names."""

from __future__ import annotations

import builtins
from fractions import Fraction as F

import pytest
import sympy

import grader.references as references
from grader.references import Formula, FormulaError, compile_formula, compute_references, evaluate_formula, formula_names, to_reference

X = sympy.Symbol("x")


@pytest.mark.parametrize("text, names", [
    ("sensitivity * p_disease / p_positive", {"sensitivity", "p_disease", "p_positive"}),
    ("sum(C[k, 1], k, 1, 3)", {"C"}),
    ("sum(k, k, 1, n)", {"n"}),
    ("sum(k * m, k, 1, k)", {"m", "k"}),  # the bounds are outside the sum: that k is read
    ("sum(sum(i * j, j, 1, i), i, 1, n)", {"n"}),
    ("sum(k, k, 1, 3) + k", {"k"}),
    ("product(1 + r, k, 1, 5)", {"r"}),
    ("table(C[i, i] / colsums(C)[i], i, 1, 3)", {"C"}),
    ("table(table(M[i, j], j, 1, c), i, 1, r)", {"M", "c", "r"}),
    ("table(i, i, 1, 3)", set()),
    ("diff(f, x)", {"f", "x"}),  # a given symbol is what diff works in
    ("integrate(x^2, x, 0, a)", {"x", "a"}),
    ("limit(1/x, x, 0, right)", {"x"}),  # the direction is a word, not a value
    ("solve(y = 2 * x, x)", {"y", "x"}),
    ("normal_cdf(z, mu=m, sigma=s)", {"z", "m", "s"}),  # option names are not values
    ("if(n > 0, 1/n, 0)", {"n"}),
    ("piecewise((0, x < 0), (x, otherwise))", {"x"}),
    ("pi * r^2 + e - oo + if(true, 0, 1) + if(false, 0, 1)", {"r"}),
    ("mean(xs) + mean", {"xs", "mean"}),  # a function's name is not a name; a value named like it is
    ("A[i, j] + [a, [b]][1]", {"A", "i", "j", "a", "b"}),
    ("u .* v ./ w .^ 2", {"u", "v", "w"}),
    ("2 * P * R / (P + R)", {"P", "R"}),
])
def test_formula_names_are_the_free_names(text, names):
    assert formula_names(text) == names
    assert compile_formula(text).names == frozenset(names)


NAMED = [
    ("sum(C[k, 1], k, 1, 3)", {"C": [[1, 2], [3, 4], [5, 6]], "k": sympy.Symbol("k")}),
    ("sum(term, k, 1, 3)", {"term": sympy.Symbol("k") ** 2, "k": sympy.Symbol("k")}),  # the index's symbol, given
    ("table(C[i, i] / colsums(C)[i], i, 1, 2)", {"C": [[1, 2], [3, 4]], "i": sympy.Symbol("i", positive=True)}),
    ("table(term + 1, i, 1, 2)", {"term": sympy.Symbol("i", positive=True), "i": sympy.Symbol("i", positive=True)}),
    ("limit(1/x, x, 0, right) + q", {"x": X, "q": 1, "right": [1, 2]}),
    ("normal_cdf(z, mu=m, sigma=s)", {"z": 1, "m": 0, "s": 1, "mu": "not a value", "sigma": None}),
    ("diff(x^3, x)", {"x": X}),
]


@pytest.mark.parametrize("text, names", NAMED)
def test_the_free_names_are_all_a_formula_needs(text, names):
    """Evaluated with only its free names, a formula gives what it gives with every name."""
    needed = {name: value for name, value in names.items() if name in formula_names(text)}
    assert evaluate_formula(text, needed) == evaluate_formula(text, names)


def test_an_index_that_names_a_given_number_is_refused_not_read():
    # Not a free name, but a given number of that name is a mistake worth a message.
    with pytest.raises(FormulaError, match="the variable of sum must be a symbol or a new name, but 'k' is the number 99"):
        evaluate_formula("sum(C[k, 1], k, 1, 3)", {"C": [[1, 2], [3, 4], [5, 6]], "k": 99})


@pytest.mark.parametrize("text, column, message", [
    ("2x", 2, "write * between factors"),
    ("(1 + 2", 1, "'(' is never closed"),
    ("", None, "empty formula"),
])
def test_formula_names_of_an_unreadable_formula_is_an_error(text, column, message):
    with pytest.raises(FormulaError) as info:
        formula_names(text)
    assert info.value.column == column and message in info.value.message


def test_a_formula_must_be_text():
    with pytest.raises(FormulaError, match="must be text, not int"):
        compile_formula(3)
    with pytest.raises(FormulaError, match="must be text, not list"):
        formula_names(["a"])


def test_compile_once_evaluate_many():
    formula = compile_formula("2 * P * R / (P + R)")
    assert isinstance(formula, Formula) and formula.text == "2 * P * R / (P + R)"
    rows = [(F(8, 9), F(4, 5)), (F(3, 5), F(3, 5)), (F(8, 11), F(4, 5))]
    assert [to_reference(formula.evaluate({"P": p, "R": r})) for p, r in rows] == [2 * p * r / (p + r) for p, r in rows]
    assert compile_formula("2 * P * R / (P + R)") is formula  # read once


def test_evaluate_reports_its_errors_with_columns():
    formula = compile_formula("a / (b - 1)")
    assert to_reference(formula.evaluate({"a": 3, "b": 4})) == 1
    with pytest.raises(FormulaError) as info:
        formula.evaluate({"a": 3, "b": 1})
    assert (info.value.column, info.value.message) == (3, "division by zero")
    with pytest.raises(FormulaError, match="unknown name 'b'"):
        formula.evaluate({"a": 3})


def test_only_the_values_a_formula_uses_are_converted():
    assert evaluate_formula("a + 1", {"a": 1, "label": "text", "other": object()}) == 2
    with pytest.raises(FormulaError) as info:
        evaluate_formula("a + label", {"a": 1, "label": "text"})
    assert info.value.column == 5 and "label is str, not a number" in info.value.message


def test_evaluate_formula_still_takes_plain_and_sympy_values():
    assert evaluate_formula("x^2", {"x": X}) == X ** 2
    assert to_reference(evaluate_formula("mean(xs)", {"xs": [2, 4, 4, 5]})) == F(15, 4)
    assert to_reference(evaluate_formula("p * 2", {"p": 0.25})) == F(1, 2)
    assert evaluate_formula("1 + 1") == 2


def test_the_helpers_are_exported():
    for name in ("Formula", "compile_formula", "formula_names", "evaluate_formula"):
        assert name in references.__all__ and hasattr(references, name)


def test_the_docs_snippet():
    assert formula_names("sum(C[k, 1], k, 1, n) / N") == {"C", "n", "N"}
    formula = compile_formula("2 * P * R / (P + R)")
    assert formula.names == frozenset({"P", "R"})
    assert to_reference(formula.evaluate({"P": F(8, 9), "R": F(4, 5)})) == F(16, 19)


# ---------------------------------------------------------------- compute: ordered by the free names


def test_a_sum_index_named_like_a_later_entry_does_not_depend_on_it():
    refs, problems = compute_references({}, {"s": "sum(k^2, k, 1, 3)", "t": "table(k, k, 1, 2)", "k": "5"})
    assert problems == [] and (refs["s"], refs["t"], refs["k"]) == (14, (1, 2), 5)


def test_a_limit_direction_named_like_a_later_entry_does_not_depend_on_it():
    refs, problems = compute_references({"x": "symbol"}, {"l": "limit(1/x, x, 0, right)", "right": "1"})
    assert problems == [] and refs["l"] == sympy.oo


def test_the_bounds_of_a_table_still_depend_on_later_entries():
    _, problems = compute_references({}, {"t": "table(k, k, 1, n)", "n": "3"})
    assert problems == [(("compute", "t"), "compute.t: uses n, which is computed later; move compute.n above compute.t")]


def test_a_table_over_a_failed_entry_is_not_reported_again():
    _, problems = compute_references({"C": [[1, 0], [0, 1]]}, {"bad": "1/0", "t": "table(C[i, i] + bad, i, 1, 2)"})
    assert [p[0] for p in problems] == [("compute", "bad")]


# ---------------------------------------------------------------- no rubric text reaches eval, exec or sympy's parser


def test_no_text_reaches_eval_exec_or_sympys_parser(monkeypatch):
    import sympy.parsing.sympy_parser as parser

    def refuse(*args, **kwargs):
        raise AssertionError(f"called with {args!r}")

    monkeypatch.setattr(parser, "parse_expr", refuse)
    monkeypatch.setattr(builtins, "eval", refuse)
    monkeypatch.setattr(builtins, "exec", refuse)
    monkeypatch.setattr(sympy, "lambdify", refuse)
    names = {"C": [[8, 2, 0], [1, 6, 3], [0, 2, 8]], "u": [1, 2, 3], "x": X}
    for text in ("diag(C) ./ colsums(C)", "table(C[i, i] / rowsums(C)[i], i, 1, 3)", "u .^ 2 - 1 / u", "diag(u) * u",
                 "total(C) + len(u) + total(row(C, 1)) + total(col(C, 2))", "ones(2, 3) .* 2", "x .* u",
                 "__import__('os') .* 1"):
        try:
            compile_formula(text).evaluate(names)
        except FormulaError:
            pass  # the last one: an unknown function, reported as such
