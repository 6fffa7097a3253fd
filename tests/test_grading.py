"""The grading loop: items of a part read their part only; carry-forward recomputes references
from the student's own earlier answers. Small rubrics of the test's own."""

from __future__ import annotations

import textwrap

import pytest
import yaml

from grader.engine import Grader
from grader.errors import RubricError
from grader.model import Outcome
from grader.rubric.loader import load_rubric

BAYES = {
    "id": "q1", "title": "Bayes", "points": 3, "markers": ["1."], "terms": ["test"], "type": "numeric",
    "parts": ["a", "b", "c"],
    "given": {"prior": "2/100", "sens": 0.9, "fpr": 0.1},
    "compute": {"p_pos": "sens*prior + fpr*(1 - prior)", "post": "sens*prior / p_pos", "p_neg": "1 - p_pos",
                "post_neg": "(1 - sens)*prior / p_neg"},
    "items": [
        {"id": "a", "part": "a", "points": 1, "description": "P(+)", "check": {"reference": "p_pos"},
         "feedback": "{{ outcome }}"},
        {"id": "b", "part": "b", "points": 1, "description": "P(D|+)", "check": {"reference": "post"},
         "carry_forward": {"p_pos": "a"}, "feedback": "{{ outcome }} {{ carried_forward }}"},
        {"id": "c", "part": "c", "points": 1, "description": "P(D|-)", "check": {"reference": "post_neg", "sig_figs": 2},
         "carry_forward": {"p_pos": "a"}, "feedback": "{{ outcome }}"},
    ],
}


def _rubric(tmp_path, question=BAYES, **changes):
    question = {**question, **changes}
    (tmp_path / "exam.yaml").write_text(yaml.safe_dump(
        {"id": "t", "title": "t", "total": question["points"], "questions": [question["id"]]}))
    (tmp_path / f"{question['id']}.yaml").write_text(yaml.safe_dump(question, sort_keys=False))
    return load_rubric(tmp_path)


def _grade(rubric, text):
    result = Grader(rubric).grade_text(textwrap.dedent(text), "s")
    return result.questions[0]


def _by_id(question):
    return {item.id: item for item in question.items}


def test_a_later_parts_conclusion_does_not_answer_an_earlier_part(tmp_path):
    question = _grade(_rubric(tmp_path), """\
        1. (a) P(+) = 0.9 x 0.02 + 0.1 x 0.98 = 0.116
        (b) P(D|+) = 0.018 / 0.116 = 0.155
        (c) P(-) = 0.884, so P(D|-) = 0.002 / 0.884 = 0.00226
        """)
    items = _by_id(question)
    assert [items[i].outcome for i in "abc"] == [Outcome.CORRECT] * 3
    assert (items["a"].found, items["b"].found, items["c"].found) == ("0.116", "0.155", "0.00226")
    assert question.score == 3


def test_without_parts_the_same_answer_is_read_as_one(tmp_path):
    # the regression the parts fix: every item reads the whole answer's concluding "so"
    without = {**BAYES, "parts": [], "items": [{k: v for k, v in i.items() if k not in ("part", "carry_forward")}
                                              for i in BAYES["items"]]}
    question = _grade(_rubric(tmp_path, without), """\
        1. (a) P(+) = 0.116
        (b) P(D|+) = 0.018 / 0.116 = 0.155
        (c) P(-) = 0.884, so P(D|-) = 0.002 / 0.884 = 0.00226
        """)
    assert _by_id(question)["a"].found == "0.00226"


def test_an_error_in_a_is_carried_forward_into_b_and_c(tmp_path):
    question = _grade(_rubric(tmp_path), """\
        1. (a) P(+) = 0.018 + 0.088 = 0.106
        (b) P(D|+) = 0.018/0.106 = 0.170
        (c) P(D|-) = 0.002/0.894 = 0.00224
        """)
    items = _by_id(question)
    assert items["a"].outcome == Outcome.INCORRECT
    assert items["b"].outcome == Outcome.CORRECT and "carried forward" in items["b"].detail
    assert items["b"].feedback.startswith("correct follows from your answer to (a) (0.106)")
    assert items["c"].outcome == Outcome.CORRECT
    assert "carried-forward" in question.flag_codes


def test_carry_forward_never_credits_a_value_that_follows_from_nothing(tmp_path):
    question = _grade(_rubric(tmp_path), """\
        1. (a) P(+) = 0.106
        (b) P(D|+) = 0.9
        (c) P(D|-) = 0.1
        """)
    items = _by_id(question)
    assert [items[i].score for i in "abc"] == [0, 0, 0]
    assert "carried-forward" not in question.flag_codes


def test_a_part_without_a_label_reads_the_whole_answer_and_is_flagged(tmp_path):
    question = _grade(_rubric(tmp_path), """\
        1. (a) P(+) = 0.116
        (c) P(D|-) = 0.00226
        """)
    items = _by_id(question)
    assert items["a"].score == 1 and items["c"].score == 1
    assert items["b"].outcome == Outcome.INCORRECT  # it read the whole answer's last value, and says so below
    assert "part-unlabelled" in question.flag_codes


