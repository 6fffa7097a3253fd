"""Reading every matrix a student wrote, in whatever form, into rows of exact numbers.

Students write matrices in many forms; every one is read into rows of numbers
(exact, through ``grader.numbers``; nothing is evaluated):

* LaTeX environments: ``\\begin{bmatrix} 1 & 2 \\\\ 3 & 4 \\end{bmatrix}`` (also
  pmatrix, vmatrix, Bmatrix, matrix, array); rows without ``&`` are split on spaces.
* Markdown tables (a header or first column of labels is skipped).
* Bracketed lists: ``[[5,16,12],[22,60,40]]``, ``[5 16 12; 22 60 40]``, ``[1 2 0]``;
  ``[1 2 0]^T`` is a column.
* Tuples: ``π = (1/4, 1/2, 1/4)``, ``(0.833 0.167)`` — a row (``(…)^T``: a column); not the
  arguments of a function (``N(0, 1)``, ``f(1, 2)``).
* Rows written one per line (``[1 2 0 3 4 0 0 0 0]`` or bare numbers), consecutive
  lines making one matrix.

Each matrix remembers what the student called it (``P^2 = …``: ``grader.types.matrix_names``).
Text that looks like a matrix but cannot be read (rows of different lengths, an unclosed
environment, entries that are not numbers) is a problem, with its line and the reason.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass, field, replace
from fractions import Fraction
from typing import Any, Sequence

from grader.model import Evidence, Line
from grader.numbers import Number, as_fraction, find_numbers, parse_number
from grader.reading.markdown import tables
from grader.types.matrix_names import names_before, names_on_line

# Entries one candidate may have: more is not an exam answer, and bounds the work.
_MAX_ENTRIES = 10_000
# Bracketed lists and tuples read from one answer: an answer holds a few matrices, and past this
# many (a pasted dump of numbers) the rest is not read, which bounds the work.
_MAX_CANDIDATES = 1_000


@dataclass(frozen=True)
class Candidate:
    """One matrix read from the answer: rows of numbers and the lines it spans."""

    rows: tuple[tuple[Number, ...], ...]
    first: int
    last: int
    source: str
    # Where it is in the answer's text (offsets into the lines joined), and what the student
    # called it ("P^2", "π"): not what the matrix is, so two readings of one matrix are equal.
    start: int = field(default=-1, compare=False)
    end: int = field(default=-1, compare=False)
    names: tuple[str, ...] = field(default=(), compare=False)

    @property
    def shape(self) -> tuple[int, int]:
        return len(self.rows), len(self.rows[0])

    def evidence(self) -> Evidence:
        where = f"line {self.first}" if self.first == self.last else f"lines {self.first}–{self.last}"
        return Evidence(self.first, f"{self.shape[0]}×{self.shape[1]} {self.source} ({where}): {show_rows(self.rows)}")


@dataclass(frozen=True)
class Reading:
    candidates: tuple[Candidate, ...]
    problems: tuple[tuple[int, str], ...]  # (line, why a matrix-like text could not be read)
    problem_names: tuple[tuple[str, ...], ...] = ()  # what each problem's line calls its matrix



_ENV = re.compile(r"\\begin\s*\{(?P<env>[bpvBV]?matrix\*?|smallmatrix|array)\}(?:\s*\{[^{}]*\})?")
_ROW_SPLIT = re.compile(r"\\\\(?:\s*\[[^\]]*\])?")  # "\\" ends a row; "\\[2pt]" too
_ROW_BREAK = re.compile(r"\\\\")  # _ROW_SPLIT where no "]" follows (its "[…]" cannot match there)
# LaTeX spacing and rules inside a matrix, and math delimiters: not part of any entry.
# "\\ " (a backslash and a space) is a LaTeX space too; "\\\\ " (a row break, then a space) is not.
_CELL_NOISE = re.compile(r"\\(?:hline|cline\{[^}]*\}|left|right|,|;|!|quad|qquad)|(?<!\\)\\\s|\$")
_NOISE_UNCLOSED = re.compile(r"\\(?:hline|left|right|,|;|!|quad|qquad)|(?<!\\)\\\s|\$")  # _CELL_NOISE where no "}" follows


def _cut_after_last(text: str, closer: str) -> tuple[str, str]:
    """``text`` cut just after its last ``closer`` (all of it in the second part when there is none).

    ``_ROW_SPLIT`` and ``_CELL_NOISE`` each hold a group ("\\\\[…]", "\\cline{…}") that scans on
    to its closer; tried at every opener with no closer after it, each attempt scans to the end
    (quadratic on a long run of "\\\\[" or "\\cline{"). No match of either pattern spans the cut
    (a group ends at the first closer after it, and the other alternatives hold no closer), so
    the pattern runs on the first part, where every group finds its closer at once, and the
    pattern without the group on the rest, where the group can never match.
    """
    cut = text.rfind(closer) + 1
    return text[:cut], text[cut:]


def _split_rows(body: str) -> list[str]:
    """``_ROW_SPLIT.split(body)``, in linear time."""
    head, tail = _cut_after_last(body, "]")
    rows, more = _ROW_SPLIT.split(head), _ROW_BREAK.split(tail)
    return rows[:-1] + [rows[-1] + more[0]] + more[1:]


def _drop_noise(text: str, replacement: str = " ") -> str:
    """``_CELL_NOISE.sub(replacement, text)``, in linear time."""
    head, tail = _cut_after_last(text, "}")
    return _CELL_NOISE.sub(replacement, head) + _NOISE_UNCLOSED.sub(replacement, tail)


def _row_body(text: str) -> str | None:
    """What a line holding one row ("[1 2 0 3]", "(1, 2).", "1 2 3") holds between its brackets,
    as ``^[\\[(]?\\s*(?P<body>[^\\[\\]()]*?)\\s*[\\])]?\\s*[,;.]?\\s*$`` reads it; None when that
    pattern does not match.

    A scan instead of that pattern: its lazy body and four "\\s*" try every split of a run of
    spaces, at every end of the body before it (minutes on "1", 2,000 spaces, "("). The body
    starts after an opening bracket and the spaces after it, and ends where the longest tail of
    spaces, a closing bracket, spaces, one of ",;." and spaces starts (the pattern tries the
    shortest body first); the pattern fails when a bracket is left in the body.
    """
    start = 1 if text[:1] in ("[", "(") else 0
    while start < len(text) and text[start].isspace():
        start += 1
    end = len(text)
    for optional in (",;.", "])"):  # from the right: spaces, one of ",;.", spaces, "]" or ")", spaces
        while end > start and text[end - 1].isspace():
            end -= 1
        if end > start and text[end - 1] in optional:
            end -= 1
    while end > start and text[end - 1].isspace():
        end -= 1
    body = text[start:end]
    return None if any(c in body for c in "[]()") else body


class _Text:
    """The segment's lines joined, with a map from offsets back to line numbers."""

    def __init__(self, lines: Sequence[Line]):
        self.lines = list(lines)
        self.text = "\n".join(line.text for line in self.lines)
        self.starts, pos = [], 0
        for line in self.lines:
            self.starts.append(pos)
            pos += len(line.text) + 1
        self.by_number = {line.number: start for line, start in zip(self.lines, self.starts)}

    def line_at(self, offset: int) -> int:
        return self.lines[max(bisect_right(self.starts, offset) - 1, 0)].number

    def start_of(self, number: int) -> int:
        """The offset where line ``number`` starts (0 when it is not one of the lines)."""
        return self.by_number.get(number, 0)


