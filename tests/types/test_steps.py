"""The steps type: chains of algebra and calculus, carried-forward credit, OCR damage, time limits,
property tests on random polynomials, and a rubric of the test's own graded end to end."""

from __future__ import annotations

import textwrap
import time

import pydantic
import pytest
import sympy
from click.testing import CliRunner
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

import grader.types.steps  # noqa: F401 — registers the type (until the lead lists it in base._TYPE_MODULES)
from grader.errors import BudgetExceeded
from grader.mathtext.writer import to_latex
from grader.model import Outcome, Segment
from grader.references import compute_references
from grader.types.base import Invalid, Parsed, get_type

TYPE = get_type("steps")
Params = TYPE.Params
x, y, w = sympy.symbols("x y w")


def grade(text: str, refs=None, **params):
    """(the comparison, or Invalid / None, and the derivation read) of ``text`` for one item."""
    params = Params(**params)
    ctx = TYPE.prepare("q", Segment.from_text("q", text), refs or {}, params)
    parsed = TYPE.parse(ctx, params)
    if not isinstance(parsed, Parsed):
        return parsed, ctx.reading
    return TYPE.compare(parsed, ctx, params), ctx.reading


def statuses(derivation) -> list[tuple[int, str]]:
    return [(s.fact.line, s.status) for s in derivation.steps]


def computed(given: dict, compute: dict) -> dict:
    refs, problems = compute_references(given, compute, {})
    assert not problems
    return refs


DERIVATIVE = computed({"x": "symbol"}, {"f": "x^2 * exp(-x)", "df": "diff(f, x)"})
RIDGE = computed({"x": "symbol", "y": "symbol", "w": "symbol", "lam": {"symbol": "lambda"}},
                 {"L": "(y - w*x)^2 + lam*w^2", "w_star": "solve(diff(L, w), w)[1]"})


def lines(*rows: str) -> str:
    return "\n".join(rows)


# ------------------------------------------------------------------ table-driven chains