def test_a_question_answered_without_any_label_is_graded_as_a_whole(tmp_path):
    question = _grade(_rubric(tmp_path), "1. The answer is 0.116\n")
    assert _by_id(question)["a"].score == 1 and "part-unlabelled" in question.flag_codes


def test_parts_written_without_labels_find_their_answers_in_order(tmp_path):
    # the whole answer's conclusion is the last part's; an earlier part's answer is found anywhere in it
    question = _grade(_rubric(tmp_path), """\
        1. P(+) = 0.9 x 0.02 + 0.1 x 0.98 = 0.116
        P(D|+) = 0.018 / 0.116 = 0.155
        P(D|-) = 0.002 / 0.884 = 0.00226
        """)
    items = _by_id(question)
    assert [items[i].score for i in "abc"] == [1, 1, 1]
    assert (items["a"].found, items["c"].found) == ("0.116", "0.00226")
    assert items["b"].found in ("0.155", "0.018 / 0.116")  # the fraction set up is its value too
    assert "part-unlabelled" in question.flag_codes


@pytest.mark.parametrize("change, message", [
    ({"parts": ["a", "b"]}, "item 'c' has part 'c'; the question's parts are a, b"),
    ({"parts": ["a", "b", "b", "c"]}, "parts: a part is listed twice"),
    ({"parts": ["a", "bb", "c"]}, "'bb' is not a part label"),
    ({"items": [BAYES["items"][1], BAYES["items"][0], BAYES["items"][2]]},
     "carries 'p_pos' forward from 'a', which is not an earlier item"),
    ({"items": [BAYES["items"][0], {**BAYES["items"][1], "carry_forward": {"nothing": "a"}}, BAYES["items"][2]]},
     "'nothing' is not a given or computed reference"),
    ({"items": [{**BAYES["items"][0], "type": "by_hand", "check": {"note": "mark it"}}, *BAYES["items"][1:]]},
     "'a' is a by_hand item, which gives no value to carry forward"),
])
def test_rubric_mistakes_about_parts_are_reported(tmp_path, change, message):
    with pytest.raises(RubricError) as caught:
        _rubric(tmp_path, **change)
    assert message in "\n".join(caught.value.lines())


MCQ = {
    "id": "q7", "title": "Three choices", "points": 3, "markers": ["7."], "terms": ["option"], "type": "choice",
    "parts": ["i", "ii", "iii"],
    "items": [
        {"id": p, "part": p, "points": 1, "description": f"part {p}",
         "check": {"options": {"a": "one", "b": "two", "c": "three", "d": "four"}, "correct": correct},
         "feedback": "{{ outcome }}"}
        for p, correct in (("i", "b"), ("ii", "c"), ("iii", "a"))
    ],
}


@pytest.mark.parametrize("text, scores", [
    ("7. (i) (b)\n(ii) (c)\n(iii) (a)", [1, 1, 1]),
    ("7.\n(i) b\n(ii) three\n(iii) (d)", [1, 1, 0]),
    ("7. (i) b (ii) c (iii) a", [1, 1, 1]),
    ("7. (ii) c\n(i) b", [1, 1, 0]),
])
def test_one_choice_item_per_part(tmp_path, text, scores):
    question = _grade(_rubric(tmp_path, MCQ), text)
    assert [_by_id(question)[p].score for p in ("i", "ii", "iii")] == scores


def test_the_questions_own_words_and_numbers_earn_nothing(tmp_path):
    statement = ("A test for a disease with prevalence {{ given.prior }} has sensitivity {{ given.sens }}.\n"
                 "It gives a false positive with probability {{ given.fpr }}.")
    rubric = _rubric(tmp_path, statement=statement)
    copied = "1. A test for a disease with prevalence 1/50 has sensitivity 0.9.\nIt gives a false positive with probability 0.1.\n"
    question = _grade(rubric, copied)
    assert question.score == 0 and "question-text-ignored" in question.flag_codes
    answered = _grade(rubric, copied + "(a) P(+) = 0.116\n")
    assert _by_id(answered)["a"].score == 1


def test_an_unanswered_question_with_parts_is_not_flagged_for_its_labels(tmp_path):
    question = _grade(_rubric(tmp_path), "nothing about it here\n")
    assert "part-unlabelled" not in question.flag_codes and question.score == 0


MARKOV = {
    "id": "q4", "title": "Two steps", "points": 2, "markers": ["4."], "terms": ["matrix"], "type": "numeric",
    "parts": ["a", "b"],
    "given": {"P": [["1/2", "1/2"], ["1/4", "3/4"]]},
    "compute": {"P2": "P^2", "entry": "P2[1, 2]"},
    "items": [
        {"id": "p2", "part": "a", "type": "matrix", "points": 1, "description": "P squared",
         "check": {"reference": "P2"}, "feedback": "{{ outcome }}"},
        {"id": "entry", "part": "b", "points": 1, "description": "(P^2)_12", "check": {"reference": "entry"},
         "carry_forward": {"P2": "p2"}, "feedback": "{{ outcome }}"},
    ],
}


