from pathlib import Path

import pytest
import yaml
from hypothesis import given, settings, strategies as st
from pydantic import ValidationError

from grader.model import Line, Outcome, Segment
from grader.rubric.schema import QuestionSpec
from grader.types import get_type
from grader.types.phrasing import find_phrasing, similarity, tokenize

ROOT = Path(__file__).resolve().parents[2]
SHEET_LINES = (ROOT / "submissions" / "dl-exam" / "cs17btech11037.md").read_text(encoding="utf-8").splitlines()
CONCEPTS = get_type("concepts")


def sheet_segment(qid: str, first: int, last: int) -> Segment:
    kept = tuple(Line(n, SHEET_LINES[n - 1]) for n in range(first, last + 1) if SHEET_LINES[n - 1].strip())
    return Segment(qid, kept, ((first, last),))


def question(qid: str) -> QuestionSpec:
    return QuestionSpec.model_validate(yaml.safe_load((ROOT / "rubrics" / "dl-exam" / f"{qid}.yaml").read_text()))


def grade_item(check: dict, segment: Segment):
    params = CONCEPTS.Params.model_validate(check)
    ctx = CONCEPTS.prepare(segment.question_id, segment, {}, params)
    parsed = CONCEPTS.parse(ctx, params)
    return None if parsed is None else CONCEPTS.compare(parsed, ctx, params)


def grade_question(qid: str, segment: Segment) -> dict[str, float]:
    scores = {}
    for item in question(qid).items:
        comparison = grade_item(item.check, segment)
        scores[item.id] = 0.0 if comparison is None else CONCEPTS.award(comparison, item.points)
    return scores


def text(qid: str, body: str) -> Segment:
    return Segment.from_text(qid, body)


# --- the real sheet -------------------------------------------------------------------------

def test_real_q2a_earns_cause_and_remedy():
    scores = grade_question("q2a", sheet_segment("q2a", 73, 80))
    assert scores == {"cause-product": 1.5, "cause-bounded": 1.0, "remedy": 1.5, "clipping-misconception": 0.0}


def test_real_q2b_earns_most_but_not_the_mechanism_it_never_names():
    scores = grade_question("q2b", sheet_segment("q2b", 82, 83))
    assert scores == {"long-sequences": 1.5, "vanishing-over-length": 1.5, "lstm-memory": 1.5, "ignore-irrelevant": 0.75}


def test_real_q4_earns_part_a_and_down_weighting_but_not_hard_examples():
    scores = grade_question("q4", sheet_segment("q4", 111, 118))
    assert scores == {"gamma-zero": 1.5, "is-cross-entropy": 1.5, "down-weights-easy": 1.5, "hard-examples-imbalance": 0.0}


def test_evidence_names_the_lines_that_earned_the_points():
    remedy = next(i for i in question("q2a").items if i.id == "remedy")
    comparison = grade_item(remedy.check, sheet_segment("q2a", 73, 80))
    assert [e.line for e in comparison.evidence] == [80]
    assert "gradient highway" in comparison.evidence[0].text


@pytest.mark.parametrize("body, at_most", [
    ("RNNs have vanishing gradients because the learning rate is too high", 0.0),
    ("Vanishing gradients happen in RNNs. They are a problem.", 0.0),
])
def test_wrong_or_empty_reasons_earn_little_on_q2a(body, at_most):
    assert sum(grade_question("q2a", text("q2a", body)).values()) <= at_most


def test_blank_answer_is_missing_and_earns_nothing():
    for item in question("q2a").items:
        assert grade_item(item.check, Segment("q2a")) is None


# --- misspellings, negation, misconceptions --------------------------------------------------

@pytest.mark.parametrize("written, meant, acronym", [
    ("greatient", "gradient", False), ("signeid", "sigmoid", False), ("LSTH", "lstm", True),
    ("Transfored", "transformer", False), ("call", "cell", False), ("gradients", "gradient", False),
    ("wards", "words", False), ("lest", "least", False),   # real words: one look-alike letter, or far rarer
])
def test_ocr_misspellings_are_similar(written, meant, acronym):
    assert similarity(meant, acronym, written) >= 70


@pytest.mark.parametrize("written, meant, acronym", [
    ("last", "lstm", True), ("decreases", "increases", False),
    ("misclassified", "classified", False), ("easy", "hard", False), ("p", "q", False), ("10", "1", False),
    # two real English words are never one misspelt for the other; a prefix makes another word
    ("left", "leaf", False), ("form", "from", False), ("enqueue", "queue", False), ("underfit", "overfit", False),
])
def test_different_words_are_not_similar(written, meant, acronym):
    assert similarity(meant, acronym, written) < 70


