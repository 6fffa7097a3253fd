"""Reading a student's grid of labelled rows × columns, in whatever layout they used.

``read_grid(lines, vocab) -> GridReading``: every cell the student wrote, keyed by
the rubric's row and column it belongs to. Nothing is judged here (that is
``grader.types.grid``), so the items of one question share one reading.

Layouts read:

* a Markdown table (``grader.reading.markdown.tables``) or a run of pipe lines
  (``A | 0.8 | 0.67``): column labels in the header row and row labels in the first
  column, or transposed (rows as columns) — whichever orientation names more;
* one line per row: ``class A: P = 0.8, R = 0.67, F1 = 0.73``, ``A: 0.8, 0.67, 0.73``,
  ``P_A = 0.8``, or a head line (``Class A:``) over lines of ``P = 0.8``;
* one line per column: ``P: 0.8, 0.5, 0.9``, ``Precision at ranks 1–10: 1, 1, 0.67, …``,
  ``Recall: A = 0.67, B = 0.5``.

Labels are matched to the rubric's labels and aliases exactly, then by their words
(``class A`` is row ``A``; ``Precision (P)`` is column ``precision``; ``P_A``, ``P@3``
name a cell), by a lone initial (``P`` for ``precision``), then allowing OCR noise
(rapidfuzz; ``Precison``, ``Fl`` for ``F1``); an OCR reading is reported as a repair.
Rows without labels keep their position; values written in order
(``P: 0.8, 0.5, 0.9``) are positions too. Of several readings (tables, the lines
outside them) the one with most labelled cells is taken, and the labelled cells of
the others fill its gaps. A cell keeps every number of its chain
(``2/3 = 0.67``); working before the result (``8/(8+2) = 0.8``) is skipped; a cell
left empty (``F1 = ?``, ``—``) is recorded as empty, which is missing, not wrong.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Iterable, Sequence

from rapidfuzz import fuzz

from grader.model import Line
from grader.numbers import Number, find_numbers, parse_number
from grader.reading.markdown import tables

# --- the rubric's labels --------------------------------------------------------------------


@dataclass(frozen=True)
class Vocab:
    """The names of every row and column (label first, then aliases), as the rubric gives them."""

    rows: tuple[tuple[str, ...], ...]
    columns: tuple[tuple[str, ...], ...]


_LATEX_WRAP = re.compile(r"\\(?:text|mathrm|mathit|mathbf|mathsf|textbf|textit|operatorname|mbox|emph|hat|bar)\s*+\{([^{}]*+)\}")
# "ranks 1–10" names no row. Bounded runs, starting where a number starts: linear on any text.
_RANGE = re.compile(r"(?<!\d)\d{1,6}+\s*+(?:-|–|—|\.\.|to)\s*+\d{1,6}+(?!\d)")
_FILLER = frozenset("for of at the class rank ranks row column col in is value values score on by k and with".split())
# Every pattern here reads each character one way (possessive runs): linear on any text.
_PARENTHESES = re.compile(r"\([^()]*+\)")
FUZZY_CUTOFF = 85
_OCR_FOLD = str.maketrans({"l": "1", "i": "1", "|": "1", "o": "0", "s": "5", "z": "2"})


def _plain(text: str) -> str:
    for _ in range(3):
        text = _LATEX_WRAP.sub(r"\1", text)
    return _RANGE.sub(" ", text.lower())


def compact(text: str) -> str:
    """Letters and digits only: ``F_1`` and ``F1-score`` → ``f1``, ``f1score``."""
    return "".join(ch for ch in _plain(text) if ch.isalnum())


def tokens(text: str) -> list[str]:
    return "".join(ch if ch.isalnum() else " " for ch in _plain(text)).split()


@dataclass(frozen=True)
class LabelMatch:
    index: int
    score: float  # 100 exact; lower for word or fuzzy matches
    repair: str = ""  # "read 'Precison' as 'precision'" for a fuzzy match


class _Names:
    """One axis of the vocabulary (rows or columns), for matching a label against."""

    def __init__(self, entries: tuple[tuple[str, ...], ...]):
        self.entries = entries
        self.forms = [(i, name, compact(name), " ".join(tokens(name))) for i, names in enumerate(entries) for name in names]

    def whole(self, text: str, initial: bool = True) -> LabelMatch | None:
        """The entry ``text`` names as a whole: exactly, OCR-folded, by its initial (a lone
        letter that begins one entry's names only: ``P`` for ``precision``), or fuzzily."""
        c, s = compact(text), " ".join(tokens(text))
        if not c:
            return None
        hits = {i for i, _, nc, ns in self.forms if nc == c or ns == s}
        if len(hits) == 1:
            return LabelMatch(hits.pop(), 100)
        if hits:
            return None
        folded = c.translate(_OCR_FOLD)
        hits = {(i, name) for i, name, nc, _ in self.forms if nc.translate(_OCR_FOLD) == folded}
        if len({i for i, _ in hits}) == 1:
            i, name = min(hits)
            return LabelMatch(i, 90, f"read {text.strip()!r} as {name!r}")
        if len(c) == 1 and c.isalpha() and initial:
            hits = {(i, name) for i, name, nc, _ in self.forms if nc.startswith(c)}
            if len({i for i, _ in hits}) == 1:
                i, name = min(hits)
                return LabelMatch(i, 75)  # an abbreviation, not a repair
        if len(c) < 4:
            return None
        scored = sorted(((fuzz.ratio(c, nc), i, name) for i, name, nc, _ in self.forms if len(nc) >= 4), reverse=True)
        if not scored or scored[0][0] < FUZZY_CUTOFF:
            return None
        best, index, name = scored[0]
        if any(i != index and score > best - 5 for score, i, _ in scored[1:]):
            return None  # two entries about as close: not a reading to trust
        return LabelMatch(index, best * 0.9, f"read {text.strip()!r} as {name!r}")


@dataclass(frozen=True)
class Resolved:
    row: int | None
    column: int | None
    score: float
    repairs: tuple[str, ...] = ()


class Matcher:
    """Labels as written → the rubric's rows and columns."""

    def __init__(self, vocab: Vocab):
        self.vocab = vocab
        self.rows = _Names(vocab.rows)
        self.columns = _Names(vocab.columns)

    def resolve(self, text: str) -> tuple[Resolved, ...]:
        return _resolve_cached(self.vocab, text)


@lru_cache(maxsize=64)
def matcher_for(vocab: Vocab) -> Matcher:
    return Matcher(vocab)


@lru_cache(maxsize=8192)
def _resolve_cached(vocab: Vocab, text: str) -> tuple[Resolved, ...]:
    return _resolve_uncached(matcher_for(vocab), text)


def _resolve_uncached(matcher: Matcher, text: str) -> tuple[Resolved, ...]:
    """Every reading of a label as (row, column, score), best first: the whole label as a
    column or a row, a span of its words as one, or two spans as a row and a column
    (``P_A``, ``P@3``, ``precision of class A``). A reading's score is the quality of its
    spans shared over the label's words, fillers ("for", "class", "at") not counted."""
    found: list[Resolved] = []
    for axis in ("column", "row"):
        match = getattr(matcher, axis + "s").whole(text)
        if match:
            found.append(_resolved(axis, match, None, match.score))
    words = tokens(text)
    if 1 < len(words) <= 8:
        spans: list[tuple[int, int, str, LabelMatch]] = []
        for i in range(len(words)):
            for j in range(i + 1, min(len(words), i + 4) + 1):
                piece = " ".join(words[i:j])
                for axis in ("column", "row"):
                    match = getattr(matcher, axis + "s").whole(piece)
                    if match:
                        spans.append((i, j, axis, match))
        weight = max(1, sum(1 for word in words if word not in _FILLER))

        def share(parts: list[tuple[int, int, LabelMatch]]) -> float:
            covered = sum(m.score * sum(1 for w in words[i:j] if w not in _FILLER) for i, j, m in parts)
            return covered / weight

        def worth(span: tuple[int, int, str, LabelMatch]) -> float:
            i, j, _, match = span
            return match.score * sum(1 for w in words[i:j] if w not in _FILLER)

        def cover(candidates: list[tuple[int, int, str, LabelMatch]]) -> list[tuple[int, int, str, LabelMatch]]:
            """The non-overlapping spans worth most in all ("Precision (P)" names its column twice;
            "class A P" is two exact names, not one fuzzy one): weighted interval scheduling."""
            best: list[tuple[float, list]] = [(0.0, [])] * (len(words) + 1)
            for end in range(1, len(words) + 1):
                best[end] = best[end - 1]
                for span in candidates:
                    if span[1] == end:
                        total = best[span[0]][0] + worth(span)
                        if total > best[end][0]:
                            best[end] = (total, best[span[0]][1] + [span])
            return best[-1][1]

        targets: dict[tuple[str, int], list[tuple[int, int, str, LabelMatch]]] = {}
        for span in spans:
            targets.setdefault((span[2], span[3].index), []).append(span)
        for (axis, _), own in targets.items():
            parts = cover(own)
            found.append(_resolved(axis, parts[0][3], None, share([(i, j, m) for i, j, _, m in parts]) - 5))
        for (axis, _), own in targets.items():
            for (other, _), more in targets.items():
                if axis == "row" and other == "column":
                    parts = cover(own + more)
                    row = next((m for _, _, a, m in parts if a == "row"), None)
                    column = next((m for _, _, a, m in parts if a == "column"), None)
                    if row and column:
                        found.append(_resolved("row", row, column, share([(i, j, m) for i, j, _, m in parts]) - 2))
    core = _PARENTHESES.sub(" ", text)
    if core != text and core.strip():  # "F1 (harmonic mean)": a remark after the label
        found.extend(Resolved(r.row, r.column, r.score - 5, r.repairs) for r in _resolve_cached(matcher.vocab, core))
    best: dict[tuple[int | None, int | None], Resolved] = {}
    for item in found:
        key = (item.row, item.column)
        if key not in best or item.score > best[key].score:
            best[key] = item
    return tuple(sorted((r for r in best.values() if r.score >= 50), key=lambda r: -r.score))


def _resolved(axis: str, match: LabelMatch, column: LabelMatch | None, score: float) -> Resolved:
    repairs = tuple(r for r in (match.repair, column.repair if column else "") if r)
    if column is not None:
        return Resolved(match.index, column.index, score, repairs)
    if axis == "row":
        return Resolved(match.index, None, score, repairs)
    return Resolved(None, match.index, score, repairs)


def pick(options: Sequence[Resolved], want: str) -> Resolved | None:
    """The best reading of a label for what the context expects: ``column`` (a field of a
    row line), ``row`` (a field of a column line) or ``any``. A reading naming both a row
    and a column is explicit and always allowed."""
    allowed = [o for o in options if want == "any" or (o.row is not None and o.column is not None)
               or (want == "column" and o.column is not None) or (want == "row" and o.row is not None)]
    if not allowed:
        return None
    top = max(o.score for o in allowed)
    best = [o for o in allowed if o.score >= top - 0.01]
    # Equal scores: the reading that says more (row and column) wins, then a column.
    best.sort(key=lambda o: (o.row is not None and o.column is not None, o.column is not None), reverse=True)
    return best[0]


# --- cells ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class GridCell:
    """What the student wrote in one cell: its text, the numbers of its chain, where."""

    text: str
    numbers: tuple[Number, ...]
    line: int
    repairs: tuple[str, ...] = ()

    @property
    def empty(self) -> bool:
        return not self.numbers


# OCR reads a handwritten decimal point as a dash ("0-4") and a zero as the letter O ("O.8").
_DASH_POINT = re.compile(r"(?<![\d.])0-(\d)")
_LETTER_ZERO = re.compile(r"(?<![A-Za-z\d])[Oo](?=\.\d)")
_DECIMAL_COMMA = re.compile(r"^\s*+(-?\d++),(\d++)\s*+$")
_EQUALS = re.compile(r"=|≈|\\approx|\\simeq|≃")
_ALTERNATIVE = re.compile(r"^[\s(\[]*+$")  # "0.8 (80%)": a number and its other writing


def _repair(text: str, in_table: bool) -> tuple[str, tuple[str, ...]]:
    repairs = []
    fixed = _DASH_POINT.sub(r"0.\1", text)
    if fixed != text:
        repairs.append(f"read a dash as a decimal point in {text.strip()!r}")
    again = _LETTER_ZERO.sub("0", fixed)
    if again != fixed:
        repairs.append(f"read the letter O as a zero in {text.strip()!r}")
    if in_table:
        comma = _DECIMAL_COMMA.match(again)
        if comma:
            again = f"{comma.group(1)}.{comma.group(2)}"
            repairs.append(f"read a decimal comma in {text.strip()!r}")
    return again, tuple(repairs)


def _lone(text: str) -> Number | None:
    return parse_number(text.strip().strip("()[]{}").strip())


_COMMAND = re.compile(r"\\[A-Za-z]+")


def chains(text: str) -> list[tuple[Number, ...]]:
    """The values written in ``text``, each as the chain of its equal writings.

    Parts joined by ``=`` or ``≈`` are one value: its lone numbers (``2/3 = 0.67``),
    working skipped (``8/(8+2) = 0.8``, ``2PR/(P+R) = 0.73``). Numbers side by side with
    nothing but spaces between them are separate values (``0.8 0.67 0.73``); a number
    followed by words keeps the number (``0.67 (rounded)``)."""
    found: list[list[Number]] = [[]]
    for part in _EQUALS.split(text):
        lone = _lone(part)
        if lone is not None:
            found[-1].append(lone)
            continue
        numbers = find_numbers(part)
        if not numbers:
            continue
        if re.search(r"[A-Za-z]", _COMMAND.sub("", part)):
            after = part[numbers[0].end:]
            if not part[:numbers[0].start].strip(" ([$") and re.match(r"\s|\(|$", after) and not re.search(r"[-+*/^]", after):
                found[-1].append(numbers[0])  # "0.67 (rounded)"
            continue  # a formula: working
        gaps = [part[a.end:b.start] for a, b in zip(numbers, numbers[1:])]
        if all(not g.strip() or g.strip() == "," for g in gaps):  # a run of separate values
            found[-1].append(numbers[0])
            for number in numbers[1:]:
                found.append([number])
        elif all(_ALTERNATIVE.match(g) for g in gaps):
            found[-1].extend(numbers)
        # else: working (numbers joined by operators): not a value
    return [tuple(chain) for chain in found if chain]


def make_cell(text: str, line: int, in_table: bool = False) -> GridCell:
    fixed, repairs = _repair(text, in_table)
    values = chains(fixed)
    numbers = tuple(n for chain in values for n in chain)  # several values in one cell disagree: suspect
    return GridCell(text.strip(), numbers, line, repairs if numbers else ())


# --- what one candidate reading holds ---------------------------------------------------------


@dataclass(frozen=True)
class StudentRow:
    """One row as the student wrote it: matched to a rubric row by its label, or only by its
    position (``label_row`` None), with its cells by rubric column."""

    label: str | None
    label_row: int | None
    position: int
    cells: dict[int, GridCell] = field(default_factory=dict, hash=False, compare=True)


@dataclass(frozen=True)
class GridReading:
    rows: tuple[StudentRow, ...]
    layout: str
    notes: tuple[str, ...] = ()
    repairs: tuple[str, ...] = ()
    unknown_rows: tuple[str, ...] = ()  # labels of rows the rubric does not have
    problem: str | None = None  # a table was found but none of it could be read
    problem_line: int | None = None


class _Builder:
    """Cells gathered for one candidate, row by row (a labelled row once, positions in order)."""

    def __init__(self, layout: str, vocab: Vocab):
        self.layout = layout
        self.vocab = vocab
        self.rows: dict[tuple[str, int], dict] = {}
        self.order: list[tuple[str, int]] = []
        self.notes: list[str] = []
        self.repairs: list[str] = []
        self.unknown: list[str] = []
        self.labelled_columns = 0
        self.positional_columns = 0

    def add(self, row: int | None, position: int | None, label: str | None, column: int, cell: GridCell,
            by_position: bool = False) -> None:
        key = ("label", row) if row is not None else ("pos", position if position is not None else 0)
        entry = self.rows.get(key)
        if entry is None:
            entry = self.rows[key] = {"label": label, "cells": {}}
            self.order.append(key)
        if column in entry["cells"] and not entry["cells"][column].empty:
            if row is not None and self.layout != "lines" and label:
                name = self.vocab.rows[row][0]
                same = "" if compact(label) == compact(name) else f" ({name})"
                self.note(f"row {label!r}{same} is written twice: the first one was used")
            return  # the first writing of a cell counts; a repeat is working or a copy
        entry["cells"][column] = cell
        self.repairs.extend(cell.repairs)
        if by_position:
            self.positional_columns += 1
        else:
            self.labelled_columns += 1

    def note(self, text: str) -> None:
        if text not in self.notes:
            self.notes.append(text)

    @property
    def score(self) -> float:
        filled = sum(1 for e in self.rows.values() for c in e["cells"].values() if not c.empty)
        labelled = sum(1 for kind, _ in self.rows if kind == "label")
        share = self.labelled_columns / max(1, self.labelled_columns + self.positional_columns)
        return filled * (1 + share) + labelled * 0.5

    def build(self) -> GridReading:
        rows = []
        for position, key in enumerate(self.order):
            entry = self.rows[key]
            kind, index = key
            rows.append(StudentRow(entry["label"], index if kind == "label" else None,
                                   index if kind == "pos" else position, dict(entry["cells"])))
        return GridReading(tuple(rows), self.layout, tuple(self.notes), tuple(dict.fromkeys(self.repairs)),
                           tuple(dict.fromkeys(self.unknown)))


# --- tables -----------------------------------------------------------------------------------

MAX_TABLE_SIDE = 100
_PIPE_SEPARATOR = re.compile(r"^\s*+:?-++:?\s*+$")


def _split_pipes(text: str) -> list[str] | None:
    stripped = text.strip()
    if "|" not in stripped or stripped.count("$") >= 2 and "|" in "".join(re.findall(r"\$[^$]*\$", stripped)):
        return None  # |x| inside math is not a table
    if stripped.startswith("|"):
        stripped = stripped[1:]
    if stripped.endswith("|"):
        stripped = stripped[:-1]
    cells = [c.strip() for c in re.split(r"(?<!\\)\|", stripped)]
    return cells if len(cells) >= 2 else None


def _pipe_blocks(lines: Sequence[Line], taken: set[int]) -> list[tuple[list[list[str]], list[int]]]:
    """Runs of pipe lines that the Markdown reader did not read as a table (``A | 0.8 | 0.67``)."""
    blocks: list[tuple[list[list[str]], list[int]]] = []
    rows: list[list[str]] = []
    numbers: list[int] = []
    for line in lines:
        cells = None if line.number in taken else _split_pipes(line.text)
        if cells is None:
            if rows:
                blocks.append((rows, numbers))
            rows, numbers = [], []
            continue
        if all(_PIPE_SEPARATOR.match(c) or not c for c in cells):
            continue
        rows.append(cells)
        numbers.append(line.number)
    if rows:
        blocks.append((rows, numbers))
    return blocks


def _has_value(text: str) -> bool:
    return bool(find_numbers(text))


def _orient(grid: list[list[str]], where: list[list[int]], matcher: Matcher, layout: str) -> _Builder | None:
    """The table read with its first row as column labels and first column as row labels."""
    ncols = len(matcher.vocab.columns)
    header = grid[0]
    header_cols: dict[int, Resolved] = {}
    for j, text in enumerate(header):
        choice = pick([o for o in matcher.resolve(text) if o.row is None], "column")
        if choice and choice.column not in {c.column for c in header_cols.values()}:
            header_cols[j] = choice
    header_is_text = not any(_has_value(t) for t in header[1:]) and any(t.strip() for t in header)
    header_names_rows = sum(1 for t in header if pick(matcher.resolve(t), "row")) >= 2
    body = grid[1:] if (header_cols or header_is_text) else grid
    body_where = where[1:] if (header_cols or header_is_text) else where
    if not body:
        return None
    width = max(len(r) for r in grid)

    def named(j: int) -> int:
        return sum(1 for r in body if j < len(r) and r[j].strip() and pick(matcher.resolve(r[j]), "row"))

    def text_only(j: int) -> bool:
        cells = [r[j] for r in body if j < len(r) and r[j].strip()]
        return len(cells) * 2 >= len(body) and not any(_has_value(c) for c in cells)

    # The row labels: the column naming most rows (at least half), else the first column of text.
    free = [j for j in range(width) if j not in header_cols]
    counts = {j: named(j) for j in free}
    best_named = max(free, key=lambda j: (counts[j], -j), default=None)
    if best_named is not None and counts[best_named] * 2 >= len(body):
        label_col = best_named
    else:
        label_col = next((j for j in free if text_only(j)), None)
    builder = _Builder(layout, matcher.vocab)
    if header_cols:
        data = {j: r.column for j, r in header_cols.items()}
        for r in header_cols.values():
            builder.repairs.extend(r.repairs)
        by_position = False
    elif header_is_text and (header_names_rows or any(t.strip() for k, t in enumerate(header) if k != label_col)):
        return None  # a header naming none of the columns: another table (a confusion matrix ...)
    else:
        indices = [j for j in range(width) if j != label_col]
        if len(indices) != ncols:
            return None
        data = {j: k for k, j in enumerate(indices)}
        by_position = True
        builder.note("the table has no column labels: its columns were taken in the rubric's order")
    unlabelled = 0
    for i, row in enumerate(body):
        label = row[label_col].strip() if label_col is not None and label_col < len(row) else ""
        row_index = None
        if label:
            choice = pick(matcher.resolve(label), "row")
            if choice is None or choice.row is None:
                builder.unknown.append(label)
                continue
            row_index = choice.row
            builder.repairs.extend(choice.repairs)
        cells = {column: make_cell(row[j], body_where[i][j], in_table=True) for j, column in data.items() if j < len(row)}
        if row_index is None and all(c.empty for c in cells.values()):
            continue  # an empty row without a label: nothing was written in it
        for column, cell in cells.items():
            builder.add(row_index, None if row_index is not None else unlabelled, label or None, column, cell, by_position)
        if row_index is None:
            unlabelled += 1
    if unlabelled:
        builder.note("rows without labels were matched by position")
    return builder


def _table_candidates(lines: Sequence[Line], matcher: Matcher) -> tuple[list[_Builder], set[int], tuple[str, int] | None]:
    found: list[tuple[list[list[str]], list[int], str]] = []
    taken: set[int] = set()
    texts = {line.number: line.text for line in lines}
    for table in tables(lines):
        # A line right after a table is part of it for Markdown, even without a pipe: not for us.
        kept = [(row, n) for row, n in zip(table.rows, table.lines) if "|" in texts.get(n, "|")]
        if kept:
            found.append(([row for row, _ in kept], [n for _, n in kept], "Markdown table"))
            taken.update(n for _, n in kept)
    for rows, numbers in _pipe_blocks(lines, taken):
        found.append((rows, numbers, "table of pipe lines"))
    builders: list[_Builder] = []
    used: set[int] = set()
    problem = None
    for rows, numbers, layout in found:
        # An exam's grid is small (references have at most 30 rows): a huge table is read in part.
        rows, numbers = [r[:MAX_TABLE_SIDE] for r in rows[:MAX_TABLE_SIDE]], numbers[:MAX_TABLE_SIDE]
        width = max(len(r) for r in rows)
        grid = [r + [""] * (width - len(r)) for r in rows]
        where = [[n] * width for n in numbers]
        transposed = [list(col) for col in zip(*grid)]
        where_t = [list(col) for col in zip(*where)]
        options = [b for b in (_orient(grid, where, matcher, layout),
                               _orient(transposed, where_t, matcher, f"{layout}, transposed (rows as columns)")) if b]
        options = [b for b in options if b.score > 0]
        if not options:
            if any(_has_value(c) for r in rows for c in r):
                problem = problem or (f"a table (line {numbers[0]}) whose rows and columns are not the rubric's", numbers[0])
            continue
        best = max(options, key=lambda b: b.score)  # ties: the table as written, not transposed
        builders.append(best)
        used.update(numbers)
    return builders, used, problem


# --- lines ------------------------------------------------------------------------------------

_BULLET = re.compile(r"^\s*+(?:[-*•]\s++|\(?[a-z]\)\s++|#++\s*+)")
_FIELD_SPLIT = re.compile(r"[;,\t]|\s{3,}+|\\\\|\\quad|\\qquad")
# A value ends and a label begins: "0.8 R = 0.67" (a letter or a backslash after spaces).
_NEW_LABEL = re.compile(r"(?<=[\d%}])\s++(?=\\?[A-Za-z])")
_LABEL_VALUE = re.compile(r"[=:]")


@dataclass(frozen=True)
class _Field:
    label: str | None
    cell: GridCell | None  # None: a name alone ("For class A"); a cell without numbers: left empty ("F1 = ?")


def _clean(text: str) -> str:
    text = _BULLET.sub("", text)
    text = text.replace("$", " ").replace("**", "").replace("\\,", " ").replace("\\;", " ")
    return re.sub(r"\\(?:left|right)\b", "", text)


def _fields(text: str, line: int) -> list[_Field]:
    fields: list[_Field] = []
    for piece in _FIELD_SPLIT.split(text):
        for part in _NEW_LABEL.split(piece):
            fields.extend(_field(part, line))
    return fields


def _field(text: str, line: int) -> list[_Field]:
    text = text.strip(" .")
    if not text:
        return []
    sep = _LABEL_VALUE.search(text)
    label, value = None, text
    if sep and re.search(r"[A-Za-z]", text[:sep.start()]) and not _lone(text[:sep.start()]):
        label, value = text[:sep.start()].strip(), text[sep.end():]
    elif not sep:
        first = find_numbers(text)
        if not first:
            return [_Field(text, None)] if re.search(r"[A-Za-z]", text) else []  # a name alone: "For class A"
        if re.search(r"[A-Za-z]", text[:first[0].start]):
            label, value = text[:first[0].start].strip(), text[first[0].start:]
    fixed, repairs = _repair(value, in_table=False)
    values = chains(fixed)
    if not values:
        if label and not re.search(r"[A-Za-z]{3,}", value):  # "F1 = ?", "R = —": left empty
            return [_Field(label, GridCell(value.strip(), (), line))]
        return []
    out = [_Field(label, GridCell(value.strip() if len(values) == 1 else _text_of(values[0]), values[0], line, repairs))]
    out.extend(_Field(None, GridCell(_text_of(v), v, line, repairs)) for v in values[1:])
    return out


def _text_of(chain: tuple[Number, ...]) -> str:
    return " = ".join(n.text for n in chain)


def _head(text: str) -> tuple[str | None, str]:
    """``class A: P = 0.8`` → (``class A``, `` P = 0.8``); a line without a head → (None, text)."""
    colon = text.find(":")
    if colon > 0:
        head = text[:colon]
        if re.search(r"[A-Za-z]", head) and "=" not in head and len(head) <= 60:
            return head.strip(), text[colon + 1:]
    return None, text


class _LineReader:
    """The lines of an answer read one by one, with what a head line ("Class A:",
    "Precision:") says about the lines after it."""

    def __init__(self, matcher: Matcher, builder: _Builder):
        self.matcher = matcher
        self.builder = builder
        self.ncols = len(matcher.vocab.columns)
        self.nrows = len(matcher.vocab.rows)
        self.context_row: int | None = None
        self.context_col: int | None = None
        self.unlabelled_rows = 0
        self.kinds: set[str] = set()

    def _take(self, resolved: Resolved | None) -> Resolved | None:
        if resolved is not None:
            self.builder.repairs.extend(resolved.repairs)
        return resolved

    def read(self, line: Line) -> None:
        text = _clean(line.text)
        head_text, rest = _head(text)
        head = pick(self.matcher.resolve(head_text), "any") if head_text else None
        if head_text and head is None:
            if not _has_value(rest):
                return  # "Working:", "Answer:" — prose; the context stays
            head_text = None  # "Ans: P = 0.8": the head names nothing of ours
        fields = _fields(rest, line.number)
        values = [f for f in fields if f.cell is not None]
        if head is not None and not values:
            self._take(head)  # a head line over the lines that follow
            if head.row is not None and head.column is None:
                self.context_row, self.context_col = head.row, None
            elif head.column is not None and head.row is None:
                self.context_col, self.context_row = head.column, None
            return
        if not values:
            return
        if head is not None and head.row is not None and head.column is not None:
            self._take(head)
            self._put(head.row, None, head_text, head.column, values[0].cell)
            self.kinds.add("cell")
            return
        if head is not None and head.column is not None:
            self._take(head)
            if self.context_row is not None and len(values) == 1:  # "Class A:" ... "P: 0.8"
                self._put(self.context_row, None, None, head.column, values[0].cell)
                self.kinds.add("cell")
            else:
                self._column_line(head.column, values, line)
            return
        self._row_line(line, text, head_text if head is not None else None,
                       self._take(head).row if head is not None else None, fields)

    def _row_line(self, line: Line, text: str, row_label: str | None, row: int | None, fields: list[_Field]) -> None:
        head_row = row
        readings = []
        for f in fields:
            want = "any" if f.cell is None else ("column" if row is not None or self.context_row is not None else "any")
            readings.append(pick(self.matcher.resolve(f.label), want) if f.label else None)
        for f, r in zip(fields, readings):  # "For class A, precision = 0.8" / "class A P = 0.8"
            if row is None and r is not None and r.row is not None and (f.cell is None or r.column is not None):
                row, row_label = r.row, f.label
                break
        if row is None and self.context_row is not None:
            row, row_label = self.context_row, None
        cells = [(f, r) for f, r in zip(fields, readings) if f.cell is not None]
        labelled = [(f, r) for f, r in cells if r is not None and r.column is not None]
        unnamed = [f for f, r in cells if f.label is None]
        if row is None and not labelled:
            if self.context_col is not None:
                self._column_line(self.context_col, unnamed, line)
            elif len(unnamed) == self.ncols and not re.search(r"[A-Za-z]{2,}", _strip_numbers(text)):
                for k, f in enumerate(unnamed):  # a line of bare numbers: a row without a label
                    self.builder.add(None, self.unlabelled_rows, None, k, f.cell, by_position=True)
                self.unlabelled_rows += 1
                self.kinds.add("row")
            return
        if row is None and len(labelled) == 1 and cells[0][1] is labelled[0][1] and labelled[0][1].row is None \
                and unnamed and len(cells) == len(unnamed) + 1:
            self._take(labelled[0][1])  # "P = 0.8, 0.5, 0.9": one column's values, in row order
            self._column_line(labelled[0][1].column, [_Field(None, cells[0][0].cell)] + unnamed, line)
            return
        if row is not None and not labelled and self.context_col is not None and len(unnamed) == 1:
            self._put(row, None, row_label, self.context_col, unnamed[0].cell)  # "Precision:" ... "A: 0.8"
            self.kinds.add("cell")
            return
        position = self.unlabelled_rows if row is None else None
        put = False
        for k, (f, r) in enumerate(cells):
            if r is not None and r.column is not None:
                self._take(r)
                own = r.row if r.row is not None else row
                self._put(own, position if own is None else None, row_label if own == row else f.label, r.column, f.cell)
                put = True
            elif f.label is None and row is not None and not labelled and k < self.ncols:
                self._put(row, None, row_label, k, f.cell, by_position=True)
                self.builder.note("values written without column labels were taken in the rubric's column order")
                put = True
        if put:
            self.kinds.add("row")
            if row is None:
                self.unlabelled_rows += 1
        if head_row is not None:
            # "For cat: TP = 4, FP = 1" heads the lines after it; "cat: P = 0.8, R = 0.67" is a row of its own.
            self.context_row, self.context_col = (None, None) if put else (head_row, None)

    def _put(self, row: int | None, position: int | None, label: str | None, column: int, cell: GridCell,
             by_position: bool = False) -> None:
        self.builder.add(row, position, label, column, cell, by_position)

    def _column_line(self, column: int, fields: list[_Field], line: Line) -> None:
        """``P: 0.8, 0.5, 0.9`` (values in row order) or ``Recall: A = 0.67, B = 0.5``."""
        positional = False
        for k, f in enumerate(fields):
            if f.cell is None:
                continue
            if f.label:
                choice = pick(self.matcher.resolve(f.label), "row")
                if choice is None or choice.row is None:
                    continue
                self._take(choice)
                self._put(choice.row, None, f.label, column, f.cell)
            elif k < self.nrows:
                self._put(None, k, None, column, f.cell)
                positional = True
        self.kinds.add("column")
        if positional:
            self.builder.note("values written in a line per column were taken in the rubric's row order")


def _lines_candidate(lines: Sequence[Line], matcher: Matcher, skip: set[int]) -> _Builder:
    builder = _Builder("lines", matcher.vocab)
    reader = _LineReader(matcher, builder)
    for line in lines:
        if line.number not in skip and not _split_pipes(line.text):
            reader.read(line)
    if reader.unlabelled_rows:
        builder.note("rows without labels were matched by position")
    names = {"row": "one line per row", "column": "one line per column", "cell": "one line per cell"}
    builder.layout = " and ".join(names[k] for k in ("row", "column", "cell") if k in reader.kinds) or "lines"
    return builder


def _strip_numbers(text: str) -> str:
    out, last = [], 0
    for n in find_numbers(text):
        out.append(text[last:n.start])
        last = n.end
    out.append(text[last:])
    return "".join(out)


# --- the reading ------------------------------------------------------------------------------


def read_grid(lines: Iterable[Line], vocab: Vocab) -> GridReading | None:
    """The student's grid: the best-read table or set of lines, with the labelled cells of
    the other readings filling what it leaves out. None when nothing was found."""
    lines = list(lines)
    matcher = matcher_for(vocab)
    candidates, used, problem = _table_candidates(lines, matcher)
    listed = _lines_candidate(lines, matcher, used)
    if listed.rows:
        candidates.append(listed)
    candidates = [c for c in candidates if c.score > 0]
    if not candidates:
        return GridReading((), "none", problem=problem[0], problem_line=problem[1]) if problem else None
    best = max(reversed(candidates), key=lambda c: c.score)  # ties: the later one (a final table)
    for other in candidates:
        if other is best:
            continue
        for key, entry in other.rows.items():
            if key[0] != "label":
                continue  # rows known only by position belong to their own reading
            for column, cell in entry["cells"].items():
                target = best.rows.get(key)
                if target is None or column not in target["cells"] or target["cells"][column].empty:
                    best.add(key[1], None, entry["label"], column, cell)
    return best.build()
