"""``steps``: a multi-step derivation — each step must follow from the one before, and the
final line must equal the reference. Authoring guide: docs/types/steps.md.

The student writes a chain of lines (display or inline formulas): ``lhs = rhs``,
``= rhs`` continuing the previous line, ``\\Rightarrow x = …``, ``a = b = c`` (steps
a → b → c). ``grader.types.steps_chain`` reads them into facts (values and
equations) and judges every step against the previous one: the same value at
seeded random points (or by bounded simplification), an equivalent equation (a
nonzero factor of lhs − rhs; the same solution set when the step isolates the
unknown), the derivative the step writes (``\\frac{d}{dx}``), or an operation the
rubric allows (``operations: [differentiate:x]``).

One item checks one ``part``:

* ``final`` — the last line (with ``lhs:``, the last line ``lhs = …``) equals the
  reference (``reference:`` a computed or solver name, or ``latex:``);
* ``chain`` — the fraction of steps that follow, over ``max(steps, min_steps)``;
  after the first wrong step (named in ``detail``: its line, what it was, what the
  previous step gives), a step that follows from the wrong one keeps
  ``carried_forward`` of its credit, a step that follows from the last correct one
  earns it in full.

An unreadable step is invalid for that step (0, flagged ``unreadable-answer``), not
wrong: it is never named as the wrong step and the chain is judged across it. A
step that cannot be decided earns 0 and is flagged ``expression-undecided``. The
reading and judging are shared by the items of a question (``read``); every slow
part runs under ``run_limited`` and a time-out propagates as ``BudgetExceeded``.
"""

from __future__ import annotations

from fractions import Fraction
from typing import Any, Literal, Mapping

import sympy
from pydantic import Field, field_validator, model_validator

from grader.errors import MathParseError
from grader.flags import note
from grader.limits import run_limited
from grader.mathtext.latex import read_math, settle
from grader.mathtext.writer import to_latex
from grader.model import Evidence, Outcome, Segment
from grader.types.base import (
    CheckParams, Comparison, Invalid, Parsed, QuestionContext, QuestionType, SelfTest, formula_reference_problems, register,
)
from grader.types.steps_chain import Derivation, Fact, Judge, Step, judge_text, label_of, to_text

_OPERATIONS = ("differentiate",)


class StepsParams(CheckParams):
    part: Literal["final", "chain"] = Field(description="final: the last line against the reference; chain: the steps")
    reference: str | None = Field(default=None, description="a solver or computed reference holding the final result")
    latex: str | None = Field(default=None, description="the final result written in LaTeX")
    lhs: str | None = Field(default=None, description="LaTeX of the name the final line is solved for (w = …)")
    operations: tuple[str, ...] = Field(default=(), description="steps allowed besides equivalence: differentiate:x")
    identity: tuple[str, ...] = Field(default=(), description="names of the identity matrix (I): 1 when comparing")
    carried_forward: float = Field(default=1.0, ge=0, le=1, description="credit kept by a step that follows a wrong one")
    min_steps: int = Field(default=1, ge=0, le=100, description="chain: steps expected at least (the denominator)")
    max_steps: int = Field(default=60, ge=1, le=200, description="sides read at most; later ones are ignored")
    points: int = Field(default=6, ge=1, le=50, description="random points each comparison is evaluated at")
    seed: int = 0
    parse_seconds: float = Field(default=1.0, gt=0, le=10)
    simplify_seconds: float = Field(default=1.0, gt=0, le=30)

    @field_validator("operations", "identity", mode="before")
    @classmethod
    def _listed(cls, value: Any) -> Any:
        return tuple(value) if isinstance(value, list) else value

    @model_validator(mode="after")
    def _consistent(self) -> "StepsParams":
        if self.reference is not None and self.latex is not None:
            raise ValueError("give reference (a solver or computed name) or latex, not both")
        if self.part == "final" and self.reference is None and self.latex is None:
            raise ValueError("part 'final' needs reference or latex")
        for key in ("lhs", "latex"):  # an author's unreadable formula is a rubric error
            if getattr(self, key) is not None:
                try:
                    read_math(getattr(self, key))
                except MathParseError as exc:
                    raise ValueError(f"{key}: {exc}") from None
        if self.lhs is not None and label_of(self.lhs, None) is None:
            raise ValueError(f"lhs: {self.lhs!r} is not written like a name (w, x_1, \\hat{{\\beta}}, f(x))")
        self.variables()  # raises for a malformed operation
        self.ones()
        return self

    def ones(self) -> dict[sympy.Basic, sympy.Basic]:
        """``identity: [I]`` as a substitution: each name by 1 (the scalar model of a matrix derivation)."""
        found = {}
        for name in self.identity:
            try:
                expr = settle(read_math(name).expr)
            except MathParseError as exc:
                raise ValueError(f"identity: {name!r}: {exc}") from None
            if not isinstance(expr, sympy.Symbol):
                raise ValueError(f"identity: {name!r} is not a name")
            found[expr] = sympy.Integer(1)
        return found

    def variables(self) -> tuple[sympy.Basic, ...]:
        """The variables of ``operations: [differentiate:x, …]``."""
        found = []
        for operation in self.operations:
            name, _, variable = operation.partition(":")
            if name.strip() not in _OPERATIONS or not variable.strip():
                raise ValueError(f"operations: {operation!r} is not one of: differentiate:VARIABLE")
            try:
                expr = settle(read_math(variable).expr)
            except MathParseError as exc:
                raise ValueError(f"operations: {operation!r}: {exc}") from None
            if not isinstance(expr, (sympy.Symbol, sympy.Indexed)):
                raise ValueError(f"operations: {operation!r}: differentiate by a name, not {variable!r}")
            found.append(expr)
        return tuple(found)


