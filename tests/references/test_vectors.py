"""Lists and matrices entry by entry (.* ./ .^, a number with a list), the list functions
(diag, rowsums, colsums, total, row, col, len, ones), table(...), and the confusion matrix.

Expected values are computed independently, with Python's fractions and numpy, never
with sympy or the language itself.
"""

from __future__ import annotations

import re
from fractions import Fraction as F

import numpy as np
import pytest
import sympy
from hypothesis import given, settings
from hypothesis import strategies as st

from grader.limits import run_limited
from grader.references import FormulaError, compute_references, evaluate_formula, to_reference
from grader.references.reader import Binary, read_formula

U, V = [1, -2, F(1, 2)], [3, 5, F(-4, 3)]
W = [4, 0, 6]  # a zero entry
A = [[2, 1], [1, 3]]
B = [[1, 2, 3], [4, 5, 6]]
C = [[8, 2, 0], [1, 6, 3], [0, 2, 8]]  # a confusion matrix: rows the true class, columns the predicted one
X = sympy.Symbol("x")
NAMES = {"u": U, "v": V, "w": W, "A": A, "B": B, "C": C, "x": X, "b": [1, 2], "n": 3}


def ev(formula: str):
    return evaluate_formula(formula, NAMES)


def fractions(array) -> tuple:
    """A list (or a list of rows) of exact numbers as the tuple to_reference gives for it."""
    array = list(array)
    if array and isinstance(array[0], (list, tuple, np.ndarray)):
        return tuple(tuple(F(x) for x in row) for row in array)
    return tuple(F(x) for x in array)


def per_entry(op, left, right) -> tuple:
    """``op`` applied pair by pair (a number on either side standing for every entry), with Fractions."""
    def pairs(a, b):
        if isinstance(a, list) and isinstance(b, list):
            return [pairs(x, y) if isinstance(x, list) else op(F(x), F(y)) for x, y in zip(a, b)]
        if isinstance(a, list):
            return [pairs(x, b) if isinstance(x, list) else op(F(x), F(b)) for x in a]
        return [pairs(a, y) if isinstance(y, list) else op(F(a), F(y)) for y in b]
    return fractions(pairs(left, right))


def mul(a, b): return a * b
def div(a, b): return a / b
def add(a, b): return a + b
def sub(a, b): return a - b
def pow_(a, b): return a ** int(b)


# ---------------------------------------------------------------- reading the operators


@pytest.mark.parametrize("text, op, left, right", [
    ("u .* v", ".*", "u", "v"),
    ("u./v", "./", "u", "v"),
    ("u .^ 2", ".^", "u", None),
    ("u .** 2", ".^", "u", None),  # the second spelling of a power, as ** is of ^
    ("2.^u", ".^", None, "u"),  # the dot belongs to the operator, as in MATLAB
])
def test_the_dotted_operators_are_read_as_one_token(text, op, left, right):
    node = read_formula(text)
    assert isinstance(node, Binary) and node.op == op
    assert left is None or node.left.id == left
    assert right is None or node.right.id == right


@pytest.mark.parametrize("text, expected", [
    ("2.*3", 6), ("2.**3", 8), ("1./4", F(1, 4)), ("3.", 3), ("3.5 * 2", 7), ("2.e1", 20),
    ("2 * 3 .* 4 ./ 8", 3),  # one level, left to right: ((2 * 3) .* 4) ./ 8
    ("2 .^ 3 .^ 2", 2 ** 9),  # right associative like ^
    ("-2 .^ 2", -4),
])
def test_numbers_next_to_dotted_operators_keep_their_meaning(text, expected):
    assert to_reference(evaluate_formula(text)) == expected


