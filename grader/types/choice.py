"""``choice``: single choice, multiple choice (select all that apply) and true/false.

The student's selection is read from the question's segment by label ("(b)", "b)",
"Option 2", "answer: c", "a, c", "True", "T", "✓") or by the option's text ("the
learning rate is too high", OCR-tolerant). What a label is, and which statement is
the answer, follows a few rules (docs/types/choice.md has them for TAs):

* A label stands as a label, never inside a word, and a letter that is also a word
  ("a", "I") counts only in a label's form: "(a)", "a)", "a." starting a line, bold
  or circled, after "option", after a cue ("answer: a") or on a line of its own —
  and even then not when an ordinary word follows it ("answer: a learning rate ...").
* Statements come in two strengths. *Explicit* ones say "this is my answer": after
  a cue ("the answer is", "ans-", "I choose", "therefore"), a line holding only the
  selection, a bold/boxed/circled label, a label followed by "is correct"/"✓", a
  label that starts a line and is followed by nothing, punctuation, "because" or its
  option's own text, or a self-correction ("no, (c)"). Anything else — "(a) would
  make the loss diverge" — is a mention. Explicit statements on adjacent lines form
  one block ("(a) ✓ / (b) ✗ / (c) ✓"); a cue or a correction starts a new block, and
  the last block is the answer. Without an explicit statement the labels mentioned
  are the answer, and without labels the option texts found in the answer.
* Negation removes: "not (b)", "(b) is wrong", "(a) ✗", "~~(a)~~". For true/false,
  "not true" is False.
* Single choice and true/false take one option: naming several ("(a) or (c)", two
  labels in the deciding statement) is ``invalid`` — ambiguous, flagged for a TA —
  never silently the first. An explicit label that is not an option ("answer: (e)"
  for a–d) is ``invalid`` too, unless it is a known OCR confusion of one ("6" for
  "b"), which is repaired and flagged.

Multiple choice earns ``all_or_nothing`` (exactly the correct set) or ``per_option``
credit: (right selections − wrong selections) / number of correct options, floored
at 0.

This module holds the rubric side (``ChoiceParams`` and its checks) and the type's
protocol methods. Reading the answer is split by concern, each module feeding the next:

* ``choice_tokens``: a line made plain (crossed-out text blanked, boxed/circled labels
  made bold) and cut into tokens;
* ``choice_words``: the vocabulary of cues, negations, verdicts and corrections;
* ``choice_labels``: one written label ("(b)", "B.", "option 2", "ii", "True"), with
  OCR repairs;
* ``choice_statements``: the statements a line makes by label, explicit or mentioned,
  negated or not;
* ``choice_text``: options found by their text;
* ``choice_selection``: which statements decide, and when the answer is invalid.
"""

from __future__ import annotations

import re
from typing import Any, Literal, Mapping, Sequence

from pydantic import Field, field_validator

from grader.model import Evidence, Outcome
from grader.types.base import CheckParams, Comparison, Invalid, Parsed, QuestionContext, QuestionType, SelfTest, register
# The readers are re-exported so that ``grader.types.choice`` stays the one place to import
# the type's public names from, as it was before reading was split into the choice_* modules.
from grader.types.choice_selection import Reading, Selection, read_selection, shown_labels  # noqa: F401
from grader.types.choice_statements import LineReader, LineReading, Statement  # noqa: F401
from grader.types.choice_tokens import Tok, clean, tokens  # noqa: F401

# --- the check ------------------------------------------------------------------------------

_LABEL_SHAPE = re.compile(r"^(?:[A-Za-z]{1,4}|\d{1,2})$")
_TF_WORDS = {"true": True, "t": True, "false": False, "f": False}


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value).strip()


