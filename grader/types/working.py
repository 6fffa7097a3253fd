"""``working``: a method mark, earned when the student's working shows the method the rubric names.

A method mark is for *how* an answer was reached, so it reads the working, not the result.
The rubric says what shows the method, in one or more of four ways; any one found earns the
item (every one found is evidence):

* ``product: [A, B]`` — one entry of A·B (two references: matrices, or two vectors for a dot
  product) written out term by term: ``½·½ + ½·¼ + 0`` for (P²)₁₁.
* ``equations: {unknowns, matrix, rhs, need}`` — ``need`` independent linear equations in the
  unknowns that follow from the system ``matrix``·x = ``rhs`` (both references; ``rhs`` zero when
  left out): the set-up of a linear system, in whatever form each equation is written.
* ``formulas:`` — formulas that state the method, compared as written, order of products kept
  (``\\pi P = \\pi`` is not ``P\\pi = \\pi``); multiplication signs and spacing do not matter.
* ``phrasings:`` — words that state it ("row times column"), found like a concepts phrasing
  (OCR-tolerant, not negated).

A bare result earns nothing here, which is the point: the result has its own item.
"""

from __future__ import annotations

from fractions import Fraction
from typing import Any, Mapping

from pydantic import Field, model_validator

from grader.errors import MathParseError
from grader.model import Evidence, Outcome
from grader.numbers import as_fraction
from grader.types.base import (
    CheckParams, Comparison, Parsed, QuestionContext, QuestionType, SelfTest, register, unknown_reference,
)
from grader.types.matrix_scoring import matrix_of
from grader.types.phrasing import find_phrasing, tokenize
from grader.types.working_find import (
    Found, find_equations, find_formulas, find_products, formula_tokens, name_latex, product_entries, unknown_symbols,
)


class EquationsParams(CheckParams):
    unknowns: list[str] = Field(min_length=1, description="the unknowns, as a formula names them: [pi_1, pi_2, pi_3]")
    matrix: str = Field(description="reference: the system's coefficients M, one row per equation, one column per unknown")
    rhs: str | None = Field(default=None, description="reference: the right-hand side b (zero when left out)")
    need: int = Field(default=1, ge=1, description="independent equations the student must set up")


class WorkingParams(CheckParams):
    product: list[str] | None = Field(default=None, min_length=2, max_length=2,
                                      description="two references [A, B]: an entry of A·B worked out term by term")
    equations: EquationsParams | None = None
    formulas: list[str] = Field(default_factory=list, description="formulas that state the method, as written")
    phrasings: list[str] = Field(default_factory=list, description="words that state the method")
    name: str | None = Field(default=None, description="the product's name in feedback ('P²'; default 'A·B')")

    @model_validator(mode="after")
    def _some_way(self) -> "WorkingParams":
        if self.product is None and self.equations is None and not self.formulas and not self.phrasings:
            raise ValueError("give at least one of product, equations, formulas, phrasings")
        return self


def _product_name(params: WorkingParams) -> str:
    return params.name or "·".join(params.product or ())


def _as_rows(value: Any, left: bool) -> list[list[Fraction]]:
    """A reference as rows; a vector is a row on the left of a product and a column on its right."""
    rows = matrix_of(value)
    return [[v[0] for v in rows]] if left and len(rows[0]) == 1 and len(rows) > 1 else rows


def _entries(params: WorkingParams, refs: Mapping[str, Any]):
    a, b = (_as_rows(refs[params.product[0]], True), _as_rows(refs[params.product[1]], False))
    return product_entries(a, b)


def _system(params: EquationsParams, refs: Mapping[str, Any]) -> tuple[list[list[Fraction]], list[Fraction]]:
    system = matrix_of(refs[params.matrix])
    rhs = [Fraction(0)] * len(system) if params.rhs is None else [as_fraction(v) for row in matrix_of(refs[params.rhs]) for v in row]
    return system, rhs


