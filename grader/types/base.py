"""The one protocol every question type implements: parse, compare, award, self-test.

A rubric item names a type (``numeric``, ``concepts``, ...) and carries a ``check:``
block that the type's own pydantic model (``Params``) validates, so each type owns
its options and unknown keys are rubric errors.

The lifecycle of one item, run by ``grader.grading``:

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
from dataclasses import dataclass, field
from typing import Any, ClassVar, Literal, Mapping

from pydantic import BaseModel, ConfigDict

from grader.model import Evidence, Outcome, Segment


class CheckParams(BaseModel):
    """Base of every type's ``check:`` block: unknown keys are errors."""

    model_config = ConfigDict(extra="forbid", frozen=True)


@dataclass
class QuestionContext:
    """What the items of one question see while one submission is graded.

    ``cache`` lets items of the same question share work (the table that three
    items grade is parsed once). ``flags`` and ``repairs`` collect reasons for a
    human to look, reported on the question.
    """

    question_id: str
    segment: Segment
    refs: Mapping[str, Any]
    cache: dict[str, Any] = field(default_factory=dict)
    flags: list[str] = field(default_factory=list)
    repairs: list[str] = field(default_factory=list)

    def flag(self, flag: str) -> None:
        if flag not in self.flags:
            self.flags.append(flag)

    def ref(self, key: str) -> Any:
        try:
            return self.refs[key]
        except KeyError:  # check_params should have caught it: an author or engine bug
            raise KeyError(f"reference {key!r} not produced by the question's solver") from None


@dataclass(frozen=True)
class Parsed:
    value: Any
    evidence: tuple[Evidence, ...] = ()
    flags: tuple[str, ...] = ()


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
    flags: tuple[str, ...] = ()

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

    def check_params(self, params: CheckParams, refs: Mapping[str, Any]) -> list[str]:
        """Problems with an item's check given the solver's references (author errors)."""
        return []

    @abstractmethod
    def parse(self, ctx: QuestionContext, params: CheckParams) -> Parsed | Invalid | None: ...

    @abstractmethod
    def compare(self, parsed: Parsed, ctx: QuestionContext, params: CheckParams) -> Comparison: ...

    def award(self, comparison: Comparison, points: float) -> float:
        return round(points * comparison.fraction, 4)

    @abstractmethod
    def self_test(self, params: CheckParams, refs: Mapping[str, Any]) -> list[SelfTest]: ...


# Modules that define question types; imported on first use so start-up stays quick.
_TYPE_MODULES = ("numeric", "concepts", "table", "matrix", "construction", "expression", "derivation")
_TYPES: dict[str, QuestionType] = {}


def register(cls: type[QuestionType]) -> type[QuestionType]:
    """Class decorator: make a question type available to rubrics under ``cls.name``."""
    if cls.name in _TYPES:
        raise ValueError(f"question type {cls.name!r} registered twice")
    _TYPES[cls.name] = cls()
    return cls


def _load_all() -> None:
    for module in _TYPE_MODULES:
        try:
            importlib.import_module(f"grader.types.{module}")
        except ModuleNotFoundError as exc:  # a type not written yet must not hide the others
            if exc.name != f"grader.types.{module}":
                raise


def get_type(name: str) -> QuestionType:
    _load_all()
    return _TYPES[name]


def type_names() -> list[str]:
    _load_all()
    return sorted(_TYPES)
