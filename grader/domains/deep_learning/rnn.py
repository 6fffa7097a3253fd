"""Backpropagation through time in a scalar RNN: true gradients and the value of every partial.

The model of the exam (q1), unrolled for ``T`` steps in sympy::

    H_t = tanh(U x_t + W H_{t-1}),  H_0 = 0
    O_t = σ(V H_t)                  (probability of class 1 of a 2-class softmax)
    E_t = −[Ô_t log O_t + (1 − Ô_t) log(1 − O_t)],   E = Σ_t E_t

Why scalars and a sigmoid: a chain of partials written by a student is right when
it has the right VALUE; with scalar weights the chain's value is a number and two
chains agree at random points only when they are the same chain (up to factor
order). A 2-class softmax over logits (V H_t, 0) is exactly σ(V H_t), so
∂E_t/∂O_t = (O_t − Ô_t)/(O_t (1 − O_t)) and ∂O_t/∂H_t = O_t (1 − O_t) V are both
meaningful and their product is the familiar (O_t − Ô_t) V; likewise
∂E_t/∂V = (O_t − Ô_t) H_t, the formula students write as (O_t − Ô_t) ⊗ H_t^T.
For matrices only the order of non-commuting factors would add information,
which the derivation type mentions in its feedback instead.

Which partials are "total" and which "immediate" follows the notation of the
accepted answer: ∂H_k/∂W, ∂H_k/∂U, ∂O_t/∂H_t, ∂O_t/∂V and ∂H_j/∂H_{j-1} are
immediate (everything else held fixed); ∂H_t/∂H_k (k < t), ∂E_t/∂H_k, ∂E_t/∂X and
∂E/∂X are total (through every path), so ∂H_t/∂H_k equals the product of the
Jacobians ∂H_j/∂H_{j-1}.

References (flat): ``T``, ``parameters``, ``samples`` (one ``RNNSample`` per seeded
point: the model's values, every atom's value and the value of known wrong
chains), and per-sample tuples ``dE_dV``, ``dE3_dW``, ... of the true gradients.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from typing import Any, Mapping

import sympy
from pydantic import BaseModel, ConfigDict, Field

from grader.solvers import solver

# A name in the model: ("E", 3) is E_3, ("E", None) is E, ("Ohat", 2) is Ô_2, ("W", None) is W.
Name = tuple[str, int | None]
PARAMETERS = ("V", "W", "U")
RECURRENT = ("W", "U")  # the parameters whose gradient flows back through time


class RNNParams(BaseModel):
    """Steps of the unrolled network, the seed and the number of random sample points."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    T: int = Field(default=3, ge=1, le=8, description="time steps the RNN is unrolled for")
    seed: int = Field(default=0, description="seed of the random sample points")
    samples: int = Field(default=3, ge=1, le=20, description="random points the chains are evaluated at")


@dataclass(frozen=True)
class RNNSample:
    """One random point of the model: ``values`` of names, ``atoms`` (∂num/∂den) and wrong ``variants``.

    ``variants[(t, X, name)]`` is the value of a known wrong chain for ∂E_t/∂X, so a
    student's wrong chain can be named rather than only marked wrong.
    """

    point: Mapping[str, float]
    values: Mapping[Name, float] = field(default_factory=dict)
    atoms: Mapping[tuple[Name, Name], float] = field(default_factory=dict)
    variants: Mapping[tuple[int, str, str], float] = field(default_factory=dict)

    def atom(self, num: Name, den: Name) -> float | None:
        return self.atoms.get((num, den))

    def gradient(self, t: int | None, parameter: str) -> float:
        """∂E_t/∂X (``t`` None: ∂E/∂X), the true total derivative."""
        return self.atoms[(("E", t), (parameter, None))]