def test_the_grammar_has_no_lalr_conflicts():
    import logging
    from importlib import resources

    from lark import Lark, logger

    messages: list[str] = []

    class Collect(logging.Handler):
        def emit(self, record):
            messages.append(record.getMessage())

    handler, level = Collect(), logger.level
    logger.addHandler(handler)
    logger.setLevel(logging.DEBUG)
    try:
        grammar = resources.files("grader.references").joinpath("grammar.lark").read_text(encoding="utf-8")
        Lark(grammar, parser="lalr", debug=True)  # reduce/reduce raises; shift/reduce is logged
    finally:
        logger.removeHandler(handler)
        logger.setLevel(level)
    assert not [m for m in messages if "conflict" in m.lower()], messages


def test_plus_and_minus_have_no_dotted_form():
    with pytest.raises(FormulaError) as info:
        read_formula("u .+ v")
    assert info.value.column == 3 and "+ and - already work entry by entry" in info.value.message


# ---------------------------------------------------------------- entry by entry, against Fractions


ELEMENTWISE = [
    ("u .* v", per_entry(mul, U, V)),
    ("u ./ v", per_entry(div, U, V)),
    ("u .^ 2", per_entry(pow_, U, 2)),
    ("u .^ -1", per_entry(pow_, U, -1)),
    ("2 .^ w", per_entry(pow_, 2, W)),
    ("w .^ [1, 2, 3]", per_entry(pow_, W, [1, 2, 3])),
    ("3 .* u", per_entry(mul, 3, U)),
    ("u ./ 4", per_entry(div, U, 4)),
    ("A .* A", per_entry(mul, A, A)),
    ("B ./ [[1, 2, 3], [1, 2, 3]]", per_entry(div, B, [[1, 2, 3], [1, 2, 3]])),
    ("B .^ 2", per_entry(pow_, B, 2)),
    ("1 ./ A", per_entry(div, 1, A)),
    ("transpose(u) .* transpose(v)", fractions([per_entry(mul, U, V)])),  # rows too
    # a number with a list, with the plain operators
    ("1 - u", per_entry(sub, 1, U)),
    ("u - 1", per_entry(sub, U, 1)),
    ("u + 1/2", per_entry(add, U, F(1, 2))),
    ("2 * u", per_entry(mul, 2, U)),
    ("u * 2", per_entry(mul, U, 2)),
    ("u / 3", per_entry(div, U, 3)),
    ("1 / v", per_entry(div, 1, V)),
    ("1 - transpose(u)", fractions([per_entry(sub, 1, U)])),
    ("2 * A ./ (A + A)", fractions(np.ones((2, 2)))),
]


@pytest.mark.parametrize("formula, expected", ELEMENTWISE)
def test_entry_by_entry_equals_fraction_arithmetic(formula, expected):
    assert to_reference(ev(formula)) == expected


def test_entry_by_entry_with_a_symbol():
    assert list(ev("x .* b")) == [X, 2 * X]
    assert list(ev("b .^ x")) == [1, 2 ** X]
    assert list(ev("1 - x * b")) == [1 - X, 1 - 2 * X]


def test_numpy_agrees_on_a_larger_matrix():
    rng = np.random.default_rng(7)
    left, right = rng.integers(-9, 10, (5, 4)), rng.integers(1, 10, (5, 4))
    names = {"L": left.tolist(), "R": right.tolist()}
    for formula, expected in (("L .* R", left * right), ("L ./ R", left / right), ("L .^ 3", left.astype(float) ** 3),
                              ("2 .* L - R ./ 2", 2 * left - right / 2)):
        got = np.array([[float(v) for v in row] for row in to_reference(evaluate_formula(formula, names))])
        assert np.allclose(got, expected, rtol=1e-12, atol=0), formula


# ---------------------------------------------------------------- the list functions, against numpy and Fractions


NP_C, NP_B = np.array(C), np.array(B)