CHAINS = [
    # (name, text, check options, refs, chain fraction, statuses of the steps)
    ("linear equation", lines("$$2x + 4 = 10$$", "$$2x = 6$$", "$$x = 3$$"), {}, {}, 1.0,
     [(2, "follows"), (3, "follows")]),
    ("arrows on one line", "$$2x + 4 = 10 \\Rightarrow 2x = 6 \\Rightarrow x = 3$$", {}, {}, 1.0,
     [(1, "follows"), (1, "follows")]),
    ("wrong subtraction", lines("$$2x + 4 = 10$$", "$$2x = 8$$", "$$x = 4$$"), {"carried_forward": 0.5}, {}, 0.25,
     [(2, "wrong"), (3, "carried")]),
    ("a lost solution", lines("$$x^2 = 9$$", "$$x = 3$$"), {}, {}, 0.0, [(2, "wrong")]),
    ("dividing by the unknown", lines("$$x^2 - 3x = 0$$", "$$x - 3 = 0$$"), {}, {}, 0.0, [(2, "wrong")]),
    ("dividing by an exponential (never zero)",
     lines("$$2x e^{-x} - x^2 e^{-x} = 0$$", "$$2x - x^2 = 0 \\quad \\text{(divide by } e^{-x})$$",
           "$$x(2 - x) = 0$$"), {}, {}, 1.0, [(2, "follows"), (3, "follows")]),
    ("rewrites continued with =", lines("$$(x + 1)^2 - 1$$", "$$= x^2 + 2x + 1 - 1$$", "$$= x(x + 2)$$"), {}, {}, 1.0,
     [(2, "follows"), (3, "follows")]),
    ("a = b = c on one line, wrong in the middle", "$$(x+1)^2 = x^2 + 1 = x^2 + 2x + 1$$", {}, {}, 0.5,
     [(1, "wrong"), (1, "follows")]),
    ("aligned block", lines("$$", "\\begin{aligned}", "f(x) &= (x + 1)^2 - 1 \\\\", "&= x^2 + 2x \\\\",
                            "&= x(x + 2)", "\\end{aligned}", "$$"), {}, {}, 1.0, [(4, "follows"), (5, "follows")]),
    # calculus: the derivative stated with d/dx, with a prime, or allowed as an operation
    ("d/dx written out", lines("$$f(x) = x^2 e^{-x}$$", "$$f'(x) = \\frac{d}{dx}\\left(x^2 e^{-x}\\right)$$",
                               "$$= 2x e^{-x} - x^2 e^{-x}$$", "$$= x(2 - x) e^{-x}$$"), {}, DERIVATIVE, 1.0,
     [(2, "follows"), (3, "follows"), (4, "follows")]),
    ("a prime names the derivative", lines("$$f(x) = x^2 e^{-x}$$", "$$f'(x) = 2x e^{-x} - x^2 e^{-x}$$"), {},
     DERIVATIVE, 1.0, [(2, "follows")]),
    ("product rule sign error", lines("$$f(x) = x^2 e^{-x}$$", "$$f'(x) = 2x e^{-x} + x^2 e^{-x}$$",
                                      "$$= x(2 + x) e^{-x}$$"), {"carried_forward": 0.5}, DERIVATIVE, 0.25,
     [(2, "wrong"), (3, "carried")]),
    ("an unlabelled derivative needs the operation", lines("$$x^2 e^{-x}$$", "$$2x e^{-x} - x^2 e^{-x}$$"),
     {"operations": ["differentiate:x"]}, DERIVATIVE, 1.0, [(2, "follows")]),
    ("... and without it is not a step", lines("$$x^2 e^{-x}$$", "$$2x e^{-x} - x^2 e^{-x}$$"), {}, DERIVATIVE, 0.0,
     [(2, "wrong")]),
    # ridge regression: scalar (computed reference) and matrix (identity I, scalar model)
    ("scalar ridge", lines("$$L(w) = (y - wx)^2 + \\lambda w^2$$", "$$\\frac{dL}{dw} = -2x(y - wx) + 2\\lambda w = 0$$",
                           "$$\\Rightarrow xy = (x^2 + \\lambda) w$$", "$$\\Rightarrow w = \\frac{xy}{x^2 + \\lambda}$$"),
     {"min_steps": 3}, RIDGE, 1.0, [(2, "follows"), (3, "follows"), (4, "follows")]),
    ("matrix ridge", lines("$$\\frac{\\partial L}{\\partial w} = -2X^T(y - Xw) + 2\\lambda w$$",
                           "Setting $\\frac{\\partial L}{\\partial w} = 0$:",
                           "$$X^T y - X^T X w - \\lambda w = 0$$", "$$X^T y = (X^T X + \\lambda I) w$$",
                           "$$\\Rightarrow w = (X^T X + \\lambda I)^{-1} X^T y$$"),
     {"identity": ["I"]}, {}, 1.0, [(2, "follows"), (3, "follows"), (4, "follows"), (5, "follows")]),
    ("matrix ridge, sign slip", lines("$$\\nabla_w L = -2X^T(y - Xw) + 2\\lambda w = 0$$",
                                      "$$\\implies X^T y = (X^T X - \\lambda I) w$$",
                                      "$$\\implies w = (X^T X - \\lambda I)^{-1} X^T y$$"),
     {"identity": ["I"], "carried_forward": 0.5}, {}, 0.25, [(2, "wrong"), (3, "carried")]),
]


@pytest.mark.parametrize("name, text, options, refs, fraction, expected", CHAINS, ids=[c[0] for c in CHAINS])
def test_chains(name, text, options, refs, fraction, expected):
    result, derivation = grade(text, refs, part="chain", **options)
    assert statuses(derivation) == expected, result.detail
    assert result.fraction == pytest.approx(fraction), result.detail
    outcome = Outcome.CORRECT if fraction == 1 else Outcome.PARTIAL if fraction else Outcome.INCORRECT
    assert result.outcome == outcome
    assert [e.line for e in result.evidence] == [derivation.start.line] + [line for line, _ in expected]