class _Model:
    """The unrolled network as sympy expressions of its parameters, inputs and targets."""

    def __init__(self, T: int):
        self.T = T
        self.U, self.W, self.V = sympy.symbols("U W V", real=True)
        self.x = [None] + list(sympy.symbols(f"x1:{T + 1}", real=True))
        self.y = [None] + list(sympy.symbols(f"y1:{T + 1}", real=True))
        self.h, self.o = sympy.symbols("h o", real=True)  # stand-ins for a state held fixed
        self.H = [sympy.Integer(0)]
        for t in range(1, T + 1):
            self.H.append(self.cell(t, self.H[t - 1]))
        self.O = [None] + [self.output(self.H[t]) for t in range(1, T + 1)]
        self.E = [None] + [self.loss(self.O[t], t) for t in range(1, T + 1)]

    def cell(self, t: int, previous: sympy.Expr) -> sympy.Expr:
        return sympy.tanh(self.U * self.x[t] + self.W * previous)

    def output(self, state: sympy.Expr) -> sympy.Expr:
        return 1 / (1 + sympy.exp(-self.V * state))

    def loss(self, output: sympy.Expr, t: int) -> sympy.Expr:
        return -(self.y[t] * sympy.log(output) + (1 - self.y[t]) * sympy.log(1 - output))

    def states_from(self, k: int) -> list[sympy.Expr]:
        """H_k.., H_T as functions of a free H_k = h: for derivatives with respect to a state."""
        states = [self.h]
        for t in range(k + 1, self.T + 1):
            states.append(self.cell(t, states[-1]))
        return states  # states[i] is H_{k+i}


def _point(rng: random.Random, T: int) -> dict[str, float]:
    point = {"U": rng.uniform(-1.5, 1.5), "W": rng.uniform(-1.5, 1.5), "V": rng.uniform(-2, 2)}
    for t in range(1, T + 1):
        point[f"x{t}"] = rng.uniform(-2, 2)
        point[f"y{t}"] = float(rng.randint(0, 1))
    return point


def _sample(model: _Model, point: dict[str, float]) -> RNNSample:
    T = model.T
    symbols = {s: point[s.name] for s in (model.U, model.W, model.V, *model.x[1:], *model.y[1:])}

    def num(expr: sympy.Expr, **held: sympy.Expr) -> float:
        expr = expr.xreplace({**{getattr(model, k): v for k, v in held.items()}})
        return float(expr.xreplace(symbols).evalf())

    par = {"U": model.U, "W": model.W, "V": model.V}
    values: dict[Name, float] = {(p, None): point[p] for p in PARAMETERS}
    atoms: dict[tuple[Name, Name], float] = {}
    values[("H", 0)] = 0.0
    for t in range(1, T + 1):
        values[("x", t)] = point[f"x{t}"]
        values[("Ohat", t)] = point[f"y{t}"]
        values[("H", t)] = num(model.H[t])
        values[("O", t)] = num(model.O[t])
        values[("E", t)] = num(model.E[t])
    values[("E", None)] = sum(values[("E", t)] for t in range(1, T + 1))

    for p in PARAMETERS:
        for q in PARAMETERS:
            atoms[((p, None), (q, None))] = 1.0 if p == q else 0.0
        total = 0.0
        for t in range(1, T + 1):
            g = num(sympy.diff(model.E[t], par[p]))
            atoms[(("E", t), (p, None))] = g
            total += g
        atoms[(("E", None), (p, None))] = total

    h_prev = model.h
    for t in range(1, T + 1):
        H_t, O_t = model.H[t], model.O[t]
        # immediate partials: the previous state (or the state feeding the output) held fixed
        step = model.cell(t, h_prev)
        for p in RECURRENT:
            atoms[(("H", t), (p, None))] = num(sympy.diff(step, par[p]), h=model.H[t - 1])
        atoms[(("H", t), ("H", t - 1))] = num(sympy.diff(step, h_prev), h=model.H[t - 1])
        out = model.output(model.h)
        atoms[(("O", t), ("H", t))] = num(sympy.diff(out, model.h), h=H_t)
        atoms[(("O", t), ("V", None))] = num(sympy.diff(O_t, model.V))
        loss = model.loss(model.o, t)
        atoms[(("E", t), ("O", t))] = num(sympy.diff(loss, model.o), o=O_t)
        for p in PARAMETERS:
            atoms.setdefault((("O", t), (p, None)), 0.0 if p != "V" else atoms[(("O", t), ("V", None))])
    for p in RECURRENT:
        atoms[(("H", 0), (p, None))] = 0.0  # H_0 is given, not a function of the weights

    # total derivatives with respect to a state H_k (k < t), through every later step
    for k in range(0, T + 1):
        later = model.states_from(k)
        for t in range(k, T + 1):
            state = later[t - k]
            atoms[(("H", t), ("H", k))] = 1.0 if t == k else num(sympy.diff(state, model.h), h=model.H[k])
            loss = model.loss(model.output(state), t) if t >= 1 else None
            if loss is not None:
                atoms[(("E", t), ("H", k))] = num(sympy.diff(loss, model.h), h=model.H[k])
        atoms[(("E", None), ("H", k))] = sum(atoms[(("E", t), ("H", k))] for t in range(max(k, 1), T + 1))
    for t in range(1, T + 1):
        atoms[(("E", t), ("E", t))] = 1.0
        for k in range(t + 1, T + 1):
            atoms[(("H", t), ("H", k))] = 0.0  # a later state does not change an earlier one

    return RNNSample(point, values, atoms, _variants(atoms, T))


