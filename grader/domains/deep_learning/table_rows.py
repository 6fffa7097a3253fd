"""Reading a student's rows of (rank, relevance, precision, recall) from an answer.

Two layouts are read: a Markdown pipe table (what OCR makes of a handwritten
table) and lines of labelled pairs ("P@3 = 2/3 = 0.67, R@3 = 2/5 = 0.4" or
"3) F 2/3 = 0.67 2/5 = 0.4"). Columns are found by their header words and, when
OCR garbles the header, by what the cells hold (relevance marks, 1..n ranks).

Nothing is judged here: a cell keeps every number written in it, so the table type
can tell a rounding (2/3 = 0.67) from OCR damage (47 = 0.57) later.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Iterable, Sequence

from rapidfuzz import fuzz

from grader.model import Line
from grader.numbers import Number, find_numbers, parse_number
from grader.types.table_cells import Cell
from grader.domains.deep_learning.retrieval import relevance_word

VALUE_COLUMNS = ("precision", "recall")

# OCR reads a handwritten decimal point as a dash: "= 0-4" is 0.4, never 0 minus 4 in a table cell.
_DASH_POINT = re.compile(r"(?<![\d.])0-(\d)")
_SEPARATOR_CELL = re.compile(r"^\s*:?-{1,}:?\s*$")
_HEADER_WORDS = {  # first match wins: "Interp. precision" is not the precision column
    "interpolated": ("interpolated", "interp", "interp.", "int.", "p_interp", "max"),
    "precision": ("precision", "prec", "p@k", "p(k)"),
    "recall": ("recall", "rec", "r@k", "r(k)"),
    "rank": ("rank", "k", "#", "no", "no.", "sr", "s.no", "position", "i"),
    "relevant": ("relevant", "relevance", "rel", "correct", "tp", "t/f", "true/false", "hit", "label"),
}


@dataclass(frozen=True)
class Row:
    rank: int
    line: int
    text: str
    relevant: bool | None = None
    cells: dict[str, Cell] = field(default_factory=dict)


@dataclass(frozen=True)
class StudentTable:
    rows: tuple[Row, ...]
    lines: frozenset[int]
    layout: str  # "markdown" or "list"

    def row(self, rank: int) -> Row | None:
        return next((r for r in self.rows if r.rank == rank), None)


def make_cell(text: str) -> Cell:
    repaired = _DASH_POINT.sub(r"0.\1", text)
    return Cell(text.strip(), tuple(find_numbers(repaired)), repaired != text)


# --- Markdown pipe tables -------------------------------------------------------------

def _pipe_cells(text: str) -> list[str] | None:
    stripped = text.strip()
    if stripped.count("|") < 2:
        return None
    if stripped.startswith("|"):
        stripped = stripped[1:]
    if stripped.endswith("|"):
        stripped = stripped[:-1]
    return [cell.strip() for cell in stripped.split("|")]


def _pipe_blocks(lines: Sequence[Line]) -> list[list[tuple[Line, list[str]]]]:
    """Runs of consecutive pipe rows (blank lines were already dropped by the reader)."""
    blocks: list[list[tuple[Line, list[str]]]] = []
    current: list[tuple[Line, list[str]]] = []
    for line in lines:
        cells = _pipe_cells(line.text)
        if cells is None:
            if current:
                blocks.append(current)
            current = []
            continue
        if all(_SEPARATOR_CELL.match(c) or not c for c in cells):
            continue
        current.append((line, cells))
    if current:
        blocks.append(current)
    return blocks


def _header_role(text: str) -> str | None:
    words = text.lower().replace("_", " ").split()
    for role, names in _HEADER_WORDS.items():
        for word in words:
            if word in names or (len(word) >= 5 and any(len(n) >= 5 and fuzz.ratio(word, n) >= 80 for n in names)):
                return role
    return None


def _is_rank(text: str) -> int | None:
    number = parse_number(text.strip(" .)"))
    if number is None or number.decimals != 0 or number.value.denominator != 1:
        return None
    return int(number.value) if 0 < number.value < 10_000 else None


def _first_word_relevance(text: str) -> bool | None:
    words = text.replace("(", " ").replace(")", " ").split()
    return relevance_word(words[0]) if words else None


def _roles_from_content(data: list[list[str]], width: int) -> dict[int, str]:
    """Columns of a table whose header is missing or garbled, told apart by what they hold."""
    roles: dict[int, str] = {}
    for col in range(width):
        cells = [row[col] for row in data if col < len(row) and row[col].strip()]
        if not cells:
            continue
        if sum(_first_word_relevance(c) is not None for c in cells) * 2 > len(cells):
            roles.setdefault(col, "relevant")
        elif "rank" not in roles.values() and sum(_is_rank(c) == i + 1 for i, c in enumerate(cells)) * 2 > len(cells):
            roles[col] = "rank"
    numeric = [col for col in range(width) if col not in roles
               and sum(bool(find_numbers(row[col])) for row in data if col < len(row)) * 2 > len(data)]
    for col, role in zip(numeric, VALUE_COLUMNS):
        roles[col] = role
    return roles


def _table_from_block(block: list[tuple[Line, list[str]]]) -> StudentTable | None:
    header_roles: dict[int, str] = {}
    start = 0
    first = block[0][1]
    if not any(_is_rank(c) for c in first):  # a header row holds no rank number
        for col, text in enumerate(first):
            role = _header_role(text)
            if role and role not in header_roles.values():
                header_roles[col] = role
        start = 1
    body = block[start:]
    if not body:
        return None
    width = max(len(cells) for _, cells in body)
    roles = _roles_from_content([cells for _, cells in body], width)
    if set(VALUE_COLUMNS) <= set(header_roles.values()):
        # Trust the header for what it names; content only fills in what it does not.
        named = set(header_roles.values())
        roles = {**{c: r for c, r in roles.items() if r not in named and c not in header_roles}, **header_roles}
    if not any(role in VALUE_COLUMNS for role in roles.values()):
        return None
    rank_col = next((c for c, r in roles.items() if r == "rank"), None)
    rows: list[Row] = []
    for index, (line, cells) in enumerate(body, start=1):
        rank = _is_rank(cells[rank_col]) if rank_col is not None and rank_col < len(cells) else index
        if rank is None:
            continue
        relevant, values = None, {}
        for col, role in roles.items():
            if col >= len(cells) or not cells[col].strip():
                continue
            if role == "relevant":
                relevant = _first_word_relevance(cells[col])
            elif role in VALUE_COLUMNS:
                values[role] = make_cell(cells[col])
        rows.append(Row(rank, line.number, line.text.strip(), relevant, values))
    if not rows:
        return None
    return StudentTable(tuple(rows), frozenset(line.number for line, _ in block), "markdown")


# --- lines of labelled pairs -------------------------------------------------------------

# "P@3 =", "precision_{3}:", "r(3) =", "P at rank 3 =", "R =". Every character is read one way
# only, so a near-label ("p" and a long run of spaces, then no "=") fails in linear time: the
# spaces after the name are all taken before "@", "_", "(" or "[" (none is a space), or all
# belong to " at " (a separate branch); the optional parts of the tail each take their own
# spaces ("\s*\}?\s*" would split a run of spaces between its two "\s*" every way).
_LABEL = re.compile(
    r"\b(?P<kind>precision|prec|recall|rec|p|r)"
    r"(?:\s*+(?:@\s*+|_\{?+\s*+|\(\s*+|\[\s*+)?+|\s++at\s++(?:rank\s++)?+)"
    r"(?P<rank>\d{1,3}+)?+\s*+(?:\}\s*+)?+(?:[)\]]\s*+)?+[=:]",
    re.IGNORECASE,
)
# "3.", "rank 3)", "k 3:", "3   0.67": the spaces before the rank are all taken at once, with
# or without a word between them.
_LEADING_RANK = re.compile(r"^\s*+(?:(?:rank|k|at)\s*+)?+(?P<rank>\d{1,3}+)\s*(?:[.):\-]|\s{2,}|\t)", re.IGNORECASE)
_CHAIN_GAP = re.compile(r"^\s*=\s*$")


def _chains(text: str) -> list[str]:
    """Number chains joined by '=' ("2/3 = 0.67"), each as the text that holds it."""
    numbers = find_numbers(text)
    chains: list[list[Number]] = []
    for number in numbers:
        if chains and _CHAIN_GAP.match(text[chains[-1][-1].end:number.start]):
            chains[-1].append(number)
        else:
            chains.append([number])
    return [text[chain[0].start:chain[-1].end] for chain in chains]


def _list_row(line: Line) -> Row | None:
    text = line.text
    labels = list(_LABEL.finditer(text))
    leading = _LEADING_RANK.match(text)
    rank = int(leading.group("rank")) if leading else None
    values: dict[str, Cell] = {}
    if labels:
        for label, nxt in zip(labels, labels[1:] + [None]):
            value_text = text[label.end():nxt.start() if nxt else len(text)].strip(" ,;")
            kind = "precision" if label.group("kind").lower().startswith("p") else "recall"
            if label.group("rank"):
                rank = int(label.group("rank"))
            if find_numbers(value_text):
                values.setdefault(kind, make_cell(value_text))
    elif leading:
        for kind, chain in zip(VALUE_COLUMNS, _chains(text[leading.end():])):
            values[kind] = make_cell(chain)
    if rank is None or not values or rank <= 0:
        return None
    body = text[leading.end():] if leading else text
    relevant = next((relevance_word(w) for w in body.replace(",", " ").split() if relevance_word(w) is not None
                     and not w.isdigit() and w.lower() not in ("p", "r")), None)
    return Row(rank, line.number, text.strip(), relevant, values)


def _list_table(lines: Sequence[Line]) -> StudentTable | None:
    rows = [row for row in (_list_row(line) for line in lines if _pipe_cells(line.text) is None) if row]
    if len(rows) < 3:  # a couple of stray "P = ..." lines are not a table of ranks
        return None
    return StudentTable(tuple(rows), frozenset(r.line for r in rows), "list")


def read_table(lines: Iterable[Line]) -> StudentTable | None:
    """The student's table of ranks: the pipe table or pair list with most value rows."""
    lines = list(lines)
    candidates = [t for t in (_table_from_block(b) for b in _pipe_blocks(lines)) if t]
    listed = _list_table(lines)
    if listed:
        candidates.append(listed)
    if not candidates:
        return None
    return max(candidates, key=lambda t: sum(len(r.cells) for r in t.rows))
