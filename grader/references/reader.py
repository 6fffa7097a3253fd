"""Read one formula of the reference language into a small tree of our own nodes.

``read_formula(text) -> Node``. The text is parsed by our grammar (``grammar.lark``,
lark LALR) and turned, one small transformer method per rule, into the frozen
dataclasses below. Nothing here evaluates anything: the tree only says what was
written (numbers are exact ``Fraction``s: ``0.1`` is 1/10, ``1e-3`` is 1/1000), and
``grader.references.evaluate`` decides what it means. Rubric text never reaches
eval, exec, sympify or parse_expr.

Limits, checked before anything is built: at most ``MAX_CHARS`` characters,
brackets nested at most ``MAX_DEPTH`` deep, ``MAX_DIGITS`` digits in a number and a
power of ten of at most ``MAX_TEN_POWER`` (``1e999999`` would be a million-digit
integer); on lark's tree, iteratively, at most ``MAX_NODES`` nodes and
``MAX_TREE_DEPTH`` levels (a sum of many terms nests one level per term without
brackets). The tree is built without recursion (lark's non-recursive transformer),
and the evaluator's recursion stays well inside Python's limit at that depth.
Every error is a ``FormulaError`` with the 1-based column it is at.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from fractions import Fraction
from functools import lru_cache
from importlib import resources

from lark import Lark, Token, Tree, v_args
from lark.visitors import Transformer_NonRecursive
from lark.exceptions import LarkError, UnexpectedCharacters, UnexpectedEOF, UnexpectedInput, UnexpectedToken, VisitError

from grader.references.errors import FormulaError

MAX_CHARS = 2000
MAX_DEPTH = 40
MAX_NODES = 1500
MAX_TREE_DEPTH = 200
MAX_DIGITS = 60
MAX_TEN_POWER = 400


# ---------------------------------------------------------------- the tree


@dataclass(frozen=True)
class Node:
    col: int  # 1-based column where the node starts, for messages


@dataclass(frozen=True)
class Num(Node):
    value: Fraction
    text: str


@dataclass(frozen=True)
class Name(Node):
    id: str


@dataclass(frozen=True)
class Unary(Node):
    op: str  # "-", "+" or "not"
    operand: Node


@dataclass(frozen=True)
class Binary(Node):
    op: str  # "+", "-", "*", "/", "^", ".*", "./", ".^" (entry by entry), "and", "or"
    left: Node
    right: Node


@dataclass(frozen=True)
class Compare(Node):
    op: str  # "=" (also written "=="), "!=", "<", "<=", ">", ">="
    left: Node
    right: Node


@dataclass(frozen=True)
class Call(Node):
    func: str
    args: tuple[Node, ...]


@dataclass(frozen=True)
class Index(Node):
    target: Node
    indices: tuple[Node, ...]


@dataclass(frozen=True)
class ListOf(Node):
    items: tuple[Node, ...]


@dataclass(frozen=True)
class Pair(Node):
    """``(value, condition)`` as piecewise() takes it: a bracketed list of two or more."""

    items: tuple[Node, ...]


def walk(node: Node):
    """Every node of a tree, iteratively (trees are bounded, but recursion is not needed)."""
    stack = [node]
    while stack:
        current = stack.pop()
        yield current
        for value in vars(current).values():
            if isinstance(value, Node):
                stack.append(value)
            elif isinstance(value, tuple):
                stack.extend(v for v in value if isinstance(v, Node))


# ---------------------------------------------------------------- limits before parsing

_OPEN, _CLOSE = "([", ")]"


def _precheck(text: str) -> None:
    if len(text) > MAX_CHARS:
        raise FormulaError(f"formula too long ({len(text)} characters, at most {MAX_CHARS})")
    if not text.strip():
        raise FormulaError("empty formula")
    stack: list[tuple[str, int]] = []
    for column, char in enumerate(text, start=1):
        if char in _OPEN:
            stack.append((char, column))
            if len(stack) > MAX_DEPTH:
                raise FormulaError(f"brackets nested deeper than {MAX_DEPTH}", column)
        elif char in _CLOSE:
            if not stack or _OPEN.index(stack[-1][0]) != _CLOSE.index(char):
                raise FormulaError(f"unbalanced brackets: unexpected {char!r}", column)
            stack.pop()
    if stack:
        char, column = stack[-1]
        raise FormulaError(f"unbalanced brackets: {char!r} is never closed", column)


# ---------------------------------------------------------------- parsing


@lru_cache(maxsize=1)
def _parser() -> Lark:
    grammar = resources.files("grader.references").joinpath("grammar.lark").read_text(encoding="utf-8")
    return Lark(grammar, parser="lalr", propagate_positions=True, maybe_placeholders=True)


_VALUE_TOKENS = {"NUMBER", "NAME", "RPAR", "RSQB"}


def _parse(text: str) -> Tree:
    parser = _parser()  # outside the try: a broken grammar is our bug, not the author's
    try:
        return parser.parse(text)
    except UnexpectedCharacters as exc:
        if text[exc.pos_in_stream:exc.pos_in_stream + 2] in (".+", ".-"):
            raise FormulaError("unexpected '.': + and - already work entry by entry (u + v, 1 - v); "
                               "only .*, ./ and .^ are written with a dot", exc.column) from None
        raise FormulaError(f"unexpected character {text[exc.pos_in_stream]!r}", exc.column) from None
    except UnexpectedEOF:
        raise FormulaError("the formula ends too early (an operand or a closing bracket is missing)", len(text)) from None
    except UnexpectedToken as exc:
        token = exc.token
        if token.type == "$END":
            raise FormulaError("the formula ends too early (an operand or a closing bracket is missing)", len(text)) from None
        before = getattr(exc, "token_history", None) or []
        hint = ""
        if token.type in {"NUMBER", "NAME", "LPAR"} and before and before[-1].type in _VALUE_TOKENS:
            hint = " (write * between factors: 2*x, not 2x)"
        raise FormulaError(f"unexpected {str(token)!r}{hint}", token.column) from None
    except UnexpectedInput as exc:
        raise FormulaError("cannot read the formula", getattr(exc, "column", None)) from None
    except LarkError as exc:
        raise FormulaError(f"cannot read the formula ({type(exc).__name__})") from None


def _check_tree(tree: Tree) -> None:
    """Size and depth of lark's tree, iteratively, before any node of ours is built."""
    nodes = 0
    stack: list[tuple[Tree | Token, int]] = [(tree, 1)]
    while stack:
        node, depth = stack.pop()
        nodes += 1
        if nodes > MAX_NODES:
            raise FormulaError(f"formula too large (more than {MAX_NODES} parts)")
        if depth > MAX_TREE_DEPTH:
            raise FormulaError(f"formula nested too deeply (more than {MAX_TREE_DEPTH} levels)")
        if isinstance(node, Tree):
            stack.extend((child, depth + 1) for child in node.children if child is not None)