@pytest.mark.parametrize("body, phrasing", [
    ("the vanishing greatient problem", "vanishing gradient"),
    ("for signeid activations", "sigmoid activations"),
    ("as we have it in LSTH", "LSTM"),
    ("we use a Transfored encoder", "transformer"),
])
def test_misspelt_phrasings_are_found(body, phrasing):
    match = find_phrasing(tokenize(text("q", body).lines), phrasing, 85, 70, None, {})
    assert match is not None and not match.negated


@pytest.mark.parametrize("body, phrasing, found", [
    # the words that make a condition are one word: "assuming" is said "if", "given", "provided", "when"
    ("computed if H0 is true", "assuming H0 is true", True),
    ("the probability, given that H0 holds", "assuming H0 holds", True),
    ("provided the null is true", "given the null is true", True),
    ("assuming nothing about H0", "assuming H0 is true", False),   # "true" is not there
    ("H0 is true", "assuming H0 is true", False),                  # the condition word is not there
])
def test_condition_words_are_one_word(body, phrasing, found):
    match = find_phrasing(tokenize(text("q", body).lines), phrasing, 85, 70, None, {})
    assert (match is not None and not match.negated) is found


@pytest.mark.parametrize("body, negated", [
    ("the gradient does not vanish", True),
    ("the gradient doesn't vanish", True),
    ("there is no gradient highway here", True),
    ("without a gradient highway it fails", True),
    ("it never uses a gradient highway", True),
    ("a gradient highway, not a gate, helps", False),   # the negation is after the phrasing
    ("no clipping. The gradient highway helps", False),  # the negation is in another sentence
    ("it is not fast but a gradient highway helps", False),  # 'but' starts a new clause
    ("no clipping and a gradient highway", False),  # "no" denies its own noun, not the next item of a list
    ("if not, a gradient highway is added", False),  # "if not": the negated clause is left out
    ("there is no gradient highway and no gate", True),
])
def test_negation_in_the_same_clause(body, negated):
    phrasing = "gradient vanish" if "vanish" in body else "gradient highway"
    match = find_phrasing(tokenize(text("q", body).lines), phrasing, 85, 70, None, {})
    assert match is not None and match.negated is negated


def test_negated_concept_is_not_asserted():
    check = {"id": "vanish", "phrasings": ["gradient vanishes"]}
    comparison = grade_item(check, text("q", "In an LSTM the gradient does not vanish."))
    assert (comparison.fraction, comparison.outcome) == (0.0, Outcome.INCORRECT)
    assert comparison.detail == "stated as not holding: “gradient vanishes”"  # the idea in words, no ids


def test_clipping_misconception_voids_the_remedy_and_triggers_the_deduction():
    segment = text("q2a", "Gradient clipping solves vanishing gradients, and we can also use an LSTM.")
    scores = grade_question("q2a", segment)
    assert scores["remedy"] == 0.0 and scores["clipping-misconception"] == -0.5


def test_negated_misconception_is_no_misconception():
    segment = text("q2a", "Clipping is for exploding gradients; clipping does not solve vanishing gradients. Use an LSTM.")
    scores = grade_question("q2a", segment)
    assert scores["remedy"] == 1.5 and scores["clipping-misconception"] == 0.0


def test_a_misconception_needs_its_words_together():
    """The words of "focuses on easy examples" scattered over a right answer are not the claim."""
    right = text("q4", "Training focuses on hard, misclassified examples, and the many easy negatives no longer "
                       "dominate. The factor down-weights well-classified examples.")
    assert grade_question("q4", right)["down-weights-easy"] == 1.5
    wrong = text("q4", "For gamma > 0 the loss focuses on easy examples.")
    assert grade_question("q4", wrong)["down-weights-easy"] == 0.0


@pytest.mark.parametrize("qid, words", [
    ("q2b", "A review dataset has many repeated and irrelevant words, so sequences are long. A plain RNN does "
            "poorly; an LSTM or another architecture would help."),
    ("q4", "FL(p_t) = -(1 - p_t)^gamma log(p_t). gamma = 0 gives the cross-entropy loss. Well-classified examples "
           "(p_t >> 0.5) and dense detectors with many easy negatives."),
])
def test_repeating_the_question_earns_nothing(qid, words):
    assert sum(grade_question(qid, text(qid, words)).values()) == 0


def test_a_misconception_item_for_q6_style_claims():
    check = {"misconceptions": ["C^T is the inverse of C", "transpose equals inverse"]}
    wrong = grade_item(check, text("q6", "Since C^T is the inverse of C we get the gradient."))
    right = grade_item(check, text("q6", "C^T is not the inverse of C in general."))
    assert (wrong.fraction, wrong.outcome) == (1.0, Outcome.INCORRECT)
    assert right.fraction == 0.0
    assert CONCEPTS.award(right, -1) == 0.0 and CONCEPTS.award(wrong, -1) == -1.0


# --- groups ----------------------------------------------------------------------------------

GROUP = [{"id": "gates", "phrasings": ["input gate"]}, {"id": "attention", "phrasings": ["attention"]}]


