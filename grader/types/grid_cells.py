"""One reading of a student's grid, cell by cell: what each cell holds and the rows gathered.

A cell keeps every number of its chain (``2/3 = 0.67``); working before the result
(``8/(8+2) = 0.8``) is skipped; a cell left empty (``F1 = ?``, ``—``) has no numbers,
which is missing, not wrong. OCR's usual damage to a number (a dash for a decimal point,
the letter O for a zero, a decimal comma in a table) is read back and reported.

``Builder`` gathers the cells of one candidate reading (a table, or the lines outside
the tables) under the rubric's rows; ``grader.types.grid_reading`` picks the best one.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from grader.numbers import Number, find_numbers, parse_number
from grader.types.grid_labels import Vocab, compact


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


def repair_ocr(text: str, in_table: bool) -> tuple[str, tuple[str, ...]]:
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


def lone_number(text: str) -> Number | None:
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
        lone = lone_number(part)
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
    fixed, repairs = repair_ocr(text, in_table)
    values = chains(fixed)
    numbers = tuple(n for chain in values for n in chain)  # several values in one cell disagree: suspect
    repairs += tuple(f"read {n.text!r} as a number (OCR look-alike letters)" for n in numbers if n.ocr_repaired)
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


class Builder:
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
            entry = self.rows[key] = {"label": label, "cells": {}, "by_position": set()}
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
            entry["by_position"].add(column)
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