FINALS = [
    ("x = 3", lines("$$2x + 4 = 10$$", "$$x = 3$$"), {"latex": "3", "lhs": "x"}, {}, Outcome.CORRECT),
    ("x = 4", lines("$$2x + 4 = 10$$", "$$x = 4$$"), {"latex": "3", "lhs": "x"}, {}, Outcome.INCORRECT),
    ("computed derivative", lines("$$f'(x) = \\frac{d}{dx}(x^2 e^{-x}) = x(2 - x) e^{-x}$$"),
     {"reference": "df"}, DERIVATIVE, Outcome.CORRECT),
    ("computed derivative, wrong", lines("$$f'(x) = 2x e^{-x} + x^2 e^{-x}$$"), {"reference": "df"}, DERIVATIVE,
     Outcome.INCORRECT),
    ("computed ridge closed form", lines("$$xy = (x^2 + \\lambda) w$$", "$$w = \\frac{xy}{\\lambda + x^2}$$",
                                         "So the ridge estimate shrinks towards 0."),
     {"reference": "w_star", "lhs": "w"}, RIDGE, Outcome.CORRECT),
    ("the last w = line counts, not a later remark", lines("$$w = \\frac{xy}{\\lambda + x^2}$$",
                                                           "$$\\lambda = 0 \\Rightarrow$$ least squares"),
     {"reference": "w_star", "lhs": "w"}, RIDGE, Outcome.CORRECT),
    ("an integer reference", lines("$$x = 3$$"), {"reference": "three", "lhs": "x"}, {"three": 3}, Outcome.CORRECT),
]


@pytest.mark.parametrize("name, text, options, refs, outcome", FINALS, ids=[f[0] for f in FINALS])
def test_final_line_against_the_reference(name, text, options, refs, outcome):
    result, _ = grade(text, refs, part="final", **options)
    assert result.outcome == outcome, result.detail
    assert result.fraction == (1.0 if outcome == Outcome.CORRECT else 0.0)


def test_the_first_wrong_step_is_named_with_what_each_line_gives():
    text = lines("$$2x + 4 = 10$$", "$$x = 3$$", "$$2x + 4 = 10$$", "$$2x = 8$$", "$$x = 4$$")
    result, _ = grade(text, part="chain", carried_forward=0.5)
    assert "line 4: 2x = 8 does not follow from line 3: 2x + 4 = 10 (it gives x = 4, the previous line x = 3)" \
        in result.detail
    assert (result.found, result.expected) == ("2x = 8", "2x + 4 = 10")
    final, _ = grade(text, part="final", latex="3", lhs="x")
    assert final.outcome == Outcome.INCORRECT and final.found == "x = 4" and final.expected == "x = 3"
    assert "line 4: 2x = 8 does not follow" in final.detail


def test_a_lost_solution_says_which():
    result, _ = grade(lines("$$x^2 = 9$$", "$$x = 3$$"), part="chain")
    assert "line 1 also has x = -3" in result.detail


def test_a_wrong_derivative_shows_what_the_stated_derivative_equals():
    result, _ = grade("$$\\frac{d}{dx}(x^2 e^{-x}) = 2x e^{-x} + x^2 e^{-x}$$", part="chain")
    assert "does not follow from line 1" in result.detail and "which equals" in result.detail


# ------------------------------------------------------------------ carried forward

ALGEBRA_WRONG = lines("$$3(x - 2) = 2x + 1$$", "$$3x - 2 = 2x + 1$$", "$$x - 2 = 1$$", "$$x = 3$$")


@pytest.mark.parametrize("carried, fraction", [(1.0, 2 / 3), (0.5, 1 / 3), (0.0, 0.0)])
def test_steps_after_a_wrong_one_keep_the_carried_forward_fraction(carried, fraction):
    result, derivation = grade(ALGEBRA_WRONG, part="chain", carried_forward=carried)
    assert statuses(derivation) == [(2, "wrong"), (3, "carried"), (4, "carried")]
    assert result.fraction == pytest.approx(fraction)
    assert "line 2: 3x - 2 = 2x + 1 does not follow from line 1" in result.detail


def test_a_step_back_on_the_correct_chain_earns_full_credit():
    # line 3 is a slip; line 4 continues from line 2, not from the slip
    text = lines("$$3(x - 2) = 2x + 1$$", "$$3x - 6 = 2x + 1$$", "$$3x = 2x + 5$$", "$$x = 7$$")
    result, derivation = grade(text, part="chain", carried_forward=0.5)
    assert statuses(derivation) == [(2, "follows"), (3, "wrong"), (4, "follows")]
    assert result.fraction == pytest.approx(2 / 3)