def _cell_numbers(cell: str) -> list[Number] | None:
    """The one number a cell holds ("3", "{-2}", "\\frac{12}{5}", "0.5"), else None."""
    text = _drop_noise(cell).strip()
    while len(text) > 1 and text[0] == "{" and text[-1] == "}":  # a group around the whole entry
        text = text[1:-1].strip()
    number = parse_number(text)
    return [number] if number is not None else None


def _rows_of(cells: list[list[str]], split_spaces: bool) -> tuple[list[list[Number]] | None, str]:
    """Numbers of every cell, or None and why not."""
    rows = []
    for r, row in enumerate(cells, start=1):
        numbers: list[Number] = []
        for cell in row:
            if split_spaces:  # a row written without "&": its words are the entries
                words = [_cell_numbers(word) for word in _drop_noise(cell).replace(",", " ").split()]
                if not words or not all(words):
                    return None, f"row {r} holds something other than numbers: {cell.strip()!r}"
                numbers.extend(n for word in words for n in word)
            else:
                found = _cell_numbers(cell)
                if found is None:
                    return None, f"row {r} has an entry that is not a number: {cell.strip() or '(empty)'!r}"
                numbers.extend(found)
        rows.append(numbers)
    return rows, ""


def _shape_problem(rows: list[list[Number]]) -> str:
    lengths = [len(row) for row in rows]
    if len(set(lengths)) > 1:
        return f"rows have different lengths {lengths}"
    if sum(lengths) > _MAX_ENTRIES:
        return f"too large ({sum(lengths)} entries)"
    return ""


