"""The derivation type on the real answer sheet's q1 (lines 3–71) and on synthetic chains, through the q1 rubric."""

import itertools
from pathlib import Path

import pytest
import sympy
from hypothesis import given, settings, strategies as st
from pydantic import ValidationError

from grader.grading import grade_question
from grader.mathtext.atoms import Partial
from grader.model import Line, Outcome, Segment
from grader.rubric.loader import load_rubric
from grader.selftest import self_test
from grader.solvers import get_solver
from grader.types import get_type
from grader.types.base import Parsed, QuestionContext
from grader.domains.deep_learning.derivation import Claim, DerivationParams

ROOT = Path(__file__).resolve().parents[3]
SHEET = ROOT / "submissions" / "dl-exam" / "cs17btech11037.md"


@pytest.fixture(scope="module")
def q1(tmp_path_factory):
    folder = tmp_path_factory.mktemp("rubric")
    (folder / "q1.yaml").write_text((ROOT / "rubrics" / "dl-exam" / "q1.yaml").read_text())
    (folder / "exam.yaml").write_text("id: dl-exam\ntitle: q1 only\ntotal: 10\nquestions: [q1]\n")
    rubric = load_rubric(folder)
    return rubric, rubric.questions[0]


def grade(question, text):
    segment = text if isinstance(text, Segment) else Segment.from_text("q1", text)
    result = grade_question(question, segment, budget_seconds=5)
    return result, {item.id: item for item in result.items}


def sheet_segment() -> Segment:
    lines = SHEET.read_text(encoding="utf-8").splitlines()
    kept = tuple(Line(n, lines[n - 1]) for n in range(3, 72) if lines[n - 1].strip())
    return Segment("q1", kept, ((3, 71),))


def d(num, den):
    return r"\frac{\partial %s}{\partial %s}" % (num, den)


def chain(p, lower=0, upper=3, product=r"\left(\prod_{j=k+1}^{3} " + d("H_j", "H_{j-1}") + r"\right)", last=None):
    return (r"%s = \sum_{k=%d}^{%d} %s \cdot %s \cdot %s \cdot %s"
            % (d("E_3", p), lower, upper, d("E_3", "O_3"), d("O_3", "H_3"), product, d("H_k", last or p)))


FULL = "\n\n".join([
    "$$E = E_1 + E_2 + E_3$$",
    "$$" + d("E", "V") + " = " + " + ".join(d(f"E_{t}", "V") for t in (1, 2, 3)) + "$$",
    r"$$" + d("E_t", "V") + r" = (O_t - \hat{O}_t) \otimes H_t^{T}$$",
    r"$$" + d("E_3", "V") + r" = (O_3 - \hat{O}_3) \otimes H_3^{T}$$",
    "$$" + d("H_3", "H_k") + r" = \prod_{j=k+1}^{3} " + d("H_j", "H_{j-1}") + "$$",
    r"$$" + d("E_3", "W") + r" = \sum_{k=0}^{3} " + " ".join([d("E_3", "O_3"), d("O_3", "H_3"), d("H_3", "H_k"), d("H_k", "W")]) + "$$",
    r"$$" + d("E_3", "U") + r" = \sum_{k=0}^{3} " + " ".join([d("E_3", "O_3"), d("O_3", "H_3"), d("H_3", "H_k"), d("H_k", "U")]) + "$$",
])


# --- the real sheet ---------------------------------------------------------------------------

def test_real_sheet_q1_partial_credit(q1):
    _, question = q1
    result, items = grade(question, sheet_segment())
    scores = {i: it.score for i, it in items.items()}
    assert scores == {"decomposition": 1.0, "v-gradient": 2.0, "w-chain": 3.5, "u-chain": 0.875}
    assert result.score == 7.375 and result.max == 10


def test_real_sheet_evidence_names_the_lines(q1):
    _, question = q1
    _, items = grade(question, sheet_segment())
    assert [e.line for e in items["decomposition"].evidence] == [45]
    assert [e.line for e in items["v-gradient"].evidence] == [51, 65, 71]  # 65: OCR lost the hat; 71 is labelled U
    assert [e.line for e in items["w-chain"].evidence] == [67]
    assert [e.line for e in items["u-chain"].evidence] == [69]


def test_real_sheet_w_chain_accepted_with_flag_and_named_off_by_one(q1):
    _, question = q1
    result, items = grade(question, sheet_segment())
    w = items["w-chain"]
    assert w.outcome is Outcome.CORRECT
    assert "the sum stops at k = 2" in w.feedback and "k = 3 term" in w.feedback
    assert "order of the non-commuting factors" in w.feedback
    assert "needs-review" in result.flag_codes


