"""The rubric's shape, as pydantic models that refuse unknown keys and wrong types.

Item ``check`` blocks are validated later by the item's question type (each type
owns its options), and solver ``params`` by the solver's own model, so this file
only knows the common frame of an exam and its questions.
"""

from __future__ import annotations

import re
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

_ID = re.compile(r"^[a-z0-9][a-z0-9_-]*$")
_PART = re.compile(r"^(?:[a-h]|(?:iv|ix|vi{0,3}|i{1,3}|x))$")
Outcomes = Literal["correct", "partial", "incorrect", "missing", "invalid", "default"]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


def _check_id(value: str) -> str:
    if not _ID.match(value):
        raise ValueError("must be lower-case letters, digits, '-' or '_'")
    return value


class ItemSpec(_Strict):
    """One rubric item: what it checks, its points, and the feedback a student reads."""

    id: str
    points: float = Field(description="positive credit, or negative for a deduction")
    description: str = Field(min_length=1, description="what this item checks, for TAs")
    type: str | None = Field(default=None, description="question type; defaults to the question's")
    check: dict[str, Any] = Field(default_factory=dict)
    hidden: bool = False
    part: str | None = Field(default=None, description="the question's part this item grades: it reads that part's answer only")
    carry_forward: dict[str, str] = Field(
        default_factory=dict,
        description="reference name -> id of an earlier item: also accept the answer recomputed from that item's own answer",
    )
    implied_by: list[str] = Field(
        default_factory=list,
        description="ids of other items of this question: when all of them are fully right, this item is earned too "
                    "(a scheme's 'a correct log-likelihood also earns the likelihood mark')",
    )
    feedback: str | dict[Outcomes, str] = Field(
        description="jinja2 template, or one template per outcome (with 'default' as fallback)"
    )

    _id = field_validator("id")(_check_id)

    @field_validator("points")
    @classmethod
    def _nonzero(cls, value: float) -> float:
        if value == 0:
            raise ValueError("must not be 0 (positive credit or negative deduction)")
        return value


class QuestionSpec(_Strict):
    id: str
    title: str = Field(min_length=1)
    points: float = Field(gt=0)
    markers: list[str] = Field(min_length=1, description="labels students write: '3.', 'Q3', 'Ans 3)'")
    terms: list[str] = Field(min_length=1, description="words that show an unlabelled answer is about this question")
    type: str
    solver: str | None = None
    params: dict[str, Any] = Field(default_factory=dict)
    given: dict[str, Any] = Field(
        default_factory=dict,
        description="the question's values: numbers, fractions, lists, matrices, symbols (docs/references.md)",
    )
    compute: dict[str, Any] = Field(
        default_factory=dict,
        description="named formulas over the given values (and the solver's references), in order (docs/references.md)",
    )
    reference_text: str | None = Field(default=None, description="jinja2 template shown to TAs as the model answer")
    parts: list[str] = Field(default_factory=list, description="the question's parts as labelled on the paper: a, b, c or i, ii, iii")
    statement: str | None = Field(default=None, description="jinja2 template: the question as printed, over its given values")
    model_answer: str | None = Field(default=None, description="jinja2 template: a full-marks answer, as a student would write it")
    show_references_to_students: bool = False
    items: list[ItemSpec] = Field(min_length=1)

    _id = field_validator("id")(_check_id)

    @model_validator(mode="after")
    def _items_add_up(self) -> "QuestionSpec":
        ids = [item.id for item in self.items]
        duplicates = sorted({i for i in ids if ids.count(i) > 1})
        if duplicates:
            raise ValueError(f"items: duplicate item ids {duplicates}")
        credit = sum(item.points for item in self.items if item.points > 0)
        if abs(credit - self.points) > 1e-9:
            raise ValueError(f"points: items give {credit:g} points but the question is worth {self.points:g}")
        if self.params and not self.solver:
            raise ValueError("params: given without a solver")
        for part in self.parts:
            if not _PART.match(part):
                raise ValueError(f"parts: {part!r} is not a part label: write a letter a-h or a roman numeral i-x")
        if len(set(self.parts)) != len(self.parts):
            raise ValueError("parts: a part is listed twice")
        for item in self.items:
            if item.part is not None and item.part not in self.parts:
                known = f"the question's parts are {', '.join(self.parts)}" if self.parts else "the question declares no parts:"
                raise ValueError(f"items: item {item.id!r} has part {item.part!r}; {known}")
        seen: set[str] = set()
        for item in self.items:
            for name, source in item.carry_forward.items():
                if source not in seen:
                    raise ValueError(f"items: item {item.id!r} carries {name!r} forward from {source!r}, "
                                     "which is not an earlier item of this question")
            seen.add(item.id)
        ids = {item.id for item in self.items}
        for item in self.items:
            for other in item.implied_by:
                if other not in ids or other == item.id:
                    raise ValueError(f"items: item {item.id!r} is implied_by {other!r}, which is not another item of this question")
        return self


class ExamSpec(_Strict):
    id: str
    title: str = Field(min_length=1)
    total: float = Field(gt=0)
    questions: list[str] = Field(min_length=1, description="question ids in paper order; each is <id>.yaml")
    defaults: dict[str, dict[str, Any]] = Field(
        default_factory=dict, description="per question type, check options every item of that type starts from"
    )
    budget_seconds: float = Field(default=5.0, gt=0, description="time limit of one item's comparison")

    _id = field_validator("id")(_check_id)

    @field_validator("questions")
    @classmethod
    def _unique(cls, value: list[str]) -> list[str]:
        for qid in value:
            _check_id(qid)
        if len(set(value)) != len(value):
            raise ValueError("duplicate question ids")
        return value
