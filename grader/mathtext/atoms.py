"""Atoms shared by the LaTeX reader and the graders that use its trees.

A partial derivative written by a student, ``\\frac{\\partial E_3}{\\partial W}``, is
one opaque atom ``Partial(E[3], W)``: it has no derivative semantics of its own
(sympy's ``Derivative`` of a free symbol would ``doit()`` to 0 and make every
chain look right).  A grader gives it meaning by substituting the value of that
atom in a model, e.g. the unrolled RNN of the BPTT solver.

Subscripted names are ``sympy.Indexed`` (``H_{j-1}`` is ``IndexedBase('H')[j - 1]``),
so a sum or product over ``k`` binds the ``k`` inside the atoms and ``doit()``
unrolls it into concrete atoms such as ``Partial(H[2], H[1])``.

``Diff(y, x)`` is ``\\frac{dy}{dx}`` the same way: a name-like atom (nested for higher
orders, ``\\frac{d^2 y}{dx^2}`` is ``Diff(Diff(y, x), x)``). ``Factorial`` and
``Binomial`` are sympy's, except that they never compute a huge integer: ``n!`` of a
whole number above ``MAX_FACTORIAL`` stays unevaluated (substituting a big number
into ``n!`` must not stall a comparison inside one C call).
"""

from __future__ import annotations

import sympy


class _Ratio(sympy.Function):
    """A derivative written as a ratio of differentials: an uninterpreted atom (never simplified:
    its meaning comes only from the model it is evaluated in)."""

    nargs = 2
    _differential = "d"  # how the LaTeX writes it

    @classmethod
    def eval(cls, num, den):  # noqa: D401 - sympy hook
        return None

    @property
    def num(self) -> sympy.Expr:
        return self.args[0]

    @property
    def den(self) -> sympy.Expr:
        return self.args[1]

    def _latex(self, printer) -> str:
        d = self._differential
        return r"\frac{%s %s}{%s %s}" % (d, printer._print(self.num), d, printer._print(self.den))

    def _sympystr(self, printer) -> str:
        return f"d{printer._print(self.num)}/d{printer._print(self.den)}"


class Partial(_Ratio):
    """∂num/∂den as written by a student: an uninterpreted, non-commutative-safe atom."""

    _differential = r"\partial"


class Diff(_Ratio):
    """dy/dx as written by a student (``\\frac{dy}{dx}``): an uninterpreted atom, like ``Partial``."""


class Event(sympy.Function):
    """``(X = k)`` / ``(X \\leq 3)`` inside a probability ``P(X = k)``: an uninterpreted atom.

    Its arguments are the two sides and the relation as a ``Str`` (``=``, ``≤`` …)."""

    nargs = 3

    @classmethod
    def eval(cls, left, relation, right):  # noqa: D401 - sympy hook
        return None

    def _sympystr(self, printer) -> str:
        return f"({printer._print(self.args[0])} {self.args[1].name} {printer._print(self.args[2])})"


MAX_FACTORIAL = 1000


def _huge(*args: sympy.Basic) -> bool:
    return any(a.is_Integer and abs(a) > MAX_FACTORIAL for a in args)


class Factorial(sympy.factorial):
    """``n!``: sympy's factorial, left unevaluated for a whole number above MAX_FACTORIAL."""

    @classmethod
    def eval(cls, n):  # noqa: D401 - sympy hook
        if _huge(n):
            return None
        return super().eval(n)

    def _eval_rewrite_as_gamma(self, n, piecewise=True, **kwargs):
        return None if _huge(n) else sympy.gamma(n + 1)

    def _eval_rewrite_as_Product(self, n, **kwargs):
        return None


class Binomial(sympy.binomial):
    """``\\binom{n}{k}``: sympy's binomial, left unevaluated when n or k is a whole number above MAX_FACTORIAL."""

    @classmethod
    def eval(cls, n, k):  # noqa: D401 - sympy hook
        if _huge(n, k):
            return None
        return super().eval(n, k)

    def _eval_rewrite_as_gamma(self, n, k, piecewise=True, **kwargs):
        return None if _huge(n, k) else sympy.gamma(n + 1) / (sympy.gamma(k + 1) * sympy.gamma(n - k + 1))

    def _eval_rewrite_as_factorial(self, n, k, **kwargs):
        return None if _huge(n, k) else Factorial(n) / (Factorial(k) * Factorial(n - k))


class Transposed(sympy.Function):
    """``X^T`` / ``X^\\top`` as written: a marker, since the reader's symbols are scalars.

    Transposing twice gives the argument back; nothing else is simplified, so
    ``W^T h`` never becomes equal to ``W h``.
    """

    nargs = 1

    @classmethod
    def eval(cls, arg):  # noqa: D401 - sympy hook
        if isinstance(arg, Transposed):
            return arg.args[0]
        return None

    def _latex(self, printer) -> str:
        return r"{%s}^{T}" % printer._print(self.args[0])

    def _sympystr(self, printer) -> str:
        return f"{printer._print(self.args[0])}^T"


class Outer(sympy.Function):
    """``a \\otimes b``: an outer (non-commutative) product kept as written, never reordered."""

    nargs = 2

    @classmethod
    def eval(cls, left, right):  # noqa: D401 - sympy hook
        return None

    def _latex(self, printer) -> str:
        return r"%s \otimes %s" % (printer._print(self.args[0]), printer._print(self.args[1]))

    def _sympystr(self, printer) -> str:
        return f"({printer._print(self.args[0])} (x) {printer._print(self.args[1])})"


class Sigmoid(sympy.Function):
    """The logistic function σ(x) = 1 / (1 + e^{-x}), kept as one node (``\\sigma(z)``, ``sigmoid(z)``)."""

    nargs = 1

    @classmethod
    def eval(cls, arg):  # noqa: D401 - sympy hook
        return None

    def _eval_rewrite_as_exp(self, arg, **kwargs):
        return 1 / (1 + sympy.exp(-arg))

    def fdiff(self, argindex=1):
        """σ'(x) = σ(x)(1 − σ(x)), so ``\\frac{d}{dz}\\sigma(z)`` can be worked out."""
        value = Sigmoid(self.args[0])
        return value * (1 - value)

    def _latex(self, printer) -> str:
        return r"\sigma\left(%s\right)" % printer._print(self.args[0])
