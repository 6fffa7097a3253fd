"""``numeric``: one final number, compared with solver references under a tolerance.

The student's answer is the number they conclude with ("∴ AP is 0.752", "AP = 58/77",
a last line holding only "0.753"), not the intermediate numbers of their working.
An item accepts one reference (``reference: ap_11pt``) or several with their
credit (``accept:`` full credit for ap_11pt and ap_all_point, half for
ap_non_interpolated), tried full credit first.

``find: any`` is for method marks: any number of the answer, its working included,
that matches earns the credit ("the numerator 0.018 appears"), the first such in
the answer is the evidence. With parts, "the answer" is the item's part.
"""

from __future__ import annotations

import re
from fractions import Fraction
from typing import Any, Literal, Mapping

from pydantic import Field, model_validator

from grader.flags import note
from grader.model import Evidence, Line, Outcome
from grader.numbers import (
    Number, Tolerance, as_fraction, close_enough, decimal_places_for, decimal_text, find_numbers, just_outside,
    number_lists, parse_number,
)
from grader.types.base import (
    CheckParams, Comparison, Invalid, Parsed, QuestionContext, QuestionType, SelfTest, register, unknown_reference,
)

# Words that announce a conclusion; ":." is how OCR reads "∴".
_CONCLUSION = re.compile(r"∴|:\.|\b(?:therefore|hence|thus|so|answer|ans|final(?:ly)?|result)\b", re.IGNORECASE)
# What a result follows: "=", "≈", "is", ":" (the first number after the last one is the result).
_RESULT_SIGN = re.compile(r"=|≈|\bis\b|\bequals\b|:(?!\.)", re.IGNORECASE)


class Accept(CheckParams):
    reference: str = Field(description="a key of the question solver's references")
    credit: float = Field(default=1.0, gt=0, le=1, description="share of the item's points this reference earns")
    label: str | None = Field(default=None, description="name of this answer for feedback ({{ detail }})")


class NumericParams(CheckParams):
    reference: str | None = Field(default=None, description="the reference that earns full credit")
    accept: list[Accept] = Field(default_factory=list, description="several accepted references with their credit")
    rel_tol: float = Field(default=0.0, ge=0)
    abs_tol: float = Field(default=0.0, ge=0)
    sig_figs: int | None = Field(default=None, gt=0)
    student_precision: bool = True
    min_decimals: int = Field(default=2, ge=0)
    cue: list[str] = Field(default_factory=list, description="words near the final answer ('AP', 'average precision')")
    find: Literal["final", "any"] = Field(
        default="final", description="final: the number the answer concludes with; any: any number of the working (method marks)")

    @model_validator(mode="after")
    def _one_way_to_name_references(self) -> "NumericParams":
        if (self.reference is None) == (not self.accept):
            raise ValueError("give either reference or accept (not both, not neither)")
        if self.accept and not any(a.credit == 1 for a in self.accept):
            raise ValueError("accept: at least one reference must earn full credit (credit: 1)")
        return self

    @property
    def accepted(self) -> list[Accept]:
        """Accepted references, full credit first (stable for equal credit)."""
        entries = self.accept or [Accept(reference=self.reference)]
        return sorted(entries, key=lambda a: -a.credit)

    @property
    def tolerance(self) -> Tolerance:
        return Tolerance(self.rel_tol, self.abs_tol, self.sig_figs, self.student_precision, self.min_decimals)


def format_reference(value: Fraction) -> str:
    """A reference as a TA reads it: exact when short, else "58/77 ≈ 0.7532"."""
    for places in range(0, 5):
        if value == Fraction(decimal_text(value, places)):
            return decimal_text(value, places)
    return f"{value.numerator}/{value.denominator} ≈ {decimal_text(value, 4)}"


def _has_cue(text: str, cues: list[str]) -> bool:
    lowered = text.lower()
    return any(re.search(rf"(?<!\w){re.escape(cue.lower())}(?!\w)", lowered) for cue in cues)


def _result_number(text: str, numbers: list[Number]) -> Number:
    """The first number after the last '=' / 'is' on a line, else its last number."""
    signs = [m.end() for m in _RESULT_SIGN.finditer(text) if any(n.start >= m.end() for n in numbers)]
    if signs:
        return next(n for n in numbers if n.start >= signs[-1])
    return numbers[-1]


