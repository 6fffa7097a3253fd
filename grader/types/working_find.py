"""Finding a method in a student's working: products worked out, equations set up, formulas as written.

Three readers, each pure, each returning what it found with the line it is on:

* ``find_products``: part of a product A·B (or a dot product of two vectors) written out as
  its terms: a side of a relation made only of numbers, a sum whose non-zero terms are, one for
  one, the products of one entry, ``(P²)₁₁ = ½·½ + ½·¼ + 0`` or ``0*0 + 1/2*1/4 + 1/2*1/2``
  (A_ik·B_kj), of one row, ``¼(½, ½, 0) + ½(¼, ½, ¼) + ¼(0, ½, ½)`` (A_ik times row k of B), or
  of one column (column k of A times B_kj); either factor order, terms in any order, zero terms
  written or left out.
* ``find_equations``: linear equations in the rubric's unknowns that follow from the rubric's
  system M·x = b (each is a combination of its rows): ``π₁ = ½π₁ + ¼π₂`` follows from πP = π,
  ``π₁ = π₂`` (from Pπ = π) does not. The count is of independent equations.
* ``find_formulas``: a formula as written, order kept (``\\pi P = \\pi`` is not ``P \\pi = \\pi``):
  the rubric's formula, as a run of tokens, inside one of the student's formulas; multiplication
  signs, braces and spacing do not count, and an equation may be written either way round.

Nothing is evaluated but numbers: every side and factor is read by our own reader
(``read_math``), never by sympify; a formula the reader refuses is skipped.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from fractions import Fraction
from typing import Iterable, Sequence, Union

import sympy

from grader.errors import MathParseError
from grader.mathtext.glyphs import as_commands
from grader.mathtext.latex import read_math, settle
from grader.mathtext.statements import split_statements, top_level
from grader.model import Line
from grader.reading.plain_math import formula_fragments, plain_to_latex

_RELATION = re.compile(r"=|\\approx|≈")
_PLUS_MINUS = re.compile(r"[+\-−]")
_TIMES = re.compile(r"\\cdot(?![A-Za-z])|\\times(?![A-Za-z])|[*·×]")
_COMMA = re.compile(r",")
_LATEX_SPACE = re.compile(r"(?<!\\)\\[,;:!\s]")  # "\\," and "\\ " in a tuple are spaces
_COMMANDS = re.compile(r"\\([A-Za-z]+)")
_NUMERIC_COMMANDS = frozenset({"frac", "tfrac", "dfrac", "cdot", "times", "left", "right"})
# Runs of arithmetic in plain text: digits, fractions, signs and brackets with at least one operator.
_TIMES_X = re.compile(r"(?<=[\d)])\s*[x×]\s*(?=[\d(])")  # "1/2 x 1/4": x between numbers multiplies
_PLAIN_RUN = re.compile(r"[\d(][\d\s.+\-*/()×·]*[\d)]")


@dataclass(frozen=True)
class Found:
    line: int
    text: str  # what was found, as the student wrote it
    what: str  # what it shows, in words ("entry (1, 1) of P·P")


def _sources(lines: Sequence[Line]) -> list[tuple[int, str]]:
    """(line, formula) for every formula and every plain-text run of arithmetic, in reading order."""
    found = [(f.line, f.latex) for f in formula_fragments(lines)]
    for line in lines:
        if "$" in line.text or "\\" in line.text:
            continue  # its math is in the fragments already
        for run in _PLAIN_RUN.finditer(_TIMES_X.sub(" * ", line.text)):
            text = run.group()
            if _PLUS_MINUS.search(text) and _TIMES.search(text):
                found.append((line.number, text))
    return found


def _sides(source: str) -> Iterable[str]:
    for statement in split_statements(source):
        yield from (side.strip() for side in _split(statement, _RELATION) if side.strip())


def _is_numeric_text(side: str) -> bool:
    if any(name not in _NUMERIC_COMMANDS for name in _COMMANDS.findall(side)):
        return False
    return not re.search(r"[A-Za-z]", _COMMANDS.sub(" ", side))


def _number(text: str) -> sympy.Expr | None:
    try:
        statement = read_math(text)
    except MathParseError:
        return None
    if len(statement.sides) != 1:
        return None
    value = settle(statement.sides[0])
    if value.free_symbols or not value.is_number or not value.is_real:
        return None
    return value


def _split(text: str, pattern: re.Pattern) -> list[str]:
    cuts = [0, *(p for m in top_level(text, pattern) for p in (m.start(), m.end())), len(text)]
    return [text[a:b] for a, b in zip(cuts[::2], cuts[1::2])]


# A factor's value: a number, or a tuple of numbers (a row or column of a matrix).
Value = Union[sympy.Expr, tuple]
Exact = Union[Fraction, tuple]


def _juxtaposed(chunk: str) -> list[str]:
    """``\\frac14(\\frac12, 0)`` and ``(0.5)(0.25)``: a bracket right after a number or a bracket multiplies."""
    pieces, depth, start, previous = [], 0, 0, ""
    for i, char in enumerate(chunk):
        if char == "(" and depth == 0 and previous in ")}0123456789.":
            pieces.append(chunk[start:i])
            start = i
        if char in "({[":
            depth += 1
        elif char in ")}]":
            depth = max(depth - 1, 0)
        if not char.isspace():
            previous = char
    return [*pieces, chunk[start:]]


def _factor(text: str) -> Value | None:
    text = text.strip()
    inner = text[1:-1] if text.startswith("(") and text.endswith(")") else None
    if inner is not None and top_level(inner, _COMMA):
        values = [_number(part) for part in _split(_LATEX_SPACE.sub(" ", inner), _COMMA)]
        return None if any(v is None for v in values) else tuple(values)
    return _number(text)


def _terms(side: str) -> list[list[Value]] | None:
    """A numeric side as its terms, each the list of its factors' values (None: not a sum of products)."""
    terms: list[list[Value]] = []
    signs = [m.group() for m in top_level(side, _PLUS_MINUS)]
    pieces = _split(side, _PLUS_MINUS)
    if not pieces[0].strip():  # a leading sign
        pieces, negative = pieces[1:], signs[:1] != ["+"]
        signs = signs[1:]
    else:
        negative = False
    for index, piece in enumerate(pieces):
        if index:
            negative = signs[index - 1] != "+"
        factors = [f for chunk in _split(piece, _TIMES) for f in _juxtaposed(chunk)]
        values = [_factor(f) for f in factors if f.strip()]
        if not values or any(v is None for v in values):
            return None
        if negative:
            first = values[0]
            values[0] = tuple(-v for v in first) if isinstance(first, tuple) else -first
        terms.append(values)
    return terms


