"""``matrix``: a matrix or vector the student wrote, compared entry by entry with a reference.

Every matrix of the answer is read (``grader.types.matrix_reading``: LaTeX, Markdown
tables, brackets, tuples, rows line by line), with what the student called it. An item
grades the one that fits its reference best — of the reference's shape (a vector: of
its length, a row or a column), under the main reference or a convention — or, when
the item has a ``cue``, the best of those the student named so (``P^2 = …``).

Conventions: other accepted forms (``conventions:``), each another reference (C under
column-major flattening) with the phrases a student must state for it to count and
its credit. A matrix that fits a convention the student did not state earns nothing,
with feedback saying so. A matrix equal to a known wrong answer (``wrong:``, P for an
item asking for P²) earns nothing either, with a detail naming it.

When no matrix fits: a matrix of the reference's shape transposed (C^T for C) is
``incorrect`` and said to be; an answer whose matrices cannot be read is ``invalid``
with the reason (never "wrong"); otherwise the answer is ``missing``, with the shapes
that were found in the detail.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from fractions import Fraction
from typing import Any, Mapping, Sequence

from grader.model import Evidence, Outcome, Segment
from grader.numbers import decimal_places_for, decimal_text, just_outside
from grader.types.base import (
    Comparison, Invalid, Parsed, QuestionContext, QuestionType, SelfTest, register, unknown_reference,
)
from grader.types.matrix_names import cued
from grader.types.matrix_params import Band, Convention, KnownWrong, MatrixParams
# The readers are re-exported: tests/types/test_pathological_types.py pins them by these names.
from grader.types.matrix_reading import (  # noqa: F401
    _ENV, Candidate, Reading, _add, _drop_noise, _latex, _row_body, _split_rows, _Text, read_matrices, show_rows,
    show_value,
)
from grader.types.matrix_scoring import (  # noqa: F401 - is_vector: re-exported for tests/references
    Fit, band_text, fit, is_vector, matrix_of, oriented, shape_of, shape_text, transposed, vector_length,
    written_exactly,
)

__all__ = ["MatrixParams", "MatrixType", "Convention", "Band", "KnownWrong", "bmatrix", "read_matrices", "matrix_of",
           "is_vector"]


def _stated(text: str, phrases: list[str]) -> bool:
    def norm(s: str) -> str:
        return " ".join(re.sub(r"[-_‐–]", " ", s.lower()).split())
    body = norm(text)
    return any(norm(p) in body for p in phrases)


@dataclass(frozen=True)
class Selection:
    """What ``parse`` found for one item: the matrices to grade (the ones named by its cue, or
    every one of a shape that fits), else the slips (C^T for C) or the other shapes found."""

    candidates: tuple[Candidate, ...] = ()
    slips: tuple[Candidate, ...] = ()
    others: tuple[Candidate, ...] = ()


@dataclass(frozen=True)
class _Scored:
    key: tuple[float, int, int, int]  # credit, then a known wrong answer, then right entries, then the later one
    candidate: Candidate
    convention: Convention | None = None
    result: Fit | None = None
    known: KnownWrong | None = None


def _any_orientation(params: MatrixParams) -> MatrixParams:
    return params.model_copy(update={"orientation": "any"})


# --- the type ------------------------------------------------------------------------------

def _student_matrix(candidate: Candidate) -> Any:
    """The student's matrix as a value of ours (exact entries), as written (not re-oriented)."""
    import sympy

    return sympy.ImmutableMatrix([[sympy.Rational(n.value.numerator, n.value.denominator) for n in row]
                                  for row in candidate.rows])


