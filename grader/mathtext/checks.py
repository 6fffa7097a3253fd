"""Limits on student math, checked before anything costly is built.

``precheck`` looks at the raw text (length, known commands, digits, bracket depth);
``check_tree`` at lark's tree (size, depth, exponent towers, huge exponents), before
any sympy object exists. Each refusal is a ``MathParseError`` a TA can read.
"""

from __future__ import annotations

import re

from lark import Token, Tree

from grader.errors import MathParseError

MAX_CHARS = 2000
MAX_DEPTH = 40
MAX_DIGITS = 30
MAX_NODES = 1500
MAX_EXPONENT = 1000
MAX_UNROLL = 64
MAX_ORDER = 10  # highest derivative order read (d^n/dx^n)

RELATIONS = {"=": "=", "\\approx": "≈", "\\neq": "≠", "\\ne": "≠", "<": "<", ">": ">", "\\leq": "≤",
             "\\le": "≤", "\\geq": "≥", "\\ge": "≥", "\\equiv": "≡", "\\simeq": "≈", "\\lt": "<", "\\gt": ">",
             "\\leqslant": "≤", "\\geqslant": "≥", "\\leqq": "≤", "\\geqq": "≥"}

GREEK_NAMES = tuple("""alpha beta gamma delta epsilon varepsilon zeta eta theta vartheta iota kappa lambda mu nu xi pi
rho sigma tau upsilon phi varphi chi psi omega Gamma Delta Theta Lambda Xi Pi Sigma Phi Psi Omega ell""".split())

# Every command the grammar knows; any other is refused by name before parsing.
KNOWN_COMMANDS = frozenset("""
approx neq ne leq geq le ge lt gt leqslant geqslant leqq geqq equiv simeq cdot times otimes odot circ ast sum prod tanh sinh cosh sin cos tan
sec csc cot arcsin arccos arctan
exp log ln sigma text mathrm operatorname textrm mathit hat tilde bar widehat widetilde overline dot
mathbf boldsymbol mathbb mathcal vec bm frac dfrac tfrac sqrt partial top intercal left right bigl bigr
Bigl Bigr big Big displaystyle lvert rvert vert quad qquad int infty binom dbinom tbinom
""".split()) | frozenset(GREEK_NAMES)
_COMMAND = re.compile(r"\\([A-Za-z]+)")
_DIGITS = re.compile(r"[0-9]+")
_OPEN, _CLOSE = "{([", "})]"


def check_length(text: str) -> None:
    if len(text) > MAX_CHARS:
        raise MathParseError(f"formula too long ({len(text)} characters, at most {MAX_CHARS})")
    if not text:
        raise MathParseError("empty formula")


def precheck(text: str) -> None:
    """Commands, numbers and brackets of the text (its length is checked as written, ``check_length``)."""
    for match in _COMMAND.finditer(text):
        if match.group(1) not in KNOWN_COMMANDS:
            raise MathParseError(f"unknown command \\{match.group(1)}")
    for match in _DIGITS.finditer(text):
        if len(match.group()) > MAX_DIGITS:
            raise MathParseError(f"number with more than {MAX_DIGITS} digits")
    depth = 0
    stack: list[str] = []
    for char in text:
        if char in _OPEN:
            stack.append(char)
            depth = max(depth, len(stack))
            if depth > MAX_DEPTH:
                raise MathParseError(f"brackets nested deeper than {MAX_DEPTH}")
        elif char in _CLOSE:
            if not stack or _OPEN.index(stack[-1]) != _CLOSE.index(char):
                raise MathParseError(f"unbalanced brackets: unexpected '{char}'")
            stack.pop()
    if stack:
        raise MathParseError(f"unbalanced brackets: {len(stack)} unclosed '{stack[-1]}'")


def check_tree(tree: Tree) -> None:
    """Size, depth and exponent checks on lark's tree, iteratively (no recursion on student input)."""
    nodes = 0
    stack: list[tuple[Tree | Token, int]] = [(tree, 1)]
    order: list[Tree] = []
    while stack:
        node, depth = stack.pop()
        nodes += 1
        if nodes > MAX_NODES:
            raise MathParseError(f"formula too large (more than {MAX_NODES} parts)")
        if depth > MAX_DEPTH * 2:
            raise MathParseError("formula nested too deeply")
        if isinstance(node, Tree):
            order.append(node)
            stack.extend((child, depth + 1) for child in node.children)
    # Tower height and "has a letter" bottom-up: children are visited after parents in `order`.
    height: dict[int, int] = {}
    lettered: dict[int, bool] = {}
    for node in reversed(order):
        sub_heights = [height[id(c)] for c in node.children if isinstance(c, Tree)]
        has_letter = any(
            lettered[id(c)] if isinstance(c, Tree) else c.type in {"LETTER", "GREEK", "TEXTWORD", "SUB_CHAR"}
            and any(ch.isalpha() for ch in str(c))
            for c in node.children
        )
        tower = max(sub_heights, default=0)
        if node.data in {"sup_group", "sup_token", "sup_char"}:
            tower += 1
            _check_exponent_literals(node)
            if tower >= 3 or (tower == 2 and not has_letter):
                raise MathParseError("exponent tower (a power of a power) is not allowed")
        height[id(node)] = tower
        lettered[id(node)] = has_letter


def _check_exponent_literals(node: Tree) -> None:
    for token in node.scan_values(lambda t: isinstance(t, Token) and t.type in {"NUMBER", "SUP_CHAR"}):
        digits = re.sub(r"[^0-9.]", "", str(token))
        if digits and digits != "." and float(digits) > MAX_EXPONENT:
            raise MathParseError(f"exponent larger than {MAX_EXPONENT}")
