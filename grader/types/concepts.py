"""``concepts``: does the answer assert an idea, in any of several phrasings?

One rubric item is one concept (``phrasings:``) or a group of concepts
(``all_of:`` each earns its share; ``any_of:`` one is enough, or with ``need: k``
any k of them, each earning 1/k — "any three of these seven points, 1 mark each"). ``misconceptions``
are phrasings that, when asserted, void a positive item; an item with only
``misconceptions`` is a deduction check (use negative points): it holds when a
misconception is asserted. Matching is OCR-tolerant and negation-aware (see
``grader.types.phrasing``), by meaning (``grader.types.concepts_meaning``), and a phrasing
between ``$`` signs is a formula found by the formula reader (``grader.types.concepts_formulas``);
evidence is the lines a phrasing was found on.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any, Mapping

from pydantic import Field, model_validator

from grader.model import Evidence, Outcome, Segment
from grader.types.base import CheckParams, Comparison, Parsed, QuestionContext, QuestionType, SelfTest, register
from grader.errors import MathParseError
from grader.types.concepts_formulas import Formula, answer_formulas, formula_line, is_formula, read_phrasing
from grader.types.concepts_meaning import Unit, meaning_match, prose_units
from grader.types.phrasing import (
    NEGATIONS, Match, Token, content_words, contrast_forms, find_phrasing, phrasing_tokens, refuted_sentences, tokenize,
)

OTHERS_SHOWN = 3  # ideas of an "any k of n" item named to a student who found fewer than k
MEANING = 0.6  # default similarity of meaning for a concept said in other words (chosen on devsets/free-text q1–q5)


class Concept(CheckParams):
    id: str = Field(min_length=1, description="name used in feedback ('remedy-lstm')")
    phrasings: list[str] = Field(min_length=1, description="ways a student may say it")
    share: float | None = Field(default=None, gt=0, le=1, description="share of the item in all_of (default: equal)")
    idea: str | None = Field(default=None, description="the idea in words for the student's feedback (default: the first phrasing)")

    @property
    def said(self) -> str:
        return self.idea or self.phrasings[0]


class ConceptsParams(CheckParams):
    id: str = Field(default="concept", min_length=1, description="name of a single-concept item")
    phrasings: list[str] = Field(default_factory=list)
    idea: str | None = Field(default=None, description="a single-concept item's idea in words for feedback")
    all_of: list[Concept] = Field(default_factory=list)
    any_of: list[Concept] = Field(default_factory=list)
    need: int | None = Field(default=None, gt=0, description="with any_of: how many distinct concepts earn full credit (each 1/need)")
    misconceptions: list[str] = Field(default_factory=list)
    threshold: float = Field(default=85, ge=50, le=100, description="similarity (0-100) a phrasing must reach")
    word_threshold: float = Field(default=70, ge=50, le=100, description="similarity every word must reach")
    window: int | None = Field(default=None, gt=0, description="tokens a phrasing's words may spread over")
    aliases: dict[str, list[str]] = Field(default_factory=dict, description="word -> tokens that stand for it ('gamma': ['Y'])")
    misconception_slack: int = Field(default=2, ge=0, description="extra tokens a misconception's words may spread over")
    contrasts: list[str] = Field(default_factory=list, description="the course's look-alike words of opposite meaning "
                                 "('overfit', 'underfit'): never taken for each other")
    meaning: float | None = Field(default=None, ge=0, le=1, description="similarity of meaning (0-1) a sentence in "
                                  "other words must reach to earn a concept (default MEANING); 1 turns it off")

    @property
    def meaning_threshold(self) -> float:
        return MEANING if self.meaning is None else self.meaning

    @property
    def contrast_words(self) -> frozenset[str]:
        return contrast_forms(w.lower() for w in self.contrasts)

    @model_validator(mode="after")
    def _one_shape(self) -> "ConceptsParams":
        shapes = [bool(self.phrasings), bool(self.all_of), bool(self.any_of)]
        if sum(shapes) > 1:
            raise ValueError("give one of phrasings, all_of, any_of")
        if sum(shapes) == 0 and not self.misconceptions:
            raise ValueError("give phrasings, all_of or any_of (or misconceptions for a deduction)")
        if self.need is not None and (not self.any_of or self.need > len(self.any_of)):
            raise ValueError("need: counts concepts of any_of, so give any_of with at least that many concepts")
        if self.any_of and any(c.share is not None for c in self.any_of):
            raise ValueError("any_of: concepts have no share (use need: to count them)")
        shares = [c.share for c in self.all_of]
        if any(s is not None for s in shares):
            if any(s is None for s in shares) or abs(sum(shares) - 1) > 1e-9:
                raise ValueError("all_of: give every concept a share, adding up to 1 (or none for equal shares)")
        for phrasing in self.misconceptions:
            if is_formula(phrasing):
                raise ValueError(f"misconception {phrasing!r}: a misconception is said in words, not as a formula")
        for phrasing in self.phrasings + self.misconceptions + [p for c in self.concepts for p in c.phrasings]:
            if is_formula(phrasing):
                try:
                    read_phrasing(phrasing)
                except MathParseError as exc:
                    raise ValueError(f"formula phrasing {phrasing!r}: {exc}") from None
            elif not content_words(phrasing):
                raise ValueError(f"phrasing {phrasing!r} has no content words")
        return self

    @property
    def concepts(self) -> list[Concept]:
        if self.phrasings:
            return [Concept(id=self.id, phrasings=self.phrasings, idea=self.idea)]
        return list(self.all_of or self.any_of)

    @property
    def deduction(self) -> bool:
        return not self.concepts



@dataclass(frozen=True)
class AnswerReading:
    """What every concepts item of a question reads from its answer, read once (``read``): the
    tokens, the sentences refuted by the one after them, the sentences compared by meaning (not
    those that restate the question) and the formulas, for formula phrasings."""

    tokens: list[Token]
    refuted: frozenset[int]
    sentences: tuple[Unit, ...]
    formulas: tuple[Formula, ...] = ()  # the sides of the answer's formulas, for formula phrasings


def _refuted_claim(tokens: list[Token], phrasings: list[str], params: ConceptsParams,
                   refuted: frozenset[int]) -> Match | None:
    """A negative phrasing ("a large p-value does not prove H0") said as a claim followed by its
    refutation ('"A large p-value proves H0." This is wrong because …')."""
    if not refuted:
        return None
    inside = [i for i, t in enumerate(tokens) if t.sentence in refuted]
    claim_tokens = [tokens[i] for i in inside]
    for phrasing in phrasings:
        words = phrasing.split()
        claim = " ".join(w for w in words if w.lower() not in NEGATIONS and w.lower() not in ("does", "do", "is"))
        if claim == phrasing or not content_words(claim):
            continue
        match = find_phrasing(claim_tokens, claim, params.threshold, params.word_threshold, params.window,
                              params.aliases, params.contrast_words)
        if match is not None and not match.negated:
            return Match(phrasing, match.score, tuple(inside[p] for p in match.positions), False, how="refuted")
    return None


def _best(answer: AnswerReading, phrasings: list[str], params: ConceptsParams, tight: bool = False) -> Match | None:
    """The best asserted match of any phrasing, else the best negated one, else None.

    ``tight``: the phrasing's words must stand (nearly) together. Used for misconceptions,
    which cost the student marks: "focuses on hard, misclassified examples and the many
    easy negatives" holds the words of "focuses on easy examples" but does not say it.
    """
    tokens, refuted = answer.tokens, answer.refuted
    formulas = [p for p in phrasings if is_formula(p)]
    phrasings = [p for p in phrasings if not is_formula(p)]
    best = None
    for phrasing in phrasings:
        # a misconception stands within its own length (little words included) plus the slack, in order
        window = len(phrasing_tokens(phrasing)) + params.misconception_slack if tight else params.window
        match = find_phrasing(tokens, phrasing, params.threshold, params.word_threshold, window, params.aliases,
                              params.contrast_words, ordered=tight)
        if match and not match.negated and all(tokens[i].sentence in refuted for i in match.positions):
            match = replace(match, negated=True)  # '"…" This is wrong': the claim is quoted to be refuted
        if match and (best is None or (not match.negated, match.score) > (not best.negated, best.score)):
            best = match
    if best is None or best.negated:
        claim = _refuted_claim(tokens, phrasings, params, refuted)
        if claim is not None:
            return claim
    if (best is None or best.negated) and params.meaning_threshold < 1 and not tight:
        # Misconceptions are matched by their words only: one costs the student marks, and a sentence
        # sharing its words ("assuming the null hypothesis is true") is close in meaning to it
        # ("the probability that the null hypothesis is true") without saying it.
        said = meaning_match(tokens, phrasings, params.meaning_threshold, params.word_threshold, params.aliases,
                             params.contrast_words, answer.sentences)
        if said is not None:
            best = said
    if (best is None or best.negated) and formulas:
        shown = _formula_match(answer, formulas)
        if shown is not None:
            best = shown
    return best


def _formula_match(answer: AnswerReading, formulas: list[str]) -> Match | None:
    """A formula phrasing that one of the answer's formulas states (``grader.types.concepts_formulas``)."""
    for phrasing in formulas:
        line = formula_line(answer.formulas, read_phrasing(phrasing))
        if line is not None:
            return Match(phrasing, 100.0, (), False, how="formula", at=(line,))
    return None