def _line_score(line: Line, numbers: list[Number], cues: list[str]) -> int:
    """How much a line looks like the final answer (0 = just working)."""
    text = line.text
    if text.lstrip().startswith("|"):  # a table row is working, not a conclusion
        return 0
    score = 0
    # "…, so P(D|−) = 0.00226" concludes; "… = 0.884, so" (the result on the next line) does not
    if any(n.start >= m.end() for m in _CONCLUSION.finditer(text) for n in numbers):
        score += 4
    if cues and _has_cue(text, cues):
        score += 2
    if parse_number(text) is not None:
        score += 1
    if _RESULT_SIGN.search(text):
        score += 1
    return score


_LATEX_FRACTION = re.compile(r"^\\[dt]?frac\s*\{(?P<num>[^{}]*)\}\s*\{(?P<den>[^{}]*)\}$")


def _with_terms(number: Number) -> list[Number]:
    """A number and, for a fraction written "0.018 / 0.116" or "\\frac{0.018}{0.116}", its
    numerator and denominator too."""
    latex = _LATEX_FRACTION.match(number.text.strip())
    if latex:
        sides = [latex["num"], latex["den"]]
    elif "/" in number.text:
        sides = number.text.split("/")
    else:
        return [number]
    terms = [parse_number(side.strip()) for side in sides]
    return [number] + [t for t in terms if t is not None]


def _ocr_notes(number: Number) -> tuple[tuple, tuple[str, ...]]:
    """The flag and repair of a number read through OCR look-alike letters ("O.116" as 0.116)."""
    if not number.ocr_repaired:
        return (), ()
    said = f"read {number.text!r} as {decimal_text(number.value, number.decimals or 0)}"
    return (note("ocr-repaired", said),), (said,)


# "0.1 × 0.98", "0.9 \cdot 0.02", "0.9*0.02", "(0.9)(0.02)": a product of two written numbers
_TIMES = re.compile(r"\s*+\)?\s*+(?:×|x|·|\*|\\times|\\cdot|(?<=\))(?=\s*+\())\s*+\(?\s*+")


def _products(text: str) -> list[Number]:
    """The products of two numbers written side by side with a times sign, as exact numbers
    (a set-up "0.1 × 0.98" shows the term 0.098 as surely as writing it out)."""
    numbers = find_numbers(text)
    found = []
    for a, b in zip(numbers, numbers[1:]):
        if _TIMES.fullmatch(text[a.end:b.start]):
            found.append(Number(a.value * b.value, f"{a.text} × {b.text}", None, False, a.start, b.end))
    return found


def _significant(number: Number) -> float:
    """How many significant figures the student wrote (a fraction is exact)."""
    if number.decimals is None:
        return float("inf")
    mantissa = re.split(r"[eE×x]", number.text, maxsplit=1)[0]
    digits = re.sub(r"\D", "", mantissa).lstrip("0")
    return max(len(digits), 1)


def _significant_of(value: Fraction) -> float:
    """Significant figures of a reference: those of its decimal when it has a short one."""
    for places in range(0, 9):
        text = decimal_text(value, places)
        if Fraction(text) == value:
            return max(len(re.sub(r"\D", "", text).lstrip("0")), 1)
    return float("inf")


def _in_listing(text: str, numbers: list[Number], number: Number) -> bool:
    """Whether ``number`` is one of a comma-separated list of numbers: data restated, never one result."""
    return any(number in run for run in number_lists(text, numbers))


def final_answer(lines: tuple[Line, ...], cues: list[str]) -> tuple[Number, Line] | None:
    """The number a student concludes with, and its line; None when there is none. A line whose
    result is one of a list of numbers ("the sample is 2, 0, 3, 1, 4") restates data: working."""
    best: tuple[int, int, Number, Line] | None = None
    for order, line in enumerate(lines):
        numbers = find_numbers(line.text)
        if not numbers:
            continue
        score = _line_score(line, numbers, cues)
        result = _result_number(line.text, numbers)
        if score and _in_listing(line.text, numbers, result):
            continue
        if score and (best is None or (score, order) >= best[:2]):
            best = (score, order, result, line)
    return None if best is None else (best[2], best[3])


