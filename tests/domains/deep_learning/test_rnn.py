"""rnn_bptt against an independent numpy RNN and finite differences."""

import math

import numpy as np
import pytest
from hypothesis import given, settings, strategies as st
from pydantic import ValidationError

from grader.solvers import get_solver


def solve(**params):
    s = get_solver("rnn_bptt")
    return s.fn(s.params.model_validate(params))


def forward(point, T, **override):
    """E and the states of the scalar RNN, written independently of the solver (numpy floats)."""
    p = {**point, **override}
    H, total, states, outputs = 0.0, 0.0, [0.0], [None]
    for t in range(1, T + 1):
        H = np.tanh(p["U"] * p[f"x{t}"] + p["W"] * H)
        O = 1 / (1 + np.exp(-p["V"] * H))
        y = p[f"y{t}"]
        total += -(y * np.log(O) + (1 - y) * np.log(1 - O))
        states.append(H)
        outputs.append(O)
    return total, states, outputs


def loss_at(point, T, t, **override):
    p = {**point, **override}
    H = 0.0
    for s in range(1, t + 1):
        H = np.tanh(p["U"] * p[f"x{s}"] + p["W"] * H)
    O = 1 / (1 + np.exp(-p["V"] * H))
    return -(p[f"y{t}"] * np.log(O) + (1 - p[f"y{t}"]) * np.log(1 - O))


def central(f, x, h=1e-6):
    return (f(x + h) - f(x - h)) / (2 * h)


@settings(max_examples=15, deadline=None)
@given(st.integers(1, 4), st.integers(0, 10_000))
def test_gradients_match_finite_differences(T, seed):
    refs = solve(T=T, seed=seed, samples=2)
    for sample in refs["samples"]:
        point = dict(sample.point)
        for p in ("V", "W", "U"):
            numeric = central(lambda v: forward(point, T, **{p: v})[0], point[p])
            assert sample.gradient(None, p) == pytest.approx(numeric, rel=1e-5, abs=1e-8)
            for t in range(1, T + 1):
                numeric_t = central(lambda v: loss_at(point, T, t, **{p: v}), point[p])
                assert sample.gradient(t, p) == pytest.approx(numeric_t, rel=1e-5, abs=1e-8)


def test_values_of_the_model_match_numpy():
    refs = solve(T=3, seed=7, samples=3)
    for sample in refs["samples"]:
        E, states, outputs = forward(dict(sample.point), 3)
        assert sample.values[("E", None)] == pytest.approx(E, rel=1e-12)
        for t in range(1, 4):
            assert sample.values[("H", t)] == pytest.approx(states[t], rel=1e-12)
            assert sample.values[("O", t)] == pytest.approx(outputs[t], rel=1e-12)


@pytest.mark.parametrize("seed", [0, 1, 2017])
def test_atoms_are_the_textbook_formulas(seed):
    refs = solve(T=3, seed=seed)
    for s in refs["samples"]:
        v = s.values
        a = s.atom
        for t in range(1, 4):
            O, Oh, H, V = v[("O", t)], v[("Ohat", t)], v[("H", t)], v[("V", None)]
            # softmax + cross-entropy: the chain ∂E_t/∂O_t ∂O_t/∂H_t is (O_t − Ô_t) V
            assert a(("E", t), ("O", t)) * a(("O", t), ("H", t)) == pytest.approx((O - Oh) * V, rel=1e-12)
            assert a(("E", t), ("V", None)) == pytest.approx((O - Oh) * H, rel=1e-9)
            # immediate partials: the previous state held fixed
            H_prev, W, x = v[("H", t - 1)], v[("W", None)], v[("x", t)]
            assert a(("H", t), ("W", None)) == pytest.approx((1 - H**2) * H_prev, rel=1e-12, abs=1e-15)
            assert a(("H", t), ("U", None)) == pytest.approx((1 - H**2) * x, rel=1e-12)
            assert a(("H", t), ("H", t - 1)) == pytest.approx((1 - H**2) * W, rel=1e-12)
        assert a(("H", 0), ("W", None)) == 0 and a(("V", None), ("V", None)) == 1 and a(("W", None), ("U", None)) == 0


@pytest.mark.parametrize("T", [2, 3, 5])
def test_total_state_jacobian_is_the_product_and_bptt_sums_to_the_gradient(T):
    refs = solve(T=T, seed=3, samples=2)
    for s in refs["samples"]:
        for k in range(0, T + 1):
            for t in range(k, T + 1):
                product = math.prod(s.atom(("H", j), ("H", j - 1)) for j in range(k + 1, t + 1))
                assert s.atom(("H", t), ("H", k)) == pytest.approx(product, rel=1e-10, abs=1e-14)
        for t in range(1, T + 1):
            for p in ("W", "U"):
                assert s.variants[(t, p, "chain")] == pytest.approx(s.gradient(t, p), rel=1e-10, abs=1e-14)
                delta = sum(s.atom(("E", t), ("H", k)) * s.atom(("H", k), (p, None)) for k in range(1, t + 1))
                assert delta == pytest.approx(s.gradient(t, p), rel=1e-10, abs=1e-14)


def test_wrong_variants_differ_from_the_gradient():
    """At random points a wrong chain never coincides with the right one (what naming faults relies on)."""
    s = solve(T=3, seed=11)["samples"][0]
    for p in ("W", "U"):
        right = s.gradient(3, p)
        for name in ("no-product", "wrong-last-factor", "short-sum", "last-term-only", "v-gradient"):
            assert abs(s.variants[(3, p, name)] - right) > 1e-6 * max(1, abs(right)), (p, name)


def test_deterministic_and_flat_references():
    a, b = solve(T=3, seed=5), solve(T=3, seed=5)
    assert a["dE3_dW"] == b["dE3_dW"] and a["samples"] == b["samples"]
    assert solve(T=3, seed=6)["dE3_dW"] != a["dE3_dW"]
    assert {"T", "parameters", "samples", "dE_dV", "dE_dW", "dE_dU", "dE1_dU", "dE3_dV"} <= set(a)
    assert len(a["dE_dW"]) == 3 and all(isinstance(v, float) for v in a["dE_dW"])


@pytest.mark.parametrize("params", [{"T": 0}, {"T": 9}, {"samples": 0}, {"hidden": 2}, {"T": "three"}])
def test_bad_parameters_are_rubric_errors(params):
    with pytest.raises(ValidationError):
        get_solver("rnn_bptt").params.model_validate(params)