FUNCTIONS = [
    ("diag(C)", fractions(np.diag(NP_C))),
    ("diag(A)", fractions(np.diag(np.array(A)))),
    ("diag(u)", fractions(np.diag([float(x) for x in U]))),  # 1/2 is exact in binary
    ("diag([5])", (5,)),  # 1×1: a list of one, as every one-column value
    ("diag(transpose(b))", fractions(np.diag([1, 2]))),  # a row is a list too
    ("diag(diag(C))", fractions(np.diag(np.diag(NP_C)))),
    ("rowsums(C)", fractions(NP_C.sum(axis=1))),
    ("colsums(C)", fractions(NP_C.sum(axis=0))),
    ("rowsums(B)", fractions(NP_B.sum(axis=1))),
    ("colsums(B)", fractions(NP_B.sum(axis=0))),
    ("rowsums(u)", fractions(U)),  # a vector is a column: each row is one entry
    ("colsums(u)", (sum(F(x) for x in U),)),
    ("total(C)", int(NP_C.sum())),
    ("total(B)", int(NP_B.sum())),
    ("total(u)", sum(F(x) for x in U)),
    ("total(transpose(u))", sum(F(x) for x in U)),
    ("row(C, 2)", fractions(NP_C[1, :])),
    ("row(B, 1)", fractions(NP_B[0, :])),
    ("col(C, 3)", fractions(NP_C[:, 2])),
    ("col(B, 3)", fractions(NP_B[:, 2])),
    ("col(u, 1)", fractions(U)),
    ("row(u, 3)", (F(1, 2),)),
    ("row(C, n)[n]", int(NP_C[2, 2])),
    ("len(u)", len(U)),
    ("len(transpose(u))", len(U)),
    ("len(row(B, 1))", NP_B.shape[1]),
    ("len([7])", 1),
    ("ones(2, 3)", fractions(np.ones((2, 3)))),
    ("ones(3, 1)", fractions(np.ones(3))),
    ("ones(2)", fractions(np.ones((2, 2)))),
    ("C - 2 * ones(3)", fractions(NP_C - 2)),
    ("trace(C) / total(C)", F(int(np.trace(NP_C)), int(NP_C.sum()))),
    # table(f, i, lo, hi)
    ("table(k^2, k, 1, 5)", fractions(np.arange(1, 6) ** 2)),
    ("table(k, k, -2, 2)", fractions(np.arange(-2, 3))),
    ("table(7, k, 1, 1)", (7,)),
    ("table(1/k, k, 1, n)", tuple(F(1, k) for k in range(1, 4))),
    ("table(C[i, i] / colsums(C)[i], i, 1, 3)", tuple(F(int(NP_C[i, i]), int(NP_C[:, i].sum())) for i in range(3))),
    ("table(row(C, i) / rowsums(C)[i], i, 1, 3)", tuple(tuple(F(int(e), int(r.sum())) for e in r) for r in NP_C)),
    ("table(table(B[i, j] * 10, i, 1, 2), j, 1, 3)", fractions(NP_B.T * 10)),  # nested: the transpose
    ("table(sum(C[i, k], k, 1, i), i, 1, 3)", tuple(F(int(NP_C[i, : i + 1].sum())) for i in range(3))),
    ("table(u[i] * v[i], i, 1, len(u))", per_entry(mul, U, V)),
    ("total(table(k, k, 1, 30))", sum(range(1, 31))),
]


@pytest.mark.parametrize("formula, expected", FUNCTIONS)
def test_list_functions_against_an_independent_computation(formula, expected):
    assert to_reference(ev(formula)) == expected


def test_table_of_a_formula_in_a_given_symbol_substitutes_each_index():
    refs, problems = compute_references({"k": "symbol"}, {"term": "k^2 + 1", "t": "table(term, k, 1, 3)"})
    assert problems == [] and refs["t"] == (2, 5, 10)


def test_the_index_of_a_table_exists_only_inside_it():
    with pytest.raises(FormulaError, match="unknown name 'i'"):
        ev("table(i, i, 1, 3) + i")


# ---------------------------------------------------------------- mistakes: shapes, kinds, indices


