"""The expression type: structure, seeded evaluation, bounded simplify, modes, self-tests."""

from __future__ import annotations

import pydantic
import pytest
import sympy

from grader.model import Outcome, Segment
from grader.types.base import Invalid, Parsed, get_type

TYPE = get_type("expression")
Params = TYPE.Params
LHS = r"\frac{\partial E_3}{\partial V}"
REF = r"\left(O_3 - \hat{O}_3\right) H_3"


def grade(text: str, refs=None, **params):
    params = Params(**params)
    ctx = TYPE.prepare("q", Segment.from_text("q", text), refs or {}, params)
    parsed = TYPE.parse(ctx, params)
    if not isinstance(parsed, Parsed):
        return parsed
    return TYPE.compare(parsed, ctx, params)


@pytest.mark.parametrize("text, outcome, how", [
    (f"$${LHS} = {REF}$$", Outcome.CORRECT, "same expression"),
    (f"$${LHS} = H_3 \\cdot (O_3 - \\hat{{O}}_3)$$", Outcome.CORRECT, "same expression"),
    (f"$${LHS} = O_3 H_3 - H_3 \\hat{{O}}_3$$", Outcome.CORRECT, "points"),
    (f"$${LHS} = (\\hat{{O}}_3 - O_3) H_3$$", Outcome.INCORRECT, ""),
    (f"$${LHS} = (O_3 - \\hat{{O}}_3) H_2$$", Outcome.INCORRECT, ""),
    (f"$$\\frac{{\\partial E_2}}{{\\partial V}} = {REF}$$", None, ""),  # another left side: not an answer here
])
def test_equal_mode(text, outcome, how):
    result = grade(text, latex=REF, lhs=LHS)
    if outcome is None:
        assert result is None
        return
    assert result.outcome == outcome and how in result.detail
    assert result.evidence[0].line == 1


def test_evidence_is_the_line_that_matched():
    text = f"working\n$${LHS} = O_3$$\n$${LHS} = {REF}$$"
    result = grade(text, latex=REF, lhs=LHS)
    assert result.outcome == Outcome.CORRECT and result.evidence[0].line == 3


@pytest.mark.parametrize("student, mode, constant, outcome", [
    (r"(y - \hat{y})^2", "up_to_constant", "factor", Outcome.CORRECT),
    (r"\frac{1}{2}(y - \hat{y})^2 + 7", "up_to_constant", "term", Outcome.CORRECT),
    (r"\frac{1}{2}(y - \hat{y})^3", "up_to_constant", "factor", Outcome.INCORRECT),
    (r"(y - \hat{y})^2", "equal", "factor", Outcome.INCORRECT),
    (r"\frac{1}{2}\left(y^2 - 2 y \hat{y} + \hat{y}^2\right)", "equal", "factor", Outcome.CORRECT),
    (r"\frac{1}{2}\left(y^2 - 2 y \hat{y} + \hat{y}^2\right)", "same_form", "factor", Outcome.INCORRECT),
    (r"\frac{(\hat{y} - y)^2}{2}", "same_form", "factor", Outcome.INCORRECT),
    (r"0.5 (y - \hat{y})^2", "same_form", "factor", Outcome.CORRECT),
])
def test_modes(student, mode, constant, outcome):
    result = grade(f"$${student}$$", latex=r"\frac{1}{2}(y - \hat{y})^2", mode=mode, constant=constant)
    assert result.outcome == outcome, result.detail


def test_functions_are_evaluated_not_just_compared():
    result = grade(r"$$\frac{1}{1 + e^{-z}}$$", latex=r"\sigma(z)")
    assert result.outcome == Outcome.CORRECT and "points" in result.detail


@pytest.mark.parametrize("student, reference, outcome", [
    # a name used as a bound is a count: the sums are added up term by term at each point
    (r"\sum_{k=1}^{n} 2 x_k", r"2 \sum_{k=1}^{n} x_k", Outcome.CORRECT),
    (r"\sum x_i", r"\sum_{i=1}^{n} x_i", Outcome.CORRECT),  # no bounds: i = 1, ..., n
    (r"\frac{\sum x_i - n\lambda}{\lambda}", r"-n + \frac{\sum_{i=1}^{n} x_i}{\lambda}", Outcome.CORRECT),
    (r"\log \prod_{i=1}^{n} \frac{e^{-\lambda}\lambda^{x_i}}{x_i!}",
     r"-n\lambda + \log\lambda \sum_{i=1}^{n} x_i - \sum_{i=1}^{n} \log(x_i!)", Outcome.CORRECT),
    (r"n + \frac{\sum x_i}{\lambda}", r"-n + \frac{\sum_{i=1}^{n} x_i}{\lambda}", Outcome.INCORRECT),
    (r"\sum_{i=1}^{n} x_i^2", r"\left(\sum_{i=1}^{n} x_i\right)^2", Outcome.INCORRECT),
])
def test_sums_with_symbolic_bounds_are_added_up_at_points(student, reference, outcome):
    result = grade(f"$${student}$$", latex=reference)
    assert result.outcome == outcome and result.detail in ("compared at 6 points", "same expression",
                                                           "not equal to the reference")