def _latex(text: _Text, found: list[Candidate], problems: list[tuple[int, str]]) -> str:
    """LaTeX matrices; returns the text with them blanked so other readers skip them."""
    read: list[tuple[int, int]] = []
    # Per environment name, the \end{env} the last search found after an earlier \begin{env}
    # (None: there is none after it). A later \begin{env} that ends before that \end starts
    # finds the same one, so the text is searched about once per name, not once per \begin
    # (quadratic on many unclosed or nested ones).
    ends: dict[str, re.Match[str] | None] = {}
    for begin in _ENV.finditer(text.text):
        env = begin["env"]
        if env not in ends or (ends[env] is not None and begin.end() > ends[env].start()):
            ends[env] = re.compile(r"\\end\s*\{" + re.escape(env) + r"\}").search(text.text, begin.end())
        end = ends[env]
        line = text.line_at(begin.start())
        if end is None:
            problems.append((line, f"\\begin{{{env}}} is never closed"))
            continue
        if _ENV.search(text.text, begin.end(), end.start()):
            continue  # nested matrices (block matrices) are not one matrix of numbers
        body = text.text[begin.end():end.start()]
        row_texts = [r for r in _split_rows(body) if _drop_noise(r, "").strip()]
        cells = [r.split("&") for r in row_texts]
        _add(cells, "&" not in body, line, text.line_at(end.end()), f"LaTeX {env}", found, problems,
             begin.start(), end.end())
        read.append((begin.start(), end.end()))
    # The environments read come in order and do not overlap (one inside another's body would
    # make that one nested): blanked in one pass, not by rebuilding the text for each.
    parts, done = [], 0
    for start, stop in read:
        parts += [text.text[done:start], " " * (stop - start)]
        done = stop
    return "".join(parts) + text.text[done:]


def _add(cells: list[list[str]], split_spaces: bool, first: int, last: int, source: str,
         found: list[Candidate], problems: list[tuple[int, str]], start: int = -1, end: int = -1,
         transposed: bool = False) -> None:
    if not cells:
        return
    rows, why = _rows_of(cells, split_spaces)
    why = why or _shape_problem(rows)
    if why:
        problems.append((first, f"the {source} on line {first} cannot be read: {why}"))
        return
    if transposed:  # "[1 2 3]^T": the matrix written is the transpose of what is in the brackets
        rows, source = [list(col) for col in zip(*rows)], f"{source} with ^T"
    found.append(Candidate(tuple(tuple(row) for row in rows), first, last, source, start, end))


def _markdown(joined: _Text, found: list[Candidate], problems: list[tuple[int, str]]) -> None:
    def numeric(cell: str) -> bool:
        return _cell_numbers(cell) is not None

    text = {line.number: line.text for line in joined.lines}
    for table in tables(joined.lines):
        # markdown-it continues a table onto a following line without pipes ("Done."): not a row
        kept = [(row, n) for row, n in zip(table.rows, table.lines) if "|" in text.get(n, "|")]
        if not kept:
            continue
        rows, first, last = [list(r) for r, _ in kept], kept[0][1], kept[-1][1]
        start, end = joined.start_of(first), joined.start_of(last) + len(text[last])
        if rows and not all(numeric(c) for c in rows[0]):  # a header of labels
            rows, first = rows[1:], kept[min(1, len(kept) - 1)][1]
        if rows and all(not numeric(row[0]) for row in rows) and all(len(row) > 1 for row in rows):
            rows = [row[1:] for row in rows]  # a column of row labels
        if rows:
            _add(rows, False, first, last, "table", found, problems, start, end)