@register
class MatrixType(QuestionType):
    name = "matrix"
    Params = MatrixParams
    gives_value = True  # the student's matrix, for a later item's carry-forward (their own P² → its (1,3) entry)

    def check_params(self, params: MatrixParams, refs: Mapping[str, Any]) -> list[str]:
        problems = []
        keys = ([params.reference] + [c.reference for c in params.conventions] + [w.reference for w in params.wrong])
        for key in dict.fromkeys(keys):
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
        return problems or self._option_problems(params, refs)

    def _option_problems(self, params: MatrixParams, refs: Mapping[str, Any]) -> list[str]:
        """Problems of ``orientation``, ``bands`` and ``wrong`` against the (well-formed) references."""
        problems = []
        main = refs[params.reference]
        rows, columns = shape_of(main)
        if params.orientation != "any" and vector_length(main) is None:
            problems.append(f"orientation: only for a vector; reference {params.reference!r} is a {rows}×{columns} matrix")
        if params.bands:
            first = params.bands[0]
            total = (vector_length(main) or rows * columns) if first.unit == "entries" else (vector_length(main) or rows)
            if first.count > total:
                problems.append(f"bands.0: {first.count} {first.unit}, but reference {params.reference!r} has {total}")
        loose = _any_orientation(params)
        for k, known in enumerate(params.wrong):
            written = written_exactly(refs[known.reference])
            if fit(written, main, loose, 1.0) is None:
                problems.append(f"wrong.{k}.reference: {known.reference!r} is a {shape_text(refs[known.reference])}, but "
                                f"{params.reference!r} is a {shape_text(main)}: no answer can be mistaken for it")
                continue
            for other, what in [(params.reference, "the reference")] + [(c.reference, f"the convention {c.name!r}")
                                                                          for c in params.conventions]:
                found = fit(written, refs[other], loose, 1.0)
                if found is not None and found.exact:
                    problems.append(f"wrong.{k}.reference: {known.reference!r} equals {what} ({other!r}) within the "
                                    "tolerance: that answer would earn nothing")
        return problems

    def reading_key(self, params: MatrixParams) -> str:
        return "matrices"  # items of one question read the answer once

    def read(self, segment: Segment, params: MatrixParams) -> Reading:
        return read_matrices(segment.lines)

    def parse(self, ctx: QuestionContext, params: MatrixParams) -> Parsed | Invalid | None:
        reading: Reading = ctx.reading
        graded = [ctx.ref(k) for k in [params.reference] + [c.reference for c in params.conventions]
                  + [w.reference for w in params.wrong]]
        fitting = tuple(c for c in reading.candidates if any(oriented(c, ref, params.orientation) is not None for ref in graded))
        if params.cue:
            named = tuple(c for c in fitting if cued(c.names, params.cue))
            if named:
                return Parsed(Selection(named))
            for (line, why), names in zip(reading.problems, reading.problem_names):
                if cued(names, params.cue):  # the matrix the item grades is there, but cannot be read
                    return self._invalid(ctx, line, why)
        if fitting:
            return Parsed(Selection(fitting))
        main = ctx.ref(params.reference)
        slips = tuple(c for c in reading.candidates if self._slip(c, main, params) is not None)
        if slips:
            return Parsed(Selection(slips=slips))
        if reading.problems:
            return self._invalid(ctx, *reading.problems[0])
        if reading.candidates:
            return Parsed(Selection(others=reading.candidates))
        return None

    @staticmethod
    def _invalid(ctx: QuestionContext, line: int, why: str) -> Invalid:
        text = next((l.text.strip() for l in ctx.segment.lines if l.number == line), "")
        return Invalid(why, (Evidence(line, text),))

    @staticmethod
    def _slip(candidate: Candidate, reference: Any, params: MatrixParams) -> str | None:
        """Why a matrix that does not fit is still the answer, slipped: the reference transposed
        (C^T for C), or a vector in the other orientation than the item asks for."""
        if vector_length(reference) is not None:
            if params.orientation != "any" and oriented(candidate, reference) is not None:
                written = "a row" if candidate.shape[0] == 1 else "a column"
                return f"{params.name} is written as {written}, but the answer must be a {params.orientation} vector"
            return None
        found = fit(transposed(candidate), reference, params, 1.0)
        if found is not None and found.exact:
            return f"the {candidate.shape[0]}×{candidate.shape[1]} matrix you wrote is the transpose of {params.name}"
        return None

    def compare(self, parsed: Parsed, ctx: QuestionContext, params: MatrixParams) -> Comparison:
        selection: Selection = parsed.value
        reference = ctx.ref(params.reference)
        expected = show_rows(_laid_out(reference, params.orientation))
        if not selection.candidates:
            return self._nothing_fits(selection, params, reference, expected)
        best = None
        unstated: list[tuple[Candidate, Convention]] = []
        text = ctx.segment.text
        main = Convention.model_construct(name="", reference=params.reference, stated=[], credit=1.0)
        for candidate in selection.candidates:
            known = self._known_wrong(candidate, ctx, params)
            if known is not None:
                scored = _Scored((0.0, 1, 0, candidate.last), candidate, known=known)
                best = scored if best is None or scored.key > best.key else best
                continue
            for convention in [main] + params.conventions:
                result = fit(candidate, ctx.ref(convention.reference), params, convention.credit)
                if result is None:
                    continue
                if convention.stated and not _stated(text, convention.stated):
                    if result.exact:  # fits exactly, but the convention was not stated
                        unstated.append((candidate, convention))
                    continue
                scored = _Scored((result.fraction, 0, result.right_entries, candidate.last), candidate, convention, result)
                best = scored if best is None or scored.key > best.key else best
        if best is None or best.key[0] == 0:
            return self._no_credit(selection, params, reference, expected, unstated, best)
        convention, result = best.convention, best.result
        parts = [f"read as {convention.name}"] if convention.name else []
        if params.bands and result.fraction < 1:
            parts.append(band_text(result, params.bands))
        if result.wrong:
            parts.append("wrong: " + "; ".join(result.wrong[:6]) + (" …" if len(result.wrong) > 6 else ""))
        if convention.credit < 1:
            parts.append(f"{convention.name} earns {convention.credit:g} of the marks")
        outcome = Outcome.CORRECT if result.fraction >= 1 else Outcome.PARTIAL
        return Comparison(result.fraction, outcome, found=show_rows(best.candidate.rows), expected=expected,
                          detail="; ".join(parts), evidence=(best.candidate.evidence(),),
                          value=_student_matrix(best.candidate))

    @staticmethod
    def _known_wrong(candidate: Candidate, ctx: QuestionContext, params: MatrixParams) -> KnownWrong | None:
        for known in params.wrong:
            found = fit(candidate, ctx.ref(known.reference), _any_orientation(params), 1.0)
            if found is not None and found.exact:
                return known
        return None

    def _no_credit(self, selection: Selection, params: MatrixParams, reference: Any, expected: str,
                   unstated: list[tuple[Candidate, Convention]], best: _Scored | None) -> Comparison:
        if unstated:
            candidate, convention = unstated[0]
            detail = f"{params.name} fits {convention.name}, but the answer does not say that convention is used"
        elif best is not None and best.known is not None:
            candidate = best.candidate
            detail = f"this is {best.known.shown}, a known wrong answer: no marks"
        elif best is None:  # only a convention's shape, not stated, and not that convention's matrix either
            candidate = selection.candidates[0]
            shapes = ", ".join(dict.fromkeys(f"{c.shape[0]}×{c.shape[1]}" for c in selection.candidates))
            detail = f"no {shape_text(reference, params.orientation)} ({params.name}) was found; found {shapes}"
        else:  # right shape, every row wrong (or below every band)
            candidate, result = best.candidate, best.result
            parts = [band_text(result, params.bands)] if params.bands else []
            detail = "; ".join(parts + ["wrong: " + "; ".join(result.wrong[:6])])
        # a known wrong answer is a misconception, not a slip: nothing follows through from it
        carried = None if best is not None and best.known is not None and not unstated else _student_matrix(candidate)
        return Comparison(0.0, Outcome.INCORRECT, found=show_rows(candidate.rows), expected=expected,
                          detail=detail, evidence=(candidate.evidence(),), value=carried)

    def _nothing_fits(self, selection: Selection, params: MatrixParams, reference: Any, expected: str) -> Comparison:
        if selection.slips:
            candidate = selection.slips[0]
            return Comparison(0.0, Outcome.INCORRECT, found=show_rows(candidate.rows), expected=expected,
                              detail=self._slip(candidate, reference, params) or "", evidence=(candidate.evidence(),))
        shapes = ", ".join(dict.fromkeys(f"{c.shape[0]}×{c.shape[1]}" for c in selection.others))
        detail = f"no {shape_text(reference, params.orientation)} ({params.name}) was found; found {shapes}"
        return Comparison(0.0, Outcome.MISSING, expected=expected, detail=detail,
                          evidence=tuple(c.evidence() for c in selection.others[:3]))

    # self-test ---------------------------------------------------------------------------
    def self_test(self, params: MatrixParams, refs: Mapping[str, Any]) -> list[SelfTest]:
        reference = refs[params.reference]
        target = _laid_out(reference, params.orientation)
        named = f"{params.cue[0]} = " if params.cue else ""
        ragged = [row[:] for row in target]
        if len(ragged) > 1 and len(ragged[-1]) > 1:
            ragged[-1] = ragged[-1][:-1]
        else:  # a single row or column cannot lose an entry and stay a matrix: add a longer row
            ragged.append([Fraction(0)] * (len(ragged[0]) + 1))
        off, why = _off_by_enough(target, params)
        tests = [SelfTest("correct", f"{named}$$ {bmatrix(target)} $$", "the reference as a bmatrix"),
                 SelfTest("incorrect", f"{named}$$ {bmatrix(off)} $$", why),
                 SelfTest("invalid", f"{named}$$ {bmatrix(ragged)} $$", "a ragged matrix (rows of different lengths)")]
        n = vector_length(reference)
        if n is not None and n > 1 and params.orientation != "column":
            entries = ", ".join(show_value(v) for row in target for v in row)
            tests.append(SelfTest("correct", f"{named or 'v = '}({entries})", "the vector as a tuple"))
        if n is not None and n > 1 and params.orientation != "any":
            other = [list(col) for col in zip(*target)]
            tests.append(SelfTest("incorrect", f"{named}$$ {bmatrix(other)} $$", f"a vector that is not a {params.orientation}"))
        for known in params.wrong:
            wrong = _laid_out(refs[known.reference], params.orientation)
            tests.append(SelfTest("incorrect", f"{named}$$ {bmatrix(wrong)} $$", f"the known wrong answer {known.shown}"))
        for convention in params.conventions:
            if convention.stated and convention.credit == 1:
                other = bmatrix(_laid_out(refs[convention.reference], params.orientation))
                tests.append(SelfTest("correct", f"Using {convention.stated[0]} flattening: {named}$$ {other} $$", convention.name))
        return tests


