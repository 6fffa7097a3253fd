"""OCR repairs of read BPTT chains, as named hypotheses rather than silent guesses.

The deep-learning pack's repairs: they know this exam's names (E/O/Ohat/H/h/y/s/L for
the chain's atoms, J for a misread product sign), so they live in the pack, not in the
generic reader. Importing this module registers ``repair`` as the pack's formula repair
(``grader.mathtext.repairs``), which the ``expression`` type applies with ``repair: true``.

``repair(statement) -> (statement, names)`` returns the repaired statement and one
name per repair applied (``"kappa-as-k"``, ``"product-from-frac-1-over-J"``,
``"subscript-E34-as-E3"``) for the question's flags. Each repair fires only when
the damaged reading makes no sense and exactly one reading does; otherwise the
statement is left as read. Callers apply it where they grade chains of
derivatives (the BPTT question), not to every formula.

Repairs, in order:

1. ``<v>-as-<w>``: a sum/product index that its body never uses, while the body
   uses exactly one look-alike free letter (``\\kappa`` read for ``k``, ``\\iota``
   for ``i``, ``\\tau`` for ``t``, ``\\nu`` for ``v``) → the index becomes that letter.
2. ``subscript-E34-as-E3``: the chain's time index is the most common integer
   subscript of E/O/Ohat/H/h/y/s atoms in the statement (one-digit subscripts
   only, and it must be a strict majority winner). A multi-digit subscript that
   starts with that index (``E_{34}`` in a chain about
   ``E_3``, ``O_3``, ``H_3``) is that index followed by OCR noise.
3. ``product-from-frac-1-over-J`` / ``product-from-frac-1-over-1``: OCR reads the
   product sign Π_j as ``\\frac{1}{J_2}`` or ``\\frac{1}{1}``. When such a factor
   stands immediately before ``∂H_j/∂H_{j-1}`` (j free: no sum binds it), the pair
   becomes ``Product(∂H_j/∂H_{j-1}, (j, k+1, T))``: k is the index of the
   enclosing sum (the BPTT chain ∂E_T/∂W = Σ_k ... Π_{j=k+1}^{T} ∂H_j/∂H_{j-1} ...),
   T the chain's time index from rule 2. Without an enclosing sum or a time
   index the product's bounds are unknown and nothing is repaired.
"""

from __future__ import annotations

from collections import Counter
from typing import Callable

import sympy

from grader.mathtext.atoms import Partial
from grader.mathtext.repairs import describe_repair, register_repair
from grader.mathtext.trees import Statement

LOOKALIKES = {"kappa": "k", "iota": "i", "tau": "t", "nu": "v"}
CHAIN_BASES = frozenset({"E", "O", "Ohat", "H", "h", "y", "s", "L"})
PRODUCT_DENOMINATOR_NAMES = frozenset({"J", "j"})


def _rebuild(node: sympy.Basic, args: list) -> sympy.Basic:
    if list(node.args) == args:
        return node
    if isinstance(node, (sympy.Add, sympy.Mul, sympy.Pow)):
        return node.func(*args, evaluate=False)
    return node.func(*args)


def _map(node: sympy.Basic, fn: Callable[[sympy.Basic, tuple], sympy.Basic], bound: tuple = ()) -> sympy.Basic:
    """Rewrite bottom-up, keeping unevaluated structure; ``bound`` = indices of enclosing sums/products."""
    if isinstance(node, (sympy.Sum, sympy.Product)):
        inner = bound + tuple(limit[0] for limit in node.limits)
        body = _map(node.function, fn, inner)
        limits = [sympy.Tuple(*[_map(part, fn, bound) for part in limit]) for limit in node.limits]
        rebuilt = _rebuild(node, [body, *limits])
        return fn(rebuilt, bound)
    if not node.args or isinstance(node, (sympy.Indexed, sympy.IndexedBase, sympy.Symbol)):
        return fn(node, bound)
    args = [_map(a, fn, bound) if isinstance(a, sympy.Basic) else a for a in node.args]
    return fn(_rebuild(node, args), bound)


def _indexed_atoms(statement: Statement) -> list[sympy.Indexed]:
    # A walk, not atoms(): repeats count towards the majority.
    return [node for side in statement.sides for node in sympy.preorder_traversal(side)
            if isinstance(node, sympy.Indexed)]


def time_index(statement: Statement) -> int | None:
    """The chain's time step: the clear majority one-digit subscript of E/O/H-like atoms."""
    counts = Counter(
        int(node.indices[0]) for node in _indexed_atoms(statement)
        if str(node.base) in CHAIN_BASES and len(node.indices) == 1 and node.indices[0].is_Integer
        and 0 <= int(node.indices[0]) <= 9
    )
    ranked = counts.most_common(2)
    if not ranked or (len(ranked) == 2 and ranked[0][1] == ranked[1][1]):
        return None
    return ranked[0][0]


