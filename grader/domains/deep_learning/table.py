"""The ``ap_table`` question type: rows of precision and recall at each rank, and the AP from them.

One type, four parts a rubric item can check (``check: {part: ...}``):

* ``column``    — one column (precision or recall) row by row: credit per row,
  tolerance from the digits written, OCR-damaged cells flagged but not penalised
  when the rest of their row agrees (see ``table_cells``).
* ``method``    — error carried forward: the student's final AP recomputed from the
  student's OWN rows with one of the rubric's accepted ``methods`` (e.g. ap_11pt,
  ap_all_point) equals the final AP the student wrote. Wrong rows, right method:
  these marks are still earned.
* ``final``     — the final AP against the references the rubric ``accept``s, each
  with its credit (11-point and all-point fully, non-interpolated partly...).
* ``statement`` — the interpolation rule stated in words (any of ``statements``,
  each a list of phrases that must all appear on a line about the ``topic``).

The accepted alternatives live in the rubric; this module only knows how to
compute each named method (``grader.domains.deep_learning.retrieval.AP_METHODS``).
"""

from __future__ import annotations

import re
from fractions import Fraction
from typing import Any, Literal, Mapping, Sequence

from pydantic import BaseModel, ConfigDict, Field, model_validator
from rapidfuzz import fuzz

from grader.model import Evidence, Line, Outcome, Segment
from grader.numbers import Number, Tolerance, as_fraction, close_enough, decimal_places_for, decimal_text, find_numbers, just_outside
from grader.domains.deep_learning.retrieval import AP_METHODS
from grader.types.base import CheckParams, Comparison, Invalid, Parsed, QuestionContext, QuestionType, SelfTest, register
from grader.types.table_cells import judge
from grader.domains.deep_learning.table_rows import Row, StudentTable, read_table

_AP_WORDS = re.compile(r"\b(?:m?A\.?P|average\s+precision|avg\.?\s+precision)\b", re.IGNORECASE)


