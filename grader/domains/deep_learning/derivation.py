"""The ``derivation`` question type: chains of partial derivatives for backpropagation through time.

Every ``$…$``/``$$…$$`` fragment of the answer is repaired (OCR fixes, each
named and flagged) and read into an expression tree. A statement whose side is a
gradient ``∂E_t/∂X`` or ``∂E/∂X`` (X = V, W or U) makes *claims*: each later side
is claimed equal to it. A claim is judged by its VALUE in the ``rnn_bptt``
solver's model at seeded random points, so every notation that means the same
chain (k from 0 or 1, any factor order, ∂H_t/∂H_k for the product of Jacobians,
the delta form Σ_k ∂E_t/∂H_k ∂H_k/∂W) is right, and a wrong chain is named by
matching the solver's known wrong variants (product dropped, wrong last factor,
sum one term short, the V gradient written for U). Scalars decide equivalence;
the feedback reminds that with matrices the order of non-commuting factors matters.

A rubric item checks one ``part``:

* ``decomposition`` — ∂E/∂X = Σ_t ∂E_t/∂X for ``parameters`` (``require`` any/all);
* ``formula``       — an explicit gradient, e.g. ∂E_t/∂V = (O_t − Ô_t) H_t^T (any t);
* ``chain``         — the BPTT chain for ∂E_t/∂X at step ``t`` (default the last step);
  ``variants`` gives credit to named wrong chains (the rubric, not this code, decides
  what a short sum or a wrong last factor is worth).

A display line holding several statements (``A = B, \\quad C = D``; also ``\\qquad``,
``;``, ``\\text{and}``) is read as one statement per piece. A gradient written for a
general step (``∂E_t/∂V = (O_t − Ô_t) H_t^T``, ``∂E_t/∂W = Σ_{k=1}^{t} …``) is judged
at the rubric's step and checked at every step 1..T; ``E_T`` is the last step.

Repeated identical statements are judged once; the evidence names the line of each claim.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from typing import Any, Literal, Mapping

import sympy
from pydantic import Field, model_validator

from grader.errors import MathParseError
from grader.flags import note
from grader.mathtext.atoms import Partial
from grader.mathtext.statements import split_statements
from grader.model import Evidence, Outcome, Segment
from grader.reading.markdown import math_fragments
from grader.domains.deep_learning.chain_repair import repair
from grader.domains.deep_learning.rnn import RNNSample
from grader.types.base import CheckParams, Comparison, Invalid, Parsed, QuestionContext, QuestionType, SelfTest, register
from grader.domains.deep_learning.derivation_eval import NotInModel, base_name_or_none, evaluate

PARAMETERS = ("V", "W", "U")

FAULTS = {
    "no-product": "the product of Jacobians ∏_{{j=k+1}}^{{{t}}} ∂H_j/∂H_{{j-1}} (= ∂H_{t}/∂H_k) is missing",
    "wrong-last-factor": "the last factor should be ∂H_k/∂{p}, not ∂H_k/∂{other}",
    "short-sum": "the sum stops at k = {t_1}: the k = {t} term ∂E_{t}/∂O_{t} ∂O_{t}/∂H_{t} ∂H_{t}/∂{p} is missing",
    "short-sum-wrong-last-factor": "the last factor should be ∂H_k/∂{p}, not ∂H_k/∂{other}, and the sum stops at k = {t_1}",
    "short-sum-no-product": "the product of Jacobians is missing and the sum stops at k = {t_1}",
    "last-term-only": "only the k = {t} term is there: the paths through earlier states (the sum over k) are missing",
    "v-gradient": "this is the V gradient ∂E_{t}/∂V = (O_{t} − Ô_{t}) H_{t}, not ∂E_{t}/∂{p}",
    "other-time-step": "this is the chain of another time step, not of ∂E_{t}/∂{p}",
}
MATRIX_NOTE = "With matrices the order of the non-commuting factors matters; scalar weights decide equivalence here."
LAST_STEP = "T"  # E_T: the last step, not a general one


class DerivationParams(CheckParams):
    part: Literal["decomposition", "formula", "chain"]
    parameters: list[Literal["V", "W", "U"]] = Field(min_length=1, description="the parameters X this item is about")
    require: Literal["any", "all"] = Field(default="any", description="decomposition: for any or all parameters")
    t: int | None = Field(default=None, ge=1, description="chain: the step of ∂E_t/∂X asked for (default the last)")
    variants: dict[str, float] = Field(default_factory=dict, description="chain: credit of named wrong chains")
    rel_tol: float = Field(default=1e-6, gt=0, le=0.1)
    samples_reference: str = "samples"
    steps_reference: str = "T"

    @model_validator(mode="after")
    def _consistent(self) -> "DerivationParams":
        if self.part != "decomposition" and len(self.parameters) != 1:
            raise ValueError(f"parameters: a {self.part} item is about exactly one parameter")
        if self.part == "chain" and self.parameters[0] == "V":
            raise ValueError("parameters: V has no chain through time; use part 'formula'")
        unknown = sorted(set(self.variants) - set(FAULTS))
        if unknown:
            raise ValueError(f"variants: unknown {unknown}; known: {sorted(FAULTS)}")
        for name, credit in self.variants.items():
            if not 0 <= credit <= 1:
                raise ValueError(f"variants: credit of {name} must lie in [0, 1]")
        if self.variants and self.part != "chain":
            raise ValueError("variants: only for part 'chain'")
        return self


@dataclass(frozen=True)
class Claim:
    """One side of a statement claimed equal to a gradient ∂E_t/∂X (t None: ∂E/∂X).

    ``letter`` is the step's letter when the gradient is written for a general step
    (∂E_t/∂X): ``t`` is then None until the claim is judged at a step.
    """

    line: int
    text: str
    t: int | None
    parameter: str
    rhs: Any
    repairs: tuple[str, ...] = ()
    letter: sympy.Symbol | None = None

    def evidence(self) -> Evidence:
        return Evidence(self.line, self.text)


@dataclass(frozen=True)
class Judged:
    claim: Claim
    values: tuple[float, ...]
    atoms: frozenset
    repairs: tuple[str, ...]
    every_step: tuple[tuple[int, tuple[float, ...] | None], ...] = ()  # general step: values at each step


@dataclass(frozen=True)
class Reading:
    claims: tuple[Claim, ...]
    unreadable: tuple[Evidence, ...]
    repairs: tuple[str, ...]


# --- reading the answer -----------------------------------------------------------------------

# Text repairs that are specific to derivations: a difference of one name with itself is never
# meant (OCR lost the hat of Ô_t), and a comma between factors is a misread product dot.
# The spaces after the first subscript are taken once, with or without its "}" ("\s*\}?\s*" would
# split a long run of them every way when no "-" follows).
_LOST_HAT = re.compile(r"\b(O)_\{?\s*(\d)\s*+(?:\}\s*+)?+-\s*O_\{?\s*\2\s*\}?")
_COMMA_PRODUCT = re.compile(r"\)\s*,\s*(?=[A-Za-z\\])")


def _local_repairs(latex: str) -> tuple[str, list[str]]:
    notes = []
    fixed = _LOST_HAT.sub(lambda m: f"{m.group(1)}_{{{m.group(2)}}} - \\hat{{O}}_{{{m.group(2)}}}", latex)
    if fixed != latex:
        notes.append("hat-lost-in-difference")
    fixed2 = _COMMA_PRODUCT.sub(r") \\cdot ", fixed)
    if fixed2 != fixed:
        notes.append("comma-as-product")
    return fixed2, notes


def read_statement(latex: str) -> tuple[Any, list[str]]:
    """Repair then read one fragment; raises ``MathParseError``. Returns (Statement, repair names).

    Text repairs of this module first (a lost hat, a comma for a product dot), then the
    tree repairs of ``grader.domains.deep_learning.chain_repair`` (κ→k, E_{34}→E_3, \\frac{1}{J_2}→∏).
    """
    from grader.mathtext.latex import read_math

    text, local = _local_repairs(latex)
    statement, names = repair(read_math(text))
    return statement, local + list(names)


def _gradient(side: Any) -> tuple[int | sympy.Symbol | None, str] | None:
    """(t, X) when ``side`` is ∂E_t/∂X or ∂E/∂X; t is the letter of ∂E_t/∂X for a general step."""
    if not isinstance(side, Partial):
        return None
    den = side.den
    if not isinstance(den, sympy.Symbol) or base_name_or_none(den) not in PARAMETERS:
        return None
    num = side.num
    if isinstance(num, sympy.Symbol) and base_name_or_none(num) == "E":
        return None, base_name_or_none(den)
    if isinstance(num, sympy.Indexed) and base_name_or_none(num) == "E" and len(num.indices) == 1:
        index = num.indices[0]
        if index.is_Integer:
            return int(index), base_name_or_none(den)
        if isinstance(index, sympy.Symbol) and len(index.name) == 1:
            return index, base_name_or_none(den)
    return None


def read_answer(segment: Segment) -> Reading:
    """All claims of the segment (read once per sheet by the grading loop's memo); repeats judged once."""
    claims, unreadable, repairs, seen = [], [], [], set()
    for fragment, latex in ((f, piece) for f in math_fragments(segment.lines) for piece in split_statements(f.latex)):
        key = " ".join(latex.split())
        if not key or key in seen:
            continue
        seen.add(key)
        try:
            statement, notes = read_statement(latex)
        except MathParseError as exc:
            unreadable.append(Evidence(fragment.line, f"{latex} ({exc})"))
            continue
        sides = list(statement.sides)
        for i, side in enumerate(sides):
            target = _gradient(side)
            if target is None:
                continue
            t, letter = (None, target[0]) if isinstance(target[0], sympy.Symbol) else (target[0], None)
            for rhs in sides[i + 1:]:
                claims.append(Claim(fragment.line, latex, t, target[1], rhs, tuple(notes), letter))
            if i + 1 < len(sides):
                repairs += [n for n in notes if n not in repairs]
            break
        else:
            if _total_loss_decomposition(sides):
                for p in PARAMETERS:
                    claims.append(Claim(fragment.line, latex, None, p, ("E=sum", sides), tuple(notes)))
    return Reading(tuple(claims), tuple(unreadable), tuple(repairs))


def _total_loss_decomposition(sides: list[Any]) -> bool:
    """E = E_1 + E_2 + ... (the loss itself, before any derivative)."""
    if len(sides) != 2 or not (isinstance(sides[0], sympy.Symbol) and base_name_or_none(sides[0]) == "E"):
        return False
    rhs = sides[1]
    if isinstance(rhs, sympy.Sum):
        return isinstance(rhs.args[0], sympy.Indexed) and base_name_or_none(rhs.args[0]) == "E"
    terms = rhs.args if isinstance(rhs, sympy.Add) else ()
    return bool(terms) and all(isinstance(a, sympy.Indexed) and base_name_or_none(a) == "E" for a in terms)


# --- judging claims --------------------------------------------------------------------------

def _close(a: tuple[float, ...], b: tuple[float, ...], rel: float) -> bool:
    return all(abs(x - y) <= rel * max(abs(x), abs(y)) + 1e-12 for x, y in zip(a, b))


def _judge(claim: Claim, samples: tuple[RNNSample, ...], T: int, at: int) -> Judged | str:
    """The claim's values at the samples, or why it cannot be evaluated.

    A claim for a general step is judged at step ``at`` (E_T: at the last step) and its
    values at every step are kept, so the type can tell whether it holds for every t.
    """
    if claim.letter is None:
        return _judge_at(claim, samples, T, None)
    steps = (T,) if claim.letter.name == LAST_STEP else tuple(range(1, T + 1))
    at = T if claim.letter.name == LAST_STEP else at
    results = {s: _judge_at(replace(claim, t=s), samples, T, {claim.letter: s}) for s in steps}
    main = results[at]
    if isinstance(main, str):
        return main
    every = tuple((s, r.values if isinstance(r, Judged) else None) for s, r in results.items())
    return replace(main, every_step=every)


def _judge_at(claim: Claim, samples: tuple[RNNSample, ...], T: int, bind: dict | None) -> Judged | str:
    if isinstance(claim.rhs, tuple):  # E = Σ E_t: as a statement about every parameter
        values = tuple(s.gradient(None, claim.parameter) for s in samples)
        atoms = frozenset(((("E", t), (claim.parameter, None)) for t in range(1, T + 1)))
        return Judged(claim, values, atoms, claim.repairs)
    try:
        values, reading = evaluate(claim.rhs, samples, T, claim.t, bind)
    except NotInModel as exc:
        return str(exc)
    except (OverflowError, ZeroDivisionError):
        return "the expression has no value in the model"
    return Judged(claim, tuple(values), frozenset(reading.atoms), claim.repairs + tuple(reading.repairs))


def _circular(judged: Judged, parameter: str) -> bool:
    """The right side uses a gradient of E with respect to ``parameter`` itself: it proves nothing."""
    return any(num[0] == "E" and den == (parameter, None) for num, den in judged.atoms)


def _true(samples, t, p) -> tuple[float, ...]:
    return tuple(s.gradient(t, p) for s in samples)


def _every_step(judged: Judged, p: str, samples, rel: float) -> bool:
    """A claim for a general step gives ∂E_t/∂p at every step (a step it has no value at fails)."""
    return all(v is not None and _close(v, _true(samples, s, p), rel) for s, v in judged.every_step)


# --- the type --------------------------------------------------------------------------------

@register
class DerivationType(QuestionType):
    name = "derivation"
    Params = DerivationParams

    def check_params(self, params: DerivationParams, refs: Mapping[str, Any]) -> list[str]:
        problems = [f"reference {k!r} is not produced by the question's solver (use solver rnn_bptt)"
                    for k in (params.samples_reference, params.steps_reference) if k not in refs]
        if not problems and params.t is not None and params.t > refs[params.steps_reference]:
            problems.append(f"t: {params.t} is past the last step {refs[params.steps_reference]}")
        return problems

    def reading_key(self, params: DerivationParams) -> str:
        return "claims"

    def read(self, segment: Segment, params: DerivationParams) -> Reading:
        return read_answer(segment)

    def parse(self, ctx: QuestionContext, params: DerivationParams) -> Parsed | Invalid | None:
        reading: Reading = ctx.reading
        claims = [c for c in reading.claims if c.parameter in params.parameters or params.part == "formula"]
        if not claims:
            if reading.unreadable:
                return Invalid("the math of this answer could not be read", reading.unreadable[:3])
            return None
        return Parsed(tuple(claims), tuple(dict.fromkeys(c.evidence() for c in claims)), repairs=reading.repairs)

    def compare(self, parsed: Parsed, ctx: QuestionContext, params: DerivationParams) -> Comparison:
        samples = ctx.ref(params.samples_reference)
        T = ctx.ref(params.steps_reference)
        judged, unusable = [], []
        at = (params.t or T) if params.part == "chain" else T
        for claim in parsed.value:
            result = _judge(claim, samples, T, at)
            if isinstance(result, str):
                unusable.append(f"line {claim.line}: {result}")
            else:
                judged.append(result)
        part = {"decomposition": self._decomposition, "formula": self._formula, "chain": self._chain}[params.part]
        comparison = part(judged, samples, T, params)
        if comparison.fraction < 1 and unusable:
            detail = " ".join(filter(None, [comparison.detail, "Could not use " + "; ".join(unusable[:3]) + "."]))
            comparison = Comparison(**{**comparison.__dict__, "detail": detail})
        repaired = [n for j in judged for n in j.repairs if j.claim.evidence() in comparison.evidence]
        if repaired:
            shown = "; ".join(dict.fromkeys(repaired))
            flags = tuple(dict.fromkeys(comparison.flags + (note("ocr-repaired", shown),)))
            detail = " ".join(filter(None, [comparison.detail, f"(read with OCR repairs, please check: {shown})"]))
            comparison = Comparison(**{**comparison.__dict__, "flags": flags, "detail": detail,
                                       "repairs": tuple(dict.fromkeys(repaired))})
        return comparison

    # decomposition ------------------------------------------------------------------------
    def _decomposition(self, judged: list[Judged], samples, T: int, params: DerivationParams) -> Comparison:
        found: dict[str, Judged] = {}
        loose: dict[str, Judged] = {}
        for j in judged:
            p = j.claim.parameter
            every = {(("E", t), (p, None)) for t in range(1, T + 1)}
            if set(j.atoms) != every or not _close(j.values, _true(samples, None, p), params.rel_tol):
                continue
            if j.claim.t is None:
                found.setdefault(p, j)
            else:
                loose.setdefault(p, j)  # ∂E_s/∂X = Σ_t ∂E_t/∂X: the left side's subscript is OCR noise or a slip
        wanted = params.parameters
        need = len(wanted) if params.require == "all" else 1
        have = [p for p in wanted if p in found]
        if len(have) < need:  # only then lean on lines whose left side is one E_t (flagged)
            have += [p for p in wanted if p in loose and p not in found][: need - len(have)]
            found = {**loose, **found}
        fraction = min(len(have), need) / need
        evidence = tuple(dict.fromkeys(found[p].claim.evidence() for p in have))
        flags = ("needs-review",) if any(found[p].claim.t is not None for p in have) else ()
        outcome = Outcome.CORRECT if fraction == 1 else Outcome.PARTIAL if fraction else Outcome.INCORRECT
        detail = "" if fraction == 1 else "write ∂E/∂X = " + " + ".join(f"∂E_{t}/∂X" for t in range(1, T + 1))
        if flags:
            detail = (detail + "; " if detail else "") + "the left side should be ∂E/∂X (the total loss), not one E_t"
        return Comparison(fraction, outcome, found=", ".join(f"∂E/∂{p}" for p in have),
                          expected=" + ".join(f"∂E_{t}/∂X" for t in range(1, T + 1)), detail=detail,
                          evidence=evidence, flags=flags)

    # explicit formula (the V gradient) ---------------------------------------------------
    def _formula(self, judged: list[Judged], samples, T: int, params: DerivationParams) -> Comparison:
        p = params.parameters[0]
        best: tuple[int, Judged, int | None] | None = None
        matches = []
        for j in judged:
            if _circular(j, p) or any(num[0] == "E" for num, _ in j.atoms):
                continue  # written in terms of gradients of the loss: a chain, not the formula
            for t in [*range(1, T + 1), None]:
                if _close(j.values, _true(samples, t, p), params.rel_tol):
                    rank = 0 if (j.claim.parameter, j.claim.t) == (p, t) else 1 if j.claim.parameter == p else 2
                    if rank == 0 and j.every_step and not _every_step(j, p, samples, params.rel_tol):
                        rank = 1  # written for a general t but right at this step only
                    matches.append(j)
                    if best is None or rank < best[0]:
                        best = (rank, j, t)
                    break
        expected = f"∂E_t/∂{p} = (O_t − Ô_t) H_t^T"
        if best is None:
            return Comparison(0.0, Outcome.INCORRECT, expected=expected,
                              detail=f"no line gives {expected} (or a chain with the same value)")
        rank, j, t = best
        flags = () if rank == 0 else ("needs-review",)
        if rank == 0:
            detail = ""
        elif j.every_step and j.claim.parameter == p and t == j.claim.t:
            detail = f"line {j.claim.line} is written for every t but is right at t = {t} only"
        else:
            detail = f"the formula is right for ∂E_{t if t else ''}/∂{p} but line {j.claim.line} labels it differently"
        return Comparison(1.0, Outcome.CORRECT, found=j.claim.text, expected=expected, detail=detail,
                          evidence=tuple(dict.fromkeys(m.claim.evidence() for m in matches)), flags=flags)

    # BPTT chain ----------------------------------------------------------------------------
    def _chain(self, judged: list[Judged], samples, T: int, params: DerivationParams) -> Comparison:
        p = params.parameters[0]
        t = params.t or T
        other = "U" if p == "W" else "W"
        expected = (f"∂E_{t}/∂{p} = Σ_k ∂E_{t}/∂O_{t} ∂O_{t}/∂H_{t} (∏_{{j=k+1}}^{{{t}}} ∂H_j/∂H_{{j-1}}) ∂H_k/∂{p}")
        best: tuple[float, int, Judged, str] | None = None
        named = []
        for j in judged:
            if j.claim.parameter != p or j.claim.t not in (t, None) or _circular(j, p):
                continue
            verdict, credit = self._verdict(j, samples, t, p, params)
            named.append((j, verdict))
            if best is None or credit > best[0] or (credit == best[0] and j.claim.line < best[2].claim.line):
                best = (credit, -j.claim.line, j, verdict)
        if best is None:
            return Comparison(0.0, Outcome.INCORRECT, expected=expected,
                              detail=f"no chain for ∂E_{t}/∂{p} that the model can evaluate was found. {MATRIX_NOTE}")
        credit, _, j, verdict = best
        fill = {"t": t, "t_1": t - 1, "p": p, "other": other}
        faults = [f"line {n.claim.line}: {FAULTS[v].format(**fill)}" for n, v in named if v in FAULTS]
        if verdict == "chain" and j.every_step and not _every_step(j, p, samples, params.rel_tol):
            outcome, flags = Outcome.CORRECT, ("needs-review",)
            detail = f"line {j.claim.line} is written for every t but is right at t = {t} only"
        elif verdict == "chain":
            outcome, detail, flags = Outcome.CORRECT, "", ()
        else:
            outcome = Outcome.CORRECT if credit == 1 else Outcome.PARTIAL if credit else Outcome.INCORRECT
            detail = "; ".join(faults) if faults else f"line {j.claim.line}: the chain does not give ∂E_{t}/∂{p}"
            flags = ("needs-review",) if credit == 1 else ()
        detail = (detail + ". " if detail else "") + MATRIX_NOTE
        evidence = (j.claim.evidence(),) if credit > 0 else ()
        return Comparison(credit, outcome, found=j.claim.text, expected=expected, detail=detail,
                          evidence=evidence, flags=flags)

    def _verdict(self, j: Judged, samples, t: int, p: str, params: DerivationParams) -> tuple[str, float]:
        if _close(j.values, _true(samples, j.claim.t, p), params.rel_tol):
            return "chain", 1.0
        step = j.claim.t or t
        for name in FAULTS:
            if name == "other-time-step":
                continue
            if _close(j.values, tuple(s.variants[(step, p, name)] for s in samples), params.rel_tol):
                return name, params.variants.get(name, 0.0)
        for s_ in range(1, t + 1):
            if s_ != step and _close(j.values, _true(samples, s_, p), params.rel_tol):
                return "other-time-step", params.variants.get("other-time-step", 0.0)
        return "wrong", 0.0

    # self-test -----------------------------------------------------------------------------
    def self_test(self, params: DerivationParams, refs: Mapping[str, Any]) -> list[SelfTest]:
        T = refs[params.steps_reference]
        p = params.parameters[0]
        invalid = SelfTest("invalid", r"$$\frac{\partial E_%d}{\partial %s} = \sum_{k=0}^{%d} \frac{\partial E_%d}{$$" % (T, p, T, T),
                           "unbalanced LaTeX")
        if params.part == "decomposition":
            terms = " + ".join(r"\frac{\partial E_%d}{\partial %s}" % (t, p) for t in range(1, T + 1))
            short = " + ".join(r"\frac{\partial E_%d}{\partial %s}" % (t, p) for t in range(1, T))
            correct = "\n\n".join(r"$$\frac{\partial E}{\partial %s} = %s$$" % (q, " + ".join(
                r"\frac{\partial E_%d}{\partial %s}" % (t, q) for t in range(1, T + 1))) for q in params.parameters)
            return [SelfTest("correct", correct, "∂E/∂X = Σ_t ∂E_t/∂X"),
                    SelfTest("incorrect", r"$$\frac{\partial E}{\partial %s} = %s$$" % (p, short or "0"), "a term missing"),
                    invalid]
        if params.part == "formula":
            return [SelfTest("correct", r"$$\frac{\partial E_%d}{\partial V} = (O_%d - \hat{O}_%d) \otimes H_%d^{T}$$" % (T, T, T, T),
                             "the V gradient"),
                    SelfTest("incorrect", r"$$\frac{\partial E_%d}{\partial V} = (O_%d - \hat{O}_%d) \cdot x_%d$$" % (T, T, T, T),
                             "input instead of state"),
                    invalid]
        t = params.t or T
        head = r"\frac{\partial E_%d}{\partial %s} = \sum_{k=0}^{%d} \frac{\partial E_%d}{\partial O_%d} \cdot \frac{\partial O_%d}{\partial H_%d}" % (
            t, p, t, t, t, t, t)
        product = r"\left(\prod_{j=k+1}^{%d} \frac{\partial H_j}{\partial H_{j-1}}\right)" % t
        return [SelfTest("correct", f"$${head} \\cdot {product} \\cdot \\frac{{\\partial H_k}}{{\\partial {p}}}$$", "the reference chain"),
                SelfTest("incorrect", f"$${head} \\cdot \\frac{{\\partial H_k}}{{\\partial {p}}}$$", "product of Jacobians dropped"),
                invalid]
