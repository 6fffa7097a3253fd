"""ranked_retrieval against the paper's published values and independent float implementations."""

from fractions import Fraction

import numpy as np
import pytest
from hypothesis import given, settings, strategies as st
from pydantic import ValidationError

from grader.solvers import get_solver
from grader.domains.deep_learning.retrieval import AP_METHODS, ap_all_point, ap_11pt, relevance_word

Q3 = "T T F F F T T F F T".split()


def solve(relevance, total_relevant):
    s = get_solver("ranked_retrieval")
    return s.fn(s.params.model_validate({"relevance": relevance, "total_relevant": total_relevant}))


# --- independent implementations, written differently on purpose (floats, numpy, rank loops) ---

def voc2010_ap(precision, recall):
    """The PASCAL VOC devkit's VOCap, transcribed: sentinel ends, right-to-left max, sum of steps."""
    mrec = np.concatenate(([0.0], recall, [1.0]))
    mpre = np.concatenate(([0.0], precision, [0.0]))
    for i in range(len(mpre) - 2, -1, -1):
        mpre[i] = max(mpre[i], mpre[i + 1])
    idx = np.where(mrec[1:] != mrec[:-1])[0]
    return float(np.sum((mrec[idx + 1] - mrec[idx]) * mpre[idx + 1]))


def voc2007_ap(precision, recall):
    """The VOC2007 devkit's 11-point loop: for t in 0:0.1:1, p = max(prec[rec >= t]) or 0."""
    precision, recall = np.asarray(precision), np.asarray(recall)
    total = 0.0
    for t in np.arange(0.0, 1.1, 0.1):
        mask = recall >= t - 1e-12
        total += float(np.max(precision[mask])) if mask.any() else 0.0
    return total / 11.0


def float_rows(relevance, total_relevant):
    precision, recall, hits = [], [], 0
    for i, rel in enumerate(relevance):
        hits += rel
        precision.append(hits / (i + 1))
        recall.append(hits / total_relevant)
    return precision, recall


def trec_ap(relevance, total_relevant):
    hits, total = 0, 0.0
    for i, rel in enumerate(relevance):
        if rel:
            hits += 1
            total += hits / (i + 1)
    return total / total_relevant


# --- the paper's question ---

def test_q3_published_values():
    refs = solve(Q3, 5)
    assert refs["ap_11pt"] == Fraction(58, 77)
    assert refs["ap_all_point"] == Fraction(51, 70)
    assert refs["ap_non_interpolated"] == Fraction(5, 7)
    assert refs["precision"] == tuple(Fraction(x) for x in "1 1 2/3 1/2 2/5 1/2 4/7 1/2 4/9 1/2".split())
    assert refs["recall"] == tuple(Fraction(x) for x in "1/5 2/5 2/5 2/5 2/5 3/5 4/5 4/5 4/5 1".split())
    assert refs["relevant"] == (True, True, False, False, False, True, True, False, False, True)
    assert refs["interpolated_precision"] == tuple(Fraction(x) for x in "1 1 1 1 1 4/7 4/7 4/7 4/7 1/2".split())


@pytest.mark.parametrize("marks", [
    Q3,
    [m == "T" for m in Q3],
    "T, T, F, F, F, T, T, F, F, T",
    ["true", "True", "f", "no", "False", "yes", "1", "0", "n", "✓"],
])
def test_relevance_marks_in_any_spelling(marks):
    assert solve(marks, 5)["relevant"] == (True, True, False, False, False, True, True, False, False, True)


@pytest.mark.parametrize("relevance, total, message", [
    (["T", "maybe"], 2, "not a relevance mark"),
    (["T", "T", "T"], 2, "total_relevant"),
    ([], 1, "at least 1"),
    (["T"], 0, "greater than 0"),
])
def test_bad_parameters_are_rubric_errors(relevance, total, message):
    s = get_solver("ranked_retrieval")
    with pytest.raises(ValidationError, match=message):
        s.params.model_validate({"relevance": relevance, "total_relevant": total})