@register
class NumericType(QuestionType):
    name = "numeric"
    aliases = ("number",)  # SPEC §6 name
    gives_value = True
    Params = NumericParams

    def check_params(self, params: NumericParams, refs: Mapping[str, Any]) -> list[str]:
        problems = []
        for entry in params.accepted:
            if entry.reference not in refs:
                problems.append(unknown_reference(entry.reference, refs))
                continue
            try:
                as_fraction(refs[entry.reference])
            except (TypeError, ValueError):
                problems.append(f"reference {entry.reference!r} is not a single number")
        return problems

    def parse(self, ctx: QuestionContext, params: NumericParams) -> Parsed | Invalid | None:
        if params.find == "any":
            written = [(number, line) for line in ctx.segment.lines
                       for number in find_numbers(line.text) + _products(line.text)]
            return Parsed(written) if written else None
        found = final_answer(ctx.segment.lines, params.cue)
        if found is None:
            return None
        number, line = found
        return Parsed(number, (Evidence(line.number, line.text.strip()),), *_ocr_notes(number))

    def compare(self, parsed: Parsed, ctx: QuestionContext, params: NumericParams) -> Comparison:
        if params.find == "any":
            return self._anywhere(parsed.value, ctx, params)
        number: Number = parsed.value
        full = as_fraction(ctx.ref(params.accepted[0].reference))
        for entry in params.accepted:
            reference = as_fraction(ctx.ref(entry.reference))
            if close_enough(number, reference, params.tolerance):
                outcome = Outcome.CORRECT if entry.credit == 1 else Outcome.PARTIAL
                return Comparison(entry.credit, outcome, found=number.text, expected=format_reference(reference),
                                  detail=entry.label or entry.reference, evidence=parsed.evidence, value=number.value)
        return Comparison(0.0, Outcome.INCORRECT, found=number.text, expected=format_reference(full),
                          detail="no accepted value matches", evidence=parsed.evidence, value=number.value)

    def _anywhere(self, numbers: list[tuple[Number, Line]], ctx: QuestionContext, params: NumericParams) -> Comparison:
        for entry in params.accepted:
            reference = as_fraction(ctx.ref(entry.reference))
            # A given value of the working can round to the reference (0.02 for 0.018): in the
            # working, a number stands for the reference only if it shows as many significant
            # figures as the reference needs, up to two.
            needed = min(2, _significant_of(reference))
            for number, line in ((term, line) for number, line in numbers for term in _with_terms(number)):
                if _significant(number) >= needed and close_enough(number, reference, params.tolerance):
                    outcome = Outcome.CORRECT if entry.credit == 1 else Outcome.PARTIAL
                    return Comparison(entry.credit, outcome, found=number.text, expected=format_reference(reference),
                                      detail=entry.label or entry.reference,
                                      evidence=(Evidence(line.number, line.text.strip()),), value=number.value)
        full = format_reference(as_fraction(ctx.ref(params.accepted[0].reference)))
        return Comparison(0.0, Outcome.INCORRECT, found=", ".join(dict.fromkeys(n.text for n, _ in numbers[:12])),
                          expected=full, detail="no number of the working matches")

    def self_test(self, params: NumericParams, refs: Mapping[str, Any]) -> list[SelfTest]:
        lead = params.cue[0] if params.cue else "Answer"
        reference = as_fraction(refs[params.accepted[0].reference])
        tol = params.tolerance
        tests = [SelfTest("correct", f"Therefore {lead} = {reference.numerator}/{reference.denominator}", "exact fraction")]
        for places in range(3, 13):  # to 3 decimals, or as many as the tolerance needs
            written = decimal_text(reference, places)
            if close_enough(parse_number(written), reference, tol):
                tests.append(SelfTest("correct", f"Therefore {lead} = {written}", f"rounded to {places} decimals"))
                break
        outside = decimal_text(just_outside(reference, tol), decimal_places_for(reference, tol))
        tests.append(SelfTest("incorrect", f"Therefore {lead} = {outside}", "just outside the tolerance"))
        tests.append(SelfTest("invalid", f"{lead}: I could not finish the calculation.", "no number written"))
        return tests
