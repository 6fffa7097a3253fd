"""The LaTeX reader: trees it builds, the real sheet's lines, limits, and hostile input."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import sympy
from hypothesis import given, settings, strategies as st

from grader.errors import MathParseError
from grader.limits import run_limited
from grader.mathtext.atoms import Outer, Partial, Sigmoid, Transposed
from grader.mathtext.latex import read_math, settle, unroll
from grader.mathtext.writer import to_latex

# The exam's per-item budget: reading one line must fit in it with room to grade (a
# BudgetExceeded fails the test). Wall-clock thresholds tighter than this would be flaky
# on shared machines; speed is measured by benchmarks/run.py instead.
BUDGET = 5

SHEET = Path(__file__).resolve().parents[2] / "submissions" / "dl-exam" / "cs17btech11037.md"

E, H, O, Ohat, J = (sympy.IndexedBase(n) for n in ("E", "H", "O", "Ohat", "J"))
W, U, V, k, j, K, kappa, x, y, z = sympy.symbols("W U V k j K kappa x y z")


def P(a, b):
    return Partial(a, b)


def dE(t, wrt):
    return P(E[t], wrt)


@pytest.fixture(autouse=True, scope="module")
def _built_parser():
    read_math("x")  # the LALR tables are built once, on first use; timings below are per line


def _sheet_math(number: int) -> str:
    line = SHEET.read_text(encoding="utf-8").splitlines()[number - 1]
    match = re.search(r"\$\$(.*)\$\$", line) or re.search(r"\$(.*)\$", line)
    return match.group(1)


def _same(a, b) -> bool:
    return settle(a) == settle(b)


CHAIN = [dE(1, W), dE(2, W), dE(3, W)]

SHEET_TABLE = [
    (3, [dE(3, W), sum(CHAIN)], ("=",), ""),
    (5, [dE(3, W), 3 * dE(3, W)], ("=",), ""),
    (7, [dE(1, W), sum(CHAIN)], ("=",), ""),
    (39, [dE(1, W), sum(CHAIN) + dE(4, W)], ("=",), ""),
    (41, [dE(1, W), dE(1, W) + dE(3, W) + 2 * dE(4, W)], ("=",), ""),
    (45, [P(sympy.Symbol("E"), V), dE(1, V) + dE(2, V) + dE(3, V)], ("=",), ""),
    (47, [dE(3, V), 2 * dE(3, V) * P(V, V)], ("=",), "="),
    (55, [P(sympy.Symbol("n"), sympy.Symbol("E") ** 3), 5 * P(sympy.Symbol("n"), sympy.Symbol("E") ** 3)], ("=",), ""),
    (57, [dE(1, U), sympy.Sum(dE(2, O[2]) * P(O[1], H[1]) * P(H[1], H[1]) ** 2 * P(H[1], U), (k, 0, 2))], ("=",), ""),
    (61, [dE(2, V), sympy.Sum(dE(2, O[2]) * P(O[2], H[2]) / J[2] * P(H[j], H[j - 1]) * P(H[K], W), (K, 0, 2))],
     ("=",), ""),
    (65, [dE(1, V), sympy.Integer(0)], ("=",), ""),
    (67, [dE(3, W), sympy.Sum(dE(34, O[3]) * P(O[3], H[3]) * P(H[j], H[j - 1]) * P(H[k], W), (kappa, 0, 2))],
     ("=",), ""),
    (69, [dE(3, U), sympy.Sum(dE(3, O[3]) * P(O[3], H[3]) * P(H[j], H[j - 1]) * P(H[k], W), (kappa, 0, 2))],
     ("=",), ""),
    (71, [dE(3, U), (O[3] - Ohat[3]) * H[3]], ("=",), ""),
]


@pytest.mark.parametrize("number, sides, relations, leading", SHEET_TABLE, ids=[f"line{r[0]}" for r in SHEET_TABLE])
def test_real_sheet_lines(number, sides, relations, leading):
    statement = run_limited(read_math, _sheet_math(number), seconds=BUDGET)
    assert statement.relations == relations and statement.leading == leading
    assert len(statement.sides) == len(sides)
    for got, want in zip(statement.sides, sides):
        assert _same(got, want), (got, want)


def test_line_67_keeps_the_ocr_damage_visible():
    total = read_math(_sheet_math(67)).sides[1]
    assert isinstance(total, sympy.Sum) and total.limits[0][0] == kappa
    factors = total.function.args
    # \left(\frac{1}{1} \frac{∂H_j}{∂H_{j-1}}\right) stays one factor: Pow(1, -1) then the partial, in order.
    group = [f for f in factors if isinstance(f, sympy.Mul)]
    assert len(group) == 1 and group[0].args == (sympy.Pow(1, -1, evaluate=False), P(H[j], H[j - 1]))


@pytest.mark.parametrize("number, reason", [(49, "unbalanced"), (51, "cannot read"), (53, "cannot read")])
def test_unreadable_sheet_lines(number, reason):
    with pytest.raises(MathParseError, match=reason):
        read_math(_sheet_math(number))


def test_every_sheet_line_is_read_or_refused_quickly():
    for number in range(3, 72):
        line = SHEET.read_text(encoding="utf-8").splitlines()[number - 1]
        if "$" not in line:
            continue
        try:
            run_limited(read_math, _sheet_math(number), seconds=BUDGET)  # BudgetExceeded fails the test
        except MathParseError:
            pass


READS = [
    (r"E_{3}", E[3]),
    (r"E_3", E[3]),
    (r"E_34", E[3] * 4),
    (r"H_{j-1}", H[j - 1]),
    (r"\hat{O}_t", Ohat[sympy.Symbol("t")]),
    (r"H_t^T", Transposed(H[sympy.Symbol("t")])),
    (r"H^{\top}", Transposed(sympy.Symbol("H"))),
    (r"W_{hh}", sympy.Symbol("W_hh")),
    (r"x_{i,j}", sympy.IndexedBase("x")[sympy.Symbol("i"), sympy.Symbol("j")]),
    (r"0.25 x", sympy.Rational(1, 4) * x),
    (r"\frac{x}{y}", x / y),
    (r"x / y \cdot z", x * z / y),
    (r"2 \times x", 2 * x),
    (r"x \otimes y", Outer(x, y)),
    (r"-x^{2}", -(x**2)),
    (r"x \cdot -y", -x * y),
    (r"\sqrt{x}", sympy.sqrt(x)),
    (r"\tanh(W x)", sympy.tanh(W * x)),
    (r"\sigma\left(z\right)", Sigmoid(z)),
    (r"\sigma z", sympy.Symbol("sigma") * z),
    (r"softmax(z)", sympy.Function("softmax")(z)),
    (r"\exp{x} + \log(y)", sympy.exp(x) + sympy.log(y)),
    (r"\left[ x + y \right] z", (x + y) * z),
    (r"\sum_{k=0}^{2} H_k + x", sympy.Sum(H[k], (k, 0, 2)) + x),
    (r"\prod_{j=k+1}^{3} \frac{\partial H_j}{\partial H_{j-1}}", sympy.Product(P(H[j], H[j - 1]), (j, k + 1, 3))),
    (r"\sum_k H_k", sympy.Sum(H[k], (k, -sympy.oo, sympy.oo))),
    (r"\text{loss}", sympy.Symbol("loss")),
    (r"\mathbf{W} x", W * x),
    (r"\left| x \right|", sympy.Abs(x)),
    # TeX's one-character arguments without braces
    (r"\frac12 x", x / 2),
    (r"\tfrac12 + \dfrac14", sympy.Rational(3, 4)),
    (r"\frac1{y}", 1 / y),
    (r"\frac{x}2", x / 2),
    (r"\frac x y", x / y),
    (r"\sqrt2 x", sympy.sqrt(2) * x),
    (r"\frac{12}{5}", sympy.Rational(12, 5)),
    # \Sigma and \Pi are the signs where they read as signs (as Σ and Π are), else the letters
    (r"\Sigma_k H_k", sympy.Sum(H[k], (k, -sympy.oo, sympy.oo))),
    (r"\Pi_{k=1}^{2} H_k", sympy.Product(H[k], (k, 1, 2))),
    (r"\Sigma", sympy.Symbol("Sigma")),
    # a percent is a number over 100; \cfrac is \frac
    (r"50\%", sympy.Rational(1, 2)),
    (r"12.5% x", sympy.Rational(1, 8) * x),
    (r"\cfrac{2}{3}", sympy.Rational(2, 3)),
    # thousands separators
    ("1,000", sympy.Integer(1000)),
    (r"1{,}000{,}000", sympy.Integer(1000000)),
    ("12,345.5", sympy.Rational(24691, 2)),
]


@pytest.mark.parametrize("src, want", READS, ids=[r[0] for r in READS])
def test_reads(src, want):
    assert _same(read_math(src).expr, want)


def test_relations_are_split_never_eq():
    statement = read_math(r"a = b \approx c")
    assert statement.relations == ("=", "≈")
    assert not any(isinstance(side, sympy.Eq) for side in statement.sides)
    assert read_math(r"x = x").sides == (x, x)  # never evaluated to True


def test_sum_unrolls_into_concrete_atoms():
    total = read_math(r"\sum_{k=0}^{2} \frac{\partial H_k}{\partial W}").expr
    assert unroll(total) == P(H[0], W) + P(H[1], W) + P(H[2], W)


def test_decimals_are_exact():
    assert read_math("0.1 + 0.2").expr.doit() == sympy.Rational(3, 10)


def test_sides_keep_factor_order():
    expr = read_math(r"\frac{\partial O}{\partial H} \cdot \frac{\partial E}{\partial O}").expr
    assert [str(a.num) for a in expr.args] == ["O", "E"]


LIMITS = [
    ("x" * 2001, "too long"),
    ("{" * 50 + "x" + "}" * 50, "nested deeper"),
    (r"9^{9^{9^{9}}}", "tower"),
    (r"10^{10^{10}}", "tower"),
    ("1" * 31, "digits"),
    (r"x^{5000}", "exponent larger"),
    ("+".join(["x"] * 900), "too large"),
    ("x \\cdot " + "-" * 500 + "y", "nested too deeply"),
    (r"\input{/etc/passwd}", "unknown command"),
    (r"\frac{\partial E}{W}", "partial"),
    (r"\partial E", "partial"),
    ("", "empty"),
]


@pytest.mark.parametrize("src, reason", LIMITS, ids=[r[1] for r in LIMITS])
def test_limits_refuse(src, reason):
    with pytest.raises(MathParseError, match=reason):  # refused by a limit, not cut off by the budget
        run_limited(read_math, src, seconds=BUDGET)


def test_exponents_that_are_fine():
    assert _same(read_math(r"e^{-x^{2}}").expr, sympy.Symbol("e") ** (-(x**2)))
    assert _same(read_math(r"x^{2}").expr, x**2)


@pytest.mark.parametrize("src", [
    "__import__('os').system('ls')",
    "$__import__('os').system('ls')$",
    "exec('import os')",
    "lambda: 0",
    "os.system('ls')",
])
def test_python_code_is_just_unreadable_text(src):
    with pytest.raises(MathParseError):
        read_math(src)


TOKENS = [r"\frac", r"\partial", "{", "}", "(", ")", "[", "]", "_", "^", "E", "H", "k", "j", "1", "0.5", "34",
          r"\sum", r"\prod", r"\kappa", r"\hat", r"\left(", r"\right)", r"\cdot", r"\otimes", "=", r"\approx",
          "+", "-", "/", ",", "T", r"\tanh", r"\sigma", r"\text{softmax}", r"\sqrt", r"\top", "9", " ", r"\,"]


@settings(max_examples=100, deadline=None)
@given(st.text(max_size=300))
def test_arbitrary_text_only_raises_math_parse_error(text):
    try:
        run_limited(read_math, text, seconds=BUDGET)
    except MathParseError:
        pass


@settings(max_examples=100, deadline=None)
@given(st.lists(st.sampled_from(TOKENS), max_size=80))
def test_token_soup_only_raises_math_parse_error(tokens):
    try:
        statement = run_limited(read_math, "".join(tokens), seconds=BUDGET)
    except MathParseError:
        return
    assert len(statement.relations) == len(statement.sides) - 1


@settings(max_examples=60, deadline=None)
@given(st.lists(st.sampled_from(TOKENS), max_size=60))
def test_what_is_read_writes_back_to_the_same_tree(tokens):
    try:
        statement = read_math("".join(tokens))
    except MathParseError:
        return
    for side in statement.sides:
        assert _same(read_math(to_latex(side)).expr, side)


def test_a_bug_in_the_transformer_is_ours_not_unreadable_math(monkeypatch):
    """Only the student's input makes MathParseError; our own failure must reach the grading loop as a fault."""
    from grader.mathtext import latex

    def broken(self, children):
        raise ZeroDivisionError("a bug of ours")

    monkeypatch.setattr(latex._Build, "frac", broken)
    with pytest.raises(ZeroDivisionError):
        latex.read_math(r"\frac{1}{2}")



@pytest.mark.parametrize("text, same_as", [
    (r"\sin^2 x", r"(\sin x)^2"),
    (r"\cos^{2}(x)", r"(\cos x)^2"),
    (r"\tan^3 x", r"(\tan x)^3"),
])
def test_a_power_on_a_function_is_a_power_of_its_value(text, same_as):
    assert settle(read_math(text).expr) == settle(read_math(same_as).expr)


def test_an_inverse_function_written_as_a_power_is_not_read_as_one_over_it():
    with pytest.raises(MathParseError):
        read_math(r"\sin^{-1} x")


@pytest.mark.parametrize("text, function", [
    (r"\sec x", sympy.sec), (r"\csc x", sympy.csc), (r"\cot x", sympy.cot),
    (r"\arcsin x", sympy.asin), (r"\arccos x", sympy.acos), (r"\arctan x", sympy.atan),
])
def test_more_functions_are_read_and_written_back(text, function):
    expr = read_math(text).expr
    assert expr.func is function and settle(read_math(to_latex(expr)).expr) == settle(expr)