def test_real_sheet_u_chain_faults_are_named(q1):
    _, question = q1
    _, items = grade(question, sheet_segment())
    u = items["u-chain"].feedback
    assert "line 69: the last factor should be ∂H_k/∂U, not ∂H_k/∂W" in u
    assert "line 71: this is the V gradient" in u


def test_real_sheet_repairs_are_named_and_flagged(q1):
    _, question = q1
    result, _ = grade(question, sheet_segment())
    for name in ("kappa-as-k", "subscript-E34-as-E3", "product-from-frac-1-over-1", "hat-lost-in-difference", "comma-as-product"):
        assert name in result.repairs
    assert "ocr-repaired" in result.flag_codes
    messages = " ".join(n.message for n in result.flags if n.code == "ocr-repaired")
    for name in ("kappa-as-k", "product-from-frac-1-over-1"):
        assert name in messages


def test_repeated_lines_are_judged_once(q1):
    _, question = q1
    line = "$$" + chain("W") + "$$"
    result, items = grade(question, "\n\n".join([line] * 12))
    assert items["w-chain"].score == 3.5
    assert len(items["w-chain"].evidence) == 1


# --- synthetic answers ------------------------------------------------------------------------

def test_fully_correct_answer_earns_full_marks(q1):
    _, question = q1
    result, items = grade(question, FULL)
    assert result.score == 10, {i: (it.score, it.feedback) for i, it in items.items()}
    assert not result.flags


def test_chain_without_product_earns_part_of_q1(q1):
    _, question = q1
    no_product = FULL.replace(d("H_3", "H_k") + " " + d("H_k", "W"), d("H_k", "W")) \
                     .replace(d("H_3", "H_k") + " " + d("H_k", "U"), d("H_k", "U"))
    result, items = grade(question, no_product)
    assert 0 < result.score < 10
    for item in ("w-chain", "u-chain"):
        assert items[item].outcome is Outcome.PARTIAL
        assert "product of Jacobians" in items[item].feedback


PRODUCT = r"\left(\prod_{j=k+1}^{3} " + d("H_j", "H_{j-1}") + r"\right)"


@pytest.mark.parametrize("text, fraction, named", [
    (chain("W"), 1.0, None),
    (chain("W", lower=1), 1.0, None),                                       # k from 1: the k = 0 term is 0
    (chain("W", product=d("H_3", "H_k")), 1.0, None),                       # ∂H_3/∂H_k for the product
    (d("E_3", "W") + r" = \sum_{k=1}^{3} " + d("E_3", "H_k") + " " + d("H_k", "W"), 1.0, None),  # delta form
    (d("E_3", "W") + r" = \sum_{k=0}^{3} " + d("H_k", "W") + " " + PRODUCT + " " + d("O_3", "H_3") + " " + d("E_3", "O_3"), 1.0, None),
    (d("E_3", "W") + r" = \sum_{k} " + d("E_3", "O_3") + d("O_3", "H_3") + d("H_3", "H_k") + d("H_k", "W"), 1.0, "sum-without-bounds-as-0-to-3"),
    (chain("W", product="1"), 0.4, "product of Jacobians"),
    (chain("W", last="U"), 0.25, "last factor should be ∂H_k/∂W"),
    (chain("W", upper=2), 1.0, "the sum stops at k = 2"),                  # the rubric accepts it, flagged
    (d("E_3", "W") + " = " + " ".join([d("E_3", "O_3"), d("O_3", "H_3"), d("H_3", "W")]), 0.25, "only the k = 3 term"),
    (chain("W", lower=1, product=r"\left(\prod_{j=k}^{3} " + d("H_j", "H_{j-1}") + r"\right)"), 0.0, "does not give"),
    (chain("W", product=r"\left(\prod_{j=k}^{3} " + d("H_j", "H_{j-1}") + r"\right)"), 0.0, "∂H_0/∂H_-1 is not a partial"),
])
def test_w_chain_forms(q1, text, fraction, named):
    _, question = q1
    _, items = grade(question, "$$" + text + "$$")
    item = items["w-chain"]
    assert item.score == pytest.approx(3.5 * fraction)
    if named:
        assert named in item.feedback