@pytest.mark.parametrize("student, reference, outcome", [
    # two numbers: exactly when both are exact, else relative, with no absolute floor
    (r"\frac{1}{2^{98}}", r"\frac{1}{2^{99}}", Outcome.INCORRECT),
    (r"2^{-99}", r"\frac{1}{2^{99}}", Outcome.CORRECT),
    (r"\frac{1}{3} \cdot 10^{-40}", r"\frac{1}{3 \cdot 10^{40}}", Outcome.CORRECT),
    (r"\sqrt{2} \cdot 10^{-30}", r"\sqrt{2} \cdot 10^{-31}", Outcome.INCORRECT),
    (r"\frac{\sqrt{8}}{2}", r"\sqrt{2}", Outcome.CORRECT),
])
def test_tiny_numbers_are_told_apart(student, reference, outcome):
    assert grade(f"$${student}$$", latex=reference).outcome == outcome


def test_reference_from_the_solver():
    O3, H3 = sympy.IndexedBase("O")[3], sympy.IndexedBase("H")[3]
    refs = {"dE3_dV_formula": (O3 - sympy.IndexedBase("Ohat")[3]) * H3}
    assert grade(f"$${REF}$$", refs, reference="dE3_dV_formula").outcome == Outcome.CORRECT
    assert TYPE.check_params(Params(reference="missing"), refs)


@pytest.mark.parametrize("text", [
    "$$__import__('os').system('ls')$$",
    r"$$\frac{\partial V}{\partial V$$",
])
def test_unreadable_is_invalid_not_wrong(text):
    result = grade(text, latex=REF)
    assert isinstance(result, Invalid) and "could not be read" in result.reason


def test_plain_python_line_is_not_an_answer():
    assert grade("__import__('os').system('ls')", latex=REF) is None


def test_repairs_are_flagged():
    text = (r"$$\frac{\partial E_{3}}{\partial W} = \sum_{\kappa=0}^{2} \frac{\partial E_{34}}{\partial O_{3}} \cdot "
            r"\frac{\partial O_{3}}{\partial H_{3}} \left(\frac{1}{1} \frac{\partial H_{j}}{\partial H_{j-1}} \right) "
            r"\cdot \frac{\partial H_{k}}{\partial W}$$")
    # The body of \prod runs to the end of the product, so ∂H_k/∂W is written before it.
    reference = (r"\sum_{k=0}^{2} \frac{\partial E_3}{\partial O_3} \frac{\partial O_3}{\partial H_3} "
                 r"\frac{\partial H_k}{\partial W} \prod_{j=k+1}^{3} \frac{\partial H_j}{\partial H_{j-1}}")
    result = grade(text, latex=reference, lhs=r"\frac{\partial E_3}{\partial W}", repair=True)
    assert result.outcome == Outcome.CORRECT
    assert set(result.repairs) == {"kappa-as-k", "subscript-E34-as-E3", "product-from-frac-1-over-1"}
    assert [n.code for n in result.flags] == ["ocr-repaired"]
    assert grade(text, latex=reference, lhs=r"\frac{\partial E_3}{\partial W}").outcome == Outcome.INCORRECT


@pytest.mark.parametrize("params", [
    dict(latex=REF, lhs=LHS),
    dict(latex=r"\frac{1}{2}(y - \hat{y})^2", mode="up_to_constant"),
    dict(latex=r"\frac{1}{2}(y - \hat{y})^2", mode="up_to_constant", constant="term"),
    dict(latex=r"\tanh(W h_{t-1} + U x_t)", mode="same_form"),
    dict(latex=r"\sum_{k=0}^{2} \frac{\partial E_3}{\partial H_k} \otimes H_k^T"),
    dict(latex=r"\frac{\theta}{(\theta+1)^2(\theta+2)}", mode="simplified"),
    dict(latex=r"\frac{\theta}{\theta+1}", find="any"),
])
def test_self_tests_get_their_labels(params):
    params = Params(**params)
    for case in TYPE.self_test(params, {}):
        ctx = TYPE.prepare("q", Segment.from_text("q", case.text), {}, params)
        parsed = TYPE.parse(ctx, params)
        if case.label == "invalid":
            assert isinstance(parsed, Invalid) or parsed is None
            continue
        assert isinstance(parsed, Parsed)
        assert TYPE.compare(parsed, ctx, params).outcome.value == case.label, case.text