# "\\left(" and "\\right)" as the plain brackets they print, offsets kept.
_SIZED_PARENS = re.compile(r"\\left\s*(?=\()|\\right\s*(?=\))")
# A transpose written after a bracket: "[1 2 3]^T", "(…)^{\\top}", "(…)ᵀ".
_TRANSPOSE_MARK = re.compile(r"\s*+(?:\^\s*+(?:\{\s*+(?:T|\\top|\\intercal)\s*+\}|T|\\top|\\intercal)(?![A-Za-z])|ᵀ)")
# A tuple: the innermost parentheses. A letter, digit or closing bracket just before one makes
# it a function's arguments (f(1, 2), N(0, 1), P(X = 1)), not a vector.
# An opening bracket whose numbers run, with commas, to the end of the math or of the line, unclosed.
_UNCLOSED_TUPLE = re.compile(r"(?<![\w})\]^'.])\(([^()\[\]\n$]*,[^()\[\]\n$]*)(?=\$|\n|\Z)")
_LATEX_SPACE = re.compile(r"(?<!\\)\\[,;:!\s]")
_TUPLE = re.compile(r"\(([^()\[\]]*+)\)")
_CALLED = re.compile(r"[\w})\]^'.]")


def _transposed_at(text: str, pos: int) -> int:
    """The end of a transpose mark at ``pos`` of ``text`` (``pos`` itself when there is none)."""
    mark = _TRANSPOSE_MARK.match(text, pos)
    return mark.end() if mark else pos


def _brackets(text: _Text, blanked: str, found: list[Candidate], problems: list[tuple[int, str]]) -> None:
    """Top-level [...] groups holding numbers: one row, rows as inner groups, or rows split by ';'."""
    source = re.sub(r"\\[\[\]]", "  ", blanked)  # \[ \] open and close display math
    stack: list[int] = []
    for pos, char in enumerate(source):
        if char == "[":
            stack.append(pos)
        elif char == "]" and stack:
            start = stack.pop()
            if not stack and len(found) < _MAX_CANDIDATES:
                after = _transposed_at(source, pos + 1)
                _group(source[start + 1:pos], text.line_at(start), text.line_at(pos), found, problems,
                       start, after, after > pos + 1)
    if stack and find_numbers(source[stack[0]:]):
        tail = source[stack[0] + 1:]
        if "[" in tail:  # an unclosed nested list: a matrix attempt, not a stray bracket
            problems.append((text.line_at(stack[0]), f"a bracket opened on line {text.line_at(stack[0])} is never closed"))


def _group(body: str, first: int, last: int, found: list[Candidate], problems: list[tuple[int, str]],
           start: int = -1, end: int = -1, transposed: bool = False) -> None:
    inner = re.findall(r"\[([^\[\]]*)\]", body)
    if inner:
        if re.sub(r"\[[^\[\]]*\]", "", body).strip(" \t\n,;") or "[" in "".join(inner):
            return  # deeper nesting or text between rows: not a matrix of numbers
        parts = inner
    else:
        parts = [p for p in body.split(";") if p.strip()]
    cells = [re.split(r"[\s,]+", part.strip()) for part in parts]
    if sum(map(len, cells)) < 2 or not all(_cell_numbers(c) for row in cells for c in row):
        return  # a citation "[1]", prose in brackets, symbols: not a numeric matrix
    _add(cells, False, first, last, "bracketed matrix" if len(cells) > 1 else "bracketed row", found, problems,
         start, end, transposed)


