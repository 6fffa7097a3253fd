"""Functions that evaluate their own arguments: a variable of their own, an equation, a condition.

``sum(k^2, k, 1, 10)`` binds ``k`` inside its first argument; ``diff(f, x)``,
``integrate``, ``limit`` and ``solve`` take a declared symbol (or a new name) as
their variable; ``solve`` reads ``lhs = rhs``; ``if`` and ``piecewise`` evaluate only
the branch a decided condition picks (``if(n > 0, 1/n, 0)`` never divides by 0).

Sums and products over at most ``MAX_UNROLL`` terms are added up term by term, the
body evaluated with the index set to each whole number (so ``sum(A[k, k], k, 1, 3)``
works). A longer range is summed in closed form only when the body is a polynomial
in the index (``sum(k^2, k, 1, 10^6)``); anything else over a long range is refused
at once rather than left to run. Infinite or symbolic ranges go to sympy's
``summation`` / ``product`` under the formula's time limit.

``table(f, i, lo, hi)`` is the list of f for i = lo, …, hi (rows of a matrix when f
is a list); like a list it has at most ``MAX_SIDE`` entries, so its range must be
whole numbers. ``row(M, i)`` and ``col(M, j)`` count from 1 like ``M[i, j]`` and
point at the index that is out of range.
"""

from __future__ import annotations

import sympy
from sympy.calculus.accumulationbounds import AccumulationBounds

from grader.references import ops
from grader.references.errors import FormulaError
from grader.references.functions import function
from grader.references.reader import Compare, Name, Pair
from grader.references.values import MAX_BITS, MAX_SIDE, describe, is_matrix, list_of, matrix, scalar, vector, whole

MAX_UNROLL = 1_000
MAX_DIFF_ORDER = 20
_DIRECTIONS = {"left": "-", "right": "+", "both": "+-"}


# ---------------------------------------------------------------- sums and products


def _bounds(ev, node, bound, name: str) -> tuple[sympy.Expr, sympy.Expr]:
    low, high = (scalar(ev.value(arg, bound), f"{name}'s bounds") for arg in node.args[2:4])
    for end in (low, high):
        if end.is_number and end.is_finite and not end.is_Integer:
            raise FormulaError(f"{name}'s bounds must be whole numbers (or oo), not {describe(end)}")
    return low, high


def _at_index(value, var: str, symbol, index: sympy.Integer):
    """``value`` with the index symbol set to ``index``: a computed name written in it
    (term = k^2 for a given symbol k) gets the number too, whichever symbol named ``var``
    it is in (the caller may not have passed the given k: it is not a free name)."""
    named = {s: index for s in getattr(value, "free_symbols", ()) if isinstance(s, sympy.Symbol) and s.name == var}
    return value.xreplace({symbol: index, **named})


def _unrolled(ev, node, bound, name: str, var: str, symbol, low: int, high: int):
    terms = []
    for i in range(low, high + 1):
        index = sympy.Integer(i)
        terms.append(_at_index(ev.value(node.args[0], {**bound, var: index}), var, symbol, index))
    if not terms:  # an empty range: hi < lo
        return sympy.Integer(0 if name == "sum" else 1)
    if any(is_matrix(term) for term in terms):  # a sum of vectors: shapes checked term by term
        combine = ops.add if name == "sum" else ops.multiply
        total = terms[0]
        for term in terms[1:]:
            total = combine(total, term)
        return total
    terms = [scalar(term, name) for term in terms]
    if name == "sum":
        return sympy.Add(*terms)  # one Add, guarded once by the evaluator: not a guard per partial sum
    # Each factor is within the size limit, but their product may not be: estimate before multiplying.
    if sum(ops.number_bits(term) for term in terms if term.is_number) > MAX_BITS:
        raise FormulaError(f"product: the result would have more than about {int(MAX_BITS * 0.30103):,} digits")
    return sympy.Mul(*terms)


