"""``by_hand``: an item the rubric leaves to a TA; the engine keeps its points and its answer.

Some answers no checker should judge (a sketch described in words, a proof outline
the TA wants to read). Declaring the item ``type: by_hand`` keeps the question in the
rubric — its markers and terms still claim its answer, so the text is never pushed
into a neighbouring question — and the item comes out ``not-graded`` with 0 points
and the flag ``by-hand``, in the review queue with the answer's lines as evidence,
for the TA to score. A blank answer is simply ``missing``: there is nothing to grade.
"""

from __future__ import annotations

from typing import Any, Mapping

from pydantic import Field

from grader.model import Evidence, Outcome
from grader.types.base import CheckParams, Comparison, Parsed, QuestionContext, QuestionType, SelfTest, register


class ByHandParams(CheckParams):
    note: str = Field(default="", description="what the TA should look for (shown to TAs in the flag)")


@register
class ByHandType(QuestionType):
    name = "by_hand"
    Params = ByHandParams

    def parse(self, ctx: QuestionContext, params: ByHandParams) -> Parsed | None:
        lines = [line for line in ctx.segment.lines if line.text.strip()]
        if not lines:
            return None
        return Parsed(len(lines), tuple(Evidence(line.number, line.text.strip()) for line in lines))

    def compare(self, parsed: Parsed, ctx: QuestionContext, params: ByHandParams) -> Comparison:
        return Comparison(0.0, Outcome.NOT_GRADED, found=f"{parsed.value} line{'s' if parsed.value != 1 else ''} of answer",
                          detail="left to a TA: this item is graded by hand", evidence=parsed.evidence,
                          flags=("by-hand",))

    def self_test(self, params: ByHandParams, refs: Mapping[str, Any]) -> list[SelfTest]:
        return [SelfTest("invalid", "", "a blank answer is missing, never graded by hand")]