@register
class WorkingType(QuestionType):
    name = "working"
    Params = WorkingParams

    def check_params(self, params: WorkingParams, refs: Mapping[str, Any]) -> list[str]:
        problems = []
        for key in [*(params.product or ()), *((params.equations.matrix, params.equations.rhs) if params.equations else ())]:
            if key is not None and key not in refs:
                problems.append(unknown_reference(key, refs))
        if problems:
            return problems
        try:
            if params.product is not None:
                a, b = _as_rows(refs[params.product[0]], True), _as_rows(refs[params.product[1]], False)
                if len(a[0]) != len(b):
                    problems.append(f"product: {params.product[0]} has {len(a[0])} columns but {params.product[1]} "
                                    f"has {len(b)} rows, so they do not multiply")
            if params.equations is not None:
                eq = params.equations
                system, rhs = _system(eq, refs)
                unknown_symbols(eq.unknowns)
                if any(len(row) != len(eq.unknowns) for row in system):
                    problems.append(f"equations.matrix: {eq.matrix} has {len(system[0])} columns, one per unknown, "
                                    f"but {len(eq.unknowns)} unknowns are named")
                if len(rhs) != len(system):
                    problems.append(f"equations.rhs: {eq.rhs} has {len(rhs)} entries, {eq.matrix} {len(system)} rows")
        except MathParseError as exc:
            problems.append(f"equations.unknowns: {exc}")
        except (TypeError, ValueError) as exc:
            problems.append(f"a reference is not a matrix or vector of numbers: {exc}")
        problems += [f"formulas: {f!r} has nothing to compare" for f in params.formulas if not formula_tokens(f)]
        return problems

    def parse(self, ctx: QuestionContext, params: WorkingParams) -> Parsed | None:
        lines = [line for line in ctx.segment.lines if line.text.strip()]
        if not lines:
            return None
        found: list[Found] = []
        if params.product is not None:
            found += find_products(lines, _entries(params, ctx.refs), _product_name(params))
        if params.equations is not None:
            eq = params.equations
            system, rhs = _system(eq, ctx.refs)
            equations, independent = find_equations(lines, unknown_symbols(eq.unknowns), system, rhs)
            if independent >= eq.need:
                found += equations
        if params.formulas:
            found += find_formulas(lines, params.formulas)
        tokens = tokenize(lines) if params.phrasings else []
        for phrasing in params.phrasings:
            match = find_phrasing(tokens, phrasing, 85, 70, None, {})
            if match is not None and not match.negated:
                line = match.lines(tokens)[0]
                text = next(l.text.strip() for l in lines if l.number == line)
                found.append(Found(line, text, f"the words '{phrasing}'"))
        return Parsed(tuple(found), tuple(Evidence(line.number, line.text.strip()) for line in lines[:3]))

    def compare(self, parsed: Parsed, ctx: QuestionContext, params: WorkingParams) -> Comparison:
        found: tuple[Found, ...] = parsed.value
        expected = self._expected(params)
        if not found:
            return Comparison(0.0, Outcome.INCORRECT, found="no such working", expected=expected,
                              detail=f"the working does not show {expected}", evidence=parsed.evidence)
        evidence = tuple(dict.fromkeys(Evidence(f.line, f.text) for f in found))
        return Comparison(1.0, Outcome.CORRECT, found=f"{found[0].what}: {found[0].text}", expected=expected,
                          evidence=evidence)

    @staticmethod
    def _expected(params: WorkingParams) -> str:
        ways = []
        if params.product is not None:
            ways.append(f"an entry of {_product_name(params)} worked out term by term")
        if params.equations is not None:
            n = params.equations.need
            ways.append(f"{n} equation{'s' if n > 1 else ''} of the system set up")
        ways += [f"the formula {f}" for f in params.formulas]
        ways += [f"'{p}'" for p in params.phrasings]
        return " or ".join(ways)

    def self_test(self, params: WorkingParams, refs: Mapping[str, Any]) -> list[SelfTest]:
        tests = [SelfTest("invalid", "", "a blank answer shows no working")]
        if params.product is not None:
            pairs = next(iter(_entries(params, refs).values()))
            terms = " + ".join(f"({_text(a)})*({_text(b)})" for a, b in pairs)
            total = sum((a * b for a, b in pairs), Fraction(0))
            tests.append(SelfTest("correct", f"{terms} = {_text(total)}", "an entry worked out term by term"))
            tests.append(SelfTest("incorrect", f"The answer is {_text(total)}.", "a bare result shows no working"))
        if params.equations is not None:
            tests.append(SelfTest("correct", _equations_text(params.equations, refs), "the system's own equations"))
        if params.formulas:
            tests.append(SelfTest("correct", f"$${params.formulas[0]}$$", "the formula as the rubric writes it"))
        if params.phrasings:
            tests.append(SelfTest("correct", f"I used {params.phrasings[0]}.", "the rubric's own words"))
        return tests


def _equations_text(params: EquationsParams, refs: Mapping[str, Any]) -> str:
    """The system's first ``need`` non-zero rows written as equations, one per line."""
    system, rhs = _system(params, refs)
    lines = []
    for row, c in zip(system, rhs):
        if any(row) and len(lines) < params.need:
            left = " + ".join(f"({_text(a)}) {name_latex(x)}" for a, x in zip(row, params.unknowns) if a)
            lines.append(f"$${left} = {_text(c)}$$")
    return "\n".join(lines)


def _text(value: Fraction) -> str:
    return str(value.numerator) if value.denominator == 1 else f"{value.numerator}/{value.denominator}"
