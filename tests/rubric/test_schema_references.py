"""The question schema takes given: and compute: mappings (in order) and still refuses unknown keys."""

import pytest
from pydantic import ValidationError

from grader.rubric.schema import QuestionSpec


def question(**overrides):
    item = {"id": "a", "points": 2, "description": "d", "feedback": "f", "check": {"reference": "r"}}
    return {"id": "q1", "title": "T", "points": 2, "markers": ["1."], "terms": ["x"], "type": "numeric",
            "items": [item], **overrides}


def test_given_and_compute_are_optional_and_empty_by_default():
    spec = QuestionSpec.model_validate(question())
    assert spec.given == {} and spec.compute == {}


def test_given_and_compute_keep_the_order_they_are_written_in():
    compute = {"z": "1", "a": "z + 1", "m": "a * 2"}
    spec = QuestionSpec.model_validate(question(given={"b": 2, "x": "symbol"}, compute=compute))
    assert list(spec.compute) == ["z", "a", "m"] and list(spec.given) == ["b", "x"]


def test_a_question_may_have_a_solver_and_compute():
    spec = QuestionSpec.model_validate(question(solver="ranked_retrieval", params={"total_relevant": 1}, compute={"r": "1"}))
    assert spec.solver == "ranked_retrieval" and spec.compute == {"r": "1"}


@pytest.mark.parametrize("overrides, message", [
    ({"given": [1, 2]}, "Input should be a valid dictionary"),
    ({"compute": "a: 1"}, "Input should be a valid dictionary"),
    ({"computed": {"r": "1"}}, "Extra inputs are not permitted"),
])
def test_mistakes(overrides, message):
    with pytest.raises(ValidationError, match=message):
        QuestionSpec.model_validate(question(**overrides))