@pytest.mark.parametrize("text, right", [
    (d("E_2", "V") + r" = (O_2 - \hat{O}_2) H_2^{T}", True),
    (d("E_3", "V") + r" = (O_3 - \hat{O}_3) \otimes H_3^{\top}", True),
    (d("E", "V") + r" = \sum_{t=1}^{3} (O_t - \hat{O}_t) H_t", True),
    (d("E_3", "V") + r" = (O_3 - \hat{O}_3) x_3", False),
    (d("E_3", "V") + r" = (\hat{O}_3 - O_3) H_3", False),                # sign
    (d("E_3", "V") + " = " + d("E_3", "V"), False),                       # circular
])
def test_v_gradient_forms(q1, text, right):
    _, question = q1
    _, items = grade(question, "$$" + text + "$$")
    assert items["v-gradient"].score == (2.0 if right else 0.0)


def test_decomposition_needs_every_step(q1):
    _, question = q1
    _, items = grade(question, "$$" + d("E", "W") + " = " + d("E_1", "W") + " + " + d("E_3", "W") + "$$")
    assert items["decomposition"].score == 0


def test_unreadable_math_is_invalid_not_wrong(q1):
    _, question = q1
    _, items = grade(question, "$$" + d("E_3", "W") + r" = \sum_{k=0}^{3} \frac{\partial E_3}{$$")
    assert items["w-chain"].outcome is Outcome.INVALID


def test_no_math_is_missing(q1):
    _, question = q1
    _, items = grade(question, "I did not have time for this one.")
    assert {it.outcome for it in items.values()} == {Outcome.MISSING}


def test_rubric_self_tests_pass(q1):
    rubric, _ = q1
    assert self_test(rubric) == []


# --- trees built directly (factor order, hypothesis) --------------------------------------------

REFS = get_solver("rnn_bptt").fn(get_solver("rnn_bptt").params.model_validate({"T": 3, "seed": 2017}))
E, O, H = (sympy.IndexedBase(n) for n in "EOH")
W, U = sympy.symbols("W U")
k, j = sympy.symbols("k j")


@settings(max_examples=30, deadline=None)
@given(st.permutations(range(4)), st.sampled_from([0, 1]), st.sampled_from(["W", "U"]))
def test_any_factor_order_and_start_is_right(order, lower, p):
    param = sympy.Symbol(p)
    factors = [Partial(E[3], O[3]), Partial(O[3], H[3]),
               sympy.Product(Partial(H[j], H[j - 1]), (j, k + 1, 3)), Partial(H[k], param)]
    body = sympy.Mul(*[factors[i] for i in order], evaluate=False)
    claim = Claim(1, "tree", 3, p, sympy.Sum(body, (k, lower, 3)))
    qtype = get_type("derivation")
    params = DerivationParams(part="chain", parameters=[p])
    ctx = QuestionContext("q1", Segment.from_text("q1", "x"), REFS)
    assert qtype.compare(Parsed((claim,)), ctx, params).fraction == 1.0


@pytest.mark.parametrize("check, message", [
    ({"part": "chain", "parameters": ["V"]}, "no chain through time"),
    ({"part": "formula", "parameters": ["V", "W"]}, "exactly one parameter"),
    ({"part": "chain", "parameters": ["W"], "variants": {"made-up": 1}}, "unknown"),
    ({"part": "chain", "parameters": ["W"], "variants": {"no-product": 2}}, "must lie in"),
    ({"part": "decomposition", "parameters": ["X"]}, "parameters"),
    ({"part": "chain", "parameters": ["W"], "extra": 1}, "extra"),
])
def test_bad_checks_are_rubric_errors(check, message):
    with pytest.raises(ValidationError, match=message):
        DerivationParams.model_validate(check)


def test_check_params_needs_the_rnn_solver():
    qtype = get_type("derivation")
    params = DerivationParams(part="chain", parameters=["W"], t=5)
    assert qtype.check_params(params, {}) and "past the last step" in qtype.check_params(params, REFS)[0]


@pytest.mark.parametrize("require, written, fraction", [
    ("any", ["V"], 1.0), ("all", ["V"], 1 / 3), ("all", ["V", "W", "U"], 1.0), ("all", [], 0.0),
])
def test_decomposition_for_any_or_all_parameters(require, written, fraction):
    claims = tuple(Claim(n, "tree", None, p, sympy.Add(*[Partial(E[t], sympy.Symbol(p)) for t in (1, 2, 3)]))
                   for n, p in enumerate(written, start=1))
    params = DerivationParams(part="decomposition", parameters=["V", "W", "U"], require=require)
    ctx = QuestionContext("q1", Segment.from_text("q1", "x"), REFS)
    assert get_type("derivation").compare(Parsed(claims), ctx, params).fraction == pytest.approx(fraction)


# --- a general step t and several statements on one line ---------------------------------------