def _laid_out(reference: Any, orientation: str) -> list[list[Fraction]]:
    """The reference as rows; a vector as the row or column the item asks for."""
    target = matrix_of(reference)
    if vector_length(reference) is not None and orientation != "any":
        flat = [v for row in target for v in row]
        return [flat] if orientation == "row" else [[v] for v in flat]
    return target


def _off_by_enough(target: list[list[Fraction]], params: MatrixParams) -> tuple[list[list[Fraction]], str]:
    """The reference with entries just outside the tolerance, enough of them to fall short of full
    credit: one, or with a band that gives full credit below all right, enough to miss that band."""
    tol = params.tolerance
    cells = [(i, j) for i, row in enumerate(target) for j, v in enumerate(row)]
    cells.sort(key=lambda ij: target[ij[0]][ij[1]] == 0)  # nonzero entries first
    changes = 1
    top = params.bands[0] if params.bands else None
    if top is not None and top.credit >= 1:
        rows, entries = len(target), len(cells)
        vector = 1 in (len(target), len(target[0]))
        if top.unit == "entries" or vector:
            changes = entries - top.count + 1
        else:  # one entry in each of enough rows
            by_row = sorted({i for i, _ in cells}, key=lambda i: all(v == 0 for v in target[i]))
            cells = [(i, next(j for j, v in enumerate(target[i]) if v != 0) if any(target[i]) else 0)
                     for i in by_row[:rows - top.count + 1]]
            changes = len(cells)
    off = [row[:] for row in target]
    for i, j in cells[:changes]:
        value = target[i][j]
        off[i][j] = Fraction(decimal_text(just_outside(value, tol), decimal_places_for(value, tol)))
    where = ", ".join(f"row {i + 1}, column {j + 1}" for i, j in cells[:min(changes, 3)])
    return off, f"{changes} {'entry' if changes == 1 else 'entries'} just outside the tolerance ({where}{' …' if changes > 3 else ''})"


def bmatrix(rows: Sequence[Sequence[Fraction]]) -> str:
    def cell(v: Fraction) -> str:
        return show_value(v) if v.denominator == 1 else decimal_text(v, 6) if 10**6 % v.denominator == 0 else rf"\frac{{{v.numerator}}}{{{v.denominator}}}"
    return r"\begin{bmatrix} " + r" \\ ".join(" & ".join(cell(v) for v in row) for row in rows) + r" \end{bmatrix}"
