"""Arithmetic on written matrices: ``2A``, ``A + B``, ``AB`` (in order), ``A^T``, ``A^{-1}``, ``A^2``,
``\\det A``, ``\\operatorname{tr} A``, ``\\operatorname{rank} A`` — where each A is written out
(``\\begin{pmatrix} … \\end{pmatrix}`` or a nested list ``[[1, 2], [3, 4]]``) — and, of written
vectors, a dot product ``(1, 2, 3) \\cdot (4, 5, 6)`` and a length ``\\|(3, 4)\\|``.

The formula reader is scalar (its products commute), so a formula holding written matrices is
worked out here instead, left to right with the usual precedence, products kept in their order:
``read_matrix_formula(text)`` is the matrix or number it comes to, or None when the text holds
no written matrix or is not such arithmetic. Scalars and entries are read by ``read_math``;
sizes that do not fit (a 2×2 plus a 3×3, the inverse of a singular matrix) make it None.
"""

from __future__ import annotations

import re

import sympy

from grader.errors import MathParseError
from grader.mathtext.latex import read_math, settle

MAX_SIZE = 20  # rows or columns of a written matrix worked with in arithmetic
MAX_CELLS = 400  # entries of one written matrix read at all
MAX_POWER = 10

# A written matrix: pmatrix, bmatrix, Bmatrix, matrix, an array with its column spec, or a nested
# list (rows first). vmatrix and Vmatrix are a determinant and a norm: numbers, not matrices.
_LITERAL = re.compile(r"\\begin\{([pbB]?matrix)\}(.*?)\\end\{\1\}|\\begin\{array\}\{[^}]*\}(.*?)\\end\{array\}"
                      r"|\[\s*\[[^\[\]]*\](?:\s*,\s*\[[^\[\]]*\])*\s*\]", re.S)
_FUNCTION = re.compile(r"\\det(?![A-Za-z])|\\(?:operatorname|mathrm|text)\s*\{\s*(tr|rank|det)\s*\}|\\(?:tr|rank)(?![A-Za-z])")
_POSTFIX = re.compile(r"\^\s*(?:\{\s*(T|\\top|-\s*1|\d+)\s*\}|(T|\\top|\d))")
_OPERATOR = re.compile(r"\\cdot(?![A-Za-z])|\\times(?![A-Za-z])|\*|\+|-")
_SIZES = re.compile(r"\\(?:left|right)(?![A-Za-z])\s*[.(\[)\]]?")


def read_all(pieces) -> list[sympy.Basic] | None:
    """Each piece read by ``read_math`` and settled; None when one cannot be read."""
    try:
        return [settle(read_math(piece).expr) for piece in pieces]
    except MathParseError:
        return None


def _literal(match: re.Match[str]) -> sympy.ImmutableMatrix | None:
    body = match.group(2) if match.group(1) else match.group(3)
    if body is not None:
        cells = [row.split("&") for row in re.split(r"\\\\", body) if row.strip()]
    else:
        cells = [inner.split(",") for inner in re.findall(r"\[([^\[\]]*)\]", match.group())]
    if not cells or len({len(r) for r in cells}) != 1 or sum(map(len, cells)) > MAX_CELLS:
        return None
    values = read_all(cell for row in cells for cell in row)
    return None if values is None else sympy.ImmutableMatrix(len(cells), len(cells[0]), values)


def matrix_literal(text: str) -> sympy.ImmutableMatrix | None:
    """The text as one written matrix (``\\begin{pmatrix}…``, ``[[1, 2], [3, 4]]``), or None."""
    match = _LITERAL.fullmatch(text.strip())
    return _literal(match) if match else None


def _tokens(text: str) -> list[tuple[str, object]] | None:
    """("matrix", M), ("scalar", s), ("function", name), ("postfix", what), ("op", sign)."""
    tokens: list[tuple[str, object]] = []
    position = 0
    for match in list(_LITERAL.finditer(text)) + [None]:
        end = match.start() if match else len(text)
        chunk = text[position:end]
        if not _chunk_tokens(chunk, tokens):
            return None
        if match:
            matrix = _literal(match)
            if matrix is None or matrix.rows > MAX_SIZE or matrix.cols > MAX_SIZE:
                return None
            tokens.append(("matrix", matrix))
            position = match.end()
    return tokens


def _chunk_tokens(chunk: str, tokens: list) -> bool:
    index = 0
    scalar = ""
    while index < len(chunk):
        if chunk[index].isspace():
            scalar += chunk[index]
            index += 1
            continue
        for kind, pattern in (("function", _FUNCTION), ("postfix", _POSTFIX), ("op", _OPERATOR)):
            match = pattern.match(chunk, index)
            if match:
                if scalar.strip():
                    if not _scalar(scalar, tokens):
                        return False
                scalar = ""
                what = next((g for g in match.groups() if g), match.group()) if kind != "op" else match.group()
                tokens.append((kind, re.sub(r"\s+", "", str(what))))
                index = match.end()
                break
        else:
            scalar += chunk[index]
            index += 1
    return _scalar(scalar, tokens) if scalar.strip() else True


