"""What the reader returns (``Statement``) and the helpers graders apply to its trees."""

from __future__ import annotations

from dataclasses import dataclass

import sympy

from grader.mathtext.checks import MAX_DEPTH, MAX_UNROLL


@dataclass(frozen=True)
class Statement:
    """One line of math: ``sides`` joined by ``relations`` (``len(relations) == len(sides) - 1``)."""

    sides: tuple[sympy.Expr, ...]
    relations: tuple[str, ...] = ()
    leading: str = ""
    source: str = ""

    @property
    def expr(self) -> sympy.Expr:
        """The last side: what a line like ``\\frac{∂E}{∂W} = ...`` concludes with."""
        return self.sides[-1]


def settle(expr: sympy.Basic) -> sympy.Basic:
    """The same tree with Add/Mul/Pow evaluated (sympy's canonical form); sums, integrals and
    derivatives stay unevaluated.

    Safe on reader output because the reader refused huge numbers and exponent towers, and its
    factorials and binomials do not compute huge integers (``grader.mathtext.atoms``).
    """
    if not expr.args or isinstance(expr, (sympy.Indexed, sympy.IndexedBase)):
        return expr
    return expr.func(*[settle(a) if isinstance(a, sympy.Basic) else a for a in expr.args])


def _unrollable(node: sympy.Basic) -> bool:
    if not isinstance(node, (sympy.Sum, sympy.Product)) or len(node.limits) != 1:
        return False
    _, low, high = node.limits[0]
    # high == low - 1 is the empty sum/product (0 / 1); sympy's Karr convention beyond that is not what students mean.
    return bool(low.is_Integer and high.is_Integer and -1 <= high - low <= MAX_UNROLL)


def unroll(expr: sympy.Basic) -> sympy.Basic:
    """``settle`` and expand every Sum/Product whose bounds are numbers at most MAX_UNROLL apart.

    Nested ones (a product whose lower bound is the sum's index) expand once the outer one has.
    """
    current = settle(expr)
    for _ in range(MAX_DEPTH):
        targets = [n for n in sympy.preorder_traversal(current) if _unrollable(n)]
        if not targets:
            break
        current = current.xreplace({targets[0]: targets[0].doit(deep=False)})
    return current
