"""``matrix``: a matrix or vector the student wrote, compared entry by entry with a reference.

Students write matrices in many forms; every one is read into rows of numbers
(exact, through ``grader.numbers``; nothing is evaluated):

* LaTeX environments: ``\\begin{bmatrix} 1 & 2 \\\\ 3 & 4 \\end{bmatrix}`` (also
  pmatrix, vmatrix, Bmatrix, matrix, array); rows without ``&`` are split on spaces.
* Markdown tables (a header or first column of labels is skipped).
* Bracketed lists: ``[[5,16,12],[22,60,40]]``, ``[5 16 12; 22 60 40]``, ``[1 2 0]``.
* Rows written one per line (``[1 2 0 3 4 0 0 0 0]`` or bare numbers), consecutive
  lines making one matrix.

A student may write several matrices (C, then C^T, then the result): the one of
the reference's shape that matches best is graded. An answer whose only matrices
cannot be read (rows of different lengths, an unclosed environment, non-numeric
entries) is ``Invalid`` with the reason, never "wrong".

Conventions: the reference holds under the rubric's main convention. Other
conventions (``conventions:``) name another reference key, e.g. C under
column-major flattening, with the phrases a student must state for it to count
(``stated: [column-major, column wise]``) and its credit. A matrix that fits a
convention the student did not state earns nothing, with feedback saying so.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass
from fractions import Fraction
from typing import Any, Literal, Mapping, Sequence

from pydantic import Field

from grader.model import Evidence, Line, Outcome, Segment
from grader.numbers import Number, Tolerance, as_fraction, close_enough, decimal_places_for, decimal_text, find_numbers, just_outside, parse_number
from grader.reading.markdown import tables
from grader.types.base import (
    CheckParams, Comparison, Invalid, Parsed, QuestionContext, QuestionType, SelfTest, register, unknown_reference,
)

# Entries one candidate may have: more is not an exam answer, and bounds the work.
_MAX_ENTRIES = 10_000


class Convention(CheckParams):
    name: str = Field(min_length=1, description="the convention in feedback ('column-major flattening')")
    reference: str = Field(description="the solver reference under this convention")
    stated: list[str] = Field(default_factory=list, description="phrases one of which the answer must contain (none: always accepted)")
    credit: float = Field(default=1.0, gt=0, le=1, description="share of the item's points a match earns")


class MatrixParams(CheckParams):
    reference: str = Field(description="the solver reference (a list of rows, or a list for a vector)")
    name: str = Field(default="the matrix", description="what the reference is, in feedback ('C')")
    conventions: list[Convention] = Field(default_factory=list)
    shape: tuple[int, int] | None = Field(default=None, description="the reference's shape, checked when the rubric loads")
    partial: Literal["rows", "entries", "none"] = Field(default="rows", description="credit per right row, per right entry, or all-or-nothing")
    rel_tol: float = Field(default=0.0, ge=0)
    abs_tol: float = Field(default=0.0, ge=0)
    student_precision: bool = True
    min_decimals: int = Field(default=2, ge=0)

    @property
    def tolerance(self) -> Tolerance:
        return Tolerance(self.rel_tol, self.abs_tol, None, self.student_precision, self.min_decimals)


@dataclass(frozen=True)
class Candidate:
    """One matrix read from the answer: rows of numbers and the lines it spans."""

    rows: tuple[tuple[Number, ...], ...]
    first: int
    last: int
    source: str

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


# --- reading -------------------------------------------------------------------------------

_ENV = re.compile(r"\\begin\s*\{(?P<env>[bpvBV]?matrix\*?|smallmatrix|array)\}(?:\s*\{[^{}]*\})?")
_ROW_SPLIT = re.compile(r"\\\\(?:\s*\[[^\]]*\])?")  # "\\" ends a row; "\\[2pt]" too
_ROW_BREAK = re.compile(r"\\\\")  # _ROW_SPLIT where no "]" follows (its "[…]" cannot match there)
# LaTeX spacing and rules inside a matrix, and math delimiters: not part of any entry.
_CELL_NOISE = re.compile(r"\\(?:hline|cline\{[^}]*\}|left|right|,|;|!|quad|qquad)|\$")
_NOISE_UNCLOSED = re.compile(r"\\(?:hline|left|right|,|;|!|quad|qquad)|\$")  # _CELL_NOISE where no "}" follows


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

    def line_at(self, offset: int) -> int:
        return self.lines[max(bisect_right(self.starts, offset) - 1, 0)].number


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
        _add(cells, "&" not in body, line, text.line_at(end.end()), f"LaTeX {env}", found, problems)
        read.append((begin.start(), end.end()))
    # The environments read come in order and do not overlap (one inside another's body would
    # make that one nested): blanked in one pass, not by rebuilding the text for each.
    parts, done = [], 0
    for start, stop in read:
        parts += [text.text[done:start], " " * (stop - start)]
        done = stop
    return "".join(parts) + text.text[done:]


def _add(cells: list[list[str]], split_spaces: bool, first: int, last: int, source: str,
         found: list[Candidate], problems: list[tuple[int, str]]) -> None:
    if not cells:
        return
    rows, why = _rows_of(cells, split_spaces)
    why = why or _shape_problem(rows)
    if why:
        problems.append((first, f"the {source} on line {first} cannot be read: {why}"))
        return
    found.append(Candidate(tuple(tuple(row) for row in rows), first, last, source))


def _markdown(lines: Sequence[Line], found: list[Candidate], problems: list[tuple[int, str]]) -> None:
    def numeric(cell: str) -> bool:
        return _cell_numbers(cell) is not None

    text = {line.number: line.text for line in lines}
    for table in tables(lines):
        # markdown-it continues a table onto a following line without pipes ("Done."): not a row
        kept = [(row, n) for row, n in zip(table.rows, table.lines) if "|" in text.get(n, "|")]
        if not kept:
            continue
        rows, first, last = [list(r) for r, _ in kept], kept[0][1], kept[-1][1]
        if rows and not all(numeric(c) for c in rows[0]):  # a header of labels
            rows, first = rows[1:], kept[min(1, len(kept) - 1)][1]
        if rows and all(not numeric(row[0]) for row in rows) and all(len(row) > 1 for row in rows):
            rows = [row[1:] for row in rows]  # a column of row labels
        if rows:
            _add(rows, False, first, last, "table", found, problems)


def _brackets(text: _Text, blanked: str, found: list[Candidate], problems: list[tuple[int, str]]) -> None:
    """Top-level [...] groups holding numbers: one row, rows as inner groups, or rows split by ';'."""
    source = re.sub(r"\\[\[\]]", "  ", blanked)  # \[ \] open and close display math
    stack: list[int] = []
    for pos, char in enumerate(source):
        if char == "[":
            stack.append(pos)
        elif char == "]" and stack:
            start = stack.pop()
            if not stack:
                _group(source[start + 1:pos], text.line_at(start), text.line_at(pos), found, problems)
    if stack and find_numbers(source[stack[0]:]):
        tail = source[stack[0] + 1:]
        if "[" in tail:  # an unclosed nested list: a matrix attempt, not a stray bracket
            problems.append((text.line_at(stack[0]), f"a bracket opened on line {text.line_at(stack[0])} is never closed"))


def _group(body: str, first: int, last: int, found: list[Candidate], problems: list[tuple[int, str]]) -> None:
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
    _add(cells, False, first, last, "bracketed matrix" if len(cells) > 1 else "bracketed row", found, problems)


def _row_lines(lines: Sequence[Line], found: list[Candidate], problems: list[tuple[int, str]]) -> None:
    """Consecutive lines that each hold one row of numbers ("[1 2 0 3]" or "C = 1 2 0 3")."""
    run: list[tuple[Line, list[str]]] = []

    def close() -> None:
        if len(run) >= 2:
            _add([cells for _, cells in run], False, run[0][0].number, run[-1][0].number, "matrix written row by row", found, problems)
        run.clear()

    for line in lines:
        text = line.text.strip().strip("$").strip()
        text = re.split(r"[=:]", text)[-1]  # "C =", "Row 1:" label the row
        body = _row_body(text.strip())
        cells = re.split(r"[\s,]+", body.strip()) if body and body.strip() else []
        if len(cells) >= 2 and all(_cell_numbers(c) for c in cells):
            run.append((line, cells))
        else:
            close()
    close()


def read_matrices(lines: Sequence[Line]) -> Reading:
    text = _Text(lines)
    found: list[Candidate] = []
    problems: list[tuple[int, str]] = []
    blanked = _latex(text, found, problems)
    _markdown(lines, found, problems)
    _brackets(text, blanked, found, problems)
    _row_lines(lines, found, problems)
    return Reading(tuple(found), tuple(problems))


# --- comparing -----------------------------------------------------------------------------

def matrix_of(value: Any) -> list[list[Fraction]]:
    """A reference as rows of Fractions; a flat list is one column (a vector)."""
    if isinstance(value, (list, tuple)) and value and all(isinstance(r, (list, tuple)) for r in value):
        return [[as_fraction(v) for v in row] for row in value]
    return [[as_fraction(v)] for v in value]


def is_vector(value: Any) -> bool:
    return not any(isinstance(v, (list, tuple)) for v in value)


def show_value(value: Fraction) -> str:
    return str(value.numerator) if value.denominator == 1 else f"{value.numerator}/{value.denominator}"


def show_rows(rows: Sequence[Sequence[Any]]) -> str:
    def cell(v: Any) -> str:
        return v.text if isinstance(v, Number) else show_value(as_fraction(v))
    return "[" + "; ".join(" ".join(cell(v) for v in row) for row in rows) + "]"


@dataclass(frozen=True)
class Fit:
    fraction: float  # credit earned, convention credit included
    right_rows: int
    right_entries: int
    wrong: tuple[str, ...]


def _oriented(candidate: Candidate, reference: Any) -> list[list[Number]] | None:
    """The candidate's entries laid out like the reference, or None when the shapes differ.
    A vector may be written as a row or as a column."""
    target = matrix_of(reference)
    rows = [list(r) for r in candidate.rows]
    if is_vector(reference):
        flat = [n for row in rows for n in row]
        return [[n] for n in flat] if 1 in candidate.shape and len(flat) == len(target) else None
    return rows if candidate.shape == (len(target), len(target[0])) else None


def fit(candidate: Candidate, reference: Any, params: MatrixParams, credit: float) -> Fit | None:
    rows = _oriented(candidate, reference)
    if rows is None:
        return None
    target = matrix_of(reference)
    vector = is_vector(reference)
    right_rows, right_entries, wrong = 0, 0, []
    for r, (got, want) in enumerate(zip(rows, target), start=1):
        ok = [close_enough(g, w, params.tolerance) for g, w in zip(got, want)]
        right_entries += sum(ok)
        right_rows += all(ok)
        for c, good in enumerate(ok, start=1):
            if not good:
                where = f"entry {r}" if vector else f"row {r}, column {c}"
                wrong.append(f"{where}: {got[c - 1].text} (expected {show_value(want[c - 1])})")
    total_rows, total_entries = len(target), len(target) * len(target[0])
    share = {"rows": right_rows / total_rows, "entries": right_entries / total_entries,
             "none": float(right_entries == total_entries)}[params.partial]
    return Fit(round(credit * share, 6), right_rows, right_entries, tuple(wrong))


def _stated(text: str, phrases: list[str]) -> bool:
    def norm(s: str) -> str:
        return " ".join(re.sub(r"[-_‐–]", " ", s.lower()).split())
    body = norm(text)
    return any(norm(p) in body for p in phrases)


# --- the type ------------------------------------------------------------------------------

@register
class MatrixType(QuestionType):
    name = "matrix"
    Params = MatrixParams

    def check_params(self, params: MatrixParams, refs: Mapping[str, Any]) -> list[str]:
        problems = []
        for key in [params.reference] + [c.reference for c in params.conventions]:
            if key not in refs:
                problems.append(unknown_reference(key, refs))
                continue
            try:
                target = matrix_of(refs[key])
            except (TypeError, ValueError):
                problems.append(f"reference {key!r} is not a matrix or vector of numbers")
                continue
            if not target or len({len(row) for row in target}) != 1:
                problems.append(f"reference {key!r} is empty or ragged")
            elif key == params.reference and params.shape is not None and params.shape != (len(target), len(target[0])):
                problems.append(f"reference {key!r} is {len(target)}×{len(target[0])}, not {params.shape[0]}×{params.shape[1]}")
        return problems

    def reading_key(self, params: MatrixParams) -> str:
        return "matrices"  # items of one question read the answer once

    def read(self, segment: Segment, params: MatrixParams) -> Reading:
        return read_matrices(segment.lines)

    def parse(self, ctx: QuestionContext, params: MatrixParams) -> Parsed | Invalid | None:
        reading: Reading = ctx.reading
        references = [ctx.ref(key) for key in [params.reference] + [c.reference for c in params.conventions]]
        if any(_oriented(c, ref) is not None for c in reading.candidates for ref in references):
            return Parsed(reading)
        if reading.candidates and not reading.problems:
            return Parsed(reading)  # matrices of another shape: wrong, and compare says which shapes
        if reading.problems:
            line, why = reading.problems[0]
            text = next((l.text.strip() for l in ctx.segment.lines if l.number == line), "")
            return Invalid(why, (Evidence(line, text),))
        return None

    def compare(self, parsed: Parsed, ctx: QuestionContext, params: MatrixParams) -> Comparison:
        reading: Reading = parsed.value
        main = Convention.model_construct(name="", reference=params.reference, stated=[], credit=1.0)
        expected = show_rows(matrix_of(ctx.ref(params.reference)))
        best: tuple[tuple[float, int, int], Candidate, Convention, Fit] | None = None
        unstated: list[tuple[Candidate, Convention]] = []
        text = ctx.segment.text
        for candidate in reading.candidates:
            for convention in [main] + params.conventions:
                result = fit(candidate, ctx.ref(convention.reference), params, convention.credit)
                if result is None:
                    continue
                if convention.stated and not _stated(text, convention.stated):
                    if not result.wrong:  # fits exactly, but the convention was not stated
                        unstated.append((candidate, convention))
                    continue
                key = (result.fraction, result.right_entries, candidate.last)
                if best is None or key > best[0]:
                    best = (key, candidate, convention, result)
        if best is None or best[3].fraction == 0:
            return self._no_match(reading, params, ctx.ref(params.reference), expected, unstated, best)
        _, candidate, convention, result = best
        outcome = Outcome.CORRECT if result.fraction >= 1 else Outcome.PARTIAL
        parts = [f"read as {convention.name}"] if convention.name else []
        if result.wrong:
            parts.append("wrong: " + "; ".join(result.wrong[:6]) + (" …" if len(result.wrong) > 6 else ""))
        if convention.credit < 1:
            parts.append(f"{convention.name} earns {convention.credit:g} of the marks")
        return Comparison(result.fraction, outcome, found=show_rows(candidate.rows), expected=expected,
                          detail="; ".join(parts), evidence=(candidate.evidence(),))

    def _no_match(self, reading: Reading, params: MatrixParams, reference: Any, expected: str,
                  unstated: list[tuple[Candidate, Convention]], best: Any) -> Comparison:
        if unstated:
            candidate, convention = unstated[0]
            return Comparison(0.0, Outcome.INCORRECT, found=show_rows(candidate.rows), expected=expected,
                              detail=f"{params.name} fits {convention.name}, but the answer does not say that convention is used",
                              evidence=(candidate.evidence(),))
        if best is not None:  # right shape, every row wrong
            _, candidate, _, result = best
            return Comparison(0.0, Outcome.INCORRECT, found=show_rows(candidate.rows), expected=expected,
                              detail="wrong: " + "; ".join(result.wrong[:6]), evidence=(candidate.evidence(),))
        shapes = ", ".join(f"{c.shape[0]}×{c.shape[1]}" for c in reading.candidates)
        target = matrix_of(reference)
        detail = f"no {len(target)}×{len(target[0])} matrix ({params.name}) was found; found {shapes}"
        for candidate in reading.candidates:  # C^T for C is a common slip: say so
            flipped = Candidate(tuple(zip(*candidate.rows)), candidate.first, candidate.last, candidate.source)
            result = fit(flipped, reference, params, 1.0)
            if result is not None and not result.wrong:
                detail = f"the {candidate.shape[0]}×{candidate.shape[1]} matrix you wrote is the transpose of {params.name}"
                return Comparison(0.0, Outcome.INCORRECT, found=show_rows(candidate.rows), expected=expected,
                                  detail=detail, evidence=(candidate.evidence(),))
        return Comparison(0.0, Outcome.INCORRECT, found=f"matrices of shape {shapes}", expected=expected,
                          detail=detail, evidence=tuple(c.evidence() for c in reading.candidates[:3]))

    # self-test ---------------------------------------------------------------------------
    def self_test(self, params: MatrixParams, refs: Mapping[str, Any]) -> list[SelfTest]:
        target = matrix_of(refs[params.reference])
        tol = params.tolerance
        r, c = next(((i, j) for i, row in enumerate(target) for j, v in enumerate(row) if v != 0), (0, 0))
        value = target[r][c]
        off = [row[:] for row in target]
        off[r][c] = Fraction(decimal_text(just_outside(value, tol), decimal_places_for(value, tol)))
        ragged = [row[:] for row in target]
        if len(ragged) > 1 and len(ragged[-1]) > 1:
            ragged[-1] = ragged[-1][:-1]
        else:  # a single row or column cannot lose an entry and stay a matrix: add a longer row
            ragged.append([Fraction(0)] * (len(ragged[0]) + 1))
        tests = [SelfTest("correct", f"$$ {bmatrix(target)} $$", "the reference as a bmatrix"),
                 SelfTest("incorrect", f"$$ {bmatrix(off)} $$", f"row {r + 1}, column {c + 1} just outside the tolerance"),
                 SelfTest("invalid", f"$$ {bmatrix(ragged)} $$", "a ragged matrix (rows of different lengths)")]
        for convention in params.conventions:
            if convention.stated and convention.credit == 1:
                other = bmatrix(matrix_of(refs[convention.reference]))
                tests.append(SelfTest("correct", f"Using {convention.stated[0]} flattening: $$ {other} $$", convention.name))
        return tests


def bmatrix(rows: Sequence[Sequence[Fraction]]) -> str:
    def cell(v: Fraction) -> str:
        return show_value(v) if v.denominator == 1 else decimal_text(v, 6) if 10**6 % v.denominator == 0 else rf"\frac{{{v.numerator}}}{{{v.denominator}}}"
    return r"\begin{bmatrix} " + r" \\ ".join(" & ".join(cell(v) for v in row) for row in rows) + r" \end{bmatrix}"