def _tuples(text: _Text, blanked: str, found: list[Candidate], problems: list[tuple[int, str]]) -> None:
    """Tuples of numbers, ``π = (1/4, 1/2, 1/4)`` or ``(0.833 0.167)``: a vector written as a row
    (a column with ``^T``)."""
    source = _SIZED_PARENS.sub(lambda m: " " * len(m.group()), blanked)
    for group in _TUPLE.finditer(source):
        if len(found) >= _MAX_CANDIDATES:
            break
        if group.start() > 0 and _CALLED.match(source, group.start() - 1):
            continue
        body = group.group(1).strip()
        body = _LATEX_SPACE.sub(" ", body)  # "\\," and "\\;" are spaces, not separators
        pieces = [p.strip() for p in re.split(r"[,;]", body)] if re.search(r"[,;]", body) else body.split()
        numbers = [bool(p and _cell_numbers(p)) for p in pieces]
        if len(pieces) < 2 or not all(numbers):
            if len(pieces) >= 3 and 2 * sum(numbers) > len(pieces):  # "(1/4, 1/z, 1/4)": a vector OCR damaged
                line = text.line_at(group.start())
                bad = next(p for p, ok in zip(pieces, numbers) if not ok)
                problems.append((line, f"the tuple on line {line} cannot be read: {bad or '(empty)'!r} is not a number"))
            continue  # "(see 3)", "(x, y)", "(2)": not a vector of numbers
        after = _transposed_at(source, group.end())
        _add([pieces], False, text.line_at(group.start()), text.line_at(group.end() - 1), "tuple", found, problems,
             group.start(), after, after > group.end())
    for group in _UNCLOSED_TUPLE.finditer(source):  # "π = (\\frac14, \\frac12, \\frac14$": OCR lost the ")"
        pieces = [p.strip() for p in re.split(r"[,;]", _LATEX_SPACE.sub(" ", group.group(1)))]
        if len(pieces) >= 2 and all(p and _cell_numbers(p) for p in pieces) and len(found) < _MAX_CANDIDATES:
            line = text.line_at(group.start())
            _add([pieces], False, line, line, "tuple without its closing bracket", found, problems,
                 group.start(), group.end())


def _row_lines(joined: _Text, found: list[Candidate], problems: list[tuple[int, str]]) -> None:
    """Consecutive lines that each hold one row of numbers ("[1 2 0 3]" or "C = 1 2 0 3")."""
    run: list[tuple[Line, list[str], int]] = []

    def close() -> None:
        if len(run) >= 2:
            last = run[-1][0]
            _add([cells for _, cells, _ in run], False, run[0][0].number, last.number, "matrix written row by row",
                 found, problems, run[0][2], joined.start_of(last.number) + len(last.text))
        run.clear()

    for line in joined.lines:
        text = line.text.strip().strip("$").strip()
        text = re.split(r"[=:]", text)[-1]  # "C =", "Row 1:" label the row
        body = _row_body(text.strip())
        cells = re.split(r"[\s,]+", body.strip()) if body and body.strip() else []
        if len(cells) >= 2 and all(_cell_numbers(c) for c in cells):
            label = max(line.text.rfind("="), line.text.rfind(":")) + 1  # where the row starts, after its label
            run.append((line, cells, joined.start_of(line.number) + label))
        else:
            close()
    close()


def _named(text: _Text, found: list[Candidate]) -> list[Candidate]:
    """Every candidate with the names the student gave it (``grader.types.matrix_names``)."""
    ends = sorted(c.end for c in found if c.end >= 0)
    named = []
    for candidate in found:
        if candidate.start < 0:
            named.append(candidate)
            continue
        k = bisect_right(ends, candidate.start)
        floor = ends[k - 1] if k else 0  # the end of the matrix before it
        index = max(bisect_right(text.starts, candidate.start) - 1, 0)
        prefix = text.text[max(text.starts[index], floor):candidate.start]
        before = text.lines[index - 1].text if index > 0 else None
        named.append(replace(candidate, names=names_before(prefix, before)))
    return named


def _problem_names(text: _Text, problems: list[tuple[int, str]]) -> tuple[tuple[str, ...], ...]:
    index = {line.number: i for i, line in enumerate(text.lines)}
    names = []
    for line, _ in problems:
        i = index.get(line, 0)
        names.append(names_on_line(text.lines[i].text, text.lines[i - 1].text if i > 0 else None) if text.lines else ())
    return tuple(names)


def read_matrices(lines: Sequence[Line]) -> Reading:
    text = _Text(lines)
    found: list[Candidate] = []
    problems: list[tuple[int, str]] = []
    blanked = _latex(text, found, problems)
    _markdown(text, found, problems)
    _brackets(text, blanked, found, problems)
    _tuples(text, blanked, found, problems)
    _row_lines(text, found, problems)
    return Reading(tuple(_named(text, found)), tuple(problems), _problem_names(text, problems))


def show_value(value: Fraction) -> str:
    return str(value.numerator) if value.denominator == 1 else f"{value.numerator}/{value.denominator}"


def show_rows(rows: Sequence[Sequence[Any]]) -> str:
    def cell(v: Any) -> str:
        return v.text if isinstance(v, Number) else show_value(as_fraction(v))
    return "[" + "; ".join(" ".join(cell(v) for v in row) for row in rows) + "]"
