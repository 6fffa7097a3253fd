"""Read one line of student LaTeX into sympy expression trees, safely.

``read_math(src) -> Statement``. Student text is never evaluated: a grammar of our
own (``grammar.lark``, lark LALR) builds the tree node by node with
``evaluate=False``; ``sympify`` / ``parse_expr`` / ``parse_latex`` are never used.
Anything outside the grammar raises ``MathParseError`` with a reason a TA can read.

Limits, checked before anything costly is built (``grader.mathtext.checks``: ``precheck`` on the raw text,
``check_tree`` on lark's tree, before any sympy object exists): at most
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
* Unicode is its LaTeX (``grader.mathtext.glyphs``): ``θ`` is ``\\theta`` (``Symbol('theta')``),
  ``ℓ`` and ``\\ell`` are ``Symbol('ell')``, ``x̄`` is ``\\bar{x}`` (``Symbol('xbar')``), ``λ̂`` is
  ``\\hat{\\lambda}`` (``Symbol('lambdahat')``), ``·`` ``−`` ``∫`` ``∞`` … their commands. ``Σ`` / ``Π``
  are the sum / product sign where that reads (``Σ x_i``, ``Π_{i=1}^n``), else the letters
  ``Sigma`` / ``Pi`` (``Σ^{-1}``).
* calculus (``grader.mathtext.calculus``): ``\\int_a^b f\\,dx`` is ``Integral(f, (x, a, b))``,
  ``\\int f dx`` is ``Integral(f, x)``, unevaluated (the body runs to the differential;
  ``\\infty`` is ``oo``); ``\\frac{d}{dx} x^2`` is ``Derivative(x**2, x)``; ``\\frac{dy}{dx}`` is the
  name-like ``Diff(y, x)`` (``\\frac{d^2 y}{dx^2}`` is ``Diff(Diff(y, x), x)``); ``\\frac{\\partial}{\\partial w}``
  is the operator of ``Partial``.
* primes are names: ``y'`` is ``Symbol("y'")``, ``f'(x)`` / ``\\ell''(\\lambda)`` the undefined
  functions ``f'`` / ``ell''`` applied (``^{\\prime}`` and ``′`` are ``'``).
* ``n!`` is ``Factorial(n)``, ``\\binom{n}{k}`` ``Binomial(n, k)`` (``grader.mathtext.atoms``); a
  bound-less ``\\sum x_i`` / ``\\prod x_i!`` sums over the one letter of its subscripts.

``settle(expr)`` re-evaluates such a tree (canonical Add/Mul/Pow) for comparison;
``unroll(expr)`` also expands sums and products with few enough terms.
"""

from __future__ import annotations

import re

from functools import lru_cache
from importlib import resources

from lark import Lark, Tree
from lark.exceptions import LarkError, UnexpectedCharacters, UnexpectedEOF, UnexpectedInput, VisitError

from grader.errors import MathParseError
from grader.mathtext.build import _Build
from grader.mathtext.calculus import mark_differentials
from grader.mathtext.evalbar import expand_evaluation_bars
from grader.mathtext.checks import (  # noqa: F401 - the reader's limits, imported from here by graders
    MAX_CHARS, MAX_DEPTH, MAX_DIGITS, MAX_EXPONENT, MAX_NODES, MAX_UNROLL, RELATIONS, check_length, check_tree,
    precheck,
)
from grader.mathtext.glyphs import BIG, as_commands
from grader.mathtext.slips import undo_slips
from grader.mathtext.trees import Statement, settle, unroll  # noqa: F401 - re-exported

__all__ = ["Statement", "read_math", "settle", "unroll", "MAX_CHARS", "RELATIONS"]


# TeX takes a one-character argument without braces: \frac12 is \frac{1}{2}, \sqrt2 is \sqrt{2}.
# Students write the shorthand; the grammar reads braced arguments only.
_FRAC_SHORT = re.compile(r"\\([dt]?frac)(?![A-Za-z])\s*([0-9A-Za-z])\s*([0-9A-Za-z])")
_FRAC_HALF_SHORT = re.compile(r"\\([dt]?frac)(?![A-Za-z])\s*([0-9A-Za-z])\s*(?=\{)")
_FRAC_SECOND_SHORT = re.compile(r"\\([dt]?frac)(?![A-Za-z])\s*(\{[^{}]*\})\s*([0-9A-Za-z])")
_BIG_LETTER = re.compile(r"\\(Sigma|Pi)(?![A-Za-z])\s*")
_SQRT_SHORT = re.compile(r"\\sqrt(?![A-Za-z])\s*([0-9])")