@pytest.mark.parametrize("text, scores", [
    ("4. (a) P^2 = [[3/8, 5/8], [5/16, 11/16]]\n(b) 5/8", [1, 1]),
    # a slip in P^2, and (b) read from the student's own P^2: carried forward
    ("4. (a) P^2 = [[3/8, 1/2], [5/16, 11/16]]\n(b) 1/2", [0.5, 1]),
    ("4. (a) P^2 = [[3/8, 1/2], [5/16, 11/16]]\n(b) 3/4", [0.5, 0]),
])
def test_carry_forward_from_a_matrix(tmp_path, text, scores):
    question = _grade(_rubric(tmp_path, MARKOV), text)
    assert [_by_id(question)[i].score for i in ("p2", "entry")] == scores


def test_nothing_carries_forward_from_a_known_wrong_answer(tmp_path):
    # the entry-wise square is a misconception, not a slip: (b) read from it earns nothing
    items = [dict(MARKOV["items"][0], check={"reference": "P2", "wrong": [{"reference": "squares", "label": "entry-wise"}]}),
             MARKOV["items"][1]]
    rubric = _rubric(tmp_path, MARKOV, compute={**MARKOV["compute"], "squares": "P .^ 2"}, items=items)
    question = _grade(rubric, "4. (a) P^2 = [[1/4, 1/4], [1/16, 9/16]]\n(b) 1/4")
    assert [_by_id(question)[i].score for i in ("p2", "entry")] == [0, 0]


def test_an_items_mapping_option_merges_with_the_exams_default(tmp_path):
    (tmp_path / "exam.yaml").write_text(yaml.safe_dump({
        "id": "t", "title": "t", "total": 1, "questions": ["q1"],
        "defaults": {"expression": {"define": {r"\bar{x}": r"\frac{1}{n}\sum_{i=1}^{n} x_i"}}}}))
    (tmp_path / "q1.yaml").write_text(yaml.safe_dump({
        "id": "q1", "title": "t", "points": 1, "markers": ["1."], "terms": ["x"], "type": "expression",
        "items": [{"id": "a", "points": 1, "description": "d", "feedback": "ok",
                   "check": {"latex": "y", "define": {"s": "t"}}}]}))
    params = load_rubric(tmp_path).questions[0].items[0].params
    assert set(params.define) == {r"\bar{x}", "s"}


def test_an_items_contrasts_add_to_the_exams_declared_opposites(tmp_path):
    (tmp_path / "exam.yaml").write_text(yaml.safe_dump({
        "id": "t", "title": "t", "total": 1, "questions": ["q1"],
        "defaults": {"concepts": {"contrasts": ["overfit", "underfit"], "aliases": {"model": ["net"]}}}}))
    (tmp_path / "q1.yaml").write_text(yaml.safe_dump({
        "id": "q1", "title": "t", "points": 1, "markers": ["1."], "terms": ["fit"], "type": "concepts",
        "items": [{"id": "a", "points": 1, "description": "d", "feedback": "ok",
                   "check": {"phrasings": ["the model overfits"], "contrasts": ["explode", "vanish"]}}]}))
    rubric = load_rubric(tmp_path)
    params = rubric.questions[0].items[0].params
    assert params.contrasts == ["overfit", "underfit", "explode", "vanish"] and params.aliases == {"model": ["net"]}
    question = _grade(rubric, "1. The degree 15 model underfits the training data.")
    assert question.score == 0


# A scheme's "a correct (b) also earns the (a) mark": implied_by.
IMPLIED = {**BAYES, "items": [
    {**BAYES["items"][0], "implied_by": ["b"]},
    {k: v for k, v in BAYES["items"][1].items() if k != "carry_forward"},
    {**BAYES["items"][2], "implied_by": ["a", "b"]},
]}


@pytest.mark.parametrize("text, scores", [
    ("1. (b) $P(D|+) = 0.155$", {"a": 1, "b": 1, "c": 0}),       # (a) earned by (b); (c) needs a and b themselves
    ("1. (a) $P(+) = 0.116$ (b) $P(D|+) = 0.155$", {"a": 1, "b": 1, "c": 1}),
    ("1. (a) $P(+) = 0.5$ (b) $P(D|+) = 0.3$", {"a": 0, "b": 0, "c": 0}),
])
def test_an_item_implied_by_others_is_earned_when_they_are_right(tmp_path, text, scores):
    question = _grade(_rubric(tmp_path, IMPLIED), text)
    items = _by_id(question)
    assert {k: items[k].score for k in scores} == scores
    if scores["a"] and "(a)" not in text:
        assert items["a"].detail == "implied by b" and "P(D|+)" in items["a"].feedback
        assert "implied" in {f.code for f in question.flags}


def test_implied_by_must_name_another_item_of_the_question(tmp_path):
    bad = {**BAYES, "items": [{**BAYES["items"][0], "implied_by": ["a"]}, *BAYES["items"][1:]]}
    with pytest.raises(RubricError) as caught:
        _rubric(tmp_path, bad)
    assert "implied_by 'a', which is not another item" in "\n".join(caught.value.lines())