@pytest.mark.parametrize("shape, body, fraction, outcome", [
    ("all_of", "the input gate closes", 0.5, Outcome.PARTIAL),
    ("all_of", "the input gate closes and attention looks at words", 1.0, Outcome.CORRECT),
    ("any_of", "attention looks at the words", 1.0, Outcome.CORRECT),
    ("any_of", "a bigger hidden state", 0.0, Outcome.INCORRECT),
])
def test_groups(shape, body, fraction, outcome):
    comparison = grade_item({shape: GROUP}, text("q", body))
    assert (comparison.fraction, comparison.outcome) == (fraction, outcome)


THREE = GROUP + [{"id": "forget", "phrasings": ["forget gate"]}, {"id": "skip", "phrasings": ["skip connection"]}]


@pytest.mark.parametrize("body, fraction", [
    ("a skip connection", 0.5),
    ("a skip connection and the forget gate", 1.0),
    ("a skip connection, the forget gate and attention", 1.0),  # more than needed is still full, never more
    ("a skip connection and a skip connection", 0.5),  # one idea said twice counts once
    ("there is no skip connection", 0.0),
])
def test_need_counts_distinct_concepts(body, fraction):
    comparison = grade_item({"any_of": THREE, "need": 2}, text("q", body))
    assert comparison.fraction == fraction


def test_partial_feedback_names_what_is_missing():
    comparison = grade_item({"all_of": GROUP}, text("q", "the input gate closes"))
    assert comparison.detail == "not found: “attention”"


@pytest.mark.parametrize("check", [
    {},
    {"phrasings": ["a"], "any_of": GROUP},
    {"phrasings": ["the of a"]},  # no content words
    {"all_of": [{"id": "a", "phrasings": ["x y"], "share": 0.7}, {"id": "b", "phrasings": ["z"], "share": 0.7}]},
    {"phrasings": ["x"], "threshold": 20},
    {"phrasings": ["x"], "unknown": 1},
    {"any_of": GROUP, "need": 3},  # more than there are
    {"all_of": GROUP, "need": 1},  # need counts any_of only
    {"any_of": [{"id": "a", "phrasings": ["x y"], "share": 0.5}, {"id": "b", "phrasings": ["z"]}]},
])
def test_bad_checks_are_rejected(check):
    with pytest.raises(ValidationError):
        CONCEPTS.Params.model_validate(check)


# --- self-tests -------------------------------------------------------------------------------

def _all_checks():
    for qid in ("q2a", "q2b", "q4"):
        for item in question(qid).items:
            yield pytest.param(item.check, id=f"{qid}-{item.id}")
    yield pytest.param({"all_of": GROUP}, id="all_of")
    yield pytest.param({"any_of": GROUP}, id="any_of")
    yield pytest.param({"any_of": THREE, "need": 3}, id="any_of-need")


@pytest.mark.parametrize("check", list(_all_checks()))
def test_self_tests_get_their_labels(check):
    params = CONCEPTS.Params.model_validate(check)
    tests = CONCEPTS.self_test(params, {})
    assert {t.label for t in tests} == {"correct", "incorrect", "invalid"}
    for test in tests:
        comparison = grade_item(check, text("q", test.text))
        if test.label == "correct":
            assert comparison.fraction == 1.0, test
        elif test.label == "incorrect":
            assert comparison.fraction < 1.0 if not params.deduction else comparison.fraction == 0.0, test
        else:
            assert comparison is None, test


@settings(max_examples=100, deadline=None)
@given(st.text(max_size=300))
def test_arbitrary_text_never_raises(body):
    for qid in ("q2a", "q4"):
        scores = grade_question(qid, text(qid, body))
        assert all(-1 <= s <= 1.5 for s in scores.values())


@pytest.mark.parametrize("written, phrasing", [(r"the \gamma term", "gamma"), ("the γ term", "gamma"),
                                               (r"a small \lambda", "lambda"), ("σ of the noise", "sigma")])
def test_a_greek_letter_reads_as_its_name(written, phrasing):
    assert find_phrasing(tokenize([Line(1, written)]), phrasing, 85, 70, None, {}) is not None


def test_a_rubrics_own_contrasts_are_never_taken_for_each_other():
    contrasts = CONCEPTS.Params.model_validate({"phrasings": ["overfits"], "contrasts": ["overfit", "underfit"]}).contrast_words
    assert similarity("underfit", False, "overfit") > 0  # look-alikes by spelling alone
    assert similarity("underfit", False, "overfit", contrasts) == 0
    assert similarity("overfit", False, "overfits", contrasts) == 100  # an inflection is still the word


@pytest.mark.parametrize("word, token, same", [("2", "two", True), ("two", "2", True), ("3", "three", True),
                                               ("2", "3", False), ("one", "on", False)])
def test_numbers_said_in_words_are_those_numbers(word, token, same):
    from grader.types.phrasing import similarity

    assert (similarity(word, False, token) == 100.0) is same