@pytest.mark.parametrize("formula, column, message", [
    ("u ./ b", 3, "./ (entry by entry) needs lists of the same length, not lists of 3 and 2 entries"),
    ("u .* b", 3, ".* (entry by entry) needs lists of the same length, not lists of 3 and 2 entries"),
    ("u .^ b", 3, ".^ (entry by entry) needs lists of the same length, not lists of 3 and 2 entries"),
    ("A .* B", 3, ".* (entry by entry) needs matrices of the same shape, not a 2×2 and a 2×3 matrix"),
    ("A ./ u", 3, "needs two lists of the same length or two matrices of the same shape, not a 2×2 matrix and a list of 3 entries"),
    ("u .* transpose(u)", 3, "not a list of 3 entries and a row of 3 entries; transpose(...) one of them"),
    ("u ./ w", 3, "division by zero, in entry 2"),
    ("1 / w", 3, "division by zero, in entry 2"),
    ("A ./ [[1, 2], [0, 1]]", 3, "division by zero, in entry [2, 1]"),
    ("w .^ -1", 3, "division by zero (0 to a negative power), in entry 2"),
    ("u ./ 0", 3, "division by zero, in entry 1"),
    ("true .* u", 6, "cannot multiply the truth value true: it is not a number"),
    ("A + 1", 3, "cannot add a 2×2 matrix and the number 1: a number goes into every entry of a list, but with a matrix "
                 "write x*identity(2) (x on the diagonal) or x*ones(2, 2) (x in every entry)"),
    ("1 - B", 3, "cannot subtract the number 1 and a 2×3 matrix"),
    ("u / v", 3, "cannot divide a vector of 3 by a vector of 3: to divide entry by entry write ./"),
    ("1 / A", 3, "cannot divide by a 2×2 matrix; multiply by inv(...) instead, or write ./ to divide entry by entry"),
    ("u * v", 3, "for the dot product of two vectors write dot(u, v), for the product entry by entry u .* v"),
    ("u^2", 2, "only a square matrix has powers, not a vector of 3; for the power of each entry write .^ (v .^ 2)"),
    ("2^u", 2, "the exponent cannot be a vector of 3; for a power of each entry write .^ (2 .^ v)"),
    ("diag(B)", 1, "diag needs a square matrix (its diagonal) or a list (a diagonal matrix), not a 2×3 matrix"),
    ("diag(3)", 1, "diag needs a matrix or a vector, not the number 3"),
    ("rowsums(3)", 1, "rowsums needs a matrix or a vector, not the number 3"),
    ("colsums(x)", 1, "colsums needs a matrix or a vector, not an expression in x"),
    ("total(n)", 1, "total needs a matrix or a vector, not the number 3"),
    ("len(C)", 1, "len needs a list, not a 3×3 matrix; shape(M) gives a matrix's rows and columns"),
    ("len(n)", 1, "len needs a matrix or a vector, not the number 3"),
    ("row(C, 4)", 8, "there is no row 4: the rows are numbered 1 to 3"),
    ("row(C, 0)", 8, "there is no row 0: the rows are numbered 1 to 3"),
    ("col(B, 4)", 8, "there is no column 4: the columns are numbered 1 to 3"),
    ("col(B, 1/2)", 9, "an index (column) needs a whole number, not the number 1/2"),
    ("row(n, 1)", 5, "row needs a matrix or a vector, not the number 3"),
    ("col(C)", 1, "col takes 2 arguments, not 1"),
    ("ones(0)", 1, "ones' rows needs a whole number of at least 1, not 0"),
    ("sum(u)", 1, "sum takes 4 arguments, not 1; sum(f, k, lo, hi) adds f for k = lo, …, hi; for the sum of a list's "
                  "(or a matrix's) entries write total(v)"),
    ("table(u)", 1, "table takes 4 arguments, not 1; table(f, i, lo, hi) lists f for i = lo, …, hi"),
    ("table(i, i, 1, 1/2)", 17, "table's bounds must be whole numbers (a list has a definite length), not the number 1/2"),
    ("table(i, i, 1, x)", 16, "table's bounds must be whole numbers (a list has a definite length), not an expression in x"),
    ("table(i, i, 1, oo)", 16, "table's bounds must be whole numbers"),
    ("table(i, i, 1, u)", 16, "table's bounds needs a number or an expression, not a vector of 3"),
    ("table(i, i, 3, 1)", 16, "table from 3 to 1 is empty: the last index is below the first"),
    ("table(i, 2, 1, 3)", 10, "the variable of table must be a name, like x"),
    ("table(i, n, 1, 3)", 10, "the variable of table must be a symbol or a new name, but 'n' is the number 3"),
    ("table(1/(i - 2), i, 1, 3)", 8, "division by zero, where i = 2"),
    ("table(C[i, i], i, 1, 4)", 9, "there is no row 4: the rows are numbered 1 to 3, where i = 4"),
    ("table(table(1/(i - j), j, 1, 3), i, 1, 2)", 14, "division by zero, where j = 1, i = 1"),
    ("table(1 ./ (b - i), i, 1, 2)", 9, "division by zero, in entry 1, where i = 1"),
    ("table(C, i, 1, 2)", 1, "a table holds numbers (a vector) or lists of numbers (the rows of a matrix), not a 3×3 matrix"),
    ("table(if(i > 1, b, 1), i, 1, 2)", 1, "a table holds numbers (a vector) or only lists (the rows of a matrix), not a mix of both"),
    ("table(table(1, j, 1, i), i, 1, 2)", 1, "a table: its rows have different lengths [1, 2]"),
])
def test_mistakes_are_explained_at_their_column(formula, column, message):
    with pytest.raises(FormulaError) as info:
        ev(formula)
    assert message in info.value.message, info.value.message
    assert info.value.column == column, str(info.value)