def _same_number(value: sympy.Expr, exact: Fraction) -> bool:
    if value.is_Rational:
        return Fraction(int(value.p), int(value.q)) == exact
    return abs(float(value) - float(exact)) <= 5e-3 * max(1.0, abs(float(exact)))


def _same(value: Value, exact: Exact) -> bool:
    if isinstance(value, tuple) != isinstance(exact, tuple):
        return False
    if isinstance(exact, tuple):
        return len(value) == len(exact) and all(_same_number(v, e) for v, e in zip(value, exact))
    return _same_number(value, exact)


def _is_zero(value: Value | Exact) -> bool:
    return all(v == 0 for v in value) if isinstance(value, tuple) else value == 0


def _pair_matches(term: list[Value], pair: tuple[Exact, Exact]) -> bool:
    if len(term) == 1:  # a factor of 1 is left out: "(0, 1) + 2(1, 1)" for 1·(0, 1) + 2·(1, 1)
        return any(one == 1 and _same(term[0], other) for one, other in (pair, pair[::-1]))
    if len(term) != 2:
        return False
    a, b = term
    return (_same(a, pair[0]) and _same(b, pair[1])) or (_same(a, pair[1]) and _same(b, pair[0]))


def _written_out(terms: list[list[Value]], pairs: list[tuple[Exact, Exact]]) -> bool:
    """Whether the terms are, one for one, the instance's non-zero products (zero terms aside)."""
    written = [t for t in terms if not any(_is_zero(v) for v in t)]
    wanted = [p for p in pairs if not _is_zero(p[0]) and not _is_zero(p[1])]
    if not written or len(written) != len(wanted) or not any(len(t) == 2 for t in written):
        return False
    left = list(wanted)
    for term in written:
        match = next((k for k, pair in enumerate(left) if _pair_matches(term, pair)), None)
        if match is None:
            return False
        left.pop(match)
    return True


def product_entries(a: list[list[Fraction]], b: list[list[Fraction]]) -> dict[str, list[tuple[Exact, Exact]]]:
    """Every way to write part of A·B as a sum of products, by what it gives: an entry (i, j) as
    Σ_k A_ik·B_kj, a row i as Σ_k A_ik·(row k of B), a column j as Σ_k (column k of A)·B_kj (1-based)."""
    n, rows, columns = len(b), len(a), len(b[0])
    ways: dict[str, list[tuple[Exact, Exact]]] = {}
    for i in range(rows):
        for j in range(columns):
            ways[f"entry ({i + 1}, {j + 1})"] = [(a[i][k], b[k][j]) for k in range(n)]
    if columns > 1:
        for i in range(rows):
            ways[f"row {i + 1}"] = [(a[i][k], tuple(b[k])) for k in range(n)]
    if rows > 1:
        for j in range(columns):
            ways[f"column {j + 1}"] = [(tuple(a[r][k] for r in range(rows)), b[k][j]) for k in range(n)]
    return ways


def find_products(lines: Sequence[Line], ways: dict[str, list[tuple[Exact, Exact]]], name: str) -> list[Found]:
    """Every side of the working that writes out an entry, a row or a column of a product as its terms."""
    found: list[Found] = []
    for number, source in _sources(lines):
        for side in _sides(source):
            if not _is_numeric_text(side):
                continue
            terms = _terms(side)
            if terms is None or not any(len(t) == 2 for t in terms):
                continue
            for where, pairs in ways.items():
                if _written_out(terms, pairs):
                    what = f"{where} of {name}" if len(ways) > 1 else name
                    found.append(Found(number, side, f"{what} worked out term by term"))
                    break
    return found


