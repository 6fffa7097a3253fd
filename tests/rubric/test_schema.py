import pytest
from pydantic import ValidationError

from grader.rubric.schema import ExamSpec, ItemSpec, QuestionSpec


def item(**overrides):
    return {"id": "a", "points": 2, "description": "d", "feedback": "f", **overrides}


def question(**overrides):
    return {"id": "q1", "title": "T", "points": 2, "markers": ["1."], "terms": ["x"], "type": "numeric",
            "items": [item()], **overrides}


def test_a_minimal_question_is_valid():
    spec = QuestionSpec.model_validate(question())
    assert spec.items[0].points == 2


@pytest.mark.parametrize(
    "overrides, message",
    [
        ({"colour": "red"}, "Extra inputs are not permitted"),
        ({"points": 3}, "items give 2 points but the question is worth 3"),
        ({"items": [item(), item()]}, "duplicate item ids"),
        ({"params": {"n": 1}}, "params: given without a solver"),
        ({"id": "Q 1"}, "lower-case letters"),
        ({"markers": []}, "at least 1 item"),
        ({"items": []}, "at least 1 item"),
    ],
)
def test_question_mistakes(overrides, message):
    with pytest.raises(ValidationError, match=message):
        QuestionSpec.model_validate(question(**overrides))


def test_deductions_do_not_count_towards_the_question_points():
    spec = QuestionSpec.model_validate(question(items=[item(), item(id="b", points=-1)]))
    assert [i.points for i in spec.items] == [2, -1]


@pytest.mark.parametrize(
    "overrides, message",
    [
        ({"points": 0}, "must not be 0"),
        ({"feedback": {"brilliant": "x"}}, "brilliant"),
        ({"hidden": "maybe"}, "valid boolean"),
        ({"description": ""}, "at least 1 character"),
    ],
)
def test_item_mistakes(overrides, message):
    with pytest.raises(ValidationError, match=message):
        ItemSpec.model_validate(item(**overrides))


def test_exam_question_ids_are_unique():
    with pytest.raises(ValidationError, match="duplicate question ids"):
        ExamSpec.model_validate({"id": "e", "title": "E", "total": 1, "questions": ["q1", "q1"]})