# ---------------------------------------------------------------- limits


@pytest.mark.parametrize("formula, message", [
    ("table(k, k, 1, 31)", "table from 1 to 31 would have 31 entries; a list has at most 30"),
    ("table(k, k, 1, 10^12)", "table from 1 to 1000000000000 would have 1,000,000,000,000 entries; a list has at most 30"),
    ("table(k, k, -10^9, 10^9)", "a list has at most 30"),
    ("ones(31, 1)", "at most 30"),
    ("ones(1, 10^9)", "at most 30"),
    ("[1, 2] .^ 100000", "power too large: the result would have about 30,103 digits"),
    ("2 .^ [10, 100000]", "power too large"),
    ("table(k, k, 1, 30) .^ 3000", ", in entry 16"),  # the first entry past the size limit is named
    ("(x + b) .^ 100000", "exponent 100000 is too large for a formula (at most 1,000), in entry 1"),
    ("table(2^k, k, 1, 30) .* table(2^(12000 - k), k, 1, 30)", "digits"),
    ("table(table(1, j, 1, 30), i, 1, 30) .* table(table(1, j, 1, 31), i, 1, 30)", "at most 30"),
    ("diag(table(k, k, 1, 30)) * ones(30, 31)", "at most 30"),
])
def test_blow_ups_are_refused_at_once(formula, message):
    with pytest.raises(FormulaError, match=re.escape(message)):
        run_limited(evaluate_formula, formula, {"x": X, "b": [1, 2]}, seconds=10)


def test_the_largest_lists_and_tables_are_fine():
    assert ev("diag(table(1, i, 1, 30))").shape == (30, 30)
    assert ev("total(diag(ones(30, 1)))") == 30
    assert to_reference(ev("table(table(i * j, j, 1, 30), i, 1, 30)"))[29][29] == 900
    assert ev("len(table(sum(k, k, 1, 1000), i, 1, 30))") == 30


