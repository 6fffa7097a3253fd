"""focal_loss against numpy's direct formulas and its limits."""

import math
from fractions import Fraction

import numpy as np
import pytest
from hypothesis import given, settings, strategies as st
from pydantic import ValidationError

from grader.solvers import get_solver
from grader.domains.deep_learning.losses import key_number


def solve(**params):
    s = get_solver("focal_loss")
    return s.fn(s.params.model_validate(params))


def test_paper_example_hundred_times_smaller():
    refs = solve(p_t=[0.9], gamma=[0, 2])
    assert refs["ce_over_fl_p0.9_g2"] == 100
    assert refs["modulating_factor_p0.9_g2"] == Fraction(1, 100)
    assert refs["ce_over_fl_p0.9_g0"] == 1
    assert refs["focal_loss_p0.9_g0"] == refs["cross_entropy_p0.9"]  # gamma = 0 is cross-entropy


@settings(max_examples=100, deadline=None)
@given(st.integers(1, 99), st.sampled_from([0, 0.5, 1, 2, 5]), st.sampled_from([None, 0.25, 1]))
def test_matches_numpy_formula(percent, gamma, alpha):
    p = percent / 100
    params = {"p_t": [p], "gamma": [gamma]} | ({"alpha": alpha} if alpha is not None else {})
    refs = solve(**params)
    pk, gk = key_number(Fraction(percent, 100)), key_number(Fraction(str(gamma)))
    a = 1.0 if alpha is None else alpha
    fl = -a * np.power(1 - p, gamma) * np.log(p)
    ce = -np.log(p)
    assert refs[f"focal_loss_p{pk}_g{gk}"] == pytest.approx(fl, rel=1e-12)
    assert refs[f"cross_entropy_p{pk}"] == pytest.approx(ce, rel=1e-12)
    assert float(refs[f"ce_over_fl_p{pk}_g{gk}"]) == pytest.approx(1 / np.power(1 - p, gamma), rel=1e-12)
    if gamma == 0:
        assert refs[f"focal_loss_p{pk}_g{gk}"] == pytest.approx(a * ce, rel=1e-15)


@pytest.mark.parametrize("gamma, exact", [(2, True), (0, True), (0.5, False)])
def test_factor_is_exact_for_integer_gamma(gamma, exact):
    refs = solve(p_t=["3/4"], gamma=[gamma])
    factor = refs[f"modulating_factor_p0.75_g{key_number(Fraction(str(gamma)))}"]
    assert isinstance(factor, Fraction) is exact
    assert float(factor) == pytest.approx(0.25 ** gamma)


def test_focal_loss_falls_as_examples_get_easier():
    refs = solve(p_t=[0.1, 0.5, 0.9, 0.99], gamma=[2])
    losses = [refs[f"focal_loss_p{k}_g2"] for k in ("0.1", "0.5", "0.9", "0.99")]
    assert losses == sorted(losses, reverse=True)
    assert refs["ce_over_fl_p0.99_g2"] == 10_000


@pytest.mark.parametrize("params, message", [
    ({"p_t": [1], "gamma": [2]}, "strictly between 0 and 1"),
    ({"p_t": [0], "gamma": [2]}, "strictly between 0 and 1"),
    ({"p_t": [0.5], "gamma": [-1]}, "must not be negative"),
    ({"p_t": [0.5], "gamma": [1], "alpha": 0}, r"alpha = 0 must lie in \(0, 1\]"),
    ({"p_t": ["half"], "gamma": [1]}, "is not a number"),
    ({"p_t": [0.5], "gamma": [True]}, "not a boolean"),
    ({"p_t": [0.5], "gamma": [1], "beta": 1}, "Extra inputs"),
])
def test_bad_parameters_are_rubric_errors(params, message):
    s = get_solver("focal_loss")
    with pytest.raises(ValidationError, match=message):
        s.params.model_validate(params)


@pytest.mark.parametrize("value, key", [(Fraction(9, 10), "0.9"), (Fraction(2), "2"), (Fraction(1, 4), "0.25"),
                                        (Fraction(1, 3), "1_3"), (Fraction(99, 100), "0.99"), (Fraction(21, 20), "1.05")])
def test_key_numbers(value, key):
    assert key_number(value) == key


def test_scalar_parameters_are_lists_of_one():
    refs = solve(p_t=0.9, gamma=2)
    assert refs["p_t"] == (Fraction(9, 10),) and math.isclose(refs["focal_loss_p0.9_g2"], -0.01 * math.log(0.9))