def _series(ev, node, bound, name: str):
    var, symbol = ev.variable(node.args[1], bound, name, integer=True)
    low, high = _bounds(ev, node, bound, name)
    is_sum = name == "sum"
    if low.is_Integer and high.is_Integer:
        count = int(high) - int(low) + 1
        if count <= MAX_UNROLL:
            return _unrolled(ev, node, bound, name, var, symbol, int(low), int(high))
    body = scalar(ev.value(node.args[0], {**bound, var: symbol}), name)
    if low.is_Integer and high.is_Integer and not (is_sum and body.is_polynomial(symbol)):
        if is_sum:
            raise FormulaError(f"sum over {count:,} terms: at most {MAX_UNROLL:,} are added one by one, and over more "
                               "only a polynomial in the index is summed (in closed form)")
        raise FormulaError(f"product over {count:,} terms: at most {MAX_UNROLL:,} are multiplied out")
    result = (sympy.summation if is_sum else sympy.product)(body, (symbol, low, high))
    if result.has(sympy.Sum, sympy.Product):
        raise FormulaError(f"{name}: no closed form found for {sympy.sstr(body)} from {low} to {high}")
    return result


@function("sum", 4, form=True, hint="; sum(f, k, lo, hi) adds f for k = lo, …, hi; "
                                      "for the sum of a list's (or a matrix's) entries write total(v)")
def _sum(ev, node, bound):
    return _series(ev, node, bound, "sum")


@function("product", 4, form=True, hint="; product(f, k, lo, hi) multiplies f for k = lo, …, hi")
def _product(ev, node, bound):
    return _series(ev, node, bound, "product")


# ---------------------------------------------------------------- tables: a list of one formula per index


def _table_bound(ev, arg, bound) -> int:
    try:
        number = scalar(ev.value(arg, bound), "table's bounds")
        if not number.is_Integer:
            raise FormulaError(f"table's bounds must be whole numbers (a list has a definite length), not {describe(number)}")
    except FormulaError as exc:
        raise exc.at(arg.col) from None
    return int(number)


@function("table", 4, form=True, hint="; table(f, i, lo, hi) lists f for i = lo, …, hi")
def _table(ev, node, bound):
    var, symbol = ev.variable(node.args[1], bound, "table", integer=True)
    low, high = (_table_bound(ev, arg, bound) for arg in node.args[2:4])
    count = high - low + 1
    if count < 1:
        raise FormulaError(f"table from {low} to {high} is empty: the last index is below the first", node.args[3].col)
    if count > MAX_SIDE:
        raise FormulaError(f"table from {low} to {high} would have {count:,} entries; a list has at most {MAX_SIDE}", node.args[3].col)
    items = []
    for i in range(low, high + 1):
        index = sympy.Integer(i)
        try:
            item = ev.value(node.args[0], {**bound, var: index})
        except FormulaError as exc:  # which entry failed: "division by zero, where i = 2"
            where = f", {var} = {i}" if ", where " in exc.message else f", where {var} = {i}"
            raise FormulaError(exc.message + where, exc.column) from None
        items.append(_at_index(item, var, symbol, index))
    return list_of(items, "a table")


def _matrix_argument(ev, node, bound, name: str):
    try:
        return matrix(ev.value(node.args[0], bound), name)
    except FormulaError as exc:
        raise exc.at(node.args[0].col) from None


@function("row", 2, form=True)
def _row(ev, node, bound):
    source = _matrix_argument(ev, node, bound, "row")
    number = ev.position(node.args[1], bound, source.rows, "row")
    return vector(list(source.row(number - 1)))


@function("col", 2, form=True)
def _col(ev, node, bound):
    source = _matrix_argument(ev, node, bound, "col")
    number = ev.position(node.args[1], bound, source.cols, "column")
    return vector(list(source.col(number - 1)))


# ---------------------------------------------------------------- calculus


def _body(ev, node, bound, name: str, allow_matrix: bool = False):
    """(variable symbol, the first argument evaluated with the variable (the second) bound)."""
    var, symbol = ev.variable(node.args[1], bound, name)
    body = ev.value(node.args[0], {**bound, var: symbol})
    if not (allow_matrix and is_matrix(body)):
        body = scalar(body, name)
    return symbol, body


@function("diff", 2, 3, form=True)
def _diff(ev, node, bound):
    symbol, body = _body(ev, node, bound, "diff", allow_matrix=True)
    order = whole(ev.value(node.args[2], bound), "diff's order", 0, MAX_DIFF_ORDER) if len(node.args) == 3 else 1
    return body.diff(symbol, order) if is_matrix(body) else sympy.diff(body, symbol, order)


