"""``expression``: a formula the student wrote, compared with a reference formula.

The reference is a solver reference (a sympy tree, or LaTeX) or LaTeX written in
the rubric (``latex:``); both are read with our own reader, never ``sympify``.
The student's candidates are the math fragments of the answer (with ``lhs:``,
only statements that have that left side; the compared side is the last one).

Comparison, cheapest first:

1. structure: the settled trees are identical;
2. evaluation at ``points`` seeded random points (``grader.mathtext.evaluate``):
   every name, index and ∂A/∂B atom gets a value from a seeded RNG, so both sides
   see the same values; different values at a point decide "not equal";
3. when evaluation cannot decide (a division by zero at every point, ...), a bounded
   ``simplify`` under ``run_limited``. Past a time limit (reading or simplifying)
   ``BudgetExceeded`` goes up to the grading loop: the item is "not graded: time
   limit", never "unreadable" or "wrong", and it is graded again on the next run.

Modes: ``equal``; ``up_to_constant`` (``constant: factor`` — a nonzero constant
multiple, e.g. a loss halved — or ``constant: term`` — plus a constant);
``same_form`` (the structure itself must match: "write it in the form ...");
``simplified`` (equal, and written as one fraction in lowest terms — factored or
expanded, but not a sum of fractions still to combine, nor a common factor left).

``find: any`` is for method marks: every side of every statement is a candidate,
not only the last one ("the set-up E[X] = ∫ x f(x) dx appears in the working").

The verdict itself is ``grader.types.expression_compare``; a reference that is an equation or
inequality is compared as a relation (``grader.types.expression_relations``); the course's
notation, ``define`` and ``look_alikes``, is ``grader.types.expression_notation``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Hashable, Literal, Mapping

import sympy
from pydantic import Field, model_validator

from grader.errors import MathParseError
from grader.flags import Note, note
from grader.limits import run_limited
from grader.mathtext.atoms import Diff
from grader.mathtext.latex import Statement, read_math, settle
from grader.mathtext.look_alikes import respelt
from grader.mathtext.repairs import apply_repairs
from grader.mathtext.statements import split_statements
from grader.mathtext.writer import to_latex
from grader.model import Evidence, Outcome, Segment
from grader.reading.plain_math import formula_fragments
from grader.mathtext.containers import Container, read_container
from grader.mathtext.matrix_algebra import read_matrix_formula
from grader.types import expression_containers as containers
from grader.types.expression_compare import verdict as _verdict
from grader.types.numeric import final_answer
from grader.types.expression_notation import definitions, look_alike_symbols
from grader.types.expression_relations import Relation, relations_of, same_relations
from grader.types.base import (
    CheckParams, Comparison, Invalid, Parsed, QuestionContext, QuestionType, SelfTest, formula_reference_problems, register,
)


class ExpressionParams(CheckParams):
    reference: str | None = Field(default=None, description="a solver reference holding the expected formula")
    latex: str | None = Field(default=None, description="the expected formula written in LaTeX")
    lhs: str | None = Field(default=None, description="LaTeX of the left side the answer must have")
    mode: Literal["equal", "up_to_constant", "same_form", "simplified"] = "equal"
    find: Literal["final", "any"] = Field(
        default="final", description="final: the last side of each statement; any: every side (method marks)")
    constant: Literal["factor", "term"] = Field(default="factor", description="for up_to_constant")
    points: int = Field(default=6, ge=1, le=50, description="random points the formulas are evaluated at")
    seed: int = 0
    repair: bool = Field(default=False, description="apply the OCR repairs of installed domain packs (flagged) before comparing")
    define: dict[str, str] = Field(
        default_factory=dict,
        description="notation: LaTeX name -> its definition in LaTeX ('\\bar{x}': '\\frac{1}{n}\\sum_{i=1}^{n} x_i'), "
                    "substituted in both formulas before comparing")
    look_alikes: dict[str, list[str]] = Field(
        default_factory=dict,
        description="OCR: a symbol in LaTeX -> the characters OCR writes for it ('\\theta': ['0', 'O']); a formula is "
                    "also read with the symbol put in, flagged, when the item's reference has that symbol")
    parse_seconds: float = Field(default=1.0, gt=0, le=10)
    simplify_seconds: float = Field(default=2.0, gt=0, le=30)

    @model_validator(mode="after")
    def _one_reference(self) -> "ExpressionParams":
        if (self.reference is None) == (self.latex is None):
            raise ValueError("give either reference (a solver key) or latex (not both, not neither)")
        for key in ("lhs", "latex"):  # an author's unreadable formula is a rubric error
            if getattr(self, key) is not None:
                try:
                    read_math(getattr(self, key))
                except MathParseError as exc:
                    if key == "lhs" or read_container(self.latex) is None:  # a tuple, matrix or set is read so
                        raise ValueError(f"{key}: {exc}") from None
        definitions(self)  # raises on a name or a definition it cannot read
        look_alike_symbols(self)
        return self


# A reference written in LaTeX is the same on every sheet: it is read once, not per answer.
@lru_cache(maxsize=1024)
def _latex_reference(text: str) -> Statement:
    return read_math(text)


@lru_cache(maxsize=1024)
def _latex_collection(text: str) -> Container | None:
    return read_container(text)


def _reference_container(params: ExpressionParams, refs: Mapping[str, Any]) -> Container | None:
    """The reference as a tuple, matrix or set (``expression_containers``), or None."""
    value = refs[params.reference] if params.reference is not None else params.latex
    return _latex_collection(value) if isinstance(value, str) else containers.reference_container(value)


def reference_relation(params: ExpressionParams, refs: Mapping[str, Any]) -> tuple[Relation, ...] | None:
    """The reference as relations, when it is an equation or inequality written in LaTeX (mode
    ``equal``): it is answered by relations, compared as such (``expression_relations``)."""
    value = refs[params.reference] if params.reference is not None else params.latex
    if params.mode != "equal" or not isinstance(value, str):
        return None
    return relations_of(_latex_reference(value)) or None


def _solved_for(params: ExpressionParams, refs: Mapping[str, Any]) -> sympy.Symbol | None:
    """The name a reference ``x = 5`` gives the value of: a bare ``5`` answers it."""
    value = refs[params.reference] if params.reference is not None else params.latex
    statement = _latex_reference(value)
    if statement.relations == ("=",) and _is_label(statement.sides[0]):
        return statement.sides[0]
    return None


def _is_label(side: sympy.Basic) -> bool:
    """A side that names what the other gives: x, y_i, f'(x), dy/dx (no arithmetic of its own)."""
    if isinstance(side, (sympy.Symbol, sympy.Indexed, sympy.Derivative, Diff)):
        return True
    return isinstance(side, sympy.Function) and type(side.func) is sympy.core.function.UndefinedFunction