def reference_expr(params: StepsParams, refs: Mapping[str, Any]) -> sympy.Basic | None:
    if params.reference is None and params.latex is None:
        return None
    value = refs[params.reference] if params.reference is not None else params.latex
    if isinstance(value, str):
        return read_math(value).expr.xreplace(params.ones())
    if isinstance(value, bool):
        raise TypeError(f"reference {params.reference!r} is a truth value, not a formula")
    if isinstance(value, int):
        return sympy.Integer(value)
    if isinstance(value, Fraction):
        return sympy.Rational(value.numerator, value.denominator)
    if isinstance(value, sympy.Basic) and not isinstance(value, (sympy.MatrixBase, sympy.logic.boolalg.Boolean)):
        return value.xreplace(params.ones())
    raise TypeError(f"reference {params.reference!r} is neither a formula nor LaTeX")


@register
class StepsType(QuestionType):
    name = "steps"
    Params = StepsParams

    def check_params(self, params: StepsParams, refs: Mapping[str, Any]) -> list[str]:
        return formula_reference_problems(params.reference, refs, lambda: reference_expr(params, refs))

    # --- reading, shared by the final and chain items of a question ----------------------
    def reading_key(self, params: StepsParams):
        return ("derivation", params.operations, params.identity, params.max_steps, params.points, params.seed,
                params.parse_seconds, params.simplify_seconds)

    def read(self, segment: Segment, params: StepsParams) -> Derivation:
        return judge_text(segment.lines, points=params.points, seed=params.seed, parse_seconds=params.parse_seconds,
                          simplify_seconds=params.simplify_seconds, operations=params.variables(),
                          max_steps=params.max_steps, ones=params.ones())

    def parse(self, ctx: QuestionContext, params: StepsParams) -> Parsed | Invalid | None:
        derivation: Derivation = ctx.reading
        if not derivation.facts:
            return None
        readable = [f for f in derivation.facts if f.readable]
        if not readable:
            bad = derivation.facts[-1]
            return Invalid(f"the steps could not be read: {bad.error}", (Evidence(bad.line, bad.text),))
        if params.part == "final":
            final = _final(derivation, params)
            if final is None:
                return None
            if not final.readable:
                return Invalid(f"the final line could not be read: {final.error}", (Evidence(final.line, final.text),))
            return Parsed((derivation, final), (Evidence(final.line, final.text),))
        evidence = tuple(Evidence(f.line, f.text) for f in derivation.facts)
        return Parsed((derivation, None), evidence)

    def compare(self, parsed: Parsed, ctx: QuestionContext, params: StepsParams) -> Comparison:
        derivation, final = parsed.value
        if params.part == "final":
            return self._final(derivation, final, ctx, params)
        return self._chain(derivation, params)

    def _final(self, derivation: Derivation, final: Fact, ctx: QuestionContext, params: StepsParams) -> Comparison:
        expected = reference_expr(params, ctx.refs)
        prefix = f"{params.lhs} = " if params.lhs else ""
        shown = prefix + (params.latex if params.latex is not None else to_text(expected))
        judge = Judge(params.points, params.seed, params.simplify_seconds)
        verdict = judge.equal(final.final, expected)
        wrong = derivation.first_wrong
        where = f"; {describe(wrong, derivation, params)}" if wrong is not None and verdict is not True else ""
        evidence = (Evidence(final.line, final.text),)
        if verdict:
            return Comparison(1.0, Outcome.CORRECT, found=_bare(final.text), expected=shown,
                              detail=f"line {final.line}: the final result equals the reference", evidence=evidence)
        flags = (note("expression-undecided", f"line {final.line}"),) if verdict is None else ()
        said = "could not be compared with" if verdict is None else "is not"
        return Comparison(0.0, Outcome.INCORRECT, found=_bare(final.text), expected=shown,
                          detail=f"line {final.line}: the final result {_bare(final.text)} {said} {shown}{where}",
                          evidence=evidence, flags=flags)

    def _chain(self, derivation: Derivation, params: StepsParams) -> Comparison:
        steps = derivation.steps
        # a step that follows earns 1, one carried forward from a wrong step carried_forward; the others 0
        credit = sum(1.0 if s.status == "follows" else params.carried_forward if s.status == "carried" else 0.0
                     for s in steps)
        denominator = max(len(steps), params.min_steps)
        fraction = min(credit / denominator, 1.0) if denominator else 1.0
        fraction = round(fraction, 6)
        outcome = Outcome.CORRECT if fraction >= 1.0 else Outcome.PARTIAL if fraction > 0 else Outcome.INCORRECT
        evidence = tuple(Evidence(s.fact.line, s.fact.text) for s in steps)
        if derivation.start is not None:
            evidence = (Evidence(derivation.start.line, derivation.start.text),) + evidence
        wrong = derivation.first_wrong
        parts = [_summary(steps, params)]
        if len(steps) < params.min_steps:
            parts.append(f"{len(steps)} step{'s' if len(steps) != 1 else ''} written, at least {params.min_steps} expected")
        if wrong is not None:
            parts.append(describe(wrong, derivation, params))
        flags = []
        for step in steps:
            if step.status == "unreadable":
                parts.append(f"line {step.fact.line} could not be read ({step.fact.error})")
                flags.append(note("unreadable-answer", f"line {step.fact.line}: {step.fact.error}"))
            elif step.status == "undecided":
                parts.append(f"line {step.fact.line}: whether {step.fact.text} follows could not be decided")
                flags.append(note("expression-undecided", f"line {step.fact.line}"))
            elif step.review:
                flags.append(note("needs-review", f"line {step.fact.line}: {step.review}"))
        found = wrong.fact.text if wrong else _bare(steps[-1].fact.text if steps else derivation.start.text)
        expected = wrong.previous.text if wrong and wrong.previous else ""
        return Comparison(fraction, outcome, found=found, expected=expected, detail="; ".join(parts),
                          evidence=evidence, flags=tuple(flags))

    def self_test(self, params: StepsParams, refs: Mapping[str, Any]) -> list[SelfTest]:
        expected = reference_expr(params, refs)
        if expected is None:
            expected = sympy.Symbol("x") ** 2 + 1
        prefix = f"{params.lhs} = " if params.lhs else ""
        result = to_latex(expected)
        count = max(params.min_steps, 1)
        # (k+1)·R − k·R for k = count … 1, then R: ``count`` steps, each equal to the one before.
        sides = [f"{k + 1} \\left({result}\\right) - {k} \\left({result}\\right)" for k in range(count, 0, -1)]
        lines = [f"$${prefix}{sides[0]}$$"] + [f"$$= {side}$$" for side in sides[1:]] + [f"$$= {result}$$"]
        settled = settle(expected)
        labels = {i.base.label for i in settled.atoms(sympy.Indexed)} | {sympy.Symbol("e"), sympy.Symbol("pi")}
        atoms = sorted(settled.atoms(sympy.Indexed) | (settled.atoms(sympy.Symbol) - labels), key=sympy.default_sort_key)
        bump = atoms[0] ** 2 + 1 if atoms else sympy.Integer(1)
        wrong = lines[:-1] + [f"$$= {to_latex(sympy.Add(expected, bump, evaluate=False))}$$"]
        return [
            SelfTest("correct", "\n".join(lines), "a chain of equal rewrites ending at the reference"),
            SelfTest("incorrect", "\n".join(wrong), "the last step adds a term: it does not follow, and the result is wrong"),
            SelfTest("invalid", f"$${prefix}\\frac{{1}}{{$$", "an unreadable line"),
        ]