class ChoiceParams(CheckParams):
    kind: Literal["single", "multiple", "true_false"] = Field(
        default="single", description="single choice, multiple choice (select all that apply) or true/false")
    options: dict[str, str] = Field(
        default_factory=dict, description="label -> the option's text (a, b, c ... or 1, 2, 3 ... or i, ii ...)")
    correct: bool | str | list[str] = Field(description="the correct label, a list of them, or true/false")
    partial: Literal["all_or_nothing", "per_option"] = Field(
        default="all_or_nothing",
        description="multiple choice credit: exactly the correct set, or (right - wrong) / number correct, floored at 0")
    cue: list[str] = Field(default_factory=list, description="words that precede the answer ('Answer', 'My choice')")
    fuzzy: float = Field(default=85, ge=50, le=100, description="similarity (0-100) a written option text must reach")

    @field_validator("options", mode="before")
    @classmethod
    def _options(cls, value: Any) -> Any:
        if isinstance(value, list):  # labels only: [a, b, c, d] (the texts are on the paper)
            return {_text(label): "" for label in value}
        if isinstance(value, dict):  # YAML reads 1: ... as an int and 0.5 as a float
            return {_text(label): _text(text) for label, text in value.items()}
        return value

    @field_validator("correct", mode="before")
    @classmethod
    def _correct(cls, value: Any) -> Any:
        if isinstance(value, bool):
            return value
        if isinstance(value, (int, float)):
            return _text(value)
        if isinstance(value, list):
            return [_text(v) if isinstance(v, (int, float, bool)) else v for v in value]
        return value

    @field_validator("cue", mode="before")
    @classmethod
    def _cue(cls, value: Any) -> Any:
        return [value] if isinstance(value, str) else value

    # -- what the rest of the module works with

    @property
    def labels(self) -> tuple[str, ...]:
        """The option labels, in the rubric's order (true/false: "true", "false")."""
        return ("true", "false") if self.kind == "true_false" else tuple(self.options)

    def text_of(self, label: str) -> str:
        if self.kind == "true_false":
            return label.capitalize()
        return self.options.get(label, "")

    def canonical(self, written: str) -> str | None:
        """The option label a written label names (case-insensitive), or None."""
        low = written.strip().lower()
        if self.kind == "true_false":
            value = _TF_WORDS.get(low)
            return None if value is None else ("true" if value else "false")
        return next((label for label in self.options if label.lower() == low), None)

    @property
    def correct_labels(self) -> tuple[str, ...]:
        """The correct options as their labels, in option order (unknown ones left out)."""
        if self.kind == "true_false":
            if isinstance(self.correct, bool):
                return ("true" if self.correct else "false",)
            found = self.canonical(self.correct) if isinstance(self.correct, str) else None
            return (found,) if found else ()
        named = [self.correct] if isinstance(self.correct, (str, bool)) else list(self.correct)
        chosen = {self.canonical(str(n)) for n in named if not isinstance(n, bool)}
        return tuple(label for label in self.options if label in chosen)


def _problems(params: ChoiceParams) -> list[str]:
    problems: list[str] = []
    if params.kind == "true_false":
        if params.options:
            problems.append("options: kind true_false takes no options (True and False are implied)")
        if isinstance(params.correct, list) or not params.correct_labels:
            problems.append(f"correct: kind true_false needs correct: true or correct: false, not {params.correct!r}")
        return problems
    if not params.options:
        problems.append(f"options: kind {params.kind} needs its options, as label: text (a: ..., b: ...)")
        return problems
    if len(params.options) < 2:
        problems.append("options: give at least two options")
    seen: dict[str, str] = {}
    for label in params.options:
        if not _LABEL_SHAPE.match(label):
            problems.append(f"options: {label!r} is not a label: use letters (a, b, c ...), numbers (1, 2, 3 ...) "
                            "or roman numerals (i, ii ...)")
        if label.lower() in seen:
            problems.append(f"options: labels {seen[label.lower()]!r} and {label!r} are the same label")
        seen[label.lower()] = label
    texts: dict[str, str] = {}
    for label, text in params.options.items():
        key = " ".join(text.lower().split())
        if key and key in texts:
            problems.append(f"options: {texts[key]!r} and {label!r} have the same text; an answer written as text "
                            "could not tell them apart")
        texts.setdefault(key, label)
    if isinstance(params.correct, bool):
        problems.append("correct: true/false is for kind: true_false; name the correct option's label")
        return problems
    named = [params.correct] if isinstance(params.correct, str) else list(params.correct)
    if not named:
        problems.append("correct: name at least one correct option")
    known = ", ".join(params.options)
    for label in named:
        if params.canonical(label) is None:
            problems.append(f"correct: {label!r} is not one of the options ({known})")
    if len({params.canonical(n) or n for n in named}) < len(named):
        problems.append("correct: an option is listed twice")
    if params.kind == "single" and len(named) > 1:
        problems.append("correct: kind single has one correct option; use kind: multiple for several")
    return problems


# --- the type -------------------------------------------------------------------------------

def _evidence(statements: Sequence[Statement]) -> tuple[Evidence, ...]:
    """The answer's lines the deciding statements are on, shown to the TA with the grade."""
    lines = {s.line.number: s.line for s in statements}
    return tuple(Evidence(number, lines[number].text.strip()) for number in sorted(lines))


def per_option_fraction(chosen: set[str], correct: set[str]) -> float:
    """(right selections − wrong selections) / number of correct options, floored at 0."""
    right, wrong = len(chosen & correct), len(chosen - correct)
    return max(0.0, (right - wrong) / len(correct))