def test_a_second_wrong_step_after_the_first_earns_nothing():
    text = lines("$$2x + 4 = 10$$", "$$2x = 8$$", "$$x = 5$$")
    _, derivation = grade(text, part="chain", carried_forward=0.5)
    assert statuses(derivation) == [(2, "wrong"), (3, "wrong")]


def test_min_steps_is_the_denominator():
    result, _ = grade(lines("$$2x = 6$$", "$$x = 3$$"), part="chain", min_steps=4)
    assert result.fraction == pytest.approx(0.25) and "1 step written, at least 4 expected" in result.detail
    only_answer, _ = grade("$$x = 3$$", part="chain")
    assert only_answer.fraction == 0.0 and only_answer.outcome == Outcome.INCORRECT


# ------------------------------------------------------------------ unreadable, OCR damage, prose


def test_an_unreadable_step_is_invalid_for_that_step_not_wrong():
    text = lines("$$(x + 1)^2 - 1$$", "$$= x^2 + 2x + 1 - 1$$", "$$= x^2 + 2x \\frac{1}{$$", "$$= x(x + 2)$$")
    result, derivation = grade(text, part="chain")
    assert statuses(derivation) == [(2, "follows"), (3, "unreadable"), (4, "follows")]
    assert derivation.first_wrong is None
    assert result.fraction == pytest.approx(2 / 3) and result.outcome == Outcome.PARTIAL
    assert [n.code for n in result.flags] == ["unreadable-answer"] and "line 3" in result.flags[0].message
    assert "does not follow" not in result.detail


def test_an_ocr_misread_step_costs_that_step_only():
    # OCR read the 6 of "2x = 6" as b: a wrong step; the next line still follows from line 1
    text = lines("$$2x + 4 = 10$$", "$$2x = b$$", "$$x = 3$$")
    result, derivation = grade(text, part="chain", carried_forward=0.5)
    assert statuses(derivation) == [(2, "wrong"), (3, "follows")]
    assert result.fraction == pytest.approx(0.5)


def test_an_answer_that_is_all_unreadable_is_invalid():
    result, _ = grade("$$x = \\frac{1}{$$", part="chain")
    assert isinstance(result, Invalid) and "could not be read" in result.reason
    final, _ = grade(lines("$$2x = 6$$", "$$x = \\frac{3}{$$"), part="final", latex="3")
    assert isinstance(final, Invalid) and "final line" in final.reason


def test_no_math_is_missing_and_prose_and_mentions_are_ignored():
    assert grade("I did not get this one.", part="chain")[0] is None
    text = "We solve $2x + 4 = 10$ for $x$, where $x > 0$: so $2x = 6$ and then $x = 3$."
    result, derivation = grade(text, part="chain")
    assert [f.text for f in derivation.facts] == ["2x + 4 = 10", "2x = 6", "x = 3"]
    assert result.outcome == Outcome.CORRECT


def test_hostile_text_is_never_evaluated():
    result, _ = grade("$$__import__('os').system('echo hi')$$", part="chain")
    assert isinstance(result, Invalid)


@pytest.mark.parametrize("text", [
    "$$" + "x = \\frac{1}{2} \\quad " * 50_000 + "$$",
    "\n".join("$x = 1$" for _ in range(20_000)),
    "$$" + "\\alpha" * 200_000 + " = 1$$",
    "$$" + "{" * 5_000 + "x" + "}" * 5_000 + " = 1$$",
    "$$" + "x &= 1 \\\\\n" * 30_000 + "$$",
    "$$f(x) = " + "x + " * 3_000 + "1$$",
])
def test_hostile_answers_are_read_quickly_and_bounded(text):
    started = time.monotonic()
    result, derivation = grade(text, part="chain")
    assert time.monotonic() - started < 5
    assert len(derivation.facts) <= Params(part="chain").max_steps
    assert isinstance(result, Invalid) or 0 <= result.fraction <= 1


# ------------------------------------------------------------------ time limits