def reference_expr(params: ExpressionParams, refs: Mapping[str, Any]) -> sympy.Expr:
    value = refs[params.reference] if params.reference is not None else params.latex
    if isinstance(value, str):
        return _latex_reference(value).expr
    if isinstance(value, sympy.Basic):
        return value
    raise TypeError(f"reference {params.reference!r} is neither a formula nor LaTeX")


@dataclass(frozen=True)
class _Read:
    """One statement of the answer as read: the statement, or why it could not be read."""

    evidence: Evidence
    statement: Statement | None
    problem: str = ""
    repairs: tuple[str, ...] = ()
    source: str = ""  # the statement's LaTeX, read again with the item's look-alikes


def _answer_sides(statement: Statement) -> list[sympy.Expr]:
    """The sides that state values: a trailing "< 0" (a sign checked) or "= 0" after a formula
    (an equation set up to solve, ``ℓ'(λ) = Σx/λ − n = 0``) says something about the side before
    it, which is the answer."""
    sides, relations = list(statement.sides), list(statement.relations)
    while len(sides) > 1 and relations and relations[-1] == "≈":  # "√2 ≈ 1.414": the gloss is no answer
        sides.pop()
        relations.pop()
    while len(sides) > 2 and relations and (relations[-1] != "=" or sides[-1] == 0):
        sides.pop()
        relations.pop()
    return sides


