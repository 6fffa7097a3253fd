"""Atoms shared by the LaTeX reader and the graders that use its trees.

A partial derivative written by a student, ``\\frac{\\partial E_3}{\\partial W}``, is
one opaque atom ``Partial(E[3], W)``: it has no derivative semantics of its own
(sympy's ``Derivative`` of a free symbol would ``doit()`` to 0 and make every
chain look right).  A grader gives it meaning by substituting the value of that
atom in a model, e.g. the unrolled RNN of the BPTT solver.

Subscripted names are ``sympy.Indexed`` (``H_{j-1}`` is ``IndexedBase('H')[j - 1]``),
so a sum or product over ``k`` binds the ``k`` inside the atoms and ``doit()``
unrolls it into concrete atoms such as ``Partial(H[2], H[1])``.
"""

from __future__ import annotations

import sympy


class Partial(sympy.Function):
    """∂num/∂den as written by a student: an uninterpreted, non-commutative-safe atom."""

    nargs = 2

    @classmethod
    def eval(cls, num, den):  # noqa: D401 - sympy hook
        # Never simplify: the atom's meaning comes only from the model it is evaluated in.
        return None

    @property
    def num(self) -> sympy.Expr:
        return self.args[0]

    @property
    def den(self) -> sympy.Expr:
        return self.args[1]

    def _latex(self, printer) -> str:
        return r"\frac{\partial %s}{\partial %s}" % (printer._print(self.num), printer._print(self.den))

    def _sympystr(self, printer) -> str:
        return f"d{printer._print(self.num)}/d{printer._print(self.den)}"


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

    def _latex(self, printer) -> str:
        return r"\sigma\left(%s\right)" % printer._print(self.args[0])
