"""Read a derivation into facts and judge each step (the ``steps`` type, ``grader.types.steps``).

Reading (``statements``): the math fragments of the answer in line order; a
display block is cut into rows (``\\\\``, ``aligned`` …, a new line that holds an
``=``), rows at top-level arrows (``\\Rightarrow``, ``\\implies`` …) and at the
statement separators of ``grader.mathtext.statements``. Prose annotations
(``\\text{(divide by 2)}``, ``\\tag{..}``) are dropped. An inline formula counts only
when it holds an ``=`` (``where $x$ is real`` mentions, it does not derive); a
piece with another relation (``<``, ``\\approx`` …) is not a step. Every side
(text between top-level ``=``) is read with ``read_math`` on its own, so one
unreadable side costs one step, never the whole derivation.

A statement ``s0 = s1 = … = sn`` becomes facts (``Fact``): values (an expression
the derivation has reached) and equations (a residual ``lhs - rhs`` set to zero):

* ``s0`` is a *label* when it is written like a name — ``y``, ``w``, ``\\hat{\\beta}``,
  ``f(x)``, ``f'(x)``, ``w^*``, ``\\frac{\\partial L}{\\partial w}``, ``\\frac{dy}{dx}``,
  ``\\nabla_w L`` — and the statement has another side: ``s1 … sn`` are values of it.
  A label that is a plain name (``x``, ``w``, ``E_3``) also gives each value the
  equation reading ``label - value`` (``x = 3`` is an equation for ``x``).
* without a label, ``a = b`` with ``a ≡ b`` (or ``a`` equal to the previous value)
  is a rewrite ``a → b``; otherwise it is an equation. Three or more sides are
  rewrites.
* a trailing ``= 0`` sets what precedes it to zero (``… = -2X^T(y - Xw) + 2λw = 0``);
  ``\\frac{\\partial L}{\\partial w} = 0`` does the same to the label's last value.
* ``\\frac{d}{dx}(E)`` (also ``\\mathrm{d}``, ``\\partial``) at the start of a side is
  the derivative of ``E``, computed by sympy on our own tree.

Judging (``derive``): each fact against the one before it (rules in ``Judge.follows``):
equal values; the stated derivative of the previous value; an ``operations``
derivative; equivalent equations (residuals proportional by a nonzero constant,
or by a factor that cannot vanish such as ``e^{-x}``); a step isolating a name
(``x = v``: v satisfies the previous equation, which has no other solution for x);
an equation that sets the previous value to zero. After the first wrong step, a
step that follows from the wrong one is carried forward, a step that follows from
the last correct one is back on track. Anything that can be slow runs under
``run_limited``; a time-out is ``BudgetExceeded`` and goes up, never a verdict.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from types import MappingProxyType
from typing import Iterable, Iterator, Mapping, Sequence

import sympy

from grader.errors import BudgetExceeded, MathParseError
from grader.limits import run_limited
from grader.mathtext.evaluate import Undecided, relation_at_points
from grader.mathtext.glyphs import as_commands
from grader.mathtext.latex import MAX_CHARS, read_math, settle
from grader.mathtext.statements import split_statements, top_level
from grader.mathtext.writer import to_latex
from grader.model import Line
from grader.reading.plain_math import formula_fragments

E = sympy.Symbol("e")
ZERO = sympy.Integer(0)

# ------------------------------------------------------------------ text helpers

_GREEK = ("alpha|beta|gamma|delta|epsilon|varepsilon|zeta|eta|theta|vartheta|iota|kappa|lambda|mu|nu|xi|pi|"
          "rho|sigma|tau|upsilon|phi|varphi|chi|psi|omega|Gamma|Delta|Theta|Lambda|Xi|Pi|Sigma|Phi|Psi|Omega|ell")
_LETTER = rf"(?:[A-Za-z]|\\(?:{_GREEK})(?![A-Za-z]))"
_DECOR = r"\\(?:hat|tilde|bar|widehat|widetilde|overline|dot|ddot|vec|mathbf|boldsymbol|bm|mathit|mathrm|mathcal|mathbb)"
_BASE = rf"(?:{_DECOR}\s*\{{\s*{_LETTER}\s*\}}|{_DECOR}\s+{_LETTER}|{_LETTER})"
_PLAIN_SCRIPT = r"(?:_\s*\{[^{}=]*\}|_\s*[A-Za-z0-9])"
_MARK = r"(?:\^\s*\{\s*(?:\*|\\prime|\\star|\\ast|\\dagger)+\s*\}|\^\s*(?:\*|\\prime|\\star|\\ast)|')"
_SIMPLE = rf"{_BASE}(?:\s*(?:{_PLAIN_SCRIPT}|{_MARK}))*"
_ARGS = (rf"\s*(?:\\left\s*)?(?:\(\s*{_SIMPLE}(?:\s*,\s*{_SIMPLE})*\s*(?:\\right\s*)?\)"
         rf"|\[\s*{_SIMPLE}\s*(?:\\right\s*)?\])")  # f(x), L(w, b); E[X]
_NAME = rf"{_SIMPLE}(?:{_ARGS})?"
_D = r"(?:d|\\mathrm\s*\{\s*d\s*\}|\\partial)"
_FRAC = r"\\[dt]?frac"
_LEIBNIZ = rf"{_FRAC}\s*\{{\s*{_D}\s*{_NAME}\s*\}}\s*\{{\s*{_D}\s*{_SIMPLE}\s*\}}"
_NABLA = rf"\\nabla\s*(?:_\s*(?:\{{[^{{}}]*\}}|[A-Za-z]))?\s*{_NAME}"
_OPERATOR = re.compile(rf"\s*{_FRAC}\s*\{{\s*{_D}\s*\}}\s*\{{\s*{_D}\s*({_SIMPLE})\s*\}}")
_LABEL = re.compile(rf"\s*(?:{_LEIBNIZ}|{_NABLA}|{_NAME})\s*")
_PLAIN_LABEL = re.compile(rf"\s*{_BASE}(?:\s*{_PLAIN_SCRIPT})*\s*")

_ARROW = re.compile(r"\\(?:Longrightarrow|Rightarrow|implies|Longleftrightarrow|Leftrightarrow|iff|therefore)"
                    r"(?![A-Za-z])")
_ENVIRONMENT = re.compile(r"\\begin\s*\{\s*[A-Za-z]+\*?\s*\}(?:\s*\{[lcr|\s]*\})?|\\end\s*\{\s*[A-Za-z]+\*?\s*\}")
_ROW_BREAK = re.compile(r"\\\\")
_EQUALS = re.compile(r"=")
_OTHER_RELATION = re.compile(r"<|>|\\(?:leq|geq|le|ge|neq|ne|approx|simeq|sim|propto|lt|gt|leqslant|geqslant)"
                             r"(?![A-Za-z])")
_TAG = re.compile(r"\\tag\*?\s*\{[^{}]*\}|\\label\s*\{[^{}]*\}|\\nonumber|\\notag")
_SPACING = re.compile(r"\\[,;:! ]|\\q?quad(?![A-Za-z])|~|&")
_TEXT = re.compile(r"\\(?:text|textrm|mbox|textit)\s*\{([^{}]*)\}")
_PROSE_WORDS = frozenset("""so hence thus then therefore and or where since because with for gives giving implies
yields we get have hold holds i.e. e.g. ie eg by from using divide multiply subtract add both sides""".split())


def split_top(text: str, pattern: re.Pattern) -> list[str]:
    """``text`` cut at the top-level matches of ``pattern`` (the matches dropped)."""
    pieces, start = [], 0
    for match in top_level(text, pattern):
        pieces.append(text[start:match.start()])
        start = match.end()
    pieces.append(text[start:])
    return pieces


def _prose(match: re.Match) -> str:
    words = match.group(1).strip()
    keep = re.fullmatch(r"[A-Za-z]+", words) and words.lower() not in _PROSE_WORDS
    return match.group(0) if keep else " "


_QUAD = re.compile(r"\\q?quad(?![A-Za-z])")


_ROW_SPACING = re.compile(r"^\s*\[\s*-?[0-9.]+\s*(?:pt|em|ex|mm|cm)\s*\]")


def _unwrap(text: str) -> str:
    """``\\boxed{x = 3}`` → ``x = 3`` (the brace that closes the box dropped with it)."""
    for _ in range(8):
        match = re.search(r"\\(?:boxed|fbox)\s*\{", text)
        if not match:
            break
        depth, end = 1, match.end()
        while end < len(text) and depth:
            depth += {"{": 1, "}": -1}.get(text[end], 0) if text[end - 1] != "\\" else 0
            end += 1
        inner_end = end - 1 if depth == 0 else len(text)
        text = text[:match.start()] + text[match.end():inner_end] + text[inner_end + 1:]
    return text


def clean(text: str) -> str:
    """A piece of math without alignment, spacing commands, tags and prose annotations
    (``2x = 6 \\quad \\text{(divide by } 2)``: what follows a ``\\quad`` without an ``=`` is a remark)."""
    if len(text) > MAX_CHARS:
        return text.strip()  # the reader refuses it as too long: no need to tidy it first
    text = _TAG.sub(" ", _unwrap(_ROW_SPACING.sub("", as_commands(text))))  # θ → \theta: the patterns read LaTeX
    equals = [m.start() for m in top_level(text, _EQUALS)]
    for quad in top_level(text, _QUAD):
        if equals and equals[-1] < quad.start():  # an "=" before the \quad and none after it
            text = text[:quad.start()]
            break
    text = _TEXT.sub(_prose, text)
    text = _SPACING.sub(" ", text.replace(":=", "=").replace("=:", "="))
    return " ".join(text.split()).strip(" ,.;:")


def normal_text(text: str) -> str:
    return re.sub(r"\\left|\\right|\s+", "", text)


# ------------------------------------------------------------------ pieces of math, with their lines


@dataclass(frozen=True)
class Piece:
    line: int
    text: str
    display: bool


def _rows(latex: str) -> list[tuple[int, str]]:
    """A display block cut into rows: ``(newlines before the row's first character, text)``."""
    body = _ENVIRONMENT.sub(lambda m: " " * len(m.group()), latex)
    rows: list[tuple[int, str]] = []
    offset = 0
    for row in split_top(body, _ROW_BREAK):
        current: list[str] = []
        first = offset
        for k, line in enumerate(row.split("\n")):
            starts_step = bool(top_level(line, _EQUALS)) or bool(_ARROW.match(line.strip()))
            if starts_step and "".join(current).strip():
                rows.append((first, " ".join(current)))
                current = []
            if not "".join(current).strip():
                first = offset + k  # the row starts on the first line that has something
            current.append(line)
        rows.append((first, " ".join(current)))
        offset += row.count("\n")
    return [(n, text) for n, text in rows if text.strip()]


def _line_of(by_number: Mapping[int, str], first: int, guess: int, text: str) -> int:
    """The line of the transcript that holds ``text``: ``guess`` if it does, else the nearest one that does
    from the line before the guess to two after it (not before the fragment's ``first``), else ``guess``."""
    probe = normal_text(text)[:24]
    for number in (guess, guess + 1, guess - 1, guess + 2):
        if number >= first and probe and probe in normal_text(by_number.get(number, "")):
            return number
    return guess


def pieces(lines: Sequence[Line]) -> Iterator[Piece]:
    """Every piece of math that may be a step, in reading order."""
    ordered = sorted(lines, key=lambda line: line.number)
    by_number = {line.number: line.text for line in ordered}
    for fragment in formula_fragments(ordered):
        rows = _rows(fragment.latex) if fragment.display else [(0, fragment.latex)]
        skip = 1 if by_number.get(fragment.line, "").strip() in ("$$", "\\[") else 0
        for newlines, row in rows:
            line = _line_of(by_number, fragment.line, fragment.line + skip + newlines, row)
            for part in split_top(row, _ARROW):
                for statement in split_statements(part.strip()) if part.strip() else ():
                    text = clean(statement)
                    if text:
                        yield Piece(line, text, fragment.display)


# ------------------------------------------------------------------ sides and statements


@dataclass(frozen=True)
class Label:
    key: str
    text: str
    symbol: sympy.Basic | None = None  # a plain name (Symbol / Indexed), usable as an unknown
    base: str = ""  # the name without its arguments: "f" of f(x), "L" of L(w)
    derives: tuple[str, sympy.Basic] | None = None  # (base, x) of a derivative's name: dL/dw, f'(x), \nabla_w L


@dataclass(frozen=True)
class Side:
    line: int
    text: str
    expr: sympy.Basic | None = None  # the value (a derivative already taken); None: unreadable or a bare label
    error: str = ""
    label: Label | None = None
    derivative: tuple[sympy.Basic, sympy.Basic] | None = None  # (E, x) for a side written d/dx E


@dataclass
class Written:
    sides: list[Side]


_LEIBNIZ_PARTS = re.compile(rf"\s*{_FRAC}\s*\{{\s*{_D}\s*({_NAME})\s*\}}\s*\{{\s*{_D}\s*({_SIMPLE})\s*\}}\s*")
_NABLA_PARTS = re.compile(rf"\s*\\nabla\s*_\s*(?:\{{([^{{}}]*)\}}|([A-Za-z]))\s*({_NAME})\s*")
_PRIME_PARTS = re.compile(rf"\s*({_BASE})\s*(?:'|\^\s*\{{\s*\\prime\s*\}}|\^\s*\\prime)\s*(?:\\left\s*)?\(\s*({_SIMPLE})\s*"
                          rf"(?:\\right\s*)?\)\s*")


def _read(text: str, seconds: float | None):
    """``read_math`` under a time limit (student text), or without one (``seconds=None``: rubric text)."""
    return read_math(text) if seconds is None else run_limited(read_math, text, seconds=seconds)


def _base(name: str) -> str:
    return normal_text(re.sub(r"(?:\\left\s*)?\(.*$", "", name))


def _derives(text: str, seconds: float | None) -> tuple[str, sympy.Basic] | None:
    """``\\frac{dL}{dw}``, ``\\frac{\\partial L}{\\partial w}``, ``\\nabla_w L``, ``f'(x)``: (the name derived, by what)."""
    for pattern, name, var in ((_LEIBNIZ_PARTS, 1, (2,)), (_NABLA_PARTS, 3, (1, 2)), (_PRIME_PARTS, 1, (2,))):
        match = pattern.fullmatch(text)
        if match:
            variable = next(match.group(g) for g in var if match.group(g))
            try:
                expr = settle(_read(variable, seconds).expr)
            except MathParseError:
                return None
            return (_base(match.group(name)), expr) if isinstance(expr, (sympy.Symbol, sympy.Indexed)) else None
    return None


def label_of(text: str, seconds: float | None) -> Label | None:
    """The label ``text`` is written like, or None (``seconds``: the time limit of reading it)."""
    if len(text) > 200 or not _LABEL.fullmatch(text):  # a name is short; a long side is never one
        return None
    base, derives = _base(text), _derives(text, seconds)
    symbol = None
    try:
        expr = settle(_read(text, seconds).expr)
        key = sympy.srepr(expr)
        plain = isinstance(expr, sympy.Indexed) or (isinstance(expr, sympy.Symbol) and expr.name not in ("e", "pi"))
        if plain and _PLAIN_LABEL.fullmatch(text):
            symbol = expr
    except MathParseError:
        key = "text:" + normal_text(text)
    return Label(key, text.strip(), symbol, base, derives)


def derivative(expr: sympy.Basic, var: sympy.Basic, seconds: float) -> sympy.Basic:
    """d expr / d var on our own tree (``e^{z}`` read as exp(z)); bounded."""
    settled = settle(expr).replace(lambda n: isinstance(n, sympy.Pow) and n.base == E, lambda n: sympy.exp(n.exp))
    return run_limited(sympy.diff, settled, var, seconds=seconds)


def read_side(line: int, text: str, first: bool, parse_seconds: float, simplify_seconds: float,
              ones: Mapping[sympy.Basic, sympy.Basic] = MappingProxyType({})) -> Side:
    """One side, read; names in ``ones`` (the identity matrix ``I``) are replaced by 1."""
    side = _read_side(line, text, first, parse_seconds, simplify_seconds, ones)
    if ones and side.expr is not None:
        inner = side.derivative
        return replace(side, expr=side.expr.xreplace(ones),
                       derivative=(inner[0].xreplace(ones), inner[1]) if inner else None)
    return side


def _read_side(line: int, text: str, first: bool, parse_seconds: float, simplify_seconds: float,
               ones: Mapping[sympy.Basic, sympy.Basic]) -> Side:
    text = text.strip()
    if not text:
        return Side(line, text, error="empty side")
    label = label_of(text, parse_seconds) if first else None
    operator = _OPERATOR.match(text)
    try:
        if operator:
            var = settle(run_limited(read_math, operator.group(1), seconds=parse_seconds).expr)
            rest = text[operator.end():].strip()
            if not isinstance(var, (sympy.Symbol, sympy.Indexed)):
                return Side(line, text, error=f"cannot differentiate with respect to {operator.group(1)}")
            if not rest:
                return Side(line, text, error="a derivative of nothing")
            if _LABEL.fullmatch(rest):  # d/dx f(x): the name of a derivative
                return Side(line, text, label=label_of(text, parse_seconds) or Label("text:" + normal_text(text), text))
            inner = run_limited(read_math, rest, seconds=parse_seconds)
            if len(inner.sides) != 1:
                return Side(line, text, error="a relation inside a side")
            value = derivative(inner.expr.xreplace(ones), var, simplify_seconds)
            return Side(line, text, value, label=label, derivative=(settle(inner.expr), var))
        statement = run_limited(read_math, text, seconds=parse_seconds)
        if len(statement.sides) != 1:
            return Side(line, text, error="a relation inside a side")
        return Side(line, text, statement.expr, label=label)
    except MathParseError as exc:
        if label is not None:
            return Side(line, text, label=label)  # f'(x), w^*: a name the reader does not know, kept as a name
        return Side(line, text, error=str(exc))


def statements(lines: Sequence[Line], parse_seconds: float, simplify_seconds: float, max_steps: int,
               ones: Mapping[sympy.Basic, sympy.Basic] = MappingProxyType({})) -> list[Written]:
    """The statements of the answer, ``= …`` continuations merged into the statement they continue."""
    written: list[Written] = []
    count = 0
    for piece in pieces(lines):
        if count >= max_steps:
            break
        if len(piece.text) > MAX_CHARS:  # the reader refuses it whole: one unreadable step, not thousands
            written.append(Written([Side(piece.line, piece.text[:80] + " …", error=f"formula too long "
                                         f"({len(piece.text)} characters, at most {MAX_CHARS})")]))
            count += 1
            continue
        if top_level(piece.text, _OTHER_RELATION):
            continue  # an inequality or approximation: not a step of an equality chain
        texts = split_top(piece.text, _EQUALS)[: max_steps - count + 1]
        if len(texts) == 1 and not piece.display:
            continue  # an inline formula without "=" is a mention, not a step
        continued = not texts[0].strip() and len(texts) > 1
        if continued:
            texts = texts[1:]
        sides = [read_side(piece.line, t, i == 0 and not continued and len(texts) > 1, parse_seconds,
                           simplify_seconds, ones) for i, t in enumerate(texts)]
        count += len(sides)
        if len(sides) == 1 and sides[0].expr is not None and _is_word(sides[0].expr):
            continue  # \text{Hence} alone
        if continued and written:
            written[-1].sides.extend(sides)
        else:
            written.append(Written(sides))
    return written


def _is_word(expr: sympy.Basic) -> bool:
    return isinstance(expr, sympy.Symbol) and len(expr.name) > 1 and expr.name.isalpha() and expr.name.lower() in _PROSE_WORDS


# ------------------------------------------------------------------ facts


@dataclass(frozen=True)
class Fact:
    line: int
    text: str  # as written (or what was read), for evidence and feedback
    value: sympy.Basic | None = None
    residual: tuple[sympy.Basic, sympy.Basic] | None = None  # (lhs, rhs): lhs - rhs = 0
    label: Label | None = None
    derivative: tuple[sympy.Basic, sympy.Basic] | None = None  # this side is d/dx E: (E, x)
    error: str = ""  # unreadable: why
    claims: tuple[sympy.Basic, sympy.Basic] | None = None  # its label says: the derivative of E by x, (E, x)

    @property
    def readable(self) -> bool:
        return not self.error

    @property
    def final(self) -> sympy.Basic | None:
        """What this fact concludes with, as a final answer."""
        if self.value is not None:
            return self.value
        return self.residual[1] if self.residual else None


def _zero(side: Side) -> bool:
    return side.expr is not None and settle(side.expr) == ZERO and side.derivative is None


# ------------------------------------------------------------------ judging


@dataclass(frozen=True)
class Step:
    fact: Fact
    status: str  # follows | carried (follows from a wrong step) | wrong | undecided | unreadable
    how: str = ""
    previous: Fact | None = None  # the fact it was judged against
    review: str = ""  # a reason for a human to look, though it was accepted


@dataclass(frozen=True)
class Derivation:
    facts: tuple[Fact, ...]
    steps: tuple[Step, ...]
    start: Fact | None
    unknowns: tuple[sympy.Basic, ...] = ()

    @property
    def first_wrong(self) -> Step | None:
        return next((s for s in self.steps if s.status == "wrong"), None)


@dataclass
class Judge:
    """Equivalence checks with one set of options; memoised for one reading (never shared)."""

    points: int = 6
    seed: int = 0
    simplify_seconds: float = 1.0
    operations: tuple[sympy.Basic, ...] = ()  # differentiate with respect to these
    memo: dict = field(default_factory=dict)

    # --- primitive relations: True / False / None (undecided) ---
    def equal(self, a: sympy.Basic, b: sympy.Basic) -> bool | None:
        a, b = settle(a), settle(b)
        if a == b:
            return True
        key = ("equal", a, b)
        if key not in self.memo:
            self.memo[key] = self._equal(a, b)
        return self.memo[key]

    def _equal(self, a: sympy.Basic, b: sympy.Basic) -> bool | None:
        try:
            return relation_at_points(a, b, "equal", self.points, self.seed)
        except Undecided:
            pass
        simplified = run_limited(sympy.simplify, a - b, seconds=self.simplify_seconds)
        return True if simplified == 0 else None

    def proportional(self, a: sympy.Basic, b: sympy.Basic) -> bool | None:
        """a = c·b for a nonzero constant c, or for a factor c that cannot vanish (e^{…})."""
        a, b = settle(a), settle(b)
        key = ("factor", a, b)
        if key not in self.memo:
            self.memo[key] = self._proportional(a, b)
        return self.memo[key]

    def _proportional(self, a: sympy.Basic, b: sympy.Basic) -> bool | None:
        if a == b and a != ZERO:
            return True
        try:
            if relation_at_points(a, b, "factor", self.points, self.seed):
                return True
        except Undecided:
            return None
        if a == ZERO or b == ZERO:
            return False
        ratio = run_limited(lambda: sympy.powsimp(sympy.cancel(a / b)), seconds=self.simplify_seconds)
        return True if _never_zero(ratio) else False

    def derivative(self, expr: sympy.Basic, var: sympy.Basic) -> sympy.Basic:
        key = ("diff", settle(expr), var)
        if key not in self.memo:
            self.memo[key] = derivative(expr, var, self.simplify_seconds)
        return self.memo[key]

    # --- a step ---
    def follows(self, prev: Fact, cur: Fact) -> tuple[bool | None, str, str]:
        """(verdict, how, review): whether ``cur`` follows from ``prev``."""
        undecided, why = False, ""
        for check in self._checks(prev, cur):
            verdict, how, review = check()
            if verdict:
                return True, how, review
            undecided = undecided or verdict is None
            why = why or (how if verdict is False and how.startswith("line ") else "")
        return (None if undecided else False), why, ""

    def _checks(self, prev: Fact, cur: Fact) -> Iterable:
        relabelled = prev.label is not None and cur.label is not None and prev.label.key != cur.label.key
        if prev.value is not None and cur.value is not None and not relabelled:  # x = 3 then y = 3 is no step
            yield lambda: (self.equal(cur.value, prev.value), "equal to the previous step", "")
        if cur.derivative is not None and prev.value is not None:
            inner, var = cur.derivative
            yield lambda: (self.equal(inner, prev.value), f"the derivative of the previous step by {to_text(var)}", "")
        if cur.claims is not None and cur.value is not None:
            function, var = cur.claims
            yield lambda: (self.equal(cur.value, self.derivative(function, var)),
                           f"the derivative its left side names (by {to_text(var)})", "")
        if prev.residual is not None and cur.residual is not None:
            yield lambda: (self.proportional(_res(cur), _res(prev)), "an equivalent equation", "")
        if prev.residual is not None and cur.label is not None and cur.label.symbol is not None and cur.value is not None:
            yield lambda: self.isolates(prev, cur.label.symbol, cur.value)
        defined = prev.label is not None and prev.label.symbol is not None  # y = 3x + 2 does not make 3x + 2 zero
        if prev.value is not None and cur.residual is not None and not defined:
            yield lambda: (self.proportional(_res(cur), prev.value), "sets the previous expression to zero", "")
        for var in self.operations:
            if prev.value is not None and cur.value is not None:
                yield lambda var=var: (self.equal(cur.value, self.derivative(prev.value, var)),
                                       f"d/d{to_text(var)} of the previous step", "")
            if prev.residual is not None and cur.residual is not None:
                yield lambda var=var: (self.proportional(_res(cur), self.derivative(_res(prev), var)),
                                       f"d/d{to_text(var)} of both sides", "")

    def isolates(self, prev: Fact, unknown: sympy.Basic, value: sympy.Basic) -> tuple[bool | None, str, str]:
        """``unknown = value`` against the equation ``prev``: the same solution set for ``unknown``."""
        residual = settle(_res(prev))
        if not residual.has(unknown) or settle(value).has(unknown):
            return False, "", ""
        lhs, rhs = (settle(s).xreplace({unknown: value}) for s in prev.residual)
        satisfied = self.equal(lhs, rhs)
        name = to_text(unknown)
        if not satisfied:
            return satisfied, "", ""
        solutions = self.solutions(residual, unknown)
        if solutions is None:
            return True, f"solves the previous equation for {name}", \
                f"{name} = {to_text(value)} satisfies line {prev.line}; whether it has other solutions was not decided"
        others = [s for s in solutions if self.equal(s, value) is not True]
        if others:
            listed = ", ".join(f"{name} = {to_text(s)}" for s in others)
            return False, f"line {prev.line} also has {listed}", ""
        return True, f"solves the previous equation for {name}", ""

    def solutions(self, residual: sympy.Basic, unknown: sympy.Basic) -> list[sympy.Basic] | None:
        """The solutions of ``residual = 0`` for ``unknown``; None when sympy cannot say (a time-out raises)."""
        key = ("solve", residual, unknown)
        if key in self.memo:
            return self.memo[key]
        found: list[sympy.Basic] | None = None
        try:
            poly = run_limited(sympy.Poly, residual, unknown, seconds=self.simplify_seconds)
            if poly.degree() == 1:
                c1, c0 = poly.all_coeffs()
                found = [settle(-c0 / c1)]
        except BudgetExceeded:
            raise
        except (sympy.PolynomialError, sympy.GeneratorsNeeded, ValueError, TypeError, NotImplementedError):
            pass
        if found is None:
            try:
                solved = run_limited(sympy.solve, residual, unknown, seconds=self.simplify_seconds)
                if isinstance(solved, list) and all(isinstance(s, sympy.Basic) for s in solved):
                    found = solved
            except BudgetExceeded:
                raise
            except (NotImplementedError, ValueError, TypeError, ZeroDivisionError, sympy.PolynomialError):
                pass
        self.memo[key] = found
        return found


def _res(fact: Fact) -> sympy.Basic:
    lhs, rhs = fact.residual
    return settle(lhs - rhs)


def _never_zero(ratio: sympy.Basic) -> bool:
    """A product of nonzero numbers and exponentials (no other factor that could vanish)."""
    if not ratio.free_symbols:
        return ratio.is_nonzero is True or (ratio.is_number and ratio != 0)
    for factor in sympy.Mul.make_args(ratio):
        if factor.is_number and factor != 0:
            continue
        if isinstance(factor, sympy.exp):
            continue
        if isinstance(factor, sympy.Pow) and (factor.base == E or factor.base.is_positive) and not factor.base.free_symbols - {E}:
            continue
        if isinstance(factor, sympy.Pow) and isinstance(factor.base, sympy.exp):
            continue
        return False
    return True


def to_text(expr: sympy.Basic) -> str:
    """LaTeX of a value the grader computed, for feedback: sympy's printer (compact fractions) when every
    name is a letter or a Greek letter, else our writer (which spells ``\\hat{O}`` and ``W_{hh}`` as read)."""
    names = {s.name for s in expr.free_symbols if isinstance(s, sympy.Symbol)}
    if any(len(n) > 1 and not re.fullmatch(_GREEK, n) for n in names):
        try:
            return to_latex(expr)
        except ValueError:
            return str(expr)
    try:
        return sympy.latex(expr)
    except Exception:  # noqa: BLE001 — a printer failure must not cost the grade; fall back to our writer
        try:
            return to_latex(expr)
        except ValueError:
            return str(expr)


# ------------------------------------------------------------------ statements into facts, judged in order


def _side_text(side: Side, first: bool) -> str:
    return side.text if first else f"= {side.text}"


def derive(written: Sequence[Written], judge: Judge) -> Derivation:
    facts: list[Fact] = []
    steps: list[Step] = []
    values: dict[str, sympy.Basic] = {}  # a label's last value, by its key and by its base name
    unknowns: list[sympy.Basic] = []
    state = _State(judge, facts, steps)
    for statement in written:
        for fact in _facts(statement, state, values):
            if fact.label is not None and fact.label.symbol is not None and fact.label.symbol not in unknowns:
                unknowns.append(fact.label.symbol)
            state.add(fact)
    return Derivation(tuple(facts), tuple(steps), state.start, tuple(unknowns))


@dataclass
class _State:
    judge: Judge
    facts: list[Fact]
    steps: list[Step]
    start: Fact | None = None
    prev: Fact | None = None
    anchor: Fact | None = None  # the last fact reached without error
    tainted: bool = False

    def add(self, fact: Fact) -> None:
        self.facts.append(fact)
        if not fact.readable:
            self.steps.append(Step(fact, "unreadable", fact.error))
            return
        if self.prev is None:
            self.start = self.prev = self.anchor = fact
            return
        verdict, how, review = self.judge.follows(self.prev, fact)
        if not self.tainted:
            if verdict:
                step = Step(fact, "follows", how, self.prev, review)
            elif verdict is None:
                step = Step(fact, "undecided", "could not be decided", self.prev)
            else:
                step = Step(fact, "wrong", how, self.prev)
                self.tainted = True
        else:
            back, back_how, back_review = self.judge.follows(self.anchor, fact)
            if back:
                step = Step(fact, "follows", back_how, self.anchor, back_review)
                self.tainted = False
            elif verdict:
                step = Step(fact, "carried", how, self.prev, review)
            elif verdict is None or back is None:
                step = Step(fact, "undecided", "could not be decided", self.prev)
            else:
                step = Step(fact, "wrong", how, self.prev)
        if step.status in ("follows", "undecided") and not self.tainted:
            self.anchor = fact
        self.steps.append(step)
        self.prev = fact


def _facts(statement: Written, state: _State, values: dict[str, sympy.Basic]) -> list[Fact]:
    """The facts of one statement (see the module docstring), given what came before it."""
    sides = statement.sides
    label = sides[0].label if len(sides) >= 2 and sides[0].label is not None and not sides[0].error else None
    body = sides[1:] if label is not None else sides
    if label is None and len(body) == 2 and any(s.error for s in body):
        # an equation or a rewrite with an unreadable side: one unreadable step
        bad = next(s for s in body if s.error)
        return [Fact(bad.line, _line_text(body), error=bad.error)]
    if label is not None:
        return _labelled(label, body, state, values)
    if len(body) == 2 and not _zero(body[1]):
        a, b = body
        # a rewrite when both sides are equal, when the left side is a derivative taken (d/dx E = …: a
        # computation, not a condition), or when it continues the previous value; else an equation
        rewrite = a.derivative is not None or state.judge.equal(a.expr, b.expr) is True
        if not rewrite and state.prev is not None:
            rewrite = state.judge.follows(state.prev, Fact(a.line, a.text, a.expr, derivative=a.derivative))[0] is True
        if not rewrite:
            return [Fact(a.line, f"{a.text} = {b.text}", residual=(a.expr, b.expr))]
    out: list[Fact] = []
    for i, side in enumerate(body):
        if side.error:
            out.append(Fact(side.line, _side_text(side, i == 0), error=side.error))
        elif not _sets_zero(side, i, out, state):
            out.append(Fact(side.line, _side_text(side, i == 0), side.expr, derivative=side.derivative))
    return out


def _sets_zero(side: Side, index: int, out: list[Fact], state: _State) -> bool:
    """A trailing "= 0" after a value that is not itself zero: that value becomes an equation (in ``out``)."""
    if not (index > 0 and _zero(side) and out and out[-1].value is not None and out[-1].readable):
        return False
    if state.judge.equal(out[-1].value, ZERO) is True:
        return False
    last = out.pop()
    out.append(Fact(last.line, f"{last.text} = 0", last.value, (last.value, ZERO), last.label, last.derivative,
                    claims=last.claims))
    return True


def _labelled(label: Label, body: Sequence[Side], state: _State, values: dict[str, sympy.Basic]) -> list[Fact]:
    known = values.get(label.key) if label.symbol is None else None
    function = values.get("base:" + label.derives[0]) if label.derives is not None else None
    claims = (function, label.derives[1]) if function is not None else None
    if len(body) == 1 and _zero(body[0]) and known is not None:
        # \frac{\partial L}{\partial w} = 0: the label's last value set to zero
        return [Fact(body[0].line, f"{label.text} = 0", known, (known, ZERO), label)]
    out: list[Fact] = []
    for i, side in enumerate(body):
        if side.error:
            out.append(Fact(side.line, f"{label.text} = {side.text}" if i == 0 else f"= {side.text}", error=side.error))
            continue
        if _sets_zero(side, i, out, state):
            continue
        text = f"{label.text} = {side.text}" if i == 0 else f"= {side.text}"
        residual = (label.symbol, side.expr) if label.symbol is not None else None
        out.append(Fact(side.line, text, side.expr, residual, label, side.derivative,
                        claims=claims if i == 0 else None))
    last_value = next((f.value for f in reversed(out) if f.value is not None), None)
    if last_value is not None:
        if label.symbol is None:
            values[label.key] = last_value
        if label.derives is None:
            values["base:" + label.base] = last_value
    return out


def _line_text(sides: Sequence[Side]) -> str:
    return " = ".join(s.text for s in sides)


def judge_text(lines: Sequence[Line], *, points: int, seed: int, parse_seconds: float, simplify_seconds: float,
               operations: Sequence[sympy.Basic], max_steps: int,
               ones: Mapping[sympy.Basic, sympy.Basic] = MappingProxyType({})) -> Derivation:
    """The derivation written in ``lines``, read and judged."""
    written = statements(lines, parse_seconds, simplify_seconds, max_steps, ones)
    judge = Judge(points, seed, simplify_seconds, tuple(operations))
    return derive(written, judge)