# A percent is a number over 100 ("50\\%" is 1/2); \\cfrac is \\frac set as a continued fraction.
_PERCENT = re.compile(r"(\d+(?:\.\d+)?|\.\d+)\s*\\?%")
_CFRAC = re.compile(r"\\cfrac(?![A-Za-z])")


# Thousands separators: LaTeX's "1{,}000" anywhere, and "1,000,000" when it is the whole formula
# (inside brackets a comma separates a tuple's entries: "(1,500)").
_THOUSANDS = re.compile(r"-?\d{1,3}(?:,\d{3})+(?:\.\d+)?")


def _percent_and_cfrac(text: str) -> str:
    if "{,}" in text:
        text = text.replace("{,}", "")
    if _THOUSANDS.fullmatch(text):
        text = text.replace(",", "")
    if "%" in text:
        text = _PERCENT.sub(r"(\1/100)", text)
    return _CFRAC.sub(r"\\frac", text) if "cfrac" in text else text


def _braced_shorthand(text: str) -> str:
    """``\\frac12`` → ``\\frac{1}{2}``, ``\\frac1{n}`` and ``\\frac{1}n`` → ``\\frac{1}{n}``, ``\\sqrt2`` → ``\\sqrt{2}``."""
    if "frac" not in text and "\\sqrt" not in text:
        return text
    text = _FRAC_SHORT.sub(r"\\\1{\2}{\3}", text)
    text = _FRAC_HALF_SHORT.sub(r"\\\1{\2}", text)
    text = _FRAC_SECOND_SHORT.sub(r"\\\1\2{\3}", text)
    return _SQRT_SHORT.sub(r"\\sqrt{\1}", text)


def _strip(src: str) -> str:
    text = src.strip()
    for left, right in (("$$", "$$"), ("\\[", "\\]"), ("\\(", "\\)"), ("$", "$")):
        if len(text) >= len(left) + len(right) and text.startswith(left) and text.endswith(right):
            text = text[len(left):-len(right)].strip()
            break
    # Sentence punctuation after a formula is not part of it.
    return text.rstrip(" \t,.;:")


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


def _read(text: str) -> Statement:
    precheck(text)
    tree = _parse(mark_differentials(text))
    check_tree(tree)
    try:
        return _Build().transform(tree)
    except VisitError as exc:
        if isinstance(exc.orig_exc, (MathParseError, RecursionError)):
            raise (exc.orig_exc if isinstance(exc.orig_exc, MathParseError) else MathParseError("formula nested too deeply")) from None
        # Anything else is a bug in our transformer, not unreadable math: it must reach the
        # grading loop as a grader fault, never be told to the student as their format problem.
        raise exc.orig_exc from None
    except RecursionError:
        raise MathParseError("formula nested too deeply") from None


def read_math(src: str) -> Statement:
    """Read one formula (with or without ``$`` delimiters). Raises ``MathParseError`` for the student's
    input; any other exception is a bug of ours (reported as a grader fault)."""
    if not isinstance(src, str):
        raise MathParseError("formula is not text")
    text = _braced_shorthand(_percent_and_cfrac(undo_slips(_strip(src))))
    check_length(text)  # as written: spelling θ as \\theta does not make a formula too long
    source, text = text, expand_evaluation_bars(text)
    # \Sigma and \Pi are read like Σ and Π: the sum / product sign where that reads, else the letters
    # (OCR and hurried typing spell the sign as the letter: "(\Sigma x_i) \log\lambda").
    if "\\Sigma" in text or "\\Pi" in text:
        text = _BIG_LETTER.sub(lambda m: "Σ" if m.group(1) == "Sigma" else "Π", text)
    if not any(char in text for char in BIG):
        statement = _read(as_commands(text))
    else:
        # Σ and Π are the sum / product sign where that reads, else the letters.
        try:
            statement = _read(as_commands(text, big="sum"))
        except MathParseError as as_sign:
            try:
                statement = _read(as_commands(text, big="letter"))
            except MathParseError:
                raise as_sign from None
    return Statement(statement.sides, statement.relations, statement.leading, source)