def test_a_time_out_propagates_and_is_never_scored(monkeypatch):
    # a sum whose bound is never a whole number cannot be added up at points: the comparison falls back to simplify, slow here
    def slow(*args, **kwargs):
        time.sleep(5)

    monkeypatch.setattr(sympy, "simplify", slow)
    text = lines("$$\\sum_{k=1}^{n+\\frac{1}{2}} 2 x_k$$", "$$= 2 \\sum_{k=1}^{n+\\frac{1}{2}} x_k$$")
    with pytest.raises(BudgetExceeded):
        grade(text, part="chain", simplify_seconds=0.2)


def test_a_time_out_is_not_graded_by_the_grading_loop(monkeypatch, tmp_path):
    from grader.grading import grade_item
    monkeypatch.setattr(sympy, "simplify", lambda *a, **k: time.sleep(5))
    rubric = _write(tmp_path, SUM_QUESTION)
    question = rubric.questions[0]
    segment = Segment.from_text("q1", lines("$$\\sum_{k=1}^{n+\\frac{1}{2}} 2 x_k$$", "$$= 2 \\sum_{k=1}^{n+\\frac{1}{2}} x_k$$"))
    graded = grade_item(question.items[0], question, segment, {}, budget=3)
    assert graded.result.outcome == Outcome.NOT_GRADED and [n.code for n in graded.flags] == ["time-limit"]


# ------------------------------------------------------------------ properties on random polynomials

REWRITES = [
    ("expanded", sympy.expand),
    ("factored", sympy.factor),
    ("horner", lambda p: sympy.horner(sympy.expand(p), x)),
    ("plus and minus 7", lambda p: sympy.Add(sympy.expand(p + 7), -7, evaluate=False)),
    ("halved twice", lambda p: sympy.Mul(sympy.Rational(1, 2), sympy.expand(2 * p), evaluate=False)),
    ("terms reversed", lambda p: sympy.Add(*reversed(sympy.Add.make_args(sympy.expand(p))), evaluate=False)),
]


@st.composite
def polynomials(draw):
    coefficients = draw(st.lists(st.integers(-9, 9), min_size=2, max_size=5).filter(lambda c: any(c[1:])))
    mixed = draw(st.integers(-3, 3))
    return sum(c * x**k for k, c in enumerate(coefficients)) + mixed * x * y


def _chain_text(forms: list[sympy.Basic], one_line: bool) -> str:
    written = [to_latex(form) for form in forms]
    if one_line:
        return "$$" + " = ".join(written) + "$$"
    return lines(f"$${written[0]}$$", *(f"$$= {form}$$" for form in written[1:]))


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(p=polynomials(), chosen=st.lists(st.sampled_from(REWRITES), min_size=2, max_size=5), one_line=st.booleans())
def test_a_chain_of_equivalent_rewrites_always_passes(p, chosen, one_line):
    assume(not isinstance(p, sympy.Symbol))  # "x = x" names x (a definition), it is no chain of steps
    result, derivation = grade(_chain_text([rewrite(p) for _, rewrite in chosen], one_line), part="chain")
    assert result.fraction == 1.0, (result.detail, [name for name, _ in chosen])
    assert len(derivation.steps) == len(chosen) - 1


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(p=polynomials(), chosen=st.lists(st.sampled_from(REWRITES), min_size=3, max_size=5), data=st.data())
def test_one_perturbed_step_is_caught_at_its_line(p, chosen, data):
    at = data.draw(st.integers(1, len(chosen) - 1), label="perturbed step")
    c = data.draw(st.integers(-5, 5).filter(bool), label="coefficient")
    k = data.draw(st.integers(0, 3), label="power")
    forms = [rewrite(p) for _, rewrite in chosen]
    forms[at] = sympy.Add(forms[at], c * x**k, evaluate=False)
    result, derivation = grade(_chain_text(forms, one_line=False), part="chain")
    wrong = [step for step in derivation.steps if step.status != "follows"]
    assert [(s.fact.line, s.status) for s in wrong] == [(at + 1, "wrong")], result.detail
    assert derivation.first_wrong.fact.line == at + 1


# ------------------------------------------------------------------ self-tests, options, purity