@pytest.mark.parametrize("params", [
    dict(),
    dict(latex="x", reference="k"),
    dict(latex=r"\frac{1}{"),
    dict(latex="x", lhs=r"\foo"),
    dict(latex="x", points=0),
    dict(latex="x", surprise=1),
])
def test_bad_params_are_rubric_errors(params):
    with pytest.raises(pydantic.ValidationError):
        Params(**params)


def test_what_neither_evaluation_nor_simplify_decides_is_flagged_not_silently_wrong(monkeypatch):
    import grader.types.expression_compare as expression
    from grader.mathtext.evaluate import Undecided

    def undecided(*args, **kwargs):
        raise Undecided("a sum with symbolic bounds")

    monkeypatch.setattr(expression, "relation_at_points", undecided)
    monkeypatch.setattr(expression.sympy, "simplify", lambda expr, *a, **k: expr)  # cannot reduce it
    result = grade("$$x^2 + 2x$$", latex="x(x + 2) + 1")
    assert result.outcome == Outcome.INCORRECT and result.fraction == 0
    assert [n if isinstance(n, str) else n.code for n in result.flags] == ["expression-undecided"]


VAR = r"\frac{\theta}{(\theta+1)^2(\theta+2)}"


@pytest.mark.parametrize("text, outcome, detail", [
    (rf"$Var(X) = {VAR}$", Outcome.CORRECT, "same expression"),
    (r"$Var(X) = \frac{\theta}{\theta^3+4\theta^2+5\theta+2}$", Outcome.CORRECT, "points"),   # expanded is simplified too
    (r"$Var(X) = θ/((θ+1)^2(θ+2))$", Outcome.CORRECT, ""),
    (r"$Var(X) = \frac{\theta}{\theta+2} - \frac{\theta^2}{(\theta+1)^2}$", Outcome.INCORRECT, "not simplified"),
    (r"$Var(X) = \frac{\theta^2+\theta}{(\theta+1)^3(\theta+2)}$", Outcome.INCORRECT, "not simplified"),  # a factor left
    (r"$Var(X) = \frac{\theta}{(\theta+1)(\theta+2)}$", Outcome.INCORRECT, "not equal"),
])
def test_simplified_mode_takes_any_fraction_in_lowest_terms(text, outcome, detail):
    result = grade(text, latex=VAR, mode="simplified")
    assert result.outcome == outcome and detail in result.detail


@pytest.mark.parametrize("text, find, outcome", [
    # the set-up is an inner side of the chain: a method mark only with find: any
    (r"$E[X] = \int_0^1 x \theta x^{\theta-1} dx = \frac{\theta}{\theta+1}$", "any", Outcome.CORRECT),
    (r"$E[X] = \int_0^1 x \theta x^{\theta-1} dx = \frac{\theta}{\theta+1}$", "final", Outcome.INCORRECT),
    (r"$E[X] = \frac{\theta}{\theta+1}$", "any", Outcome.INCORRECT),
])
def test_find_any_credits_an_inner_side(text, find, outcome):
    result = grade(text, latex=r"\int_0^1 x \theta x^{\theta - 1} dx", mode="same_form", find=find)
    assert result.outcome == outcome


DERIVATIVE = r"-n + \frac{\sum_{i=1}^{n} x_i}{\lambda}"


@pytest.mark.parametrize("text, lhs, outcome", [
    # "= 0" after the formula sets it to zero to solve; "< 0" checks its sign: the formula is the answer
    (r"$\ell'(\lambda) = \frac{\sum x_i}{\lambda} - n = 0$", r"\ell'(\lambda)", Outcome.CORRECT),
    (r"$\ell'(\lambda) = \frac{\sum x_i}{\lambda} + n = 0$", r"\ell'(\lambda)", Outcome.INCORRECT),
    (r"$\frac{d\ell}{d\lambda} = \frac{\sum x_i}{\lambda} - n = 0$", r"\frac{d\ell}{d\lambda}", Outcome.CORRECT),
])
def test_a_trailing_zero_or_sign_is_not_the_answer(text, lhs, outcome):
    assert grade(text, latex=DERIVATIVE, lhs=lhs).outcome == outcome