# ---------------------------------------------------------------- properties


rationals = st.fractions(min_value=-50, max_value=50, max_denominator=50)


def literal(values) -> str:
    return "[" + ", ".join(f"({x.numerator}/{x.denominator})" for x in values) + "]"


@st.composite
def same_length_lists(draw):
    n = draw(st.integers(1, 8))
    return draw(st.lists(rationals, min_size=n, max_size=n)), draw(st.lists(rationals, min_size=n, max_size=n))


@settings(max_examples=150, deadline=None)
@given(same_length_lists(), rationals, st.integers(-3, 3))
def test_entry_by_entry_operators_equal_per_entry_fraction_arithmetic(lists, number, k):
    a, b = lists
    names = {"a": a, "b": b, "s": number}
    assert to_reference(evaluate_formula("a .* b", names)) == tuple(x * y for x, y in zip(a, b))
    assert to_reference(evaluate_formula("a + b", names)) == tuple(x + y for x, y in zip(a, b))
    assert to_reference(evaluate_formula("s - a", names)) == tuple(number - x for x in a)
    assert to_reference(evaluate_formula("a + s", names)) == tuple(x + number for x in a)
    assert to_reference(evaluate_formula("s * a", names)) == tuple(number * x for x in a)
    if 0 in b:
        with pytest.raises(FormulaError, match=f"division by zero, in entry {b.index(0) + 1}"):
            evaluate_formula("a ./ b", names)
        with pytest.raises(FormulaError, match=f"division by zero, in entry {b.index(0) + 1}"):
            evaluate_formula("s / b", names)
    else:
        assert to_reference(evaluate_formula("a ./ b", names)) == tuple(x / y for x, y in zip(a, b))
        assert to_reference(evaluate_formula("s / b", names)) == tuple(number / y for y in b)
    if k < 0 and 0 in a:
        with pytest.raises(FormulaError, match="division by zero"):
            evaluate_formula(f"a .^ ({k})", names)
    else:
        assert to_reference(evaluate_formula(f"a .^ ({k})", names)) == tuple(x ** k for x in a)
    if number != 0:
        assert to_reference(evaluate_formula("a / s", names)) == tuple(x / number for x in a)
    # the literal lists, read from text, give the same as the named ones
    assert to_reference(evaluate_formula(f"{literal(a)} .* {literal(b)}")) == tuple(x * y for x, y in zip(a, b))


@st.composite
def same_shape_matrices(draw):
    rows, cols = draw(st.integers(1, 4)), draw(st.integers(1, 4))
    matrix = st.lists(st.lists(rationals, min_size=cols, max_size=cols), min_size=rows, max_size=rows)
    return draw(matrix), draw(matrix)


@settings(max_examples=100, deadline=None)
@given(same_shape_matrices())
def test_matrices_entry_by_entry_and_their_sums_equal_fraction_arithmetic(matrices):
    m, n = matrices
    names = {"M": m, "N": n}
    shape = (len(m), len(m[0]))

    def value(formula):
        got = to_reference(evaluate_formula(formula, names))
        if shape[1] == 1:  # a one-column matrix is a vector: one flat list
            return tuple((x,) for x in got)
        return got

    assert value("M .* N") == tuple(tuple(x * y for x, y in zip(r, s)) for r, s in zip(m, n))
    assert value("M .^ 2") == tuple(tuple(x * x for x in r) for r in m)
    assert to_reference(evaluate_formula("total(M)", names)) == sum(x for r in m for x in r)
    assert to_reference(evaluate_formula("rowsums(M)", names)) == tuple(sum(r) for r in m)
    assert to_reference(evaluate_formula("colsums(M)", names)) == tuple(sum(r[c] for r in m) for c in range(shape[1]))
    assert to_reference(evaluate_formula("total(rowsums(M)) - total(colsums(M))", names)) == 0
    for i in range(shape[0]):
        assert to_reference(evaluate_formula(f"row(M, {i + 1})", names)) == tuple(m[i])
    if shape[0] == shape[1]:
        assert to_reference(evaluate_formula("diag(M)", names)) == tuple(m[i][i] for i in range(shape[0]))
        assert to_reference(evaluate_formula("total(diag(M)) - trace(M)", names)) == 0


