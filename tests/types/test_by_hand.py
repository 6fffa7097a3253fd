"""``by_hand``: the item is kept for a TA — flagged, its answer as evidence, never scored by the engine."""

from grader.engine import Grader
from grader.rubric.loader import load_rubric
from grader.selftest import self_test


def write(folder):
    folder.mkdir()
    (folder / "exam.yaml").write_text("id: m\ntitle: M\ntotal: 5\nquestions: [q1, q2]\n", encoding="utf-8")
    (folder / "q1.yaml").write_text(
        "id: q1\ntitle: Sketch\npoints: 3\nmarkers: ['1.']\nterms: ['sketch', 'curve']\ntype: by_hand\nitems:\n"
        "  - {id: sketch, points: 3, description: the sketch of the curve, check: {note: 'both asymptotes'},"
        " feedback: 'A TA grades your sketch.'}\n", encoding="utf-8")
    (folder / "q2.yaml").write_text(
        "id: q2\ntitle: Value\npoints: 2\nmarkers: ['2.']\nterms: ['value']\ntype: numeric\n"
        "given: {a: 3}\ncompute: {b: a * 2}\nitems:\n"
        "  - {id: value, points: 2, description: the value, check: {reference: b}, feedback: 'b = {{ expected }}'}\n",
        encoding="utf-8")
    return folder


def test_an_item_graded_by_hand_keeps_its_answer_for_the_ta(tmp_path):
    rubric = load_rubric(write(tmp_path / "r"))
    assert self_test(rubric) == []
    result = Grader(rubric).grade_text("1. The curve has asymptotes at x = 0 and y = 1\nit rises to the right\n2. The value is 6\n")
    q1, q2 = result.questions
    (item,) = q1.items
    assert item.outcome.value == "not-graded" and item.score == 0 and item.max == 3
    assert q1.flag_codes == ("by-hand",) and [e.line for e in item.evidence] == [1, 2]
    assert item.feedback == "A TA grades your sketch."
    assert q2.score == 2  # the neighbour's answer stays the neighbour's


def test_a_blank_answer_is_missing_not_a_task_for_the_ta(tmp_path):
    rubric = load_rubric(write(tmp_path / "r"))
    q1 = Grader(rubric).grade_text("2. The value is 6\n").questions[0]
    assert q1.items[0].outcome.value == "missing" and q1.flags == ()