@register
class ChoiceType(QuestionType):
    name = "choice"
    Params = ChoiceParams

    def check_params(self, params: ChoiceParams, refs: Mapping[str, Any]) -> list[str]:
        return _problems(params)

    def parse(self, ctx: QuestionContext, params: ChoiceParams) -> Parsed | Invalid | None:
        reading = read_selection(ctx.segment.lines, params)
        evidence = _evidence(reading.statements)
        if reading.problem is not None:
            return Invalid(reading.problem, evidence)
        if reading.selection is None:
            return None
        repairs = tuple(dict.fromkeys(r for s in reading.statements for r in s.repairs))
        return Parsed(reading.selection, evidence, reading.flags, repairs)

    def _show(self, params: ChoiceParams, labels: Sequence[str], texts: bool) -> str:
        if params.kind == "true_false":
            return " and ".join(label.capitalize() for label in labels) or "nothing"
        if not labels:
            return "no option"
        parts = []
        for label in labels:
            text = params.text_of(label)
            parts.append(f"({label}) {text}" if texts and text else f"({label})")
        return "; ".join(parts) if texts else ", ".join(parts)

    def compare(self, parsed: Parsed, ctx: QuestionContext, params: ChoiceParams) -> Comparison:
        selection: Selection = parsed.value
        chosen, correct = set(selection.labels), set(params.correct_labels)
        order = params.labels
        right = [label for label in order if label in chosen & correct]
        wrong = [label for label in order if label in chosen - correct]
        missed = [label for label in order if label in correct - chosen]
        if params.kind == "multiple" and params.partial == "per_option":
            fraction = per_option_fraction(chosen, correct)
        else:
            fraction = 1.0 if chosen == correct else 0.0
        outcome = Outcome.CORRECT if fraction >= 1 else Outcome.INCORRECT if fraction <= 0 else Outcome.PARTIAL
        hows = sorted({selection.by(label) for label in selection.labels})
        found = self._show(params, selection.labels, False)
        if params.kind != "true_false":
            found += " by " + " and ".join(hows)
        parts = []
        if params.kind == "multiple":
            parts.append(f"right: {self._show(params, right, False) if right else 'none'}")
            if wrong:
                parts.append(f"wrong: {self._show(params, wrong, False)}")
            if missed:
                parts.append(f"missed: {self._show(params, missed, False)}")
            if params.partial == "per_option":
                parts.append(f"credit max(0, ({len(right)} − {len(wrong)}) / {len(correct)}) = {round(fraction, 4):g}")
        elif fraction < 1:
            parts.append(f"chose {found.split(' by ')[0]}; the answer is {self._show(params, params.correct_labels, False)}")
        return Comparison(round(fraction, 4), outcome, found=found,
                          expected=self._show(params, params.correct_labels, True), detail="; ".join(parts),
                          evidence=parsed.evidence)

    def self_test(self, params: ChoiceParams, refs: Mapping[str, Any]) -> list[SelfTest]:
        lead = params.cue[0] if params.cue else "Answer"
        correct = list(params.correct_labels)
        wrong = [label for label in params.labels if label not in correct]
        if params.kind == "true_false":
            truth = correct[0] if correct else "true"
            other = "false" if truth == "true" else "true"
            return [
                SelfTest("correct", f"{lead}: {truth.capitalize()}", "the right value"),
                SelfTest("incorrect", f"{lead}: {other.capitalize()}", "the other value"),
                SelfTest("invalid", f"{lead}: True or False", "both values: ambiguous"),
                SelfTest("invalid", f"{lead}: ?", "nothing chosen"),
            ]
        tests = [SelfTest("correct", f"{lead}: {shown_labels(correct)}", "the correct option(s) by label")]
        if params.kind == "multiple":
            if len(correct) > 1:
                tests.append(SelfTest("incorrect", f"{lead}: {shown_labels(correct[:-1])}",
                                      "one correct option missing"))
            if wrong:
                tests.append(SelfTest("incorrect", f"{lead}: {shown_labels(correct + wrong[:1])}",
                                      "a wrong option added"))
            pair = (correct + wrong)[:2]
            tests.append(SelfTest("invalid", f"{lead}: ({pair[0]}) or ({pair[1]})", "hesitating between options"))
        else:
            if wrong:
                tests.append(SelfTest("incorrect", f"{lead}: ({wrong[0]})", "a wrong option"))
                tests.append(SelfTest("invalid", f"{lead}: ({correct[0]}) and ({wrong[0]})",
                                      "two options where one is asked for"))
        tests.append(SelfTest("invalid", f"{lead}: ?", "nothing chosen"))
        return tests