# ---------------------------------------------------------------- the confusion matrix of the request


def hand_computed():
    """Per-class precision, recall, F1 and the macro-F1 of C, by hand, with Fractions."""
    classes = range(3)
    tp = [C[i][i] for i in classes]
    predicted = [sum(C[r][i] for r in classes) for i in classes]  # column sums
    actual = [sum(C[i]) for i in classes]  # row sums
    precision = [F(tp[i], predicted[i]) for i in classes]
    recall = [F(tp[i], actual[i]) for i in classes]
    f1 = [2 * p * r / (p + r) for p, r in zip(precision, recall)]
    # the same F1 the other way round: 2 TP / (2 TP + FP + FN)
    assert f1 == [F(2 * tp[i], 2 * tp[i] + (predicted[i] - tp[i]) + (actual[i] - tp[i])) for i in classes]
    return tuple(precision), tuple(recall), tuple(f1), sum(f1) / 3


def test_the_hand_computation_itself():
    precision, recall, f1, macro = hand_computed()
    assert precision == (F(8, 9), F(3, 5), F(8, 11)) and recall == (F(4, 5), F(3, 5), F(4, 5))
    assert f1 == (F(16, 19), F(3, 5), F(16, 21)) and macro == F(4397, 5985)


@pytest.mark.parametrize("compute", [
    {  # entry by entry
        "precision": "diag(C) ./ colsums(C)",
        "recall": "diag(C) ./ rowsums(C)",
        "f1": "2 * precision .* recall ./ (precision + recall)",
        "macro_f1": "mean(f1)",
    },
    {  # one formula per entry
        "precision": "table(C[i, i] / colsums(C)[i], i, 1, 3)",
        "recall": "table(C[i, i] / sum(C[i, k], k, 1, 3), i, 1, 3)",
        "f1": "table(2 * precision[i] * recall[i] / (precision[i] + recall[i]), i, 1, len(precision))",
        "macro_f1": "total(f1) / len(f1)",
    },
    {  # the F1 from the counts alone, as 2 TP / (2 TP + FP + FN)
        "precision": "table(C[i, i] / total(col(C, i)), i, 1, 3)",
        "recall": "table(C[i, i] / total(row(C, i)), i, 1, 3)",
        "f1": "2 * diag(C) ./ (2 * diag(C) + (colsums(C) - diag(C)) + (rowsums(C) - diag(C)))",
        "macro_f1": "dot(f1, ones(3, 1)) / 3",
    },
])
def test_the_confusion_matrix_example(compute):
    refs, problems = compute_references({"C": C}, compute)
    assert problems == []
    precision, recall, f1, macro = hand_computed()
    assert (refs["precision"], refs["recall"], refs["f1"], refs["macro_f1"]) == (precision, recall, f1, macro)


def test_a_class_never_predicted_is_a_division_by_zero_in_its_entry():
    _, problems = compute_references({"C": [[8, 2, 0], [1, 6, 0], [0, 2, 0]]}, {"precision": "diag(C) ./ colsums(C)"})
    assert problems == [(("compute", "precision"), "compute.precision: column 9: division by zero, in entry 3")]


# ---------------------------------------------------------------- in a rubric: FILE:LINE errors, grading, validate