def _scalar(text: str, tokens: list) -> bool:
    try:
        value = settle(read_math(text).expr)
    except MathParseError:
        return False
    if isinstance(value, sympy.MatrixBase):
        return False
    tokens.append(("scalar", value))
    return True


class _Parser:
    def __init__(self, tokens: list[tuple[str, object]]):
        self.tokens, self.at = tokens, 0

    def peek(self) -> tuple[str, object] | None:
        return self.tokens[self.at] if self.at < len(self.tokens) else None

    def take(self) -> tuple[str, object]:
        token = self.tokens[self.at]
        self.at += 1
        return token

    def sum(self):
        value = self.product()
        while self.peek() in (("op", "+"), ("op", "-")):
            _, sign = self.take()
            other = self.product()
            value = value + other if sign == "+" else value - other
        return value

    def product(self):
        value = self.unary()
        while (token := self.peek()) is not None and (token[0] in ("matrix", "scalar", "function")
                                                      or token in (("op", "\\cdot"), ("op", "\\times"), ("op", "*"))):
            if token[0] == "op":
                self.take()
            value = value * self.unary()
        return value

    def unary(self):
        token = self.peek()
        if token == ("op", "-"):
            self.take()
            return -self.unary()
        if token is not None and token[0] == "function":
            _, name = self.take()
            argument = self.unary()
            if not isinstance(argument, sympy.MatrixBase):
                raise ValueError("a matrix function of a number")
            name = "det" if name.startswith("\\det") else name.lstrip("\\")
            return {"det": argument.det, "tr": argument.trace, "rank": argument.rank}[name]()
        return self.postfix()

    def postfix(self):
        kind, value = self.take()
        if kind not in ("matrix", "scalar"):
            raise ValueError("an operand expected")
        while (token := self.peek()) is not None and token[0] == "postfix":
            _, what = self.take()
            if what in ("T", "\\top"):
                value = value.T if isinstance(value, sympy.MatrixBase) else value
            elif what == "-1":
                value = value.inv() if isinstance(value, sympy.MatrixBase) else 1 / value
            elif int(what) <= MAX_POWER:
                value = value ** int(what)
            else:
                raise ValueError("a power too high")
        return value


# Two written vectors and their dot product, one written vector and its length.
_DOT = re.compile(r"^\(([^()]*)\)\s*\\cdot\s*\(([^()]*)\)$")
_NORM = re.compile(r"^(?:\\\||\\lVert|\|\|)\s*\(([^()]*)\)\s*(?:\\\||\\rVert|\|\|)$")


def _vector_entries(text: str) -> list[sympy.Basic] | None:
    pieces = text.split(",")
    return read_all(pieces) if 2 <= len(pieces) <= MAX_SIZE * MAX_SIZE else None


def _vector_formula(text: str) -> sympy.Basic | None:
    """``(1, 2, 3) \\cdot (4, 5, 6)`` is 32; ``\\|(3, 4)\\|`` is 5."""
    dot = _DOT.match(text)
    if dot:
        a, b = _vector_entries(dot.group(1)), _vector_entries(dot.group(2))
        if a is None or b is None or len(a) != len(b):
            return None
        return settle(sum((x * y for x, y in zip(a, b)), sympy.Integer(0)))
    norm = _NORM.match(text)
    if norm:
        entries = _vector_entries(norm.group(1))
        return None if entries is None else settle(sympy.sqrt(sum((x ** 2 for x in entries), sympy.Integer(0))))
    return None


def read_matrix_formula(text: str) -> sympy.Basic | None:
    text = _SIZES.sub("", text).strip().strip("$").strip()
    if "\\cdot" in text or "|" in text or "Vert" in text:
        worked = _vector_formula(text)
        if worked is not None:
            return worked
    if "\\begin" not in text and "[[" not in text.replace(" ", ""):
        return None
    tokens = _tokens(text)
    if not tokens or sum(1 for kind, _ in tokens if kind == "matrix") == 0:
        return None
    if len(tokens) == 1:
        return None  # a matrix as written: the collections reader's
    parser = _Parser(tokens)
    try:
        value = parser.sum()
    except (ValueError, IndexError, TypeError, sympy.ShapeError, sympy.NonSquareMatrixError,
            ZeroDivisionError):
        return None
    if parser.at != len(tokens):
        return None
    if isinstance(value, sympy.MatrixBase):
        return sympy.ImmutableMatrix(value.applyfunc(sympy.simplify) if value.free_symbols else value)
    return settle(sympy.Integer(value) if isinstance(value, int) else value)
