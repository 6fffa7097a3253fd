"""Tables in a student's answer, read as the rubric's grid.

A line is a table row only when it is shaped like one: a row of a Markdown table (with
its separator row), or one of a run of pipe lines that starts with ``|``, has a
separator row, has three or more cells, or has several rows of the same number of cells
(``A | 0.8 | 0.67``). Pipes inside brackets and ``$…$`` do not split cells, so
``P(rainy | sunny) = 1/8`` and ``P(D|+)`` are not tables; nor is a line whose "cells"
are pieces of a formula (``|x| = 3``: a cell starting with ``=``). Lines that are not
table rows are read as lines (``grader.types.grid_reading``).

A table names the grid's columns in its first row and its rows in a column of their
own, or the other way round (transposed): whichever names more. A table of numbers
alone is taken in the rubric's order, unless it has more rows than the grid (another
matrix the student wrote). A table whose rows and columns are not the rubric's is not
the answer: it is reported only when nothing else is found.
"""

from __future__ import annotations

import re
from typing import Sequence

from grader.model import Line
from grader.numbers import find_numbers
from grader.reading.markdown import tables
from grader.types.grid_cells import Builder, make_cell
from grader.types.grid_labels import Matcher, Resolved, pick

MAX_TABLE_SIDE = 100
_PIPE_SEPARATOR = re.compile(r"^\s*+:?-++:?\s*+$")
# A "cell" that starts with a relation, or ends with one or with an operator, is a piece of a
# formula split at an absolute value (|x| = 3, 0.5 < |y|), not a cell of a table.
_RELATIONS = "=<>≤≥≈≠"
_OPERATORS = _RELATIONS + "+*/·×"
_OPENERS, _CLOSERS = "([{", ")]}"


def split_row(text: str) -> list[str] | None:
    """The cells of ``text`` read as a table row: split at its pipes, except those inside
    brackets (``P(A|B)``) or ``$…$`` (when they pair up); None with fewer than two cells."""
    stripped = text.strip()
    if "|" not in stripped:
        return None
    balanced = all(stripped.count(o) == stripped.count(c) for o, c in zip(_OPENERS, _CLOSERS))
    paired_math = stripped.count("$") % 2 == 0
    pieces, depth, math, start = [], 0, False, 0
    for i, ch in enumerate(stripped):
        if ch == "$" and paired_math:
            math = not math
        elif balanced and ch in _OPENERS:
            depth += 1
        elif balanced and ch in _CLOSERS:
            depth = max(0, depth - 1)
        elif ch == "|" and not math and depth == 0 and (i == 0 or stripped[i - 1] != "\\"):
            pieces.append(stripped[start:i])
            start = i + 1
    pieces.append(stripped[start:])
    if stripped.startswith("|"):
        pieces = pieces[1:]
    if stripped.endswith("|") and len(pieces) > 1:
        pieces = pieces[:-1]
    cells = [p.strip() for p in pieces]
    return cells if len(cells) >= 2 else None


def is_separator(cells: Sequence[str]) -> bool:
    return any(cells) and all(_PIPE_SEPARATOR.match(c) or not c for c in cells)


def _formula_pieces(cells: Sequence[str]) -> bool:
    return any(c and (c[0] in _RELATIONS or c[-1] in _OPERATORS) for c in cells)


def table_row(text: str) -> list[str] | None:
    """``split_row`` for a line outside a Markdown table: None also for pieces of a formula."""
    cells = split_row(text)
    return None if cells is None or _formula_pieces(cells) else cells


def has_value(text: str) -> bool:
    return bool(find_numbers(text))


Found = tuple[list[list[str]], list[int], str]  # a table's rows of cells, their lines, its layout


def _markdown_tables(lines: Sequence[Line]) -> list[Found]:
    texts = {line.number: line.text for line in lines}
    found: list[Found] = []
    for table in tables(lines):
        if not table.lines:
            continue
        separated = any(is_separator(split_row(texts[n]) or []) for n in range(table.lines[0], table.lines[-1] + 1)
                        if n in texts)
        rows, numbers = [], []
        for row, n in zip(table.rows, table.lines):
            text = texts.get(n)
            if text is None or "|" not in text:
                continue  # Markdown runs a table on into the next line, even without a pipe: not for us
            own = split_row(text) if separated else table_row(text)
            if own is None and not separated:
                continue  # "|x| = 3" lines the Markdown reader took for a table
            rows.append(own or row)  # split here, so a pipe in P(D|+) stays in its cell
            numbers.append(n)
        if rows:
            found.append((rows, numbers, "Markdown table"))
    return found


