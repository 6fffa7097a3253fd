"""A formula read once and evaluated many times, and the names it uses.

``compile_formula(text) -> Formula`` reads (and checks the limits of) a formula once;
``Formula.evaluate(names)`` evaluates it over any number of sets of names, and
``Formula.names`` is what it uses. ``formula_names(text)`` is that set alone, so a
module that only needs to know which values a formula reads (to order ``compute:``,
to pick a grid's columns) never walks our tree itself.

The free names are every name whose value the formula may read from ``names``:

* the index of ``sum``, ``product`` and ``table`` is bound inside the first argument
  (``sum(C[k, 1], k, 1, 3)`` uses ``C`` only); its bounds are outside
  (``sum(k, k, 1, n)`` uses ``n``);
* the variable of ``diff``, ``integrate``, ``limit`` and ``solve`` is *used*: a given
  symbol (with its assumptions) is what they work in;
* a limit's direction (``left``, ``right``, ``both``), an option's name
  (``mu`` of ``normal_cdf(x, mu=1)``) and the constants (``pi``, ``e``, ``oo``, ``true``,
  ``false``, ``otherwise``) are not names of values;
* a function's name is not a name either (``mean(xs)`` uses ``xs``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any, Iterator, Mapping

from grader.references.errors import FormulaError
from grader.references.evaluate import CONSTANTS, Evaluator
from grader.references.functions import FUNCTIONS
from grader.references.reader import Call, Compare, Name, Node, read_formula
from grader.references.values import from_python

# Functions whose second argument is an index bound inside their first.
BINDERS = ("sum", "product", "table")


def _children(node: Node) -> Iterator[Node]:
    for value in vars(node).values():
        if isinstance(value, Node):
            yield value
        elif isinstance(value, tuple):
            yield from (v for v in value if isinstance(v, Node))


def free_names(tree: Node) -> frozenset[str]:
    """The names ``tree`` reads (see the module docstring), found iteratively."""
    found: set[str] = set()
    stack: list[tuple[Node, frozenset[str]]] = [(tree, frozenset())]
    while stack:
        node, bound = stack.pop()
        if isinstance(node, Name):
            if node.id not in bound and node.id not in CONSTANTS:
                found.add(node.id)
            continue
        if isinstance(node, Call):
            args = node.args
            if node.func in BINDERS and len(args) >= 2 and isinstance(args[1], Name):
                stack.append((args[0], bound | {args[1].id}))
                stack.extend((arg, bound) for arg in args[2:])
                continue
            if node.func == "limit" and len(args) == 4 and isinstance(args[3], Name):
                args = args[:3]  # the direction: a word, not a value
            spec = FUNCTIONS.get(node.func)
            for arg in args:
                if spec is not None and spec.keywords and not spec.form and isinstance(arg, Compare) \
                        and arg.op == "=" and isinstance(arg.left, Name):
                    stack.append((arg.right, bound))  # mu=100: only the value is read
                else:
                    stack.append((arg, bound))
            continue
        stack.extend((child, bound) for child in _children(node))
    return frozenset(found)


class _Converted(Mapping[str, Any]):
    """Plain Python values (ints, Fractions, lists ...) turned into ours on first use, so a
    value the formula does not use is never converted (nor refused)."""

    def __init__(self, raw: Mapping[str, Any]):
        self.raw, self.done = raw, {}

    def __getitem__(self, name: str) -> Any:
        if name not in self.done:
            self.done[name] = from_python(self.raw[name], name)
        return self.done[name]

    def __contains__(self, name: object) -> bool:
        return name in self.raw

    def __iter__(self) -> Iterator[str]:
        return iter(self.raw)

    def __len__(self) -> int:
        return len(self.raw)


@dataclass(frozen=True)
class Formula:
    """One formula, read and checked: ``names`` it uses, ``evaluate(names)`` its value."""

    text: str
    tree: Node = field(repr=False, compare=False)
    names: frozenset[str] = field(compare=False)

    def evaluate(self, names: Mapping[str, Any] | None = None) -> Any:
        """The exact value (of ours, see ``values``) over ``names``: plain Python values or
        ours (ints, Fractions, floats, lists, sympy objects). ``FormulaError`` if it has none."""
        return Evaluator(_Converted(names or {})).value(self.tree)


@lru_cache(maxsize=512)
def _compile(text: str) -> Formula:
    tree = read_formula(text)
    return Formula(text, tree, free_names(tree))


def compile_formula(text: str) -> Formula:
    """``text`` read once; ``FormulaError`` (with its column) when it cannot be read."""
    if not isinstance(text, str):
        raise FormulaError(f"a formula must be text, not {type(text).__name__}")
    return _compile(text)


def formula_names(text: str) -> set[str]:
    """The free names ``text`` uses (not the index of a sum/product/table inside it)."""
    return set(compile_formula(text).names)