def test_a_second_derivative_checked_negative():
    result = grade(r"$\ell''(\lambda) = -\frac{\sum x_i}{\lambda^2} < 0$, a maximum",
                   latex=r"-\frac{\sum_{i=1}^{n} x_i}{\lambda^2}", lhs=r"\ell''(\lambda)")
    assert result.outcome == Outcome.CORRECT


XBAR = {r"\bar{x}": r"\frac{1}{n}\sum_{i=1}^{n} x_i"}


@pytest.mark.parametrize("text, reference, outcome", [
    (r"$\hat{\lambda} = \bar{x}$", r"\frac{\sum_{i=1}^{n} x_i}{n}", Outcome.CORRECT),
    (r"$\hat{\lambda} = \frac{\sum x_i}{n}$", r"\bar{x}", Outcome.CORRECT),
    (r"$\hat{\lambda} = \frac{\sum x_i}{n} = \bar{x}$", r"\bar{x}", Outcome.CORRECT),
    (r"$\hat{\lambda} = 2\bar{x}$", r"\frac{\sum_{i=1}^{n} x_i}{n}", Outcome.INCORRECT),
])
def test_define_substitutes_the_notation_in_both_formulas(text, reference, outcome):
    assert grade(text, latex=reference, lhs=r"\hat{\lambda}", define=XBAR).outcome == outcome


def test_without_define_a_name_is_only_itself():
    assert grade(r"$\hat{\lambda} = \bar{x}$", latex=r"\frac{\sum_{i=1}^{n} x_i}{n}",
                 lhs=r"\hat{\lambda}").outcome == Outcome.INCORRECT


@pytest.mark.parametrize("define", [{"s^2": "1"}, {r"\bar{x}": r"\frac{1}{"}, {"x": "x + 1"}])
def test_bad_definitions_are_rubric_errors(define):
    with pytest.raises(pydantic.ValidationError):
        Params(latex="x", define=define)


def test_a_statement_after_an_implication_is_read_on_its_own():
    text = r"$\ell'(\lambda) = \frac{\sum x_i}{\lambda} - n = 0 \Rightarrow \hat{\lambda} = \bar{x}$"
    assert grade(text, latex=r"\bar{x}", lhs=r"\hat{\lambda}").outcome == Outcome.CORRECT
    assert grade(text, latex=DERIVATIVE, lhs=r"\ell'(\lambda)").outcome == Outcome.CORRECT


@pytest.mark.parametrize("text, reference, outcome", [
    # a formula then its value for the data: the formula answers a formula reference ...
    (r"$\hat{\lambda} = \bar{x} = 2$", r"\bar{x}", Outcome.CORRECT),
    # ... and the number a numeric one
    (r"$\hat{\lambda} = \bar{x} = 2$", "2", Outcome.CORRECT),
    (r"$\hat{\lambda} = 2\bar{x} = 4$", r"\bar{x}", Outcome.INCORRECT),
    # a chain of formulas is still judged by its last side
    (r"$\hat{\lambda} = \bar{x} = 2\bar{x}$", r"\bar{x}", Outcome.INCORRECT),
])
def test_a_number_after_a_formula_is_its_value(text, reference, outcome):
    assert grade(text, latex=reference, lhs=r"\hat{\lambda}").outcome == outcome


LOOK = {"\\theta": ["0", "O"], "\\lambda": ["X"], "1": ["l"]}


@pytest.mark.parametrize("text, latex, outcome", [
    (r"$E[X] = \frac{0}{0+1}$", r"\frac{\theta}{\theta+1}", Outcome.CORRECT),
    (r"$\frac{O}{O+l}$", r"\frac{\theta}{\theta+1}", Outcome.CORRECT),
    (r"$\frac{0}{0+2}$", r"\frac{\theta}{\theta+1}", Outcome.INCORRECT),   # read either way, it is wrong
    (r"$0$", r"\frac{\theta}{\theta+1}", Outcome.INCORRECT),
    (r"$\frac{\theta}{\theta+1} + 0$", r"\frac{\theta}{\theta+1}", Outcome.CORRECT),  # as written
    (r"$\frac{\theta}{0+1}$", r"\frac{\theta}{\theta+1}", Outcome.INCORRECT),  # θ is written there: 0 is 0
    (r"$-nX + 3$", r"3 - n\lambda", Outcome.CORRECT),
    (r"$-nX + 3$", r"3 - n\theta", Outcome.INCORRECT),  # X is a look-alike of λ, which this reference lacks
])
def test_look_alikes_are_a_second_reading_for_the_references_symbols(text, latex, outcome):
    result = grade(text, latex=latex, look_alikes=LOOK)
    assert result.outcome is outcome