def _with_formula(sides: list[sympy.Expr], first: int) -> list[sympy.Expr]:
    """The last side; and when it is a number after a formula ("λ̂ = x̄ = 2": the formula, then its
    value for the data), that formula too, which a formula reference is compared with."""
    last = sides[-1]
    if not getattr(last, "is_number", False):
        return [last]
    formulas = [side for side in sides[first:-1] if not getattr(side, "is_number", False)]
    return formulas[-1:] + [last]


def _candidates(statement: Statement, lhs: sympy.Expr | None, find: str = "final") -> list[sympy.Expr]:
    sides = _answer_sides(statement) if find == "final" else statement.sides
    if find == "any":
        target = settle(lhs) if lhs is not None else None
        return [side for side in sides if target is None or settle(side) != target]
    if lhs is None:
        return _with_formula(list(sides), 1)
    target = settle(lhs)
    if any(settle(side) == target for side in sides[:-1]) and settle(sides[-1]) != target:
        first = next(i for i, side in enumerate(sides) if settle(side) == target) + 1
        return _with_formula(list(sides), first)
    return []


@register
class ExpressionType(QuestionType):
    name = "expression"
    Params = ExpressionParams

    def check_params(self, params: ExpressionParams, refs: Mapping[str, Any]) -> list[str]:
        return formula_reference_problems(params.reference, refs, lambda: reference_expr(params, refs))

    # The answer's statements are read once per segment and shared by the question's expression
    # items (several items of one question differ only in lhs, find and the reference).
    def reading_key(self, params: ExpressionParams) -> Hashable:
        return ("statements", params.parse_seconds, params.repair)

    def read(self, segment: Segment, params: ExpressionParams) -> tuple[_Read, ...]:
        statements: list[_Read] = []
        for fragment in formula_fragments(segment.lines):
            evidence = Evidence(fragment.line, fragment.latex)
            for piece in split_statements(fragment.latex):  # "A = B \Rightarrow C = D": two statements
                try:
                    statement = run_limited(read_math, piece, seconds=params.parse_seconds)
                except MathParseError as exc:
                    worked = run_limited(read_matrix_formula, piece, seconds=params.parse_seconds)
                    if worked is not None and not isinstance(worked, sympy.MatrixBase):  # \det A, tr A: a number
                        statements.append(_Read(evidence, Statement((worked,), (), "", piece), "", (), piece))
                    else:
                        statements.append(_Read(evidence, None, str(exc), (), piece))
                    continue
                names: list[str] = []
                if params.repair:
                    statement, names = apply_repairs(statement)
                statements.append(_Read(evidence, statement, "", tuple(names), piece))
        return tuple(statements)

    def parse(self, ctx: QuestionContext, params: ExpressionParams) -> Parsed | Invalid | None:
        if (collection := _reference_container(params, ctx.refs)) is not None:
            found = containers.candidates(ctx.reading, collection)
            found = found if params.find == "any" else containers.final(found)
            return Parsed(found, tuple(e for e, _, _ in found)) if found else None
        if reference_relation(params, ctx.refs) is not None:
            return self._parse_relations(ctx, params)
        lhs = read_math(params.lhs).expr if params.lhs else None
        found: list[tuple[Evidence, sympy.Expr, tuple[str, ...]]] = []
        unreadable: list[tuple[Evidence, str]] = []
        look_alikes = _own_look_alikes(params, ctx.refs)
        for read in ctx.reading:
            # the look-alike reading first: candidates are tried last to first, so the formula as
            # written is compared before it
            respelt = _respelt(read.source, look_alikes, params) if look_alikes else None
            if respelt is not None:
                statement, names = respelt
                found.extend((read.evidence, side, read.repairs + names)
                             for side in _candidates(statement, lhs, params.find))
            if read.statement is None:
                if respelt is None:
                    unreadable.append((read.evidence, read.problem))
                continue
            found.extend((read.evidence, side, read.repairs) for side in _candidates(read.statement, lhs, params.find))
        if lhs is None and params.find == "final":
            found.extend(_prose_conclusion(ctx, params))
        return _parsed(found, unreadable)

    def _parse_relations(self, ctx: QuestionContext, params: ExpressionParams) -> Parsed | Invalid | None:
        """An equation or inequality answers a relation reference: each statement's last relation."""
        found: list[tuple[Evidence, tuple[Relation, ...], tuple[str, ...]]] = []
        unreadable: list[tuple[Evidence, str]] = []
        name = _solved_for(params, ctx.refs)
        for read in ctx.reading:
            if read.statement is None:
                unreadable.append((read.evidence, read.problem))
            elif relations := relations_of(read.statement):
                found.append((read.evidence, relations, read.repairs))
            elif name is not None:  # "5" for x = 5
                found.append((read.evidence, (Relation(settle(name - read.statement.sides[-1]), "="),), read.repairs))
            else:  # a value where a relation is asked: read, and wrong
                found.append((read.evidence, (), read.repairs))
        if params.find == "final" and found:  # the conclusion: the last relation about the reference's names
            names = set().union(*(r.expr.free_symbols for r in reference_relation(params, ctx.refs)))
            about = [f for f in found if any(r.expr.free_symbols & names for r in f[1])]
            found = (about or found)[-1:]
        return _parsed(found, unreadable)

    def _compare_relations(self, parsed: Parsed, expected: tuple[Relation, ...], params: ExpressionParams) -> Comparison:
        shown = params.latex or ""
        notation = definitions(params)

        def noted(relations: tuple[Relation, ...]) -> tuple[Relation, ...]:
            return tuple(Relation(r.expr.xreplace(notation), r.kind) for r in relations) if notation else relations

        expected = noted(expected)
        last = None
        for evidence, student, names in reversed(parsed.value):  # the conclusion first
            verdict, how = same_relations(noted(student), expected, params.points, params.seed)
            if verdict:
                return Comparison(1.0, Outcome.CORRECT, found=evidence.text, expected=shown, detail=how,
                                  evidence=(evidence,), flags=_repaired(names), repairs=names)
            last = last or (evidence, how, names, verdict)
        evidence, how, names, verdict = last
        flags = _repaired(names) + (("expression-undecided",) if verdict is None else ())
        return Comparison(0.0, Outcome.INCORRECT, found=evidence.text, expected=shown, detail=how,
                          evidence=(evidence,), flags=flags, repairs=names)

    def compare(self, parsed: Parsed, ctx: QuestionContext, params: ExpressionParams) -> Comparison:
        if (collection := _reference_container(params, ctx.refs)) is not None:
            exact = params.model_copy(update={"mode": "equal"})
            return containers.compare(parsed.value, collection, lambda a, b: _verdict(a, b, exact)[0],
                                      params.latex or str(collection.value))
        relation = reference_relation(params, ctx.refs)
        if relation is not None:
            return self._compare_relations(parsed, relation, params)
        expected = reference_expr(params, ctx.refs)
        shown = to_latex_or_str(expected)
        undecided = None
        concluded = "not equal to the reference"  # why the conclusion (the last candidate) is not right
        for index, (evidence, student, names) in enumerate(reversed(parsed.value)):  # the last statement is the conclusion
            verdict, how = _verdict(student, expected, params)
            if index == 0 and verdict is False and params.mode == "simplified":
                concluded = how
            if verdict:
                return Comparison(1.0, Outcome.CORRECT, found=evidence.text, expected=shown, detail=how,
                                  evidence=(evidence,), flags=_repaired(names), repairs=names)
            if verdict is None and undecided is None:
                undecided = (evidence, how, names)
        if undecided is not None:
            evidence, how, names = undecided
            return Comparison(0.0, Outcome.INCORRECT, found=evidence.text, expected=shown, detail=how,
                              evidence=(evidence,), flags=_repaired(names) + ("expression-undecided",), repairs=names)
        evidence, _, names = parsed.value[-1]
        return Comparison(0.0, Outcome.INCORRECT, found=evidence.text, expected=shown,
                          detail=concluded, evidence=(evidence,), flags=_repaired(names), repairs=names)

    def self_test(self, params: ExpressionParams, refs: Mapping[str, Any]) -> list[SelfTest]:
        if (collection := _reference_container(params, refs)) is not None:
            return containers.self_tests(collection, params.latex or to_latex_or_str(collection.value))
        relations = reference_relation(params, refs)
        if relations is not None:  # the relation itself, and its first relation shifted by one
            relation = relations[0]
            wrong = "=" if relation.kind in ("=", "≠") else "<"
            return [
                SelfTest("correct", f"$${params.latex or refs[params.reference]}$$", "the reference itself"),
                SelfTest("incorrect", f"$${to_latex(relation.expr + 1)} {wrong} 0$$", "another relation"),
                SelfTest("invalid", "$$\\frac{1}{$$", "unreadable formula"),
            ]
        expected = reference_expr(params, refs)
        prefix = f"{params.lhs} = " if params.lhs else ""
        settled = settle(expected)
        labels = {i.base.label for i in settled.atoms(sympy.Indexed)}
        atoms = sorted(settled.atoms(sympy.Indexed) | (settled.atoms(sympy.Symbol) - labels),
                       key=sympy.default_sort_key)
        bump = atoms[0] ** 2 + 1 if atoms else sympy.Integer(1)
        wrong = sympy.Add(expected, bump, evaluate=False)
        return [
            SelfTest("correct", f"$${prefix}{to_latex(expected)}$$", "the reference itself"),
            SelfTest("incorrect", f"$${prefix}{to_latex(wrong)}$$", "the reference plus a perturbation"),
            SelfTest("invalid", f"$${prefix}\\frac{{1}}{{$$", "unreadable formula"),
        ]