def _pipe_blocks(lines: Sequence[Line], taken: set[int]) -> list[Found]:
    """Runs of pipe lines that the Markdown reader did not read as a table (``A | 0.8 | 0.67``),
    kept when they are shaped like a table."""
    blocks: list[Found] = []
    rows: list[list[str]] = []
    numbers: list[int] = []
    shaped = False

    def close() -> None:
        counts = [len(r) for r in rows]
        if rows and (shaped or max(counts) >= 3 or len(set(counts)) < len(counts)):
            blocks.append((list(rows), list(numbers), "table of pipe lines"))

    for line in lines:
        cells = None if line.number in taken else table_row(line.text)
        if cells is None:
            close()
            rows, numbers, shaped = [], [], False
            continue
        shaped = shaped or line.text.strip().startswith("|")
        if is_separator(cells):
            shaped = True
            continue
        rows.append(cells)
        numbers.append(line.number)
    close()
    return blocks


def orient(grid: list[list[str]], where: list[list[int]], matcher: Matcher, layout: str) -> _Builder | None:
    """The table read with its first row as column labels and first column as row labels."""
    ncols = len(matcher.vocab.columns)
    header = grid[0]
    header_cols: dict[int, Resolved] = {}
    for j, text in enumerate(header):
        choice = pick([o for o in matcher.resolve(text) if o.row is None], "column")
        if choice and choice.column not in {c.column for c in header_cols.values()}:
            header_cols[j] = choice
    header_is_text = not any(has_value(t) for t in header[1:]) and any(t.strip() for t in header)
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
        return len(cells) * 2 >= len(body) and not any(has_value(c) for c in cells)

    # The row labels: the column naming most rows (at least half), else the first column of text.
    free = [j for j in range(width) if j not in header_cols]
    counts = {j: named(j) for j in free}
    best_named = max(free, key=lambda j: (counts[j], -j), default=None)
    if best_named is not None and counts[best_named] * 2 >= len(body):
        label_col = best_named
    else:
        label_col = next((j for j in free if text_only(j)), None)
    builder = Builder(layout, matcher.vocab)
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
        if label_col is None and len(body) > len(matcher.vocab.rows):
            return None  # numbers alone, more rows than the grid has: another matrix (P² ...), not this grid
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


def table_candidates(lines: Sequence[Line], matcher: Matcher) -> tuple[list[Builder], set[int], tuple[str, int] | None]:
    """Every table read as the grid (the ones that name some of it), the lines of every table
    (read or not: they are not lines of text), and the first table that names nothing of it."""
    found = _markdown_tables(lines)
    taken = {n for _, numbers, _ in found for n in numbers}
    found += _pipe_blocks(lines, taken)
    builders: list[Builder] = []
    problem = None
    for rows, numbers, layout in found:
        # An exam's grid is small (references have at most 30 rows): a huge table is read in part.
        rows, numbers = [r[:MAX_TABLE_SIDE] for r in rows[:MAX_TABLE_SIDE]], numbers[:MAX_TABLE_SIDE]
        width = max(len(r) for r in rows)
        grid = [r + [""] * (width - len(r)) for r in rows]
        where = [[n] * width for n in numbers]
        transposed = [list(col) for col in zip(*grid)]
        where_t = [list(col) for col in zip(*where)]
        options = [b for b in (orient(grid, where, matcher, layout),
                               orient(transposed, where_t, matcher, f"{layout}, transposed (rows as columns)")) if b]
        options = [b for b in options if b.score > 0]
        if not options:
            if any(has_value(c) for r in rows for c in r):
                problem = problem or (f"a table (line {numbers[0]}) whose rows and columns are not the rubric's", numbers[0])
            continue
        best = max(options, key=lambda b: b.score)  # ties: the table as written, not transposed
        builders.append(best)
    return builders, {n for _, numbers, _ in found for n in numbers}, problem