@function("integrate", 2, 4, form=True)
def _integrate(ev, node, bound):
    if len(node.args) == 3:
        raise FormulaError("integrate takes integrate(f, x) or integrate(f, x, a, b): give both limits")
    symbol, body = _body(ev, node, bound, "integrate")
    if len(node.args) == 4:
        low, high = (scalar(ev.value(arg, bound), "integrate's limits") for arg in node.args[2:4])
        result = sympy.integrate(body, (symbol, low, high))
    else:
        result = sympy.integrate(body, symbol)
    if result.has(sympy.Integral):
        if isinstance(result, sympy.Piecewise):  # converges only for some values of the other symbols
            raise FormulaError(f"integrate: the integral of {sympy.sstr(body)} converges only under conditions on its "
                               "symbols; declare them, e.g. a: {symbol: a, positive: true}")
        raise FormulaError(f"integrate: no closed form found for the integral of {sympy.sstr(body)}")
    return result


@function("limit", 3, 4, form=True)
def _limit(ev, node, bound):
    symbol, body = _body(ev, node, bound, "limit")
    point = scalar(ev.value(node.args[2], bound), "limit's point")
    direction = "+-"
    if len(node.args) == 4:
        side = node.args[3]
        if not isinstance(side, Name) or side.id not in _DIRECTIONS:
            raise FormulaError("limit's direction is left, right or both", side.col)
        direction = _DIRECTIONS[side.id]
    if point.is_infinite:
        direction = "-" if point is sympy.oo else "+"  # there is only one side to come from
    result = sympy.limit(body, symbol, point, direction)
    if isinstance(result, AccumulationBounds):
        raise FormulaError(f"the limit does not exist: the function keeps moving between {result.min} and {result.max}")
    if result is sympy.zoo or result.has(sympy.Limit):
        raise FormulaError("the limit does not exist (the limits from the left and the right differ); give a direction: left or right")
    return result


@function("solve", 2, form=True)
def _solve(ev, node, bound):
    equation = node.args[0]
    var, symbol = ev.variable(node.args[1], bound, "solve")
    inner = {**bound, var: symbol}
    if isinstance(equation, Compare):
        if equation.op != "=":
            raise FormulaError("solve needs an equation (lhs = rhs) or an expression equal to 0, not an inequality", equation.col)
        left, right = (scalar(ev.value(side, inner), "solve") for side in (equation.left, equation.right))
        target = left - right
    else:
        target = scalar(ev.value(equation, inner), "solve")
    solutions = sympy.solve(target, symbol, dict=False)
    if not isinstance(solutions, list) or not all(isinstance(s, sympy.Expr) for s in solutions):
        raise FormulaError(f"solve: sympy gave {sympy.sstr(solutions)!r}, not a list of solutions")
    return vector(_ordered(solutions))


def _ordered(solutions: list[sympy.Expr]) -> list[sympy.Expr]:
    """Real numbers from smallest to largest; anything else in sympy's canonical order after them."""
    real = [s for s in solutions if s.is_number and s.is_extended_real]
    rest = [s for s in solutions if s not in real]
    return sorted(real, key=lambda s: (sympy.N(s, 30), sympy.default_sort_key(s))) + sorted(rest, key=sympy.default_sort_key)


# ---------------------------------------------------------------- conditions


def _choose(ev, cases, bound, name: str):
    """The value of the first case whose condition holds; a sympy Piecewise when that is undecided."""
    pending = []
    for value_node, condition_node in cases:
        condition = ev.condition(condition_node, bound)
        if condition is sympy.false:
            continue
        if condition is sympy.true and not pending:
            return ev.value(value_node, bound)
        pending.append((scalar(ev.value(value_node, bound), name), condition))
        if condition is sympy.true:
            break
    if not pending:
        raise FormulaError(f"{name}: none of its conditions holds; end with (value, otherwise)")
    return sympy.Piecewise(*pending)


@function("if", 3, form=True)
def _if(ev, node, bound):
    condition, then, otherwise = node.args
    return _choose(ev, [(then, condition), (otherwise, Name(otherwise.col, "true"))], bound, "if")


@function("piecewise", 1, None, form=True)
def _piecewise(ev, node, bound):
    cases = []
    for arg in node.args:
        if not isinstance(arg, Pair) or len(arg.items) != 2:
            raise FormulaError("piecewise takes pairs (value, condition), the last one (value, otherwise)", arg.col)
        cases.append(arg.items)
    return _choose(ev, cases, bound, "piecewise")
