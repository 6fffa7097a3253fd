"""The value of a student's chain of partials in the RNN model, at one sample point.

A tree built by the LaTeX reader (``grader.mathtext.latex``) is walked node by
node — never ``doit()``-ed, ``subs``-tituted or simplified, so nothing a student
wrote is evaluated by sympy. Every ``Partial(num, den)`` atom takes the value the
``rnn_bptt`` solver gives it at the sample point; names (O_t, Ô_t, H_t, x_t, V, W,
U) take the model's values; ``\\sum``/``\\prod`` run over their integer bounds.

Two readings of OCR damage are model-aware and so live here rather than in the
text repairs (each is reported, so the question is flagged for a human):

* a sum whose index letter is not the one its body uses (``\\sum_{\\kappa=0}^{2}``
  over ``\\partial H_k``) binds the body's letter;
* a bare ``∂H_j/∂H_{j-1}`` with ``j`` bound by nothing — a product sign lost to
  OCR — is read as ``∏_{j=k+1}^{t}`` (``k`` the enclosing sum's index, ``t`` the
  step of the left-hand side), the only reading under which it is a Jacobian;
  a ``\\prod`` written without bounds is read the same way;
* a subscript past the last step whose first digit is a step (``E_{34}`` on a
  line about E_3) is read as that step.

A chain written for a general step (``∂E_t/∂W = Σ_{k=1}^{t} …``) is evaluated with
its letter bound to a step (``bind``); a capital ``T`` in a subscript or a bound is
the last step, as in ``Σ_{t=1}^{T}`` (``H_t^T`` is a transpose, never a step).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any, Callable

import sympy

from grader.mathtext.atoms import Outer, Partial, Sigmoid, Transposed
from grader.domains.deep_learning.rnn import Name, RNNSample

_TRANSPOSE = {"T", "top", "intercal", "\\top", "\\intercal"}
_LAST_STEP = sympy.Symbol("T")  # in a subscript or a bound: the last step


class NotInModel(Exception):
    """The expression uses something the model has no value for (the reason says what)."""


@dataclass
class Reading:
    """What evaluating one expression used: the concrete atoms and the names of the OCR readings
    (named like the shared repairs: ``kappa-as-k``, ``unbound-jacobian-as-product``)."""

    atoms: set[tuple[Name, Name]] = field(default_factory=set)
    repairs: list[str] = field(default_factory=list)

    def repaired(self, note: str) -> None:
        if note not in self.repairs:
            self.repairs.append(note)


@lru_cache(maxsize=8192)  # pure in the (hashable, immutable) node; called ~2,700 times a sheet
def base_name(node: Any) -> str:
    """'O' for O, Ô / \\hat{O} / hat(O) -> 'Ohat'; 'E' for E; names as the solver keys them."""
    if isinstance(node, sympy.Indexed):
        return base_name(node.base.label)
    if isinstance(node, sympy.IndexedBase):
        return base_name(node.label)
    if isinstance(node, sympy.Function) and not isinstance(node, Partial) and len(node.args) == 1:
        fname = type(node).__name__.lstrip("\\").lower()
        if fname in ("hat", "widehat"):
            return base_name(node.args[0]) + "hat"
    if isinstance(node, sympy.Symbol):
        text = node.name
    else:
        raise NotInModel(f"{node} is not a name of the model")
    text = text.replace("\\", "").replace("{", "").replace("}", "").replace(" ", "")
    for accent in ("widehat", "hat"):
        if text.startswith(accent) and len(text) > len(accent):
            return text[len(accent):] + "hat"
        if text.endswith("_" + accent) or text.endswith(accent) and len(text) > len(accent):
            return text[: -len(accent)].rstrip("_") + "hat"
    if text == "Ô":
        return "Ohat"
    return text


class Evaluator:
    """Evaluate trees at one sample; ``t`` is the step of the left-hand side (for bare products)."""

    def __init__(self, sample: RNNSample, T: int, t: int | None, reading: Reading,
                 bind: dict[sympy.Symbol, int] | None = None):
        self.sample, self.T, self.t, self.reading = sample, T, t, reading
        self.env: dict[sympy.Symbol, int] = dict(bind or {})
        self.sum_stack: list[sympy.Symbol] = []

    # names ---------------------------------------------------------------------------
    def index(self, expr: Any) -> int:
        if _LAST_STEP not in self.env and _LAST_STEP in getattr(expr, "free_symbols", ()):
            self.env[_LAST_STEP] = self.T  # only while reading this subscript or bound
            try:
                value = self.value(expr)
            finally:
                del self.env[_LAST_STEP]
        else:
            value = self.value(expr)
        if abs(value - round(value)) > 1e-9:
            raise NotInModel(f"subscript {expr} is not a whole number")
        return int(round(value))

    def name(self, node: Any) -> Name:
        base = base_name(node)
        if isinstance(node, sympy.Indexed):
            if len(node.indices) != 1:
                raise NotInModel(f"{node} has more than one subscript")
            idx = self.index(node.indices[0])
            if idx > self.T and base in ("E", "O", "H", "Ohat", "x"):
                head = int(str(idx)[0])
                if 1 <= head <= self.T and (self.t is None or head == self.t):
                    self.reading.repaired(f"subscript-{base}{idx}-as-{base}{head}")
                    idx = head
            return base, idx
        if isinstance(node, sympy.Function) and node.args and isinstance(node.args[0], sympy.Indexed):
            inner = self.name(node.args[0])  # \hat{O}_t read as hat(O_t)
            return base, inner[1]
        return base, None

    # values --------------------------------------------------------------------------
    def value(self, node: Any) -> float:
        if isinstance(node, sympy.Number):
            return float(node)
        if isinstance(node, sympy.Symbol):
            if node in self.env:
                return float(self.env[node])
            return self._named(self.name(node), node)
        if isinstance(node, sympy.Indexed):
            return self._named(self.name(node), node)
        if isinstance(node, Partial):
            return self._partial(node)
        if isinstance(node, sympy.Add):
            return math.fsum(self.value(a) for a in node.args)
        if isinstance(node, sympy.Mul):
            out = 1.0
            for a in node.args:
                out *= self.value(a)
            return out
        if isinstance(node, sympy.Pow):
            base, exp = node.args
            if isinstance(exp, sympy.Symbol) and exp.name in _TRANSPOSE:
                return self.value(base)  # a transpose: the identity on scalars
            b, e = self.value(base), self.value(exp)
            if b == 0 and e < 0:
                raise NotInModel("division by zero")
            out = b**e
            if isinstance(out, complex):
                raise NotInModel("a power with no real value")
            return out
        if isinstance(node, sympy.Sum):
            return self._big(node, math.fsum, 0.0)
        if isinstance(node, sympy.Product):
            return self._big(node, math.prod, 1.0)
        if isinstance(node, Transposed):
            return self.value(node.args[0])  # a transpose: the identity on scalars
        if isinstance(node, Outer):
            return self.value(node.args[0]) * self.value(node.args[1])  # ⊗ of scalars is their product
        if isinstance(node, (sympy.tanh, sympy.exp, sympy.log, Sigmoid)) and len(node.args) == 1:
            return self._function(node)
        if isinstance(node, sympy.Function) and base_name_or_none(node) is not None:
            return self._named(self.name(node), node)
        raise NotInModel(f"cannot use {type(node).__name__} here")

    def _function(self, node: Any) -> float:
        x = self.value(node.args[0])
        if isinstance(node, sympy.tanh):
            return math.tanh(x)
        if isinstance(node, Sigmoid):
            return 1 / (1 + math.exp(-x))
        if isinstance(node, sympy.exp):
            return math.exp(x)
        if x <= 0:
            raise NotInModel("the logarithm of a non-positive value")
        return math.log(x)

    def _named(self, name: Name, node: Any) -> float:
        if name not in self.sample.values:
            raise NotInModel(f"{node} is not a quantity of the model")
        return self.sample.values[name]

    def _partial(self, node: Partial) -> float:
        free = [s for s in _subscript_symbols(node) if s not in self.env and s != _LAST_STEP]
        if free:
            return self._bare_product(node, free)
        num, den = self.name(node.num), self.name(node.den)
        self.reading.atoms.add((num, den))
        value = self.sample.atom(num, den)
        if value is None:
            raise NotInModel(f"∂{_show(num)}/∂{_show(den)} is not a partial of the model")
        return value

    def _bare_product(self, node: Partial, free: list[sympy.Symbol]) -> float:
        """∂H_j/∂H_{j-1} with j unbound: a product whose sign OCR lost."""
        j = free[0]
        if len(free) != 1 or not self.sum_stack or self.t is None:
            raise NotInModel(f"the index {j} of {node} is bound by no sum or product")
        k = self.sum_stack[-1]
        self.reading.repaired("unbound-jacobian-as-product")
        return self._run(node, j, self.env[k] + 1, self.t, math.prod)

    def _big(self, node: Any, combine: Callable, empty: float) -> float:
        body, limits = node.args[0], node.args[1:]
        if len(limits) != 1:
            raise NotInModel("more than one index on one sum or product")
        limit = limits[0]
        var = limit[0]
        bounded = len(limit) == 3 and all(b.is_finite is not False for b in limit[1:])
        if bounded:
            lo, hi = self.index(limit[1]), self.index(limit[2])
        elif self.t is not None and (isinstance(node, sympy.Sum) or self.sum_stack):
            # \sum_k / \prod_j without bounds: the only ranges that make a BPTT chain
            if isinstance(node, sympy.Sum):
                lo, hi = 0, self.t
                self.reading.repaired(f"sum-without-bounds-as-0-to-{self.t}")
            else:
                k = self.sum_stack[-1]
                lo, hi = self.env[k] + 1, self.t
                self.reading.repaired(f"product-without-bounds-as-k+1-to-{self.t}")
        else:
            raise NotInModel(f"the bounds of the {'sum' if isinstance(node, sympy.Sum) else 'product'} over {var} are missing")
        var = self._rebind(body, var)
        if hi - lo > 50:
            raise NotInModel("a sum or product too long for the model")
        if isinstance(node, sympy.Sum):
            self.sum_stack.append(var)
        try:
            return self._run(body, var, lo, hi, combine) if hi >= lo else empty
        finally:
            if isinstance(node, sympy.Sum):
                self.sum_stack.pop()

    def _rebind(self, body: Any, var: sympy.Symbol) -> sympy.Symbol:
        """The letter the body uses when OCR changed the index letter (κ for k)."""
        used = {s for s in _subscript_symbols(body) if s not in self.env and s != _LAST_STEP}
        if var in used or not used:
            return var
        loose = sorted(used - {sympy.Symbol("j")}, key=str) or sorted(used, key=str)
        if len(loose) == 1:
            self.reading.repaired(f"{var}-as-{loose[0]}")
            return loose[0]
        return var

    def _run(self, body: Any, var: sympy.Symbol, lo: int, hi: int, combine: Callable) -> float:
        saved = self.env.get(var)
        values = []
        try:
            for i in range(lo, hi + 1):
                self.env[var] = i
                values.append(self.value(body))
        finally:
            if saved is None:
                self.env.pop(var, None)
            else:
                self.env[var] = saved
        return combine(values)


def base_name_or_none(node: Any) -> str | None:
    try:
        return base_name(node)
    except NotInModel:
        return None


@lru_cache(maxsize=4096)
def _subscript_symbols(tree: Any) -> tuple[sympy.Symbol, ...]:
    """The free letters of ``tree`` used inside a subscript (an index, not a quantity), by name.

    Memoised on the tree (sympy trees are immutable and hashed once): the evaluator asks this
    of the same nodes for every sample and every value of every bound index.
    """
    used: set[sympy.Symbol] = set()
    for node in sympy.preorder_traversal(tree):
        if isinstance(node, sympy.Indexed):
            for i in node.indices:
                used |= {s for s in i.free_symbols if isinstance(s, sympy.Symbol)}
    free = tree.free_symbols
    return tuple(sorted((s for s in used if s in free), key=str))


def _is_subscript_symbol(tree: Any, symbol: sympy.Symbol) -> bool:
    """Is ``symbol`` used inside a subscript somewhere in ``tree`` (an index, not a quantity)?"""
    return symbol in _subscript_symbols(tree)


def _show(name: Name) -> str:
    base, idx = name
    base = "Ô" if base == "Ohat" else base
    return base if idx is None else f"{base}_{idx}"


def evaluate(expr: Any, samples: tuple[RNNSample, ...], T: int, t: int | None,
             bind: dict[sympy.Symbol, int] | None = None) -> tuple[list[float], Reading]:
    """The value of ``expr`` at every sample, and what was used; raises ``NotInModel``.

    ``bind`` gives letters a step (the ``t`` of a chain written for a general step).
    """
    reading = Reading()
    values = [Evaluator(sample, T, t, reading, bind).value(expr) for sample in samples]
    return values, reading


def show_name(name: Name) -> str:
    return _show(name)