@pytest.mark.parametrize("options, refs", [
    ({"part": "final", "reference": "df"}, DERIVATIVE),
    ({"part": "chain", "reference": "df", "min_steps": 3}, DERIVATIVE),
    ({"part": "chain"}, {}),
    ({"part": "final", "reference": "w_star", "lhs": "w"}, RIDGE),
    ({"part": "final", "latex": "(X^T X + \\lambda I)^{-1} X^T y", "lhs": "w", "identity": ["I"]}, {}),
    ({"part": "final", "latex": "\\frac{\\partial E_3}{\\partial O_3} H_3"}, {}),
])
def test_self_tests_get_their_labels(options, refs):
    params = Params(**options)
    for case in TYPE.self_test(params, refs):
        ctx = TYPE.prepare("q", Segment.from_text("q", case.text), refs, params)
        parsed = TYPE.parse(ctx, params)
        if case.label == "invalid":
            assert isinstance(parsed, Invalid) or parsed is None
            continue
        assert isinstance(parsed, Parsed), case.text
        comparison = TYPE.compare(parsed, ctx, params)
        assert ("correct" if comparison.fraction >= 1 else "incorrect") == case.label, (case.text, comparison.detail)


@pytest.mark.parametrize("options", [
    {"part": "final"},
    {"part": "final", "latex": "x", "reference": "r"},
    {"part": "chain", "latex": "\\frac{1}{"},
    {"part": "final", "latex": "x", "lhs": "x + 1"},
    {"part": "chain", "operations": ["integrate:x"]},
    {"part": "chain", "operations": ["differentiate:x + 1"]},
    {"part": "chain", "identity": ["2"]},
    {"part": "chain", "carried_forward": 1.5},
    {"part": "steps"},
    {"part": "chain", "surprise": 1},
])
def test_bad_options_are_rubric_errors(options):
    with pytest.raises(pydantic.ValidationError):
        Params(**options)


def test_check_params_names_a_missing_or_unusable_reference():
    assert TYPE.check_params(Params(part="final", reference="nope"), DERIVATIVE)
    assert TYPE.check_params(Params(part="final", reference="v"), {"v": (1, 2)})
    assert TYPE.check_params(Params(part="final", reference="df"), DERIVATIVE) == []


def test_reading_is_pure_and_shared_by_the_final_and_chain_items():
    final, chain = Params(part="final", reference="df"), Params(part="chain", min_steps=2)
    assert TYPE.reading_key(final) == TYPE.reading_key(chain)
    segment = Segment.from_text("q", lines("$$f(x) = x^2 e^{-x}$$", "$$f'(x) = 2x e^{-x} - x^2 e^{-x}$$"))
    assert TYPE.read(segment, final) == TYPE.read(segment, chain)


# ------------------------------------------------------------------ a rubric of our own, end to end

EXAM = """\
id: steps-test
title: Steps test
total: {total}
questions: [{questions}]
budget_seconds: 5
"""

DERIVATIVE_QUESTION = """\
id: q1
title: A derivative
points: 4
markers: ["1."]
terms: ["derivative"]
type: steps
given:
  x: symbol
compute:
  f: x^2 * exp(-x)
  df: diff(f, x)
items:
  - id: result
    points: 2
    description: f'(x)
    check: {part: final, reference: df}
    feedback:
      correct: "Right: {{ found }}."
      default: "f'(x) = {{ expected }}. {{ detail }}"
  - id: working
    points: 2
    description: every step follows from the one before
    check: {part: chain, min_steps: 2, carried_forward: 0.5}
    feedback: "{{ detail }}"
"""

RIDGE_QUESTION = """\
id: q2
title: Ridge regression with one feature
points: 4
markers: ["2."]
terms: ["ridge"]
type: steps
given:
  x: symbol
  y: symbol
  w: symbol
  lam: {symbol: lambda}
compute:
  L: (y - w*x)^2 + lam*w^2
  w_star: solve(diff(L, w), w)[1]
items:
  - id: closed-form
    points: 2
    description: the minimiser
    check: {part: final, reference: w_star, lhs: w}
    feedback: "{{ detail }}"
  - id: working
    points: 2
    description: the derivation
    check: {part: chain, min_steps: 3}
    feedback: "{{ detail }}"
"""

SUM_QUESTION = """\
id: q1
title: A sum
points: 1
markers: ["1."]
terms: ["sum"]
type: steps
items:
  - id: working
    points: 1
    description: the steps
    check: {part: chain, simplify_seconds: 0.2}
    feedback: "{{ detail }}"
"""