class Accept(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    reference: str
    credit: float = Field(default=1.0, gt=0, le=1)


class TableParams(CheckParams):
    part: Literal["column", "method", "final", "statement"]
    column: Literal["precision", "recall"] | None = Field(default=None, description="part=column: which column")
    methods: list[str] = Field(default_factory=list, description="part=method: accepted AP methods")
    accept: list[Accept] = Field(default_factory=list, description="part=final: accepted references and credit")
    topic: list[str] = Field(default_factory=list, description="part=statement: words of a line about interpolation")
    statements: list[list[str]] = Field(default_factory=list, description="part=statement: accepted phrasings")
    precision_reference: str = "precision"
    recall_reference: str = "recall"
    relevant_reference: str = "relevant"
    total_relevant_reference: str = "total_relevant"
    rel_tol: float = Field(default=0.0, ge=0)
    abs_tol: float = Field(default=0.0, ge=0)
    student_precision: bool = True
    min_decimals: int = Field(default=2, ge=0)

    @model_validator(mode="after")
    def _part_needs(self) -> "TableParams":
        needs = {"column": ("column", self.column), "method": ("methods", self.methods),
                 "final": ("accept", self.accept), "statement": ("statements", self.statements)}
        key, value = needs[self.part]
        if not value:
            raise ValueError(f"{key}: required when part is {self.part!r}")
        if self.part == "statement" and not self.topic:
            raise ValueError("topic: required when part is 'statement'")
        unknown = sorted(set(self.methods) - set(AP_METHODS))
        if unknown:
            raise ValueError(f"methods: unknown {unknown}; known: {sorted(AP_METHODS)}")
        return self

    @property
    def tolerance(self) -> Tolerance:
        return Tolerance(rel=self.rel_tol, abs=self.abs_tol, student_precision=self.student_precision,
                         min_decimals=self.min_decimals)


def show(value: Fraction) -> str:
    """2/3 ≈ 0.6667, 1, 0.4 — exact and readable."""
    value = as_fraction(value)
    if value.denominator == 1:
        return str(value.numerator)
    if 10**6 % value.denominator == 0:  # a terminating decimal is shown as one
        return decimal_text(value, 6).rstrip("0")
    return f"{value} ≈ {decimal_text(value, 4)}"


# --- reading, shared by the items of one question through the grading loop's memo ---------

def student_table(ctx: QuestionContext) -> StudentTable | None:
    return ctx.reading


def final_value(ctx: QuestionContext) -> tuple[Number, Line] | None:
    """The AP the student concludes with: the last value in [0, 1] on the last line about AP,
    else a lone number on a line after the table."""
    table = student_table(ctx)
    taken = table.lines if table else frozenset()
    lines = [line for line in ctx.segment.lines if line.number not in taken]
    for line in reversed(lines):
        if _AP_WORDS.search(line.text):
            numbers = [n for n in find_numbers(line.text) if 0 <= n.value <= 1]
            if numbers:
                return numbers[-1], line
    after = max(taken, default=0)
    for line in reversed(lines):
        numbers = find_numbers(line.text)
        if line.number > after and len(numbers) == 1 and 0 <= numbers[0].value <= 1:
            return numbers[0], line
    return None


def _table_evidence(table: StudentTable) -> Evidence:
    first = min(r.line for r in table.rows)
    return Evidence(first, f"{table.layout} table, {len(table.rows)} rows (lines {first}–{max(r.line for r in table.rows)})")


# --- the type ------------------------------------------------------------------------------

@register
class TableType(QuestionType):
    name = "ap_table"
    Params = TableParams

    def check_params(self, params: TableParams, refs: Mapping[str, Any]) -> list[str]:
        problems = []
        wanted: list[str] = [a.reference for a in params.accept]
        if params.part in ("column", "method"):
            wanted += [params.precision_reference, params.recall_reference, params.relevant_reference]
        for key in wanted:
            if key not in refs:
                problems.append(f"reference {key!r} is not produced by the question's solver")
        for key in (params.precision_reference, params.recall_reference):
            if params.part in ("column", "method") and key in refs and not isinstance(refs[key], Sequence):
                problems.append(f"reference {key!r} is not a column of values")
        return problems

    # parse -------------------------------------------------------------------------------
    def reading_key(self, params: TableParams) -> str:
        return "rows"

    def read(self, segment: Segment, params: TableParams) -> StudentTable | None:
        return read_table(segment.lines)

    def parse(self, ctx: QuestionContext, params: TableParams) -> Parsed | Invalid | None:
        if params.part == "final":
            found = final_value(ctx)
            return Parsed(found, (Evidence(found[1].number, found[1].text.strip()),)) if found else None
        if params.part == "statement":
            lines = [line for line in ctx.segment.lines if any(_phrase_in(word, line.text) for word in params.topic)]
            return Parsed(tuple(lines), tuple(Evidence(l.number, l.text.strip()) for l in lines)) if lines else None
        table = student_table(ctx)
        if table is None:
            return None
        if params.part == "column":
            if not any(params.column in row.cells for row in table.rows):
                return Invalid(f"the table has no {params.column} column that could be read", (_table_evidence(table),))
            return Parsed(table, (_table_evidence(table),))
        found = final_value(ctx)
        if found is None:
            return None
        return Parsed((table, found), (_table_evidence(table), Evidence(found[1].number, found[1].text.strip())))

    # compare -----------------------------------------------------------------------------
    def compare(self, parsed: Parsed, ctx: QuestionContext, params: TableParams) -> Comparison:
        return {"column": self._column, "method": self._method, "final": self._final,
                "statement": self._statement}[params.part](parsed, ctx, params)

    def _denominator(self, ctx: QuestionContext, params: TableParams, column: str, rank: int) -> int | None:
        if column == "precision":
            return rank
        total = ctx.refs.get(params.total_relevant_reference)
        return total if isinstance(total, int) else None

    def _reference(self, ctx: QuestionContext, params: TableParams, column: str) -> Sequence[Any]:
        return ctx.ref(params.precision_reference if column == "precision" else params.recall_reference)

    def _rest_agrees(self, row: Row, column: str, ctx: QuestionContext, params: TableParams) -> bool:
        relevant = ctx.refs.get(params.relevant_reference)
        if row.relevant is not None and relevant is not None and row.rank <= len(relevant):
            if row.relevant != relevant[row.rank - 1]:
                return False
        for other, cell in row.cells.items():
            if other == column or not cell.numbers:
                continue
            expected = self._reference(ctx, params, other)
            if row.rank > len(expected):
                return False
            verdict = judge(cell, as_fraction(expected[row.rank - 1]), params.tolerance,
                            self._denominator(ctx, params, other, row.rank))
            if verdict.status == "wrong":
                return False
        return True

    def _column(self, parsed: Parsed, ctx: QuestionContext, params: TableParams) -> Comparison:
        table: StudentTable = parsed.value
        column = params.column
        expected = self._reference(ctx, params, column)
        credited, problems, suspects, evidence = 0, [], [], []
        for rank, value in enumerate(expected, start=1):
            value = as_fraction(value)
            row = table.row(rank)
            cell = row.cells.get(column) if row else None
            if cell is None or not cell.numbers:
                problems.append(f"rank {rank}: no {column} found")
                continue
            verdict = judge(cell, value, params.tolerance, self._denominator(ctx, params, column, rank))
            if verdict.status == "correct" or (verdict.status == "suspect" and self._rest_agrees(row, column, ctx, params)):
                credited += 1
                evidence.append(Evidence(row.line, f"rank {rank} {column}: {cell.text}"))
                if verdict.status == "suspect":
                    suspects.append(f"rank {rank}: {verdict.note}")
                if cell.repaired:
                    suspects.append(f"rank {rank}: read a dash as a decimal point in {cell.text!r}")
            elif verdict.status == "suspect":
                problems.append(f"rank {rank}: {cell.text!r} disagrees with itself and the rest of the row is wrong")
            else:
                problems.append(f"rank {rank}: {cell.text} (expected {show(value)})")
        fraction = credited / len(expected)
        outcome = Outcome.CORRECT if credited == len(expected) else Outcome.PARTIAL if credited else Outcome.INCORRECT
        detail = "; ".join(problems + [f"OCR? {s}" for s in suspects])
        return Comparison(fraction, outcome, found=f"{credited} of {len(expected)} rows right",
                          expected=", ".join(show(as_fraction(v)) for v in expected), detail=detail,
                          evidence=tuple(evidence), flags=("ocr-suspect",) if suspects else ())

    def _student_rows(self, table: StudentTable, ctx: QuestionContext, params: TableParams, exact: bool) -> list[tuple[Fraction, Fraction]]:
        """The (precision, recall) the student used at each rank: the OCR-repaired reading of a
        damaged cell, else what was written (its fraction if ``exact``, else its final decimal)."""
        rows = []
        for row in sorted(table.rows, key=lambda r: r.rank):
            values = []
            for column in ("precision", "recall"):
                cell = row.cells.get(column)
                if cell is None or not cell.numbers:
                    break
                expected = self._reference(ctx, params, column)
                value = cell.numbers[-1].value
                if row.rank <= len(expected):
                    value = judge(cell, as_fraction(expected[row.rank - 1]), params.tolerance,
                                  self._denominator(ctx, params, column, row.rank)).value
                if exact and cell.numbers[0].decimals is None and len(cell.numbers) > 1 \
                        and close_enough(cell.numbers[-1], cell.numbers[0].value, params.tolerance):
                    value = cell.numbers[0].value
                values.append(value)
            if len(values) == 2:
                rows.append((values[0], values[1]))
        return rows

    def _method(self, parsed: Parsed, ctx: QuestionContext, params: TableParams) -> Comparison:
        table, (final, line) = parsed.value
        window = max(params.rel_tol * abs(final.value), Fraction(params.abs_tol))
        if final.places is not None:
            window = max(window, Fraction(1, 10**final.places))  # rounded or truncated at the last digit
        recomputed = []
        for exact in (False, True):
            rows = self._student_rows(table, ctx, params, exact)
            for method in params.methods:
                value = AP_METHODS[method](rows) if rows else None
                if value is not None:
                    recomputed.append((method, value))
                    if abs(value - final.value) <= window:
                        return Comparison(1.0, Outcome.CORRECT, found=final.text, expected=show(value),
                                          detail=f"{method} from your own rows gives {show(value)}",
                                          evidence=parsed.evidence)
        seen = "; ".join(f"{m} from your rows = {show(v)}" for m, v in dict(recomputed).items())
        return Comparison(0.0, Outcome.INCORRECT, found=final.text, expected=seen,
                          detail=f"{final.text} does not follow from your table ({seen})", evidence=parsed.evidence)

    def _final(self, parsed: Parsed, ctx: QuestionContext, params: TableParams) -> Comparison:
        final, line = parsed.value
        best, matched = 0.0, None
        for accept in params.accept:
            if close_enough(final, ctx.ref(accept.reference), params.tolerance) and accept.credit > best:
                best, matched = accept.credit, accept
        outcome = Outcome.CORRECT if best == 1 else Outcome.PARTIAL if best > 0 else Outcome.INCORRECT
        expected = ", ".join(f"{a.reference} = {show(ctx.ref(a.reference))}" for a in params.accept if a.credit == 1)
        detail = f"matches {matched.reference}" if matched else f"{final.text} matches no accepted value"
        return Comparison(best, outcome, found=final.text, expected=expected, detail=detail,
                          evidence=parsed.evidence if best else ())

    def _statement(self, parsed: Parsed, ctx: QuestionContext, params: TableParams) -> Comparison:
        for line in parsed.value:
            for phrases in params.statements:
                if all(_phrase_in(p, line.text) for p in phrases):
                    return Comparison(1.0, Outcome.CORRECT, found=line.text.strip(), expected=" + ".join(phrases),
                                      evidence=(Evidence(line.number, line.text.strip()),))
        return Comparison(0.0, Outcome.INCORRECT, found=" / ".join(l.text.strip() for l in parsed.value),
                          expected=" or ".join(" + ".join(p) for p in params.statements),
                          detail="the interpolation rule is not stated")

    # self-test ---------------------------------------------------------------------------
    def self_test(self, params: TableParams, refs: Mapping[str, Any]) -> list[SelfTest]:
        invalid = SelfTest("invalid", "I could not finish this question.", "no table, no value")
        if params.part == "statement":
            words = " ".join(params.statements[0])
            return [SelfTest("correct", f"{params.topic[0]}: {words}.", "the first accepted phrasing"),
                    SelfTest("incorrect", f"{params.topic[0]} was not needed here.", "topic without the rule"),
                    invalid]
        if params.part == "final":
            full = next(a for a in sorted(params.accept, key=lambda a: -a.credit))
            value = as_fraction(refs[full.reference])
            places = decimal_places_for(value, params.tolerance)
            wrong = self._away_from(value, [as_fraction(refs[a.reference]) for a in params.accept], params.tolerance)
            return [SelfTest("correct", f"Interpolated AP = {decimal_text(value, places)}", full.reference),
                    SelfTest("incorrect", f"Interpolated AP = {decimal_text(wrong, places)}", "just outside tolerance"),
                    invalid]
        precision, recall = refs[params.precision_reference], refs[params.recall_reference]
        relevant = refs[params.relevant_reference]
        table = _table_text(precision, recall, relevant)
        if params.part == "method":
            rows = [(as_fraction(p), as_fraction(r)) for p, r in zip(precision, recall)]
            value = AP_METHODS[params.methods[0]](rows)
            others = [AP_METHODS[m](rows) for m in params.methods]
            window = max(Fraction(1, 10**4), value * as_fraction(params.rel_tol), as_fraction(params.abs_tol))
            wrong = value + 2 * window if all(abs(value + 2 * window - o) > window for o in others) else value - 2 * window
            return [SelfTest("correct", f"{table}\n\nInterpolated AP = {decimal_text(value, 4)}", params.methods[0]),
                    SelfTest("incorrect", f"{table}\n\nInterpolated AP = {decimal_text(wrong, 4)}", "AP not from the rows"),
                    invalid]
        column = precision if params.column == "precision" else recall
        at = next((i for i, v in enumerate(column) if as_fraction(v).denominator != 1), 0)
        value = as_fraction(column[at])
        off = decimal_text(just_outside(value, params.tolerance), decimal_places_for(value, params.tolerance))
        changed = [list(precision), list(recall)]
        changed[0 if params.column == "precision" else 1][at] = off
        return [SelfTest("correct", table, "the reference table"),
                SelfTest("incorrect", _table_text(*changed, relevant), f"rank {at + 1} just outside tolerance"),
                invalid]

    @staticmethod
    def _away_from(value: Fraction, accepted: list[Fraction], tol: Tolerance) -> Fraction:
        """Just outside the tolerance of ``value`` and of every other accepted value."""
        candidate = just_outside(value, tol)
        for _ in range(1000):
            if not any(close_enough(_written(candidate, decimal_places_for(value, tol)), a, tol) for a in accepted):
                return candidate
            candidate = just_outside(candidate, tol)
        return candidate


def _written(value: Fraction, places: int) -> Number:
    text = decimal_text(value, places)
    return Number(Fraction(text), text, places, False, 0, len(text))


def _cell_text(value: Any) -> str:
    return value if isinstance(value, str) else str(as_fraction(value))


def _table_text(precision: Sequence[Any], recall: Sequence[Any], relevant: Sequence[bool]) -> str:
    lines = ["| Rank | Relevant | Precision | Recall |", "|---|---|---|---|"]
    for rank, (p, r, rel) in enumerate(zip(precision, recall, relevant), start=1):
        lines.append(f"| {rank} | {'T' if rel else 'F'} | {_cell_text(p)} | {_cell_text(r)} |")
    return "\n".join(lines)


def _phrase_in(phrase: str, text: str) -> bool:
    """A rubric phrase in a student's line, tolerating OCR misspellings of longer words."""
    phrase, text = phrase.lower(), text.lower()
    if phrase in text:
        return True
    if " " in phrase or len(phrase) < 5:
        return False
    return any(fuzz.ratio(phrase, word) >= 80 for word in re.findall(r"[a-z]+", text))