# ---------------------------------------------------------------- building our nodes


def _number(token: Token) -> Num:
    text = str(token)
    mantissa = re.split(r"[eE]", text)[0]
    if sum(ch.isdigit() for ch in mantissa) > MAX_DIGITS:
        raise FormulaError(f"number with more than {MAX_DIGITS} digits", token.column)
    match = re.search(r"[eE]([+-]?[0-9]+)$", text)
    if match and (len(match.group(1)) > 6 or abs(int(match.group(1))) > MAX_TEN_POWER):
        raise FormulaError(f"power of ten in {text!r} beyond ±{MAX_TEN_POWER}", token.column)
    return Num(token.column, Fraction(text), text)


_POWERS = {"**": "^", ".**": ".^"}  # the two spellings of a power are one operator


def _args(node) -> tuple[Node, ...]:
    return () if node is None else tuple(node)


@v_args(meta=True)
class _Build(Transformer_NonRecursive):
    """One small method per rule of grammar.lark; each returns one of our nodes."""

    def start(self, meta, children):
        return children[0]

    def args(self, meta, children):
        return tuple(children)

    def number(self, meta, children):
        return _number(children[0])

    def name(self, meta, children):
        return Name(children[0].column, str(children[0]))

    def binary(self, meta, children):
        left, op, right = children
        # At the operator: "cannot multiply ..." points at the "*" that does it.
        return Binary(op.column, _POWERS.get(str(op), str(op)), left, right)

    def unary(self, meta, children):
        op, operand = children
        return Unary(meta.column, str(op), operand)

    def not_(self, meta, children):
        return Unary(meta.column, "not", children[0])

    def and_(self, meta, children):
        return Binary(meta.column, "and", children[0], children[1])

    def or_(self, meta, children):
        return Binary(meta.column, "or", children[0], children[1])

    def compare(self, meta, children):
        left, op, right = children
        return Compare(op.column, "=" if str(op) == "==" else str(op), left, right)

    def call(self, meta, children):
        head, args = children
        return Call(head.column, str(head), _args(args))

    def index(self, meta, children):
        target, indices = children
        return Index(meta.column, target, _args(indices))

    def list(self, meta, children):
        return ListOf(meta.column, _args(children[0]))

    def pair(self, meta, children):
        first, rest = children
        return Pair(meta.column, (first,) + _args(rest))


def read_formula(text: str) -> Node:
    """The tree of one formula; ``FormulaError`` (with a column) when it cannot be read."""
    if not isinstance(text, str):
        raise FormulaError(f"a formula must be text, not {type(text).__name__}")
    _precheck(text)
    tree = _parse(text)
    _check_tree(tree)
    try:
        return _Build().transform(tree)
    except VisitError as exc:
        # A FormulaError (a number too long) is the author's; anything else is a bug of ours
        # and goes up as itself, never disguised as a mistake in the rubric.
        raise exc.orig_exc from None