def _bare(text: str) -> str:
    """``= x(2 - x)`` (a continued line) as the result it states."""
    return text[1:].strip() if text.startswith("=") else text


def _final(derivation: Derivation, params: StepsParams) -> Fact | None:
    """The line the derivation concludes with (with ``lhs``, the last one of the form ``lhs = …``)."""
    if params.lhs is None:
        return derivation.facts[-1]
    target = label_of(params.lhs, None)  # rubric text: no time limit needed
    for fact in reversed(derivation.facts):
        if fact.readable and fact.label is not None and fact.label.key == target.key and fact.value is not None:
            return fact
    return None


def _summary(steps: tuple[Step, ...], params: StepsParams) -> str:
    follows = sum(1 for s in steps if s.status == "follows")
    carried = sum(1 for s in steps if s.status == "carried")
    text = f"{follows} of {len(steps)} steps follow" if len(steps) != 1 else f"{follows} of 1 step follows"
    if carried:
        text += f"; {carried} follow{'s' if carried == 1 else ''} from a wrong step (carried forward, " \
                f"{params.carried_forward:g} credit each)"
    return text


def describe(step: Step, derivation: Derivation, params: StepsParams) -> str:
    """"line 5: 2x = 8 does not follow from line 4: 2x + 4 = 10 (it gives x = 4, the previous line x = 3)"."""
    previous = step.previous
    text = f"line {step.fact.line}: {step.fact.text} does not follow from line {previous.line}: {previous.text}"
    judge = Judge(params.points, params.seed, params.simplify_seconds)
    gives = _gives(step.fact, previous, derivation, judge)
    if gives:
        text += f" ({gives})"
    elif previous.derivative is not None and previous.value is not None:
        text += f" (which equals {to_text(settle(previous.value))})"
    if step.how:
        text += f"; {step.how}"
    return text