def test_a_look_alike_reading_is_flagged_with_what_was_read():
    result = grade(r"$\frac{0}{0+1}$", latex=r"\frac{\theta}{\theta+1}", look_alikes=LOOK)
    assert result.outcome is Outcome.CORRECT
    assert [f.code for f in result.flags] == ["ocr-repaired"] and "0 read as θ" in result.flags[0].message
    assert "0 read as θ" in result.repairs


@pytest.mark.parametrize("look_alikes, message", [
    ({"x^2": ["0"]}, "neither a name"),
    ({"\\theta": ["00"]}, "not one other letter"),
    ({"\\theta": ["O"], "\\omega": ["O"]}, "declared for both"),
])
def test_bad_look_alikes_are_rubric_errors(look_alikes, message):
    with pytest.raises(pydantic.ValidationError, match=message):
        Params(latex="x", look_alikes=look_alikes)


@pytest.mark.parametrize("text, outcome", [
    (r"$\int_0^1 \theta x^{\theta}\,dx$", Outcome.CORRECT),          # the integrand multiplied out
    (r"$\int_0^1 x \theta x^{\theta-1}\,dx$", Outcome.CORRECT),
    (r"$\int_0^1 \theta x^{\theta-1}\,dx$", Outcome.INCORRECT),      # ∫ f, not ∫ x f
    (r"$\int_0^2 \theta x^{\theta}\,dx$", Outcome.INCORRECT),        # other bounds
    (r"$\frac{\theta}{\theta+1}$", Outcome.INCORRECT),               # the value is not the set-up
])
def test_same_form_of_an_integral_is_its_bounds_as_written_and_an_equal_integrand(text, outcome):
    result = grade(text, latex=r"\int_0^1 x \theta x^{\theta - 1}\,dx", mode="same_form")
    assert result.outcome is outcome


@pytest.mark.parametrize("text, latex, outcome", [
    (r"$\sqrt{x^2}$", "x", Outcome.INCORRECT),                          # |x|: differs where x < 0
    (r"$\left|x\right|$", "x", Outcome.INCORRECT),
    (r"$\sqrt{x^2}$", r"\left|x\right|", Outcome.CORRECT),
    (r"$\frac{1}{\sqrt{2\pi\sigma^2}}$", r"\frac{1}{\sigma\sqrt{2\pi}}", Outcome.CORRECT),  # roots on both sides
    (r"$x^3 - x$", "x(x-1)(x+1)", Outcome.CORRECT),
])
def test_a_branch_on_one_side_is_checked_where_names_are_negative(text, latex, outcome):
    assert grade(text, latex=latex).outcome is outcome


@pytest.mark.parametrize("text, outcome, how", [
    (r"$e^{x^2} + C$", Outcome.CORRECT, "same expression"),
    (r"$e^{x^2} + K$", Outcome.CORRECT, "constant of integration"),      # another name for it
    (r"$e^{x^2}$", Outcome.CORRECT, "no constant written"),              # flagged in detail for a TA
    (r"$e^{x^2} + 5$", Outcome.CORRECT, "constant of integration"),
    (r"$e^{x^2} + x$", Outcome.INCORRECT, ""),
    (r"$2x e^{x^2} + C$", Outcome.INCORRECT, ""),
])
def test_a_constant_of_integration_in_the_reference(text, outcome, how):
    result = grade(text, latex="e^{x^2} + C")
    assert result.outcome is outcome and how in result.detail


@pytest.mark.parametrize("text, latex, outcome", [
    (r"$\ln x + C$", r"\ln|x| + C", Outcome.INCORRECT),     # the absolute value dropped: wrong for x < 0
    (r"$\ln|x| + K$", r"\ln|x| + C", Outcome.CORRECT),
    (r"$|x|$", r"\sqrt{x^2}", Outcome.CORRECT),
])
def test_absolute_values_with_bare_bars(text, latex, outcome):
    assert grade(text, latex=latex).outcome is outcome
