"""Read one line of student LaTeX into sympy expression trees, safely.

``read_math(src) -> Statement``. Student text is never evaluated: a grammar of our
own (``grammar.lark``, lark LALR) builds the tree node by node with
``evaluate=False``; ``sympify`` / ``parse_expr`` / ``parse_latex`` are never used.
Anything outside the grammar raises ``MathParseError`` with a reason a TA can read.

Limits, checked before anything costly is built (``_precheck`` on the raw text,
``_check_tree`` on lark's tree, before any sympy object exists): at most
``MAX_CHARS`` characters, ``MAX_DEPTH`` nested brackets / tree levels,
``MAX_DIGITS`` digits in one number, ``MAX_NODES`` tree nodes, no exponent tower
(a power of a power of a power, or a power of a power whose exponent holds no
letter, like ``10^{10^{10}}``), no numeric exponent above ``MAX_EXPONENT``.

How the trees look (what ``grader.domains.deep_learning.rnn`` / ``grader.domains.deep_learning.derivation`` rely on):

* ``Statement(sides, relations, leading, source)``: ``a = b \\approx c`` gives
  ``sides=(a, b, c)``, ``relations=("=", "≈")``; never a sympy ``Eq``. A line that
  starts with a relation (``= \\frac{...}``, a chain continued from the previous
  line) has ``leading="="``; otherwise ``leading=""``. Relations are one of
  ``= ≈ ≠ < > ≤ ≥ ≡``.
* numbers: integers are ``Integer``; decimals are exact ``Rational`` (0.25 → 1/4).
* letters: ``Symbol('x')``; Greek: ``Symbol('kappa')``; ``\\hat{O}`` → ``Symbol('Ohat')``
  (``\\tilde``/``\\bar`` likewise ``Otilde``, ``Obar``); fonts (``\\mathbf{W}``) are dropped.
* subscripts are indices: ``E_{3}`` → ``IndexedBase('E')[3]``, ``H_{j-1}`` →
  ``IndexedBase('H')[j - 1]`` (``j`` a plain ``Symbol``), ``\\hat{O}_t`` →
  ``IndexedBase('Ohat')[t]``, ``x_{i,j}`` → ``x[i, j]``. Several letters are a
  label, not a product: ``W_{hh}`` → ``Symbol('W_hh')``. As in TeX a bare
  script takes one character: ``E_34`` is ``E[3]*4``; ``E_{34}`` is ``E[34]``.
* ``\\frac{\\partial A}{\\partial B}`` → ``Partial(A, B)`` (``grader.mathtext.atoms``),
  one opaque atom whose ``num``/``den`` are the trees above, so
  ``Sum(Partial(H[k], W), (k, 0, 2)).doit()`` unrolls into ``Partial(H[0], W) + ...``.
  Other fractions: ``Pow(den, -1)`` times the numerator (``\\frac{1}{J_2}`` is
  ``Pow(J[2], -1)``, ``\\frac{1}{1}`` is ``Pow(1, -1)``, both kept unevaluated so
  OCR repairs can see them).
* ``\\sum_{k=0}^{2} body`` / ``\\prod`` → unevaluated ``Sum`` / ``Product`` over
  ``Symbol(k)``; the body runs to the end of the product it starts (``\\sum a \\cdot
  b + c`` is ``Sum(a*b) + c``). No bounds (``\\sum_k``) → bounds ``(-oo, oo)``.
* products: juxtaposition, ``\\cdot``, ``\\times``, ``*``, ``\\odot`` are ``Mul``
  (``evaluate=False``, so factor order is the student's); ``/`` divides;
  ``\\otimes`` is ``Outer(a, b)``; ``^T`` / ``^\\top`` is ``Transposed(x)``.
* functions: ``\\tanh \\exp \\log \\ln \\sin \\cos ...`` are sympy's (unevaluated);
  ``\\sigma(z)`` and ``sigmoid(z)`` are ``Sigmoid(z)``; ``softmax``/``relu`` and
  ``\\text{name}(z)`` are undefined sympy functions of that name.
* unary minus is ``Mul(-1, x)``; ``\\sqrt{x}`` is ``Pow(x, 1/2)``.

``settle(expr)`` re-evaluates such a tree (canonical Add/Mul/Pow) for comparison;
``unroll(expr)`` also expands sums and products with few enough terms.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

import sympy
from lark import Lark, Token, Transformer, Tree
from lark.exceptions import LarkError, UnexpectedCharacters, UnexpectedEOF, UnexpectedInput, VisitError

from grader.errors import MathParseError
from grader.mathtext.atoms import Outer, Partial, Sigmoid, Transposed

MAX_CHARS = 2000
MAX_DEPTH = 40
MAX_DIGITS = 30
MAX_NODES = 1500
MAX_EXPONENT = 1000
MAX_UNROLL = 64

RELATIONS = {"=": "=", "\\approx": "≈", "\\neq": "≠", "\\ne": "≠", "<": "<", ">": ">", "\\leq": "≤",
             "\\le": "≤", "\\geq": "≥", "\\ge": "≥", "\\equiv": "≡", "\\simeq": "≈"}

# Every command the grammar knows; any other is refused by name before parsing.
_KNOWN_COMMANDS = frozenset("""
approx neq ne leq geq le ge equiv simeq cdot times otimes odot circ ast sum prod tanh sinh cosh sin cos tan
exp log ln sigma text mathrm operatorname textrm mathit hat tilde bar widehat widetilde overline dot
mathbf boldsymbol mathbb mathcal vec bm frac dfrac tfrac sqrt partial top intercal left right bigl bigr
Bigl Bigr big Big displaystyle lvert rvert vert quad qquad
alpha beta gamma delta epsilon varepsilon zeta eta theta vartheta iota kappa lambda mu nu xi pi rho
tau upsilon phi varphi chi psi omega Gamma Delta Theta Lambda Xi Pi Sigma Phi Psi Omega
""".split())
_COMMAND = re.compile(r"\\([A-Za-z]+)")
_DIGITS = re.compile(r"[0-9]+")
_OPEN, _CLOSE = "{([", "})]"
_ACCENT_NAMES = {"hat": "hat", "widehat": "hat", "tilde": "tilde", "widetilde": "tilde", "bar": "bar",
                 "overline": "bar", "dot": "dot"}
_SYMPY_FUNCTIONS = {"tanh": sympy.tanh, "sinh": sympy.sinh, "cosh": sympy.cosh, "sin": sympy.sin,
                    "cos": sympy.cos, "tan": sympy.tan, "exp": sympy.exp, "log": sympy.log, "ln": sympy.log,
                    "sigma": Sigmoid, "sigmoid": Sigmoid}


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


# ---------------------------------------------------------------- limits before parsing


def _strip(src: str) -> str:
    text = src.strip()
    for left, right in (("$$", "$$"), ("\\[", "\\]"), ("\\(", "\\)"), ("$", "$")):
        if len(text) >= len(left) + len(right) and text.startswith(left) and text.endswith(right):
            text = text[len(left):-len(right)].strip()
            break
    # Sentence punctuation after a formula is not part of it.
    return text.rstrip(" \t,.;:")


def _precheck(text: str) -> None:
    if len(text) > MAX_CHARS:
        raise MathParseError(f"formula too long ({len(text)} characters, at most {MAX_CHARS})")
    if not text:
        raise MathParseError("empty formula")
    for match in _COMMAND.finditer(text):
        if match.group(1) not in _KNOWN_COMMANDS:
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


# ---------------------------------------------------------------- parsing


@lru_cache(maxsize=1)
def _parser() -> Lark:
    grammar = resources.files("grader.mathtext").joinpath("grammar.lark").read_text(encoding="utf-8")
    return Lark(grammar, start="statement", parser="lalr", maybe_placeholders=False)


def _parse(text: str) -> Tree:
    parser = _parser()  # outside the try: a broken grammar is our bug, not the student's
    try:
        return parser.parse(text)
    except UnexpectedCharacters as exc:
        raise MathParseError(f"unexpected character {text[exc.pos_in_stream]!r} at {exc.column}") from None
    except UnexpectedEOF:
        raise MathParseError("formula ends too early") from None
    except UnexpectedInput as exc:
        token = getattr(exc, "token", None)
        where = f" {str(token)!r}" if token is not None else ""
        raise MathParseError(f"cannot read the formula at{where} (column {getattr(exc, 'column', '?')})") from None
    except LarkError as exc:
        raise MathParseError(f"cannot read the formula: {type(exc).__name__}") from None
    except RecursionError:
        raise MathParseError("formula nested too deeply") from None


def _check_tree(tree: Tree) -> None:
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


# ---------------------------------------------------------------- building sympy trees


class _Del:
    """``\\partial X`` on its own: only meaningful as the numerator/denominator of a fraction."""

    def __init__(self, target: sympy.Expr):
        self.target = target


@dataclass(frozen=True)
class _Script:
    kind: str  # "sub" | "sup" | "transpose"
    values: tuple


def _x(value) -> sympy.Expr:
    if isinstance(value, _Del):
        raise MathParseError("\\partial outside a fraction \\frac{\\partial A}{\\partial B}")
    if not isinstance(value, sympy.Basic):
        raise MathParseError(f"unexpected {value!r}")
    return value


def _mul(*factors) -> sympy.Expr:
    return sympy.Mul(*[_x(f) for f in factors], evaluate=False)


def _neg(value) -> sympy.Expr:
    return _mul(sympy.Integer(-1), value)


def _symbol_name(tok: Token) -> str:
    return str(tok).lstrip("\\").strip()


def _word(tok: Token) -> str:
    return str(tok)[str(tok).index("{") + 1:-1].strip()


def _label(value: sympy.Expr) -> str | None:
    """Several letters written as a subscript (``W_{hh}``) are a label, not a product of indices."""
    if isinstance(value, sympy.Mul) and all(isinstance(a, sympy.Symbol) and len(a.name) == 1 for a in value.args):
        return "".join(a.name for a in value.args)
    return None


class _Build(Transformer):
    """One small method per grammar rule; each returns a sympy node built unevaluated."""

    def statement(self, children):
        leading = ""
        if children and isinstance(children[0], Token) and children[0].type == "REL":
            leading = RELATIONS[str(children[0])]
            children = children[1:]
        sides = tuple(_x(c) for c in children if not isinstance(c, Token))
        relations = tuple(RELATIONS[str(c)] for c in children if isinstance(c, Token))
        return Statement(sides, relations, leading)

    def expr(self, children):
        terms: list[sympy.Expr] = []
        sign = "+"
        for child in children:
            if isinstance(child, Token):
                sign = str(child)
            else:
                terms.append(child if sign == "+" else _neg(child))
                sign = "+"
        # A lone term passes through as is: it may be the "\partial X" of a fraction.
        return terms[0] if len(terms) == 1 else sympy.Add(*[_x(t) for t in terms], evaluate=False)

    def term(self, children):
        factors = [children[0]]
        for link in children[1:]:
            op, value = link
            if op == "/":
                factors.append(sympy.Pow(_x(value), -1, evaluate=False))
            elif op == "\\otimes":
                left = _x(factors[0]) if len(factors) == 1 else _mul(*factors)
                factors = [Outer(left, _x(value))]
            else:
                factors.append(value)
        return factors[0] if len(factors) == 1 else _mul(*factors)

    def op_link(self, children):
        return (re.sub(r"\s", "", str(children[0])), children[1])

    def juxt_link(self, children):
        return ("juxt", children[0])

    def negate(self, children):
        sign, value = children
        return _neg(value) if str(sign) == "-" else _x(value)

    def func_app(self, children):
        head, arg = children
        name = _word(head) if head.type == "TEXTWORD" else _symbol_name(head)
        function = _SYMPY_FUNCTIONS.get(name) or sympy.Function(name)
        return function(_x(arg), evaluate=False)

    # big operators
    def bigop(self, children):
        head, limits, body = children
        kind = sympy.Sum if _symbol_name(head) == "sum" else sympy.Product
        var, low, high = limits
        if var is None:
            raise MathParseError(f"\\{_symbol_name(head)} without an index variable")
        low = sympy.S.NegativeInfinity if low is None else low
        high = sympy.S.Infinity if high is None else high
        return kind(_x(body), (var, _x(low), _x(high)))

    def limits(self, children):
        var = low = high = None
        for kind, *values in children:
            if kind == "lower":
                var, low = values
            else:
                high = values[0]
        return (var, low, high)

    def lower_eq(self, children):
        return ("lower", sympy.Symbol(_symbol_name(children[0])), _x(children[1]))

    def lower_var(self, children):
        return ("lower", sympy.Symbol(_symbol_name(children[0])), None)

    def lower_char(self, children):
        char = str(children[0])[-1]
        if not char.isalpha():
            raise MathParseError("sum or product bound without an index variable")
        return ("lower", sympy.Symbol(char), None)

    def upper(self, children):
        value = children[0]
        return ("upper", self.number([value]) if isinstance(value, Token) and value.type == "NUMBER"
                else self._token_atom(value) if isinstance(value, Token) else _x(value))

    def upper_char(self, children):
        return ("upper", self._char_atom(str(children[0])[-1]))

    # scripts
    def sub_group(self, children):
        if len(children) == 1 and (label := _label(children[0])) is not None:
            return _Script("label", (label,))
        return _Script("sub", tuple(_x(c) for c in children))

    def sub_token(self, children):
        return _Script("sub", (self._token_atom(children[0]),))

    def sub_char(self, children):
        return _Script("sub", (self._char_atom(str(children[0])[-1]),))

    def sup_group(self, children):
        if children[0] == sympy.Symbol("T"):  # ^{T} is a transpose, like ^T
            return _Script("transpose", ())
        return _Script("sup", (_x(children[0]),))

    def sup_token(self, children):
        tok = children[0]
        if tok.type == "TOP":
            return _Script("transpose", ())
        return _Script("sup", (self._token_atom(tok),))

    def sup_char(self, children):
        char = str(children[0])[-1]
        return _Script("transpose", ()) if char == "T" else _Script("sup", (self._char_atom(char),))

    def scripted(self, children):
        base, *scripts = children
        for script in scripts:
            base = self._apply_script(base, script)
        return base

    def scripted_sup_first(self, children):
        base, sup, sub = children
        return self.scripted([base, sub, sup])

    def _apply_script(self, base, script: _Script) -> sympy.Expr:
        base = _x(base)
        if script.kind == "transpose":
            return Transposed(base)
        if script.kind == "sup":
            return sympy.Pow(base, script.values[0], evaluate=False)
        if not isinstance(base, sympy.Symbol):
            raise MathParseError(f"subscript on {base}, which is not a name")
        if script.kind == "label":
            return sympy.Symbol(f"{base.name}_{script.values[0]}")
        # Index arithmetic (j - 1) is settled so that H[j - 1] matches after substitution.
        return sympy.IndexedBase(base.name)[tuple(settle(v) for v in script.values)]

    # atoms
    def _token_atom(self, tok: Token) -> sympy.Expr:
        if tok.type == "NUMBER":
            return self.number([tok])
        return sympy.Symbol(_symbol_name(tok))

    def _char_atom(self, char: str) -> sympy.Expr:
        return sympy.Integer(int(char)) if char.isdigit() else sympy.Symbol(char)

    def number(self, children):
        text = str(children[0])
        return sympy.Rational(text) if "." in text else sympy.Integer(int(text))

    def letter(self, children):
        return sympy.Symbol(str(children[0]))

    def greek(self, children):
        return sympy.Symbol(_symbol_name(children[0]))

    def word(self, children):
        return sympy.Symbol(_word(children[0]))

    def accent(self, children):
        head, letter = children
        return sympy.Symbol(_symbol_name(letter) + _ACCENT_NAMES[_symbol_name(head)])

    def font(self, children):
        return _x(children[1])

    def group(self, children):
        inner = [c for c in children if not isinstance(c, Token)]
        return inner[0]

    def absolute(self, children):
        return sympy.Abs(_x(children[1]), evaluate=False)

    def frac(self, children):
        _, num, den = children
        if isinstance(num, _Del) and isinstance(den, _Del):
            return Partial(num.target, den.target)
        if isinstance(num, _Del) or isinstance(den, _Del):
            raise MathParseError("a derivative needs \\partial in both numerator and denominator")
        reciprocal = sympy.Pow(_x(den), -1, evaluate=False)
        return reciprocal if num == sympy.Integer(1) else _mul(num, reciprocal)

    def sqrt(self, children):
        return sympy.Pow(_x(children[1]), sympy.Rational(1, 2), evaluate=False)

    def naked_partial(self, children):
        return _Del(_x(children[1]))


def read_math(src: str) -> Statement:
    """Read one formula (with or without ``$`` delimiters). Raises ``MathParseError`` for the student's
    input; any other exception is a bug of ours (reported as a grader fault)."""
    if not isinstance(src, str):
        raise MathParseError("formula is not text")
    text = _strip(src)
    _precheck(text)
    tree = _parse(text)
    _check_tree(tree)
    try:
        statement = _Build().transform(tree)
    except VisitError as exc:
        if isinstance(exc.orig_exc, (MathParseError, RecursionError)):
            raise (exc.orig_exc if isinstance(exc.orig_exc, MathParseError) else MathParseError("formula nested too deeply")) from None
        # Anything else is a bug in our transformer, not unreadable math: it must reach the
        # grading loop as a grader fault, never be told to the student as their format problem.
        raise exc.orig_exc from None
    except RecursionError:
        raise MathParseError("formula nested too deeply") from None
    return Statement(statement.sides, statement.relations, statement.leading, text)


# ---------------------------------------------------------------- helpers for graders


def settle(expr: sympy.Basic) -> sympy.Basic:
    """The same tree with Add/Mul/Pow evaluated (sympy's canonical form); sums stay sums.

    Safe on reader output because the reader refused huge numbers and exponent towers.
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