def _chain(atoms: Mapping, t: int, last: str, ks: range, product: bool = True) -> float:
    """Σ_k ∂E_t/∂O_t ∂O_t/∂H_t (∂H_t/∂H_k) ∂H_k/∂last over ``ks``."""
    head = atoms[(("E", t), ("O", t))] * atoms[(("O", t), ("H", t))]
    total = 0.0
    for k in ks:
        jac = atoms[(("H", t), ("H", k))] if product else 1.0
        total += head * jac * atoms[(("H", k), (last, None))]
    return total


def _variants(atoms: Mapping, T: int) -> dict[tuple[int, str, str], float]:
    """Known wrong chains for ∂E_t/∂W and ∂E_t/∂U, by the fault a TA would name."""
    out: dict[tuple[int, str, str], float] = {}
    for t in range(1, T + 1):
        for p in RECURRENT:
            other = "U" if p == "W" else "W"
            out[(t, p, "chain")] = _chain(atoms, t, p, range(0, t + 1))
            out[(t, p, "no-product")] = _chain(atoms, t, p, range(0, t + 1), product=False)
            out[(t, p, "wrong-last-factor")] = _chain(atoms, t, other, range(0, t + 1))
            out[(t, p, "short-sum")] = _chain(atoms, t, p, range(0, t))
            out[(t, p, "short-sum-wrong-last-factor")] = _chain(atoms, t, other, range(0, t))
            out[(t, p, "short-sum-no-product")] = _chain(atoms, t, p, range(0, t), product=False)
            out[(t, p, "last-term-only")] = _chain(atoms, t, p, range(t, t + 1))
            out[(t, p, "v-gradient")] = atoms[(("E", t), ("V", None))]
    return out


@solver("rnn_bptt", RNNParams)
def rnn_bptt(params: RNNParams) -> dict[str, Any]:
    """True BPTT gradients of a scalar RNN and the value of every partial at seeded points."""
    model = _Model(params.T)
    rng = random.Random(params.seed)
    samples = tuple(_sample(model, _point(rng, params.T)) for _ in range(params.samples))
    refs: dict[str, Any] = {"T": params.T, "parameters": PARAMETERS, "samples": samples}
    for p in PARAMETERS:
        refs[f"dE_d{p}"] = tuple(s.gradient(None, p) for s in samples)
        for t in range(1, params.T + 1):
            refs[f"dE{t}_d{p}"] = tuple(s.gradient(t, p) for s in samples)
    return refs
