"""Plain data passed along the pipeline: answer segments and graded results.

Everything here is immutable and JSON-friendly so results are deterministic and
can cross process boundaries (worker processes pickle them back to the parent).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum
from typing import Any


@dataclass(frozen=True)
class Line:
    """One line of a submission after normalisation, with its 1-based line number in the file."""

    number: int
    text: str


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
    flags: tuple[str, ...] = ()

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
    """How one rubric item came out. ``invalid`` is a format problem, not a wrong answer."""

    CORRECT = "correct"
    PARTIAL = "partial"
    INCORRECT = "incorrect"
    MISSING = "missing"
    INVALID = "invalid"


@dataclass(frozen=True)
class Evidence:
    """What the grade of an item rests on: the student's words and where they are."""

    line: int | None
    text: str

    def render(self) -> str:
        return f"line {self.line}: {self.text}" if self.line is not None else self.text


@dataclass(frozen=True)
class ItemResult:
    id: str
    score: float
    max: float
    outcome: Outcome
    feedback: str
    evidence: tuple[Evidence, ...] = ()
    hidden: bool = False
    expected: str = ""
    found: str = ""

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "score": self.score,
            "max": self.max,
            "feedback": self.feedback,
            "evidence": "; ".join(e.render() for e in self.evidence),
        }


@dataclass(frozen=True)
class QuestionResult:
    id: str
    title: str
    score: float
    max: float
    spans: tuple[tuple[int, int], ...]
    flags: tuple[str, ...]
    items: tuple[ItemResult, ...]
    answer: tuple[Line, ...] = ()
    repairs: tuple[str, ...] = ()

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "score": self.score,
            "max": self.max,
            "spans": [list(span) for span in self.spans],
            "flags": list(self.flags),
            "items": [item.to_json() for item in self.items],
        }


@dataclass(frozen=True)
class SubmissionResult:
    id: str
    file: str
    status: str  # "graded" | "error"
    error: str | None
    score: float
    max: float
    questions: tuple[QuestionResult, ...] = field(default_factory=tuple)

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "file": self.file,
            "status": self.status,
            "error": self.error,
            "score": self.score,
            "max": self.max,
            "questions": [q.to_json() for q in self.questions],
        }