def _write(tmp_path, *questions: str):
    import yaml

    from grader.rubric.loader import load_rubric

    specs = [yaml.safe_load(q) for q in questions]
    (tmp_path / "exam.yaml").write_text(EXAM.format(total=sum(s["points"] for s in specs),
                                                    questions=", ".join(s["id"] for s in specs)), encoding="utf-8")
    for spec, text in zip(specs, questions):
        (tmp_path / f"{spec['id']}.yaml").write_text(text, encoding="utf-8")
    return load_rubric(tmp_path)


SHEET = textwrap.dedent(r"""
    Name: A Student

    1. We differentiate with the product rule.

    $$f'(x) = \frac{d}{dx}\left(x^2 e^{-x}\right)$$
    $$= 2x e^{-x} - x^2 e^{-x}$$
    $$= x(2 - x) e^{-x}$$

    2. The ridge loss.

    $$L(w) = (y - wx)^2 + \lambda w^2$$
    $$\frac{dL}{dw} = -2x(y - wx) + 2\lambda w = 0$$
    $$\Rightarrow xy = (x^2 + \lambda) w$$
    $$\Rightarrow w = \frac{xy}{x^2 + \lambda}$$
    """)


def test_a_rubric_with_computed_references_grades_steps_end_to_end(tmp_path):
    from grader.engine import Grader

    grader = Grader(_write(tmp_path, DERIVATIVE_QUESTION, RIDGE_QUESTION))
    result = grader.grade_text(SHEET)
    assert result.status == "graded" and result.score == 8, [(i.id, i.detail) for q in result.questions for i in q.items]
    q1, q2 = result.questions
    assert [i.outcome for i in q1.items] == [Outcome.CORRECT, Outcome.CORRECT]
    assert q1.items[0].feedback == "Right: x(2 - x) e^{-x}."
    assert [e.line for e in q1.items[1].evidence] == [6, 7, 8]

    wrong = SHEET.replace("- x^2 e^{-x}$$", "+ x^2 e^{-x}$$").replace("x(2 - x)", "x(2 + x)")
    q1 = grader.grade_text(wrong).questions[0]
    result_item, working = q1.items
    assert (result_item.outcome, result_item.score) == (Outcome.INCORRECT, 0)
    assert "line 7: = 2x e^{-x} + x^2 e^{-x} does not follow from line 6" in result_item.feedback
    assert (working.outcome, working.score) == (Outcome.PARTIAL, 0.5)  # 1 wrong step, 1 carried at 0.5, of 2

    damaged = SHEET.replace(r"\Rightarrow xy = (x^2 + \lambda) w", r"\Rightarrow xy = (x^2 + \lambda w")
    q2 = grader.grade_text(damaged).questions[1]
    closed, working = q2.items
    assert closed.outcome == Outcome.CORRECT and working.outcome == Outcome.PARTIAL
    assert working.score == pytest.approx(2 * 2 / 3, abs=1e-3)
    assert "unreadable-answer" in [n.code for n in q2.flags]


def test_the_items_of_a_question_read_and_judge_the_derivation_once(tmp_path, monkeypatch):
    from grader.grading import grade_question

    calls = []
    real = grader.types.steps.judge_text
    monkeypatch.setattr(grader.types.steps, "judge_text", lambda *a, **k: calls.append(1) or real(*a, **k))
    question = _write(tmp_path, DERIVATIVE_QUESTION).questions[0]
    segment = Segment.from_text("q1", lines("$$f(x) = x^2 e^{-x}$$", "$$f'(x) = 2x e^{-x} - x^2 e^{-x}$$",
                                            "$$= x(2 - x) e^{-x}$$"))
    result = grade_question(question, segment, budget_seconds=5)
    assert [i.score for i in result.items] == [2, 2] and len(calls) == 1


def test_validate_runs_the_steps_self_tests(tmp_path):
    from grader.cli import main

    _write(tmp_path, DERIVATIVE_QUESTION, RIDGE_QUESTION)
    result = CliRunner().invoke(main, ["validate", str(tmp_path)], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[-1].endswith("self-tests pass)")