def test_unknown_parameter_is_refused():
    s = get_solver("ranked_retrieval")
    with pytest.raises(ValidationError, match="Extra inputs"):
        s.params.model_validate({"relevance": Q3, "total_relevant": 5, "k": 3})


@pytest.mark.parametrize("word, read", [("T", True), ("relevant", True), ("F", False), ("✗", False), ("perhaps", None)])
def test_relevance_word(word, read):
    assert relevance_word(word) is read


# --- property tests against the independent implementations ---

lists = st.lists(st.booleans(), min_size=1, max_size=30)


@settings(max_examples=100, deadline=None)
@given(lists, st.integers(min_value=0, max_value=5))
def test_matches_independent_float_implementations(relevance, missing):
    total = sum(relevance) + missing
    if total == 0:
        total = 1
    refs = solve(relevance, total)
    precision, recall = float_rows(relevance, total)
    assert [float(p) for p in refs["precision"]] == pytest.approx(precision)
    assert [float(r) for r in refs["recall"]] == pytest.approx(recall)
    assert float(refs["ap_all_point"]) == pytest.approx(voc2010_ap(precision, recall), abs=1e-12)
    assert float(refs["ap_11pt"]) == pytest.approx(voc2007_ap(precision, recall), abs=1e-12)
    assert float(refs["ap_non_interpolated"]) == pytest.approx(trec_ap(relevance, total), abs=1e-12)


@settings(max_examples=100, deadline=None)
@given(lists)
def test_interpolation_never_lowers_precision_and_orders_the_averages(relevance):
    total = max(sum(relevance), 1)
    refs = solve(relevance, total)
    assert all(i >= p for i, p in zip(refs["interpolated_precision"], refs["precision"]))
    # interpolated precision is non-increasing in recall
    pairs = sorted(zip(refs["recall"], refs["interpolated_precision"]))
    assert all(a[1] >= b[1] for a, b in zip(pairs, pairs[1:]))
    # all-point interpolation dominates the non-interpolated mean (each step uses max ≥ own precision)
    assert refs["ap_all_point"] >= refs["ap_non_interpolated"]
    assert 0 <= refs["ap_11pt"] <= 1


def test_perfect_ranking_scores_one_and_empty_hits_score_zero():
    refs = solve(["T", "T", "F"], 2)
    assert refs["ap_11pt"] == refs["ap_all_point"] == refs["ap_non_interpolated"] == 1
    refs = solve(["F", "F"], 3)
    assert refs["ap_11pt"] == refs["ap_all_point"] == refs["ap_non_interpolated"] == 0


def test_methods_recompute_from_rounded_rows():
    """A student's own rounded rows give their own average (error carried forward needs this)."""
    rows = [(Fraction(p), Fraction(r)) for p, r in zip(
        "1 1 0.67 0.5 0.4 0.5 0.57 0.5 0.44 0.5".split(), "0.2 0.4 0.4 0.4 0.4 0.6 0.8 0.8 0.8 1".split())]
    assert ap_11pt(rows) == Fraction("8.28") / 11  # 0.7527..., the sheet's 0.752 truncated
    assert ap_all_point(rows) == Fraction("0.2") * (1 + 1 + Fraction("0.57") * 2 + Fraction("0.5"))
    assert set(AP_METHODS) == {"ap_11pt", "ap_all_point", "ap_non_interpolated"}


def test_scikit_learn_agrees_with_non_interpolated_ap():
    metrics = pytest.importorskip("sklearn.metrics", reason="scikit-learn is not a dependency of exam-grader")
    scores = list(range(len(Q3), 0, -1))
    truth = [m == "T" for m in Q3]
    assert metrics.average_precision_score(truth, scores) == pytest.approx(float(solve(Q3, 5)["ap_non_interpolated"]))