_HEDGED = re.compile(r"\d\s*,?\s*\bor\b\s*[-−]?\d")


def _prose_conclusion(ctx: QuestionContext, params: ExpressionParams) -> list[tuple[Evidence, sympy.Expr, tuple[str, ...]]]:
    """For a number reference, the number a prose answer concludes with ("…, so the answer is 5"),
    as the numeric type reads it: the last candidate, so it is compared first."""
    try:
        expected = settle(reference_expr(params, ctx.refs))
    except (MathParseError, TypeError):
        return []
    if not getattr(expected, "is_number", False) or expected.free_symbols:
        return []
    concluded = final_answer(ctx.segment.lines, [])
    if concluded is None:
        return []
    number, line = concluded
    if _HEDGED.search(line.text):
        return []  # "3 or 4": two answers are none
    value = sympy.Rational(number.value.numerator, number.value.denominator)
    return [(Evidence(line.number, line.text.strip()), value, ())]


def _parsed(found: list, unreadable: list[tuple[Evidence, str]]) -> Parsed | Invalid | None:
    """The candidates found; else why the last unreadable formula could not be read; else nothing."""
    if found:
        return Parsed(found, tuple(e for e, _, _ in found))
    if unreadable:
        evidence, reason = unreadable[-1]
        return Invalid(f"formula could not be read: {reason}", (evidence,))
    return None