def test_shape_and_table_mistakes_are_reported_at_the_line_of_their_key(write_rubric, question_yaml):
    from grader.errors import RubricError
    from grader.rubric.loader import load_rubric

    body = """\
    given:
      C: [[8, 2, 0], [1, 6, 3], [0, 2, 8]]
      b: [1, 2]
    compute:
      p: diag(C) ./ b
      q: table(C[i, i], i, 1, 4)
      s: sum(C)
      m: C + 1
      z: 1 / (b - 1)
      r: total(C)
    """
    folder = write_rubric({"q1": question_yaml(body)})
    file = folder / "q1.yaml"
    lines = file.read_text(encoding="utf-8").splitlines()

    def line_of(text: str) -> int:
        return next(n for n, line in enumerate(lines, start=1) if text in line)

    with pytest.raises(RubricError) as info:
        load_rubric(folder)
    assert info.value.lines() == sorted([
        f"{file}:{line_of('p: diag')}: compute.p: column 9: ./ (entry by entry) needs lists of the same length, "
        "not lists of 3 and 2 entries",
        f"{file}:{line_of('q: table')}: compute.q: column 9: there is no row 4: the rows are numbered 1 to 3, where i = 4",
        f"{file}:{line_of('s: sum')}: compute.s: column 1: sum takes 4 arguments, not 1; sum(f, k, lo, hi) adds f for "
        "k = lo, …, hi; for the sum of a list's (or a matrix's) entries write total(v)",
        f"{file}:{line_of('m: C + 1')}: compute.m: column 3: cannot add a 3×3 matrix and the number 1: a number goes into "
        "every entry of a list, but with a matrix write x*identity(3) (x on the diagonal) or x*ones(3, 3) (x in every entry)",
        f"{file}:{line_of('z: 1 /')}: compute.z: column 3: division by zero, in entry 1",
    ])


CONFUSION = """\
given:
  C: [[8, 2, 0], [1, 6, 3], [0, 2, 8]]
compute:
  precision: diag(C) ./ colsums(C)
  recall: table(C[i, i] / rowsums(C)[i], i, 1, 3)
  f1: 2 * precision .* recall ./ (precision + recall)
  macro_f1: mean(f1)
"""

CONFUSION_ITEMS = """\
items:
  - id: precision
    points: 1
    type: matrix
    description: the per-class precision
    check: {reference: precision, name: P, rel_tol: 0.005}
    feedback: "{{ expected }}"
  - id: macro
    points: 1
    description: the macro-F1
    check: {reference: macro_f1, cue: [macro]}
    feedback: "{{ expected }}"
"""


def test_a_confusion_matrix_question_grades_and_validates(write_rubric, question_yaml):
    from click.testing import CliRunner

    from grader.cli import main
    from grader.engine import Grader
    from grader.rubric.loader import load_rubric

    folder = write_rubric({"q1": question_yaml(CONFUSION, item=CONFUSION_ITEMS)})
    rubric = load_rubric(folder)
    precision, recall, f1, macro = hand_computed()
    refs = rubric.questions[0].refs
    assert (refs["precision"], refs["recall"], refs["f1"], refs["macro_f1"]) == (precision, recall, f1, macro)
    items = Grader(rubric).grade_text("1. P = [0.889, 0.6, 0.727]\n\nThe macro F1 is 0.7347").questions[0].items
    assert [item.score for item in items] == [1, 1], [item.detail for item in items]
    items = Grader(rubric).grade_text("1. P = [0.8, 0.6, 0.8]\n\nThe macro F1 is 0.6").questions[0].items  # the recall
    assert [item.score for item in items] == [pytest.approx(1 / 3, abs=1e-3), 0]  # only class 2's entry is right
    result = CliRunner().invoke(main, ["validate", str(folder)], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[:4] == [
        "q1: precision = [8/9, 3/5, 8/11] ≈ [0.888889, 0.6, 0.727273]",
        "q1: recall = [4/5, 3/5, 4/5] ≈ [0.8, 0.6, 0.8]",
        "q1: f1 = [16/19, 3/5, 16/21] ≈ [0.842105, 0.6, 0.761905]",
        "q1: macro_f1 = 4397/5985 ≈ 0.73467",
    ]
