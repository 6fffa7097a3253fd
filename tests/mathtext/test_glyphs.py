"""Unicode math is read as the LaTeX it stands for: θ is \\theta, x̄ is \\bar{x}, Σ a sum or a letter."""

from __future__ import annotations

import pytest
import sympy
from hypothesis import given, settings, strategies as st

from grader.errors import MathParseError
from grader.mathtext.glyphs import GREEK, as_commands
from grader.mathtext.latex import read_math, settle


def same(a: str, b: str) -> bool:
    return [settle(s) for s in read_math(a).sides] == [settle(s) for s in read_math(b).sides]


SAME = [
    ("θ/(θ+1)", r"\frac{\theta}{\theta+1}"),
    ("E[X] = θ/(θ+1)", r"E[X] = \frac{\theta}{\theta + 1}"),
    ("λe^{-λx}", r"\lambda e^{-\lambda x}"),
    ("μ + σ z", r"\mu + \sigma z"),
    ("σ(z)", r"\sigma(z)"),  # σ before a bracket is the sigmoid, as \sigma(z) is
    ("πr^2", r"\pi r^2"),
    ("αβγ", r"\alpha \beta \gamma"),
    ("ε_i", r"\epsilon_i"),
    ("ϵ", r"\epsilon"),
    ("ρτφω", r"\rho \tau \phi \omega"),
    ("ϕ", r"\phi"),
    ("µ", r"\mu"),  # the micro sign OCR writes for μ
    ("ℓ(θ)", r"\ell(\theta)"),
    ("Δx", r"\Delta x"),
    ("Ω", r"\Omega"),
    ("Α + Β", "A + B"),  # Greek capitals that look Latin are the Latin letters
    ("x·y", r"x \cdot y"),
    ("x × y", r"x \times y"),
    ("x − 1", "x - 1"),
    ("a ≤ b", r"a \leq b"),
    ("a ≥ b ≠ c ≈ d", r"a \geq b \neq c \approx d"),
    (r"\frac{∂L}{∂w}", r"\frac{\partial L}{\partial w}"),
    ("x̄", r"\bar{x}"),
    ("x̅", r"\overline{x}"),
    ("ā", r"\bar{a}"),  # precomposed
    ("ŷ", r"\hat{y}"),
    ("λ̂", r"\hat{\lambda}"),
    ("θ̂_{MLE}", r"\hat{\theta}_{MLE}"),
    ("x̃", r"\tilde{x}"),
    ("f′(x)", "f'(x)"),
    ("f″(x)", "f''(x)"),
    ("∫_0^1 x dx", r"\int_0^1 x \, dx"),
    ("∑_{i=1}^n x_i", r"\sum_{i=1}^{n} x_i"),
    ("∏_{i=1}^n x_i", r"\prod_{i=1}^{n} x_i"),
    ("∫_0^∞ e^{-x} dx", r"\int_0^\infty e^{-x} \, dx"),
]


@pytest.mark.parametrize("unicode, latex", SAME, ids=[s[0] for s in SAME])
def test_unicode_reads_as_its_latex(unicode, latex):
    assert same(unicode, latex)


@pytest.mark.parametrize("src, name", [("θ", "theta"), (r"\theta", "theta"), ("ℓ", "ell"), (r"\ell", "ell"),
                                       ("x̄", "xbar"), (r"\bar{x}", "xbar"), (r"\overline{x}", "xbar"),
                                       ("λ̂", "lambdahat"), (r"\hat\lambda", "lambdahat"), ("ŷ", "yhat")])
def test_the_names_a_rubric_uses(src, name):
    assert read_math(src).expr == sympy.Symbol(name)


def test_pi_is_what_backslash_pi_is():
    assert read_math("π").expr == read_math(r"\pi").expr == sympy.Symbol("pi")


SIGMA = [
    ("Σx_i", sympy.Sum(sympy.IndexedBase("x")[sympy.Symbol("i")], (sympy.Symbol("i"), -sympy.oo, sympy.oo))),
    ("Σ_{i=1}^{n} x_i", sympy.Sum(sympy.IndexedBase("x")[sympy.Symbol("i")], (sympy.Symbol("i"), 1, sympy.Symbol("n")))),
    ("Π_{i=1}^{3} p_i", sympy.Product(sympy.IndexedBase("p")[sympy.Symbol("i")], (sympy.Symbol("i"), 1, 3))),
    ("Σ^{-1}", sympy.Symbol("Sigma") ** -1),
    ("Σ", sympy.Symbol("Sigma")),
    ("x^T Σ x", sympy.Symbol("x") * sympy.Symbol("Sigma") * sympy.Symbol("x")),
    ("Π", sympy.Symbol("Pi")),
]


@pytest.mark.parametrize("src, want", SIGMA, ids=[s[0] for s in SIGMA])
def test_capital_sigma_and_pi_are_signs_where_that_reads_else_letters(src, want):
    from grader.mathtext.atoms import Transposed

    got = settle(read_math(src).expr).replace(lambda n: isinstance(n, Transposed), lambda n: n.args[0])
    assert got == settle(want)


def test_an_unreadable_sigma_reports_the_sum_reading():
    with pytest.raises(MathParseError):
        read_math("Σ_{i=1}^{n}")


def test_length_is_checked_as_written():
    read_math("+".join(["θ"] * 300))  # 599 characters written, 2399 once spelled \theta
    with pytest.raises(MathParseError, match="too long"):
        read_math("θ" * 2001)


def test_ascii_is_left_alone():
    assert as_commands(r"\frac{a}{b} + x^{2}") == r"\frac{a}{b} + x^{2}"


@settings(max_examples=80, deadline=None)
@given(st.lists(st.sampled_from(sorted(set(GREEK) - {"σ"})), min_size=1, max_size=6),
       st.lists(st.sampled_from(["+", "-", "/", "", "\\cdot", "^"]), min_size=5, max_size=5))
def test_any_greek_formula_reads_as_its_spelled_form(letters, ops):
    unicode, spelled = letters[0], f"\\{GREEK[letters[0]]} "
    for letter, op in zip(letters[1:], ops):
        unicode += f"{op}{letter}"
        spelled += f"{op} \\{GREEK[letter]} "
    try:
        want = read_math(spelled)
    except MathParseError:
        with pytest.raises(MathParseError):
            read_math(unicode)
        return
    assert [settle(s) for s in read_math(unicode).sides] == [settle(s) for s in want.sides]


@pytest.mark.parametrize("given, formula, written", [
    ({"theta": {"symbol": "theta"}}, "theta/(theta+1)", "θ/(θ+1)"),
    ({"theta": {"symbol": "theta", "positive": True}}, "theta/(theta+1)", r"\frac{\theta}{\theta+1}"),
    ({"lam": {"symbol": "lambda"}}, "lam * exp(-lam)", "λe^{-λ}"),
    ({"xbar": {"symbol": "xbar"}}, "1/xbar", "1/x̄"),
    ({"xbar": {"symbol": "xbar"}}, "1/xbar", r"\frac{1}{\overline{x}}"),
    ({"lh": {"symbol": "lambdahat"}}, "2*lh", r"2\hat{\lambda}"),
    ({"l": {"symbol": "ell"}}, "l + 1", "ℓ + 1"),
])
def test_a_rubric_symbol_matches_what_students_write(given, formula, written):
    from grader.mathtext.evaluate import relation_at_points
    from grader.references import compute_references

    refs, problems = compute_references(given, {"r": formula}, {})
    assert not problems
    assert relation_at_points(read_math(written).expr, refs["r"], "equal", 6, 0)
