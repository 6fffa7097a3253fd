"""The one protocol every question type implements: parse, compare, award, self-test.

A rubric item names a type (``numeric``, ``concepts``, ...) and carries a ``check:``
block that the type's own pydantic model (``Params``) validates, so each type owns
its options and unknown keys are rubric errors.

The lifecycle of one item, run by ``grader.grading``:

0. ``read(segment, params)`` (optional) reads the segment into whatever the type
   works on (a table's rows, a derivation's claims). It is pure: the grading loop
   memoises what it returns per sheet under ``(type, reading_key(params))``, so the
   items of one question that share a reading do the work once, and hands it to
   the item as ``ctx.reading``. No type writes into shared state.
1. ``parse(ctx, params)`` reads what the student wrote in the question's segment.
   It returns ``Parsed`` (something to compare), ``Invalid`` (the student wrote an
   answer that cannot be read: a format problem, graded 0 and flagged, never
   confused with "wrong") or ``None`` (nothing relevant found: missing).
2. ``compare(parsed, ctx, params)`` measures it against the references and says
   how much of the check holds (``Comparison.fraction`` in [0, 1]).
3. ``award(comparison, points)`` turns that into a score. For a positive item the
   fraction is credit; for a deduction (negative points) the check describes the
   fault, so the fraction is how much of the deduction applies.
4. ``self_test(params, refs)`` makes answers from the references with the label
   they must get: ``correct`` (check holds fully), ``incorrect`` (it does not hold
   fully; for numbers, just outside the tolerance) and ``invalid`` (unreadable or
   missing). ``grader validate`` grades them to prove the rubric works.

Author mistakes (a reference key that does not exist, a check that cannot be
built) raise ``RubricError`` from ``check_params``; student mistakes never raise.
"""

from __future__ import annotations

import importlib
from abc import ABC, abstractmethod
from dataclasses import dataclass
from typing import Any, Callable, ClassVar, Hashable, Literal, Mapping, Union

from pydantic import BaseModel, ConfigDict

from grader.errors import MathParseError
from grader.flags import Note
from grader.model import Evidence, Outcome, Segment


class CheckParams(BaseModel):
    """Base of every type's ``check:`` block: unknown keys are errors."""

    model_config = ConfigDict(extra="forbid", frozen=True)


@dataclass(frozen=True)
class QuestionContext:
    """What one item sees while one submission is graded: the question's segment, the
    solver's references and what the item's type read from the segment (``read``)."""

    question_id: str
    segment: Segment
    refs: Mapping[str, Any]
    reading: Any = None

    def ref(self, key: str) -> Any:
        try:
            return self.refs[key]
        except KeyError:  # check_params should have caught it: an author or engine bug
            raise KeyError(f"reference {key!r} not produced by the question's solver") from None


# A flag is a code of grader.flags.CATALOGUE, or a Note made with grader.flags.note (with detail).
FlagLike = Union[str, Note]


def unknown_reference(key: str, refs: Mapping[str, Any]) -> str:
    """An author's message for a reference the question does not have, naming the closest ones."""
    from difflib import get_close_matches

    if not refs:
        return f"reference {key!r} is not produced by this question: it has no solver, given: or compute:"
    close = get_close_matches(key, list(refs), n=1)
    hint = f"; did you mean {close[0]!r}?" if close else ""
    return (f"reference {key!r} is not produced by this question (its solver, given: and compute:){hint} "
            f"(known: {', '.join(sorted(refs))})")


def formula_reference_problems(reference: str | None, refs: Mapping[str, Any], as_formula: Callable[[], Any]) -> list[str]:
    """An author's problems with an item's formula reference: one the question does not have, or
    one ``as_formula`` (the type's conversion) cannot turn into a formula."""
    if reference is None:
        return []
    if reference not in refs:
        return [unknown_reference(reference, refs)]
    try:
        as_formula()
    except (TypeError, MathParseError) as exc:
        return [f"reference {reference!r}: {exc}"]
    return []


@dataclass(frozen=True)
class Parsed:
    value: Any
    evidence: tuple[Evidence, ...] = ()
    flags: tuple[FlagLike, ...] = ()
    repairs: tuple[str, ...] = ()  # OCR repairs made while reading, in plain words


