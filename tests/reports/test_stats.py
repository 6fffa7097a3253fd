"""Class statistics on a seven-student class whose numbers are worked out by hand below.

Rubric: q1 (3 points) = items a (2), b (1) and the deduction d (−1); q2 (2 points) = item c (2).
Scores (a, b, d, c), q1 = clamp(a + b + d, 0, 3), total = q1 + c:

    s1 (2, 1,  0, 2)  q1 3  total 5
    s2 (2, 0,  0, 2)  q1 2  total 4
    s3 (1, 1,  0, 2)  q1 2  total 4
    s4 (2, 0, -1, 1)  q1 1  total 2
    s5 (0, 1,  0, 1)  q1 1  total 2
    s6 (1, 0, -1, 0)  q1 0  total 0
    s7 (0, 1, -1, 0)  q1 0  total 0

n = 7, k = ⌊0.27·7 + ½⌋ = ⌊2.39⌋ = 2: upper = {s1, s2}, lower = {s6, s7} (s2 before s3 on the tie: by id).

    a: mean 8/7, difficulty 8/7/2 = 4/7;  upper mean 2,   lower mean 0.5 → D = 1.5/2 = 0.75
    b: mean 4/7, difficulty 4/7;          upper 0.5,      lower 0.5      → D = 0
    d: mean −3/7, difficulty 3/7 applied; upper 0,        lower −1       → D = 1/1 = 1
    c: mean 8/7, difficulty 4/7;          upper 2,        lower 0        → D = 2/2 = 1

q1 scores 3,2,2,1,1,0,0: mean 9/7, population variance (144 + 2·25 + 2·4 + 2·81)/49/7 = 52/49, sd = √52/7.
"""

from __future__ import annotations

import math

import pytest

from grader.flags import note
from grader.model import Outcome, QuestionResult, SubmissionResult
from grader.reports import stats

SCORES = {
    "s1": (2, 1, 0, 2), "s2": (2, 0, 0, 2), "s3": (1, 1, 0, 2), "s4": (2, 0, -1, 1),
    "s5": (0, 1, 0, 1), "s6": (1, 0, -1, 0), "s7": (0, 1, -1, 0),
}
FOUND_C = {"s1": "0.752", "s2": "0.752 ", "s3": "0.752.", "s4": "0.75", "s5": "0.75", "s6": "1.2", "s7": ""}


@pytest.fixture
def small_class(build):
    rubric = build.rubric([
        build.question("q1", "First", 3, [build.item_spec("a", 2), build.item_spec("b", 1), build.item_spec("d", -1)]),
        build.question("q2", "Second", 2, [build.item_spec("c", 2)]),
    ])
    results = []
    for sid, (a, b, d, c) in SCORES.items():
        q1 = QuestionResult("q1", "First", min(max(a + b + d, 0), 3), 3.0, ((1, 2),), (note("ocr-suspect"),) if sid == "s4" else (),
                            (build.item("a", a, 2), build.item("b", b, 1), build.item("d", d, 0.0, Outcome.INCORRECT if d else Outcome.CORRECT)))
        q2 = QuestionResult("q2", "Second", c, 2.0, ((3, 3),) if FOUND_C[sid] else (), (),
                            (build.item("c", c, 2, found=FOUND_C[sid]),))
        results.append(build.submission(sid, [q1, q2]))
    results.append(SubmissionResult("s8", "s8.md", "error", "binary file", 0.0, 5.0, ()))
    return rubric, results


def test_totals_are_as_worked_out(small_class):
    _, results = small_class
    assert [r.score for r in results[:7]] == [5, 4, 4, 2, 2, 0, 0]


def test_upper_and_lower_groups(small_class):
    _, results = small_class
    upper, lower = stats.upper_lower_groups(stats.graded(results))
    assert [r.id for r in upper] == ["s1", "s2"]
    assert [r.id for r in lower] == ["s6", "s7"]


@pytest.mark.parametrize(
    "item, difficulty, discrimination",
    [("a", 4 / 7, 0.75), ("b", 4 / 7, 0.0), ("d", 3 / 7, 1.0), ("c", 4 / 7, 1.0)],
)
def test_item_analysis_by_hand(small_class, item, difficulty, discrimination):
    rubric, results = small_class
    row = next(r for r in stats.item_analysis(rubric, results) if r.item == item)
    assert row.difficulty == pytest.approx(difficulty)
    assert row.discrimination == pytest.approx(discrimination)


def test_discrimination_needs_two_students(build):
    rubric = build.rubric([build.question("q1", "Only", 1, [build.item_spec("a", 1)])])
    one = build.submission("x", [QuestionResult("q1", "Only", 1.0, 1.0, (), (), (build.item("a", 1, 1),))])
    (row,) = stats.item_analysis(rubric, [one])
    assert row.difficulty == 1.0 and row.discrimination is None


def test_question_stats_by_hand(small_class):
    rubric, results = small_class
    q1, q2 = stats.question_stats(rubric, results)
    assert q1.mean == pytest.approx(9 / 7)
    assert q1.sd == pytest.approx(math.sqrt(52) / 7)
    assert (q1.low, q1.high, q1.answered) == (0, 3, 7)
    assert q2.mean == pytest.approx(8 / 7) and q2.answered == 6


@pytest.mark.parametrize(
    "maximum, width",
    [(50, 5), (24, 2), (8, 1), (6, 0.5), (5, 0.5), (100, 10), (1, 0.1), (7, 1), (13, 2)],
)
def test_bin_width_is_round_and_gives_at_most_twelve_bins(maximum, width):
    assert stats.bin_width(maximum) == pytest.approx(width)
    assert math.ceil(maximum / width - 1e-9) <= 12


def test_histogram_of_the_class(small_class):
    _, results = small_class
    counts, edges = stats.histogram([r.score for r in stats.graded(results)], 5)
    assert edges[0] == 0 and edges[-1] == 5 and len(edges) == 11
    # 0,0 → [0, 0.5); 2,2 → [2, 2.5); 4,4 → [4, 4.5); 5 → the last bin
    assert counts == [2, 0, 0, 0, 2, 0, 0, 0, 2, 1]


def test_answer_groups_count_identical_normalised_answers(small_class):
    rubric, results = small_class
    (group_set,) = stats.answer_groups(rubric, results)
    assert (group_set.question, group_set.item, group_set.distinct) == ("q2", "c", 3)
    summary = [(g.answer, g.count, dict(g.scores), g.mean_score) for g in group_set.groups]
    assert summary == [("0.752", 3, {2: 3}, 2.0), ("0.75", 2, {1: 2}, 1.0), ("1.2", 1, {0: 1}, 0.0)]


def test_answer_groups_limit_keeps_the_most_common(small_class):
    rubric, results = small_class
    (group_set,) = stats.answer_groups(rubric, results, limit=1)
    assert [g.answer for g in group_set.groups] == ["0.752"] and group_set.distinct == 3


def test_review_queue_lists_flags_and_errors(small_class):
    _, results = small_class
    queue = stats.review_queue(results)
    assert [(e.submission, e.question, e.flags) for e in queue] == [
        ("s4", "q1", ("some values look damaged by the scan",)),
        ("s8", None, ("not graded: binary file",)),
    ]


def test_error_submissions_are_left_out_of_the_statistics(small_class):
    rubric, results = small_class
    with_error = stats.question_stats(rubric, results)
    without = stats.question_stats(rubric, results[:7])
    assert with_error == without