def _evidence(ctx: QuestionContext, tokens: list[Token], matches: list[Match]) -> tuple[Evidence, ...]:
    wanted = sorted({n for m in matches for n in m.lines(tokens)})
    text = {line.number: line.text.strip() for line in ctx.segment.lines}
    return tuple(Evidence(n, text[n]) for n in wanted if n in text)


@register
class ConceptsType(QuestionType):
    name = "concepts"
    Params = ConceptsParams

    def reading_key(self, params: ConceptsParams) -> str:
        return "tokens"

    def read(self, segment: Segment, params: ConceptsParams) -> AnswerReading:
        tokens = tokenize(segment.lines)
        formulas = answer_formulas(segment.lines) if any(is_formula(p) for c in params.concepts for p in c.phrasings) else ()
        # sentences compared by meaning: those that say more than the question's own words
        return AnswerReading(tokens, refuted_sentences(tokens), tuple(prose_units(tokens, segment.question_words)), formulas)

    def parse(self, ctx: QuestionContext, params: ConceptsParams) -> Parsed | None:
        answer: AnswerReading = ctx.reading
        if not answer.tokens and not answer.formulas:
            return None
        found = {c.id: _best(answer, c.phrasings, params) for c in params.concepts}
        wrong = _best(answer, params.misconceptions, params, tight=True) if params.misconceptions else None
        return Parsed({"found": found, "misconception": wrong, "tokens": answer.tokens})

    def compare(self, parsed: Parsed, ctx: QuestionContext, params: ConceptsParams) -> Comparison:
        found: dict[str, Match | None] = parsed.value["found"]
        wrong: Match | None = parsed.value["misconception"]
        tokens = parsed.value["tokens"]
        asserted_wrong = wrong is not None and not wrong.negated
        if params.deduction:
            if asserted_wrong:
                return Comparison(1.0, Outcome.INCORRECT, found=wrong.phrasing, detail=f"Misconception: “{wrong.phrasing}”",
                                  evidence=_evidence(ctx, tokens, [wrong]))
            return Comparison(0.0, Outcome.CORRECT, detail="no misconception asserted")
        if asserted_wrong:
            return Comparison(0.0, Outcome.INCORRECT, found=wrong.phrasing, detail=f"Misconception: “{wrong.phrasing}”",
                              evidence=_evidence(ctx, tokens, [wrong]))
        present = [cid for cid, m in found.items() if m is not None and not m.negated]
        negated = [cid for cid, m in found.items() if m is not None and m.negated]
        missing = [c.id for c in params.concepts if c.id not in present and c.id not in negated]
        if params.any_of:
            fraction = min(len(present), params.need or 1) / (params.need or 1)
        else:
            shares = {c.id: c.share if c.share is not None else 1 / len(params.concepts) for c in params.concepts}
            fraction = min(1.0, round(sum(shares[cid] for cid in present), 6))
        outcome = Outcome.CORRECT if fraction >= 1 else Outcome.PARTIAL if fraction > 0 else Outcome.INCORRECT
        said = {c.id: f"“{c.said}”" for c in params.concepts}
        parts = []
        if params.any_of and params.need and len(present) < params.need:  # "any 3 of these 7"
            others = ", ".join(said[cid] for cid in missing[:OTHERS_SHOWN]) + (" …" if len(missing) > OTHERS_SHOWN else "")
            parts.append(f"{len(present)} of the {params.need} ideas needed; others that count: {others}")
        elif missing and not (params.any_of and len(present) >= (params.need or 1)):
            parts.append("not found: " + ", ".join(said[cid] for cid in missing))
        if negated:
            parts.append("stated as not holding: " + ", ".join(said[cid] for cid in negated))
        matches = [found[cid] for cid in present]
        return Comparison(fraction, outcome, found=", ".join(said[cid] for cid in present),
                          expected=", ".join(said[c.id] for c in params.concepts),
                          detail="; ".join(parts), evidence=_evidence(ctx, tokens, matches))

    def award(self, comparison: Comparison, points: float) -> float:
        return round(points * comparison.fraction, 4) + 0.0  # + 0.0: no "-0.0" for an unapplied deduction

    def self_test(self, params: ConceptsParams, refs: Mapping[str, Any]) -> list[SelfTest]:
        if params.deduction:  # the check is "a misconception is asserted"
            claim = params.misconceptions[0]
            return [SelfTest("correct", f"{claim}.", "asserts the misconception"),
                    SelfTest("incorrect", f"It is not the case that {claim}.", "the misconception negated"),
                    SelfTest("invalid", "", "empty answer")]
        concepts = params.concepts if params.all_of else params.concepts[:params.need or 1]
        correct = " ".join(f"{c.phrasings[0]}." for c in concepts)
        first = next((p for c in concepts for p in c.phrasings if not is_formula(p)), None)
        if params.misconceptions:  # every misconception must be found in its own words
            wrong = [SelfTest("incorrect", f"{correct} Also, {m}.", f"misconception {k + 1} asserted")
                     for k, m in enumerate(params.misconceptions)]
        elif first is not None:
            wrong = [SelfTest("incorrect", f"It is not the case that {first}.", "the first phrasing negated")]
        else:  # formulas only: a formula has no negated form, so the wrong answer is another formula
            wrong = [SelfTest("incorrect", "$$x + 1$$", "an unrelated formula")]
        tests = [SelfTest("correct", correct, "the first phrasing of each concept"), *wrong,
                 SelfTest("invalid", "", "empty answer")]
        if any(len(c.phrasings) > 1 for c in concepts):  # another wording must earn it too
            other = " ".join(f"{c.phrasings[-1]}." for c in concepts)
            tests.insert(1, SelfTest("correct", other, "the last phrasing of each concept (another wording)"))
        return tests