@dataclass(frozen=True)
class Invalid:
    reason: str
    evidence: tuple[Evidence, ...] = ()


@dataclass(frozen=True)
class Comparison:
    fraction: float
    outcome: Outcome
    found: str = ""
    expected: str = ""
    detail: str = ""
    evidence: tuple[Evidence, ...] = ()
    flags: tuple[FlagLike, ...] = ()
    repairs: tuple[str, ...] = ()
    value: Any = None  # the student's answer as a value of ours (an exact number ...), for carry-forward
    carried: str = ""  # how the answer was credited as error carried forward ("" when it was not)

    def __post_init__(self) -> None:
        if not 0.0 <= self.fraction <= 1.0:
            raise ValueError(f"fraction {self.fraction} outside [0, 1]")


@dataclass(frozen=True)
class SelfTest:
    label: Literal["correct", "incorrect", "invalid"]
    text: str
    why: str = ""


class QuestionType(ABC):
    name: ClassVar[str]
    Params: ClassVar[type[CheckParams]]
    aliases: ClassVar[tuple[str, ...]] = ()  # earlier names a rubric may still use
    gives_value: ClassVar[bool] = False  # its Comparison.value is the student's answer (carry-forward reads it)

    def check_params(self, params: CheckParams, refs: Mapping[str, Any]) -> list[str]:
        """Problems with an item's check given the solver's references (author errors)."""
        return []

    def reading_key(self, params: CheckParams) -> Hashable | None:
        """What ``read`` depends on besides the segment (None: this type reads nothing to share)."""
        return None

    def read(self, segment: Segment, params: CheckParams) -> Any:
        """The segment read into what ``parse`` works on; pure, memoised by the grading loop."""
        return None

    def prepare(self, question_id: str, segment: Segment, refs: Mapping[str, Any], params: CheckParams) -> QuestionContext:
        """The context of one item, its reading done here (for callers outside the grading loop)."""
        reading = self.read(segment, params) if self.reading_key(params) is not None else None
        return QuestionContext(question_id, segment, refs, reading)

    @abstractmethod
    def parse(self, ctx: QuestionContext, params: CheckParams) -> Parsed | Invalid | None: ...

    @abstractmethod
    def compare(self, parsed: Parsed, ctx: QuestionContext, params: CheckParams) -> Comparison: ...

    def award(self, comparison: Comparison, points: float) -> float:
        return round(points * comparison.fraction, 4)

    @abstractmethod
    def self_test(self, params: CheckParams, refs: Mapping[str, Any]) -> list[SelfTest]: ...


# The generic question types; a field's own types come from domain packs (grader.packs).
# Imported on first use so start-up stays quick; a module that fails to import is an error.
_TYPE_MODULES = ("numeric", "concepts", "matrix", "expression", "choice", "grid", "steps", "working", "by_hand")
_TYPES: dict[str, QuestionType] = {}
_ALIASES: dict[str, str] = {}


def register(cls: type[QuestionType]) -> type[QuestionType]:
    """Class decorator: make a question type available to rubrics under ``cls.name`` (and its aliases)."""
    for name in (cls.name, *cls.aliases):
        if name in _TYPES or name in _ALIASES:
            raise ValueError(f"question type {name!r} registered twice")
    _TYPES[cls.name] = cls()
    _ALIASES.update({alias: cls.name for alias in cls.aliases})
    return cls


def _load_all() -> None:
    from grader.packs import load_packs

    for module in _TYPE_MODULES:
        importlib.import_module(f"grader.types.{module}")
    load_packs()


def get_type(name: str) -> QuestionType:
    _load_all()
    return _TYPES[_ALIASES.get(name, name)]


def type_names() -> list[str]:
    """The types' own names (not their aliases)."""
    _load_all()
    return sorted(_TYPES)


def canonical_type(name: str) -> str | None:
    """The type a rubric's ``type:`` names, through its aliases; None if there is none."""
    _load_all()
    name = _ALIASES.get(name, name)
    return name if name in _TYPES else None