def _gives(fact: Fact, previous: Fact, derivation: Derivation, judge: Judge) -> str:
    """"it gives x = 4, the previous line x = 3": both lines solved for the unknown they share, when linear."""
    if previous.residual is None or (fact.residual is None and fact.label is None):
        return ""
    for unknown in derivation.unknowns + _free(previous):
        mine = _solved(fact, unknown, judge)
        theirs = _solved(previous, unknown, judge)
        if mine is not None and theirs is not None:
            name = to_text(unknown)
            return f"it gives {name} = {to_text(mine)}, the previous line {name} = {to_text(theirs)}"
    return ""


def _free(fact: Fact) -> tuple[sympy.Basic, ...]:
    lhs, rhs = fact.residual
    free = sorted(settle(lhs - rhs).free_symbols - {sympy.Symbol("e"), sympy.Symbol("pi")}, key=sympy.default_sort_key)
    return tuple(free) if len(free) == 1 else ()


def _solved(fact: Fact, unknown: sympy.Basic, judge: Judge) -> sympy.Basic | None:
    if fact.residual is not None:
        lhs, rhs = fact.residual
        residual = settle(lhs - rhs)
        if residual.has(unknown):
            solutions = judge.solutions(residual, unknown)
            if solutions is not None and len(solutions) == 1:
                return run_limited(sympy.cancel, settle(solutions[0]), seconds=judge.simplify_seconds)
    if fact.label is not None and fact.label.symbol == unknown and fact.value is not None:
        return settle(fact.value)
    return None
