"""Reading a student's grid of labelled rows × columns, in whatever layout they used.

``read_grid(lines, vocab) -> GridReading``: every cell the student wrote, keyed by
the rubric's row and column it belongs to. Nothing is judged here (that is
``grader.types.grid``), so the items of one question share one reading.

Layouts read:

* tables (``grader.types.grid_tables``): a Markdown table or a run of pipe lines
  (``A | 0.8 | 0.67``), as written or transposed;
* one line per row: ``class A: P = 0.8, R = 0.67, F1 = 0.73``, ``A: 0.8, 0.67, 0.73``,
  ``π = (1/4, 1/2, 1/4)`` (a row's label, then its values in the rubric's column order),
  ``P_A = 0.8``, or a head line (``Class A:``) over lines of ``P = 0.8``;
* one line per column: ``P: 0.8, 0.5, 0.9``, ``Precision at ranks 1–10: 1, 1, 0.67, …``,
  ``Recall: A = 0.67, B = 0.5``.

Labels are matched to the rubric's (``grader.types.grid_labels``). Rows without labels
keep their position; values written in order (``P: 0.8, 0.5, 0.9``) are positions too.
Of several readings (tables, the lines outside them) the one with most labelled cells
is taken, and the labelled cells of the others fill its gaps. A cell is read by
``grader.types.grid_cells``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Iterable, Sequence

from grader.model import Line
from grader.numbers import Number, find_numbers
from grader.types.grid_cells import Builder, GridCell, GridReading, StudentRow, chains, lone_number, repair_ocr
from grader.types.grid_labels import Matcher, Resolved, Vocab, compact, matcher_for, pick
from grader.types.grid_tables import has_value, table_candidates

__all__ = ["GridCell", "GridReading", "StudentRow", "Vocab", "compact", "read_grid"]


_BULLET = re.compile(r"^\s*+(?:[-*•]\s++|\(?[a-z]\)\s++|#++\s*+)")
_FIELD_SPLIT = re.compile(r"[;,\t]|\s{3,}+|\\\\|\\quad|\\qquad")
# A value ends and a label begins: "0.8 R = 0.67" (a letter or a backslash after spaces).
_NEW_LABEL = re.compile(r"(?<=[\d%}])\s++(?=\\?[^\W\d_])")
_LABEL_VALUE = re.compile(r"[=:]")
# A letter of any alphabet: a row may be labelled π.
_LETTER = re.compile(r"[^\W\d_]")
_WORD = re.compile(r"[^\W\d_]{2,}")
_TUPLE_END = re.compile(r"^([-+]?[\d./]+%?)\s*+[)\]]\s*+[^\W\d_]")
_CONNECTIVE = re.compile(r"^(?:\s*+(?:and|so|then|hence|thus|also|while|but|or)\s++)++", re.IGNORECASE)
_AFTER_COPULA = re.compile(r"\s(?:is|are|equals|be)\s", re.IGNORECASE)


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
    closed = _TUPLE_END.match(text)
    if closed:  # "1/4) since πP = π": the last value of a tuple, then a remark
        text = closed.group(1)
    sep = _LABEL_VALUE.search(text)
    label, value = None, text
    if sep and _LETTER.search(text[:sep.start()]) and not lone_number(text[:sep.start()]):
        label, value = text[:sep.start()].strip(), text[sep.end():]
    elif not sep:
        first = find_numbers(text)
        if not first:
            return [_Field(text, None)] if _LETTER.search(text) else []  # a name alone: "For class A"
        if _LETTER.search(text[:first[0].start]):
            label, value = text[:first[0].start].strip(), text[first[0].start:]
    fixed, repairs = repair_ocr(value, in_table=False)
    values = chains(fixed)
    if not values:
        if label and not re.search(r"[^\W\d_]{3,}", value):  # "F1 = ?", "R = —": left empty
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
        if _LETTER.search(head) and "=" not in head and len(head) <= 60:
            return head.strip(), text[colon + 1:]
    return None, text


class _LineReader:
    """The lines of an answer read one by one, with what a head line ("Class A:",
    "Precision:") says about the lines after it."""

    def __init__(self, matcher: Matcher, builder: Builder):
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
            if not has_value(rest):
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

    def _labelled_rows(self, fields: list[_Field]) -> list[tuple[Resolved, list[_Field]]] | None:
        """``π = (1/4, 1/2, 1/4)``, ``A = [0.8 0.67 0.73], B = [0.5 0.6 0.55]``: each row's label on
        its first value, its other values after it without labels — its cells in the rubric's
        column order (in a grid of one column, ``A = 0.8, B = 0.5``). None for any other line."""
        # words around the values that name nothing of the grid ("By Bayes,", "and") are prose
        fields = [f for f in fields if f.cell is not None or pick(self.matcher.resolve(f.label), "any") is not None]
        if not fields or fields[0].label is None or any(f.cell is None for f in fields):
            return None
        runs: list[list[_Field]] = []
        for f in fields:
            if f.label is not None:
                runs.append([])
            runs[-1].append(f)
        found = []
        for run in runs:
            if len(run) > self.ncols or (len(run) == 1 and self.ncols > 1):
                return None  # "A = 0.8" names one cell, not a row (unless the grid has one column)
            choice = self._row_named(run[0].label)
            if choice is None:
                return None
            found.append((choice, run))
        return found

    def _row_named(self, label: str) -> Resolved | None:
        """The row ``label`` names, or the row named after its last "is" ("The stationary
        distribution is π") or a leading "and", "so" ("and P(D|−)"): the words before a name
        are not part of it."""
        for text in (label, _AFTER_COPULA.split(label)[-1], _CONNECTIVE.sub("", label)):
            choice = pick(self.matcher.resolve(text), "any")
            if choice is not None and choice.row is not None and choice.column is None:
                return choice
        return None

    def _row_line(self, line: Line, text: str, row_label: str | None, row: int | None, fields: list[_Field]) -> None:
        head_row = row
        named = self._labelled_rows(fields) if row is None and self.context_col is None else None
        if named:
            for choice, run in named:
                self._take(choice)
                for k, f in enumerate(run):
                    self._put(choice.row, None, run[0].label, k, f.cell, by_position=self.ncols > 1)
            if self.ncols > 1:
                self.builder.note("values written without column labels were taken in the rubric's column order")
            self.kinds.add("row")
            self.context_row = self.context_col = None
            return
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
            elif len(unnamed) == self.ncols and not _WORD.search(_strip_numbers(text)):
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
    builder = Builder("lines", matcher.vocab)
    reader = _LineReader(matcher, builder)
    for line in lines:
        if line.number not in skip:
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
    candidates, table_lines, problem = table_candidates(lines, matcher)
    listed = _lines_candidate(lines, matcher, table_lines)
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
                if column in entry["by_position"]:
                    continue  # so are values taken in the rubric's column order ("Group A: 2, 4, 6" is data)
                target = best.rows.get(key)
                if target is None or column not in target["cells"] or target["cells"][column].empty:
                    best.add(key[1], None, entry["label"], column, cell)
    return best.build()
