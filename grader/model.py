"""Plain data passed along the pipeline: answer segments and graded results.

Everything here is immutable. A graded sheet is one ``SubmissionResult``: the full
record (every item's outcome, score, found, expected, feedback, evidence with line
numbers, the flags, repairs, the answer lines and the unplaced lines). It is what
the journal stores, what results.json holds and what every report is rendered
from. ``to_json``/``from_json`` are derived from the dataclass fields, so no other
module keeps a list of them: the field order here is the key order of results.json.
"""

from __future__ import annotations

import dataclasses
import types
import typing
from dataclasses import dataclass
from enum import Enum
from functools import lru_cache
from typing import Any

from grader.flags import Note


@dataclass(frozen=True)
class Line:
    """One line of a submission after normalisation, with its 1-based line number in the file."""

    line: int
    text: str

    @property
    def number(self) -> int:
        return self.line


@dataclass(frozen=True)
class Segment:
    """The part of a submission that answers one question.

    ``lines`` are the normalised lines graded (repeated lines already collapsed);
    ``spans`` are the 1-based inclusive line ranges of the file the answer covers,
    as the segmenter found them (reported in results.json).
    """

    question_id: str
    lines: tuple[Line, ...] = ()
    spans: tuple[tuple[int, int], ...] = ()
    flags: tuple[Note, ...] = ()
    question_words: frozenset[str] = frozenset()  # the words the question prints (engine), for free text

    @property
    def flag_codes(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(n.code for n in self.flags))

    @property
    def text(self) -> str:
        return "\n".join(line.text for line in self.lines)

    @classmethod
    def from_text(cls, question_id: str, text: str) -> "Segment":
        """A segment made from plain text (self-tests, unit tests): lines numbered from 1."""
        lines = tuple(Line(i, t) for i, t in enumerate(text.splitlines(), start=1) if t.strip())
        spans = ((lines[0].number, lines[-1].number),) if lines else ()
        return cls(question_id, lines, spans)


class Outcome(str, Enum):
    """How one rubric item came out. ``invalid`` is a format problem, not a wrong answer;
    ``not-graded`` is the grader's failure (time limit, fault), never the student's."""

    CORRECT = "correct"
    PARTIAL = "partial"
    INCORRECT = "incorrect"
    MISSING = "missing"
    INVALID = "invalid"
    NOT_GRADED = "not-graded"


@dataclass(frozen=True)
class Evidence:
    """What the grade of an item rests on: the student's words and where they are."""

    line: int | None
    text: str

    def render(self) -> str:
        return f"line {self.line}: {self.text}" if self.line is not None else self.text


@dataclass(frozen=True)
class Override:
    """A TA's decision on an item (kept by the gradebook; null until one is made)."""

    score: float
    by: str
    note: str = ""


@dataclass(frozen=True)
class ItemResult:
    id: str
    score: float
    max: float
    outcome: Outcome
    found: str
    expected: str
    feedback: str
    evidence: tuple[Evidence, ...] = ()
    override: Override | None = None
    hidden: bool = False
    detail: str = ""


@dataclass(frozen=True)
class QuestionResult:
    id: str
    title: str
    score: float
    max: float
    spans: tuple[tuple[int, int], ...]
    flags: tuple[Note, ...]
    items: tuple[ItemResult, ...]
    answer: tuple[Line, ...] = ()
    repairs: tuple[str, ...] = ()

    @property
    def flag_codes(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(n.code for n in self.flags))


class Record:
    """A stored record: JSON derived from its dataclass fields (see ``to_json``/``from_json`` below)."""

    def to_json(self) -> dict[str, Any]:
        return to_json(self)

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Any:
        return from_json(cls, data)


@dataclass(frozen=True)
class SubmissionResult(Record):
    id: str
    file: str
    status: str  # "graded" | "error"
    error: str | None
    score: float
    max: float
    questions: tuple[QuestionResult, ...] = ()
    flags: tuple[Note, ...] = ()  # about the whole sheet: why it was not graded, unplaced text
    unplaced: tuple[Line, ...] = ()  # lines the segmenter could not place under any question


@dataclass(frozen=True)
class ItemInfo:
    id: str
    points: float
    description: str
    hidden: bool


@dataclass(frozen=True)
class QuestionInfo:
    id: str
    title: str
    points: float
    items: tuple[ItemInfo, ...]
    reference: str | None  # the model answer, filled with the computed references (TA view)
    show_references_to_students: bool = False


@dataclass(frozen=True)
class RubricInfo(Record):
    """What the reports need of a rubric; stored in results.json so it re-renders every report alone."""

    id: str
    title: str
    total: float
    questions: tuple[QuestionInfo, ...]


# --- JSON, derived from the fields ---------------------------------------------------------


def to_json(value: Any) -> Any:
    if dataclasses.is_dataclass(value):
        return {f.name: to_json(getattr(value, f.name)) for f in _fields(type(value))}
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, (tuple, list)):
        return [to_json(v) for v in value]
    return value


@lru_cache(maxsize=None)
def _fields(cls: type) -> tuple[dataclasses.Field, ...]:
    return dataclasses.fields(cls)


@lru_cache(maxsize=None)
def _hints(cls: type) -> dict[str, Any]:
    return typing.get_type_hints(cls)


def from_json(kind: Any, data: Any) -> Any:
    """``data`` (as ``to_json`` made it) back into ``kind``: dataclasses, tuples, enums, optionals."""
    origin = typing.get_origin(kind)
    if origin in (typing.Union, types.UnionType):
        if data is None:
            return None
        (inner,) = [k for k in typing.get_args(kind) if k is not type(None)]
        return from_json(inner, data)
    if origin is tuple:
        args = typing.get_args(kind)
        if len(args) == 2 and args[1] is Ellipsis:
            return tuple(from_json(args[0], v) for v in data)
        return tuple(from_json(a, v) for a, v in zip(args, data))
    if isinstance(kind, type) and dataclasses.is_dataclass(kind):
        hints = _hints(kind)
        return kind(**{f.name: from_json(hints[f.name], data[f.name]) for f in _fields(kind) if f.name in data})
    if isinstance(kind, type) and issubclass(kind, Enum):
        return kind(data)
    return data