def name_latex(name: str) -> str:
    """A rubric's name as LaTeX: ``pi_1`` (plain) is ``\\pi_{1}``; ``\\pi_1`` is already LaTeX."""
    return name if "\\" in name else plain_to_latex(name)


def unknown_symbols(names: Sequence[str]) -> list[sympy.Expr]:
    """The rubric's unknowns as the reader reads them (``pi_1`` → π₁, as a student's ``\\pi_1``)."""
    symbols = []
    for name in names:
        sides = read_math(name_latex(name)).sides
        if len(sides) != 1 or not (isinstance(sides[0], (sympy.Symbol, sympy.Indexed))):
            raise MathParseError(f"{name!r} is not one name")
        symbols.append(sides[0])
    return symbols


def _equation_row(left: sympy.Expr, right: sympy.Expr, unknowns: Sequence[sympy.Expr]) -> list[sympy.Rational] | None:
    """[a_1 … a_n, c] of a linear equation a·x = c in the unknowns (None: not one)."""
    stand_ins = sympy.symbols(f"u0:{len(unknowns)}")
    expr = sympy.expand(settle(left - right).subs(dict(zip(unknowns, stand_ins)), simultaneous=True))
    if expr.free_symbols - set(stand_ins) or not expr.free_symbols:
        return None
    try:
        poly = sympy.Poly(expr, *stand_ins)
    except sympy.PolynomialError:
        return None
    if poly.total_degree() != 1:
        return None
    row = [poly.coeff_monomial(s) for s in stand_ins] + [-poly.coeff_monomial(1)]
    if not all(c.is_number and c.is_real for c in row):
        return None
    return [sympy.nsimplify(c, rational=True) for c in row]


def find_equations(lines: Sequence[Line], unknowns: Sequence[sympy.Expr],
                   system: list[list[Fraction]], rhs: list[Fraction]) -> tuple[list[Found], int]:
    """The student's equations that follow from the system, and how many of them are independent."""
    rows = sympy.Matrix([[sympy.Rational(v.numerator, v.denominator) for v in row] +
                         [sympy.Rational(c.numerator, c.denominator)] for row, c in zip(system, rhs)])
    rank = rows.rank()
    found: list[Found] = []
    implied: list[list[sympy.Rational]] = []
    for fragment in formula_fragments(lines):
        for statement_text in split_statements(fragment.latex):
            try:
                statement = read_math(statement_text)
            except MathParseError:
                continue
            for k, relation in enumerate(statement.relations):
                if relation != "=":
                    continue
                row = _equation_row(statement.sides[k], statement.sides[k + 1], unknowns)
                if row is None or sympy.Matrix.vstack(rows, sympy.Matrix([row])).rank() != rank:
                    continue
                implied.append(row)
                found.append(Found(fragment.line, statement_text.strip(), "an equation of the system"))
    independent = sympy.Matrix(implied).rank() if implied else 0
    return found, independent


_TOKEN = re.compile(r"\\[A-Za-z]+|\d+(?:\.\d+)?|[A-Za-z]|[=^_+\-/()\[\]<>|',]")
_IGNORED_COMMANDS = frozenset({"\\cdot", "\\times", "\\left", "\\right", "\\,", "\\;", "\\!", "\\quad", "\\qquad"})


def formula_tokens(latex: str) -> tuple[str, ...]:
    """A formula as the run of tokens that its writing order makes (multiplication signs dropped)."""
    text = as_commands(latex).replace("*", " ").replace("−", "-")
    tokens = [t for t in _TOKEN.findall(text) if t not in _IGNORED_COMMANDS]
    return tuple(t.lstrip("\\") for t in tokens)


def _contains(haystack: tuple[str, ...], needle: tuple[str, ...]) -> bool:
    n = len(needle)
    return any(haystack[i:i + n] == needle for i in range(len(haystack) - n + 1))


def _swapped(tokens: tuple[str, ...]) -> tuple[str, ...] | None:
    if tokens.count("=") != 1:
        return None
    at = tokens.index("=")
    return tokens[at + 1:] + ("=",) + tokens[:at]


def find_formulas(lines: Sequence[Line], formulas: Sequence[str]) -> list[Found]:
    """The student's formulas that contain one of ``formulas`` as written."""
    wanted = []
    for formula in formulas:
        tokens = formula_tokens(formula)
        wanted.append((formula, tokens, _swapped(tokens)))
    found: list[Found] = []
    for fragment in formula_fragments(lines):
        tokens = formula_tokens(fragment.latex)
        for formula, forward, backward in wanted:
            if _contains(tokens, forward) or (backward is not None and _contains(tokens, backward)):
                found.append(Found(fragment.line, fragment.latex.strip(), f"the formula {formula}"))
                break
    return found
