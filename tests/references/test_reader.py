"""The reader: formula text into our own tree; exact numbers; syntax errors with their column."""

from fractions import Fraction as F

import pytest

from grader.references import FormulaError
from grader.references.reader import (
    MAX_CHARS, MAX_DEPTH, MAX_NODES, MAX_TREE_DEPTH, Binary, Call, Compare, Index, ListOf, Name, Num, Pair, Unary, read_formula, walk,
)


@pytest.mark.parametrize("text, value", [
    ("3", F(3)), ("0.95", F(95, 100)), ("0.1", F(1, 10)), (".5", F(1, 2)), ("3.", F(3)),
    ("1e-3", F(1, 1000)), ("2.5E+4", F(25000)), ("1.25e2", F(125)),
    ("0.3333333333333333333333", F(3333333333333333333333, 10**22)),
])
def test_numbers_are_read_exactly(text, value):
    node = read_formula(text)
    assert isinstance(node, Num) and node.value == value and node.text == text


def shape(node):
    """A compact picture of a tree, to assert precedence and associativity."""
    if isinstance(node, Num):
        return node.text
    if isinstance(node, Name):
        return node.id
    if isinstance(node, Binary):
        return f"({shape(node.left)} {node.op} {shape(node.right)})"
    if isinstance(node, Unary):
        return f"({node.op} {shape(node.operand)})"
    if isinstance(node, Compare):
        return f"({shape(node.left)} {node.op} {shape(node.right)})"
    if isinstance(node, Call):
        return f"{node.func}[{', '.join(shape(a) for a in node.args)}]"
    if isinstance(node, Index):
        return f"{shape(node.target)}@[{', '.join(shape(a) for a in node.indices)}]"
    if isinstance(node, ListOf):
        return "{" + ", ".join(shape(a) for a in node.items) + "}"
    if isinstance(node, Pair):
        return "<" + ", ".join(shape(a) for a in node.items) + ">"
    raise AssertionError(node)


@pytest.mark.parametrize("text, tree", [
    ("1 + 2 * 3", "(1 + (2 * 3))"),
    ("1 - 2 - 3", "((1 - 2) - 3)"),
    ("8 / 4 / 2", "((8 / 4) / 2)"),
    ("2^3^2", "(2 ^ (3 ^ 2))"),
    ("2**3", "(2 ^ 3)"),
    ("-2^2", "(- (2 ^ 2))"),
    ("2^-1", "(2 ^ (- 1))"),
    ("-a * b", "((- a) * b)"),
    ("(1 + 2) * 3", "((1 + 2) * 3)"),
    ("inv(A) * b", "(inv[A] * b)"),
    ("A[1, 2] + v[3]", "(A@[1, 2] + v@[3])"),
    ("[[1, 2], [3, 4]]", "{{1, 2}, {3, 4}}"),
    ("[]", "{}"),
    ("f()", "f[]"),
    ("solve(x^2 = 4, x)", "solve[((x ^ 2) = 4), x]"),
    ("solve(x == 4, x)", "solve[(x = 4), x]"),
    ("piecewise((0, x < 0), (x, otherwise))", "piecewise[<0, (x < 0)>, <x, otherwise>]"),
    ("a < 1 and not b >= 2 or c != 3", "(((a < 1) and (not (b >= 2))) or (c != 3))"),
    ("android + orange + notable", "((android + orange) + notable)"),  # keywords only as whole words
    ("normal_cdf(x, mu=1, sigma=2)", "normal_cdf[x, (mu = 1), (sigma = 2)]"),
])
def test_precedence_and_shapes(text, tree):
    assert shape(read_formula(text)) == tree


@pytest.mark.parametrize("text, column, message", [
    ("2x", 2, "write * between factors"),
    ("1 +* 2", 4, "unexpected '*'"),
    ("a @ b", 3, "unexpected character '@'"),
    ("1 +", 3, "ends too early"),
    ("(1 + 2", 1, "'(' is never closed"),
    ("1 + 2)", 6, "unexpected ')'"),
    ("[1, 2)", 6, "unexpected ')'"),
    ("f(1,)", 5, "unexpected ')'"),
    ("1e999", 1, "power of ten"),
    ("1" * 61, 1, "more than 60 digits"),
])
def test_syntax_errors_name_their_column(text, column, message):
    with pytest.raises(FormulaError) as info:
        read_formula(text)
    assert info.value.column == column and message in info.value.message
    assert str(info.value).startswith(f"column {column}: ")


def test_binary_nodes_point_at_their_operator():
    node = read_formula("aaa * bbb")
    assert node.col == 5


@pytest.mark.parametrize("text, message", [
    ("", "empty formula"),
    ("   ", "empty formula"),
    ("1+" * (MAX_CHARS // 2) + "1", "too long"),
    ("(" * (MAX_DEPTH + 1) + "1" + ")" * (MAX_DEPTH + 1), "nested deeper"),
    ("-" * (MAX_TREE_DEPTH + 1) + "1", "nested too deeply"),
    ("+".join(["1"] * (MAX_TREE_DEPTH + 1)), "nested too deeply"),
    ("[" + ",".join(["1"] * (MAX_NODES // 2 + 1)) + "]", "too large"),
])
def test_size_limits_are_checked_before_building(text, message):
    with pytest.raises(FormulaError, match=message):
        read_formula(text)


def test_a_long_sum_is_read_and_evaluated_without_recursion_trouble():
    from grader.references import evaluate_formula

    text = " + ".join(["1"] * (MAX_TREE_DEPTH - 5))
    assert evaluate_formula(text) == MAX_TREE_DEPTH - 5
    assert evaluate_formula("-" * (MAX_TREE_DEPTH - 5) + "1") == (-1) ** (MAX_TREE_DEPTH - 5)


def test_a_formula_must_be_text():
    with pytest.raises(FormulaError, match="must be text"):
        read_formula(3)


def test_walk_visits_every_node():
    names = {n.id for n in walk(read_formula("sum(k^2 * a, k, 1, b[2]) + [c, d]")) if isinstance(n, Name)}
    assert names == {"k", "a", "b", "c", "d"}