SYNTHETIC = ROOT / "submissions" / "dl-exam" / "synthetic-correct-shuffled.md"


def general_chain(p, upper="t", product=r"\left(\prod_{j=k+1}^{t} " + d("H_j", "H_{j-1}") + r"\right)", step="t"):
    return (r"%s = \sum_{k=1}^{%s} %s %s %s %s" % (d(f"E_{step}", p), upper, d(f"E_{step}", f"O_{step}"),
                                                  d(f"O_{step}", f"H_{step}"), product, d("H_k", p)))


def test_synthetic_correct_sheet_earns_full_q1(q1):
    """Its V gradient is written for a general t and its decompositions share one line."""
    _, question = q1
    lines = SYNTHETIC.read_text(encoding="utf-8").splitlines()
    start = lines.index("Q1") + 1
    end = next(n for n in range(start, len(lines)) if lines[n] == "Q6")
    segment = Segment("q1", tuple(Line(n + 1, lines[n]) for n in range(start, end) if lines[n].strip()), ((start + 1, end),))
    result, items = grade(question, segment)
    assert result.score == 10, {i: (it.score, it.feedback) for i, it in items.items()}
    assert not result.flags
    assert [e.line for e in items["v-gradient"].evidence] == [29]


@pytest.mark.parametrize("text, score, flagged", [
    (d("E_t", "V") + r" = (O_t - \hat{O}_t) H_t^T", 2.0, False),
    (d("E_t", "V") + r" = (O_t - \hat{O}_t) \otimes H_t^{\top}", 2.0, False),
    (d("E_T", "V") + r" = (O_T - \hat{O}_T) H_T^T", 2.0, False),               # E_T: the last step
    (d("E_t", "V") + r" = (O_3 - \hat{O}_3) H_3", 2.0, True),                  # right at t = 3 only
    (d("E_t", "V") + r" = (O_t - \hat{O}_t) x_t", 0.0, False),
    (d("E_t", "V") + r" = (\hat{O}_t - O_t) H_t", 0.0, False),
])
def test_v_gradient_for_a_general_step(q1, text, score, flagged):
    _, question = q1
    result, items = grade(question, "$$" + text + "$$")
    assert items["v-gradient"].score == score
    assert ("needs-review" in result.flag_codes) == flagged
    if flagged:
        assert "right at t = 3 only" in items["v-gradient"].feedback


@pytest.mark.parametrize("text, fraction, named", [
    (general_chain("W"), 1.0, None),
    (general_chain("W", product=d("H_t", "H_k")), 1.0, None),
    (d("E_t", "W") + r" = \sum_{k=1}^{t} " + d("E_t", "H_k") + " " + d("H_k", "W"), 1.0, None),   # delta form
    (general_chain("W", upper="T", step="T", product=r"\left(\prod_{j=k+1}^{T} " + d("H_j", "H_{j-1}") + r"\right)"), 1.0, None),
    (general_chain("W", product="1"), 0.4, "product of Jacobians"),
    (general_chain("W", upper="t-1"), 1.0, "the sum stops at k = 2"),          # the rubric's short-sum credit
    (general_chain("W", upper="3"), 1.0, "right at t = 3 only"),               # the bound is not t: flagged
])
def test_w_chain_for_a_general_step(q1, text, fraction, named):
    _, question = q1
    result, items = grade(question, "$$" + text + "$$")
    assert items["w-chain"].score == pytest.approx(3.5 * fraction)
    if named:
        assert named in items["w-chain"].feedback
    assert ("needs-review" in result.flag_codes) == (fraction == 1 and named is not None)


def test_general_u_chain_without_product_earns_part(q1):
    _, question = q1
    _, items = grade(question, "$$" + general_chain("U", product="") + "$$")
    assert items["u-chain"].score == pytest.approx(3.5 * 0.4)
    assert items["u-chain"].outcome is Outcome.PARTIAL


@pytest.mark.parametrize("separator", [r", \quad", r"\qquad", ";", r"\text{and}", r"\quad", r", \\"])
def test_several_statements_on_one_line(q1, separator):
    _, question = q1
    decompositions = [d("E", p) + " = " + " + ".join(d(f"E_{t}", p) for t in (1, 2, 3)) for p in "VWU"]
    line = "$$" + f" {separator} ".join([decompositions[0], chain("W"), chain("U")]) + "$$"
    result, items = grade(question, line)
    assert (items["decomposition"].score, items["w-chain"].score, items["u-chain"].score) == (1.0, 3.5, 3.5)
    assert items["w-chain"].evidence[0].text == chain("W")