def _own_look_alikes(params: ExpressionParams, refs: Mapping[str, Any]) -> dict[str, tuple[str, ...]]:
    """The item's look-alikes for the symbols its reference has (an O is read as θ only where θ is
    expected), and for digits."""
    if not params.look_alikes:
        return {}
    symbols = settle(reference_expr(params, refs)).free_symbols
    return {symbol: tuple(params.look_alikes[symbol]) for symbol, atom in look_alike_symbols(params).items()
            if not isinstance(atom, sympy.Symbol) or atom in symbols}


def _respelt(source: str, look_alikes: Mapping[str, tuple[str, ...]], params: ExpressionParams
             ) -> tuple[Statement, tuple[str, ...]] | None:
    """The statement read with the look-alikes put in, and what was read so; None when nothing
    changed or the respelt formula cannot be read either."""
    if not source:
        return None
    text, names = respelt(source, look_alikes)
    if not names:
        return None
    try:
        statement = run_limited(read_math, text, seconds=params.parse_seconds)
    except MathParseError:
        return None
    if params.repair:
        statement, repaired = apply_repairs(statement)
        names = names + tuple(repaired)
    return statement, names


def _repaired(names: tuple[str, ...]) -> tuple[Note, ...]:
    return (note("ocr-repaired", "; ".join(names)),) if names else ()


def to_latex_or_str(expr: sympy.Basic) -> str:
    try:
        return to_latex(expr)
    except ValueError:
        return str(expr)