def _rename_lookalike_indices(statement: Statement, names: list[str]) -> Statement:
    def fix(node: sympy.Basic, bound: tuple) -> sympy.Basic:
        if not isinstance(node, (sympy.Sum, sympy.Product)) or len(node.limits) != 1:
            return node
        var, low, high = node.limits[0]
        body_free = node.function.free_symbols
        if var in body_free or var.name not in LOOKALIKES:
            return node
        target = sympy.Symbol(LOOKALIKES[var.name])
        if target not in body_free or target in bound:
            return node
        names.append(f"{var.name}-as-{target.name}")
        return node.func(node.function, (target, low, high))

    return _with_sides(statement, [_map(side, fix) for side in statement.sides])


def _fix_long_subscripts(statement: Statement, names: list[str]) -> Statement:
    step = time_index(statement)
    if step is None:
        return statement

    def fix(node: sympy.Basic, bound: tuple) -> sympy.Basic:
        if not (isinstance(node, sympy.Indexed) and str(node.base) in CHAIN_BASES and len(node.indices) == 1):
            return node
        index = node.indices[0]
        if not index.is_Integer or int(index) < 10 or not str(int(index)).startswith(str(step)):
            return node
        base = str(node.base)
        names.append(f"subscript-{base}{int(index)}-as-{base}{step}")
        return node.base[step]

    return _with_sides(statement, [_map(side, fix) for side in statement.sides])


def _is_chain_link(node: sympy.Basic) -> sympy.Symbol | None:
    """``∂H_j/∂H_{j-1}`` with a symbolic j: return j."""
    if not isinstance(node, Partial):
        return None
    num, den = node.num, node.den
    if not (isinstance(num, sympy.Indexed) and isinstance(den, sympy.Indexed) and num.base == den.base):
        return None
    (j,) = num.indices if len(num.indices) == 1 else (None,)
    if not isinstance(j, sympy.Symbol) or den.indices != (j - 1,):
        return None
    return j


def _misread_product_sign(node: sympy.Basic) -> str | None:
    """``\\frac{1}{1}`` or ``\\frac{1}{J_2}``: the name of the repair, else None."""
    if not (isinstance(node, sympy.Pow) and node.exp == -1):
        return None
    base = node.base
    if base == sympy.Integer(1):
        return "product-from-frac-1-over-1"
    name = str(base.base) if isinstance(base, sympy.Indexed) else getattr(base, "name", None)
    return "product-from-frac-1-over-J" if name in PRODUCT_DENOMINATOR_NAMES else None


def _restore_products(statement: Statement, names: list[str]) -> Statement:
    upper = time_index(statement)
    if upper is None:
        return statement

    def fix(node: sympy.Basic, bound: tuple) -> sympy.Basic:
        if not isinstance(node, sympy.Mul) or len(bound) != 1:
            return node
        args = list(node.args)
        for position in range(len(args) - 1):
            repair_name = _misread_product_sign(args[position])
            j = _is_chain_link(args[position + 1])
            if repair_name and j is not None and j not in bound:
                product = sympy.Product(args[position + 1], (j, bound[0] + 1, upper))
                names.append(repair_name)
                rest = args[:position] + [product] + args[position + 2:]
                return rest[0] if len(rest) == 1 else sympy.Mul(*rest, evaluate=False)
        return node

    return _with_sides(statement, [_map(side, fix) for side in statement.sides])


def _with_sides(statement: Statement, sides: list[sympy.Basic]) -> Statement:
    return Statement(tuple(sides), statement.relations, statement.leading, statement.source)


def repair(statement: Statement) -> tuple[Statement, list[str]]:
    """Apply the OCR repairs that have exactly one sensible reading; return it and their names."""
    names: list[str] = []
    statement = _rename_lookalike_indices(statement, names)
    statement = _fix_long_subscripts(statement, names)
    statement = _restore_products(statement, names)
    return statement, names


register_repair("bptt-chain", repair)
for _name, _said in (
    ("kappa-as-k", "κ read as the summation index k"),
    ("subscript-E34-as-E3", "a run of digits after E read as the chain's time index (E_34 as E_3)"),
    ("product-from-frac-1-over-J", "a product sign Π that OCR turned into a fraction 1/J read as Π again"),
    ("product-from-frac-1-over-1", "a product sign Π that OCR turned into a fraction 1/1 read as Π again"),
    ("comma-as-product", "a comma between two bracketed factors read as a product"),
    ("hat-lost-in-difference", "(O_t − O_t) read as (O_t − Ô_t): the hat OCR lost"),
    ("unbound-jacobian-as-product", "a Jacobian with a free index read as the product over that index"),
):
    describe_repair(_name, _said)
