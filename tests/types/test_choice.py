"""The ``choice`` type: single choice, multiple choice and true/false, by label or by text."""

from __future__ import annotations

import textwrap

import pytest
from click.testing import CliRunner
from hypothesis import given, settings, strategies as st
from pydantic import ValidationError

import grader.types.choice  # noqa: F401 — the type module under test
from grader.cli import main
from grader.engine import Grader
from grader.errors import RubricError
from grader.model import Outcome, Segment
from grader.rubric.loader import load_rubric
from grader.selftest import self_test
from grader.types import get_type
from grader.types.base import Invalid, Parsed
from grader.types.choice import per_option_fraction

CHOICE = get_type("choice")
LR = {"a": "the learning rate is too low", "b": "the learning rate is too high",
      "c": "the loss diverges", "d": "the gradients vanish"}
SINGLE = {"options": LR, "correct": "b"}
MULTIPLE = {"kind": "multiple", "options": {"a": "sigmoid", "b": "ReLU", "c": "tanh", "d": "leaky ReLU"},
            "correct": ["a", "c"], "partial": "per_option"}
NUMBERED = {"options": {1: "sigmoid", 2: "ReLU", 3: "tanh", 4: "leaky ReLU"}, "correct": 2}
ROMAN = {"options": {"i": "overfitting", "ii": "underfitting", "iii": "a data leak"}, "correct": "ii"}
TRUE = {"kind": "true_false", "correct": True}


def params_of(check: dict):
    params = CHOICE.Params.model_validate(check)
    assert CHOICE.check_params(params, {}) == []
    return params


def parse(text: str, check: dict = SINGLE):
    params = params_of(check)
    segment = Segment.from_text("q", text)
    return CHOICE.parse(CHOICE.prepare("q", segment, {}, params), params)


def grade(text: str, check: dict = SINGLE):
    """(parsed, comparison or None)."""
    params = params_of(check)
    ctx = CHOICE.prepare("q", Segment.from_text("q", text), {}, params)
    parsed = CHOICE.parse(ctx, params)
    if not isinstance(parsed, Parsed):
        return parsed, None
    return parsed, CHOICE.compare(parsed, ctx, params)


def selected(text: str, check: dict = SINGLE):
    """The labels read, or "invalid" / None."""
    parsed = parse(text, check)
    if parsed is None:
        return None
    if isinstance(parsed, Invalid):
        return "invalid"
    return ",".join(parsed.value.labels)


# --- single choice: what a student writes ---------------------------------------------------

@pytest.mark.parametrize("text, expected", [
    # a label on its own, in every form
    ("(b)", "b"), ("B", "b"), ("b)", "b"), ("b.", "b"), ("[b]", "b"), ("( b )", "b"), ("b}", "b"),
    ("**(b)**", "b"), ("**b**", "b"), ("\\boxed{b}", "b"), ("ⓑ", "b"), ("$(b)$", "b"), ("- (b)", "b"),
    # after a cue
    ("answer: c", "c"), ("Answer - (c)", "c"), ("Ans- (b)", "b"), ("Ans(b)", "b"), ("ans:b", "b"),
    ("Anwser: d", "d"), ("The answer is (c) because (a) would need a smaller step", "c"),
    ("The correct option is d.", "d"), ("I choose b", "b"), ("I'd go with b", "b"), ("Clearly b.", "b"),
    ("The answer to this question is (b)", "b"), ("∴ (b)", "b"), ("I think it is (b)", "b"),
    ("b is the answer", "b"), ("Option b", "b"), ("option (c) is correct", "c"),
    # a label and the explanation after it
    ("(b) because the step overshoots the minimum", "b"), ("(b). The step overshoots.", "b"),
    ("b) the learning rate is too high", "b"),
    # the explicit statement wins over labels in the explanation
    ("(a) would make it slow, (c) is a symptom.\nAnswer: (b)", "b"),
    ("Answer: (b)\n(a) would only make training slow", "b"),
    # self-corrections: the last explicit statement wins
    ("(a) ... no, (c)", "c"), ("(a)\nno wait, (b)", "b"), ("Answer: (a)\n(a) is wrong. Final answer: (b)", "b"),
    ("~~(a)~~ (b)", "b"), ("Answer: (a) sorry, I mean (d)", "d"), ("(c). No, (a) would diverge too", "c"),
    # a verdict per option
    ("(a) ✗\n(b) ✓\n(c) ✗\n(d) ✗", "b"), ("a) wrong\nb) correct\nc) wrong", "b"),
    # a dangling cue: the answer is on the next line
    ("Answer:\n(b)", "b"), ("My answer is\nd", "d"),
    # the option's text, exactly or OCR-damaged
    ("the learning rate is too high", "b"), ("The lerning rate is to high", "b"),
    ("Answer: the learning rate is too high, so every step overshoots", "b"),
    ("Answer: a learning rate that is too high", "b"),
    ("It is not that the learning rate is too low; the learning rate is too high", "b"),
    # an OCR confusion of a label, repaired
    ("Answer: (6)", "b"),
    # what is left of a question number does not get in the way; other brackets are not labels
    ("Q1) (b)", "b"), ("1. (b) because the step is too big", "b"), ("see eq. (1) and note (b)", "b"),
    ("choice (c)", "c"), ("\\textcircled{b}", "b"),
])
def test_single_choice_reads_the_selection(text, expected):
    assert selected(text) == expected


@pytest.mark.parametrize("text", [
    "A learning rate that large makes training unstable.",
    "I think a smaller step would help.",
    "Answer: a bigger batch would not help here",
    "we need a smaller step\na\nlearning rate",
    "This is a problem of optimisation, i.e. a step size issue.",
    "f(a) grows when a is large",
    "Let d be the dimension and c the constant.",
    "(x + a) is large",
    "2. The gradient is large\n3. The loss grows",
    "",
    "I could not do this one.",
])
def test_a_letter_that_is_a_word_or_a_variable_selects_nothing(text):
    assert selected(text) is None


@pytest.mark.parametrize("text, expected", [
    ("not (b)", None), ("(b) is wrong", None), ("(b) is not correct", None), ("(b) ✗", None),
    ("It can't be (b).", None), ("We can rule out (b).", None), ("~~(b)~~", None),
    ("(c), not (b)", "c"), ("The answer is (c), not (b)", "c"), ("not (a) but (b)", "b"),
    ("(a) is wrong, (b) is correct", "b"), ("Everything except (b) is wrong... Answer: (b)", "b"),
    ("It is not the case that the learning rate is too high", None),
])
def test_negation_never_selects(text, expected):
    assert selected(text) == expected


@pytest.mark.parametrize("text, why", [
    ("(a) or (c)", "hesitates"),
    ("Answer: (a) and (c)", "several options"),
    ("a, c", "several options"),
    ("(a) would diverge\n(b) would be slow", "several options"),  # two mentions, no answer stated
    ("Since the loss diverges, the learning rate is too high.", "several options"),
    ("Answer: (e)", "not one of the options"),
    ("Answer:\n(b)\n(c)", "several options"),
])
def test_an_ambiguous_answer_is_invalid_never_the_first_option(text, why):
    parsed = parse(text)
    assert isinstance(parsed, Invalid) and why in parsed.reason
    assert parsed.evidence  # the TA sees the lines it came from


@pytest.mark.parametrize("text, expected", [
    ("Option 2", "2"), ("opt 2", "2"), ("opt. 2", "2"), ("(2)", "2"), ("2", "2"), ("2.", "2"), ("2)", "2"),
    ("Answer: 2 because it does not saturate", "2"), ("ReLU", "2"), ("Answer: leaky ReLU", "4"),
    ("1. first we compute the gradient\n2. then we update", None), ("sigmoid saturates, ReLU does not", "invalid"),
    ("②", "2"), ("Answer: (e)", None), ("(2), see (e)", "2"),
])
def test_numbered_options(text, expected):
    assert selected(text, NUMBERED) == expected


@pytest.mark.parametrize("text, expected", [
    ("(ii)", "ii"), ("ii", "ii"), ("Answer: ii", "ii"), ("Option ii", "ii"), ("(ii) underfitting", "ii"),
    ("I think the model is underfitting", "ii"), ("Answer: (1)", "i"),
    ("I think it is overfitting", "i"), ("I would say (iii)", "iii"),
])
def test_roman_options(text, expected):
    assert selected(text, ROMAN) == expected


def test_a_longer_option_text_wins_over_the_option_it_contains():
    assert selected("Answer: leaky ReLU", NUMBERED) == "4"
    assert selected("Answer: ReLU", NUMBERED) == "2"


def test_a_label_wins_over_another_option_text_on_its_line_and_it_is_flagged():
    parsed = parse("Ans (b) the loss diverges")
    assert parsed.value.labels == ("b",)
    assert [f.code for f in parsed.flags] == ["needs-review"]


def test_a_disagreement_is_flagged_only_on_the_line_that_decides():
    parsed = parse("Ans (a) the loss diverges\n\nFinal answer: (b)")
    assert parsed.value.labels == ("b",) and parsed.flags == ()
    parsed = parse("Answer: (c)\n\nAns (a) the learning rate is too high")
    assert parsed.value.labels == ("a",)
    assert [f.message for f in parsed.flags] == [
        "the grade rests on a reading a human should confirm "
        "(line 3: the label says (a) but the text is option (b)'s)"]


def test_text_read_from_the_explanation_is_flagged_and_repairs_are_named():
    parsed = parse("Because it overshoots, I would say the lerning rate is too high.")
    assert parsed.value.labels == ("b",)
    assert "needs-review" in {getattr(f, "code", f) for f in parsed.flags}
    assert any("lerning" in r for r in parsed.repairs)
    repaired = parse("Answer: (6)")
    assert "ocr-repaired" in repaired.flags and repaired.repairs == ("read “6” as option (b)",)


def test_a_custom_cue_counts_like_answer():
    check = {**SINGLE, "cue": "My pick"}
    assert selected("(a) is tempting.\nMy pick (d)", check) == "d"
    assert selected("(a) is tempting.\n(d) is worth a look", check) == "invalid"


# --- compare: found, expected, evidence ---------------------------------------------------------

def test_compare_names_the_label_how_it_was_read_and_the_evidence():
    parsed, comparison = grade("First I thought (a).\n\nThe answer is (b) because the step overshoots")
    assert (comparison.fraction, comparison.outcome) == (1.0, Outcome.CORRECT)
    assert comparison.found == "(b) by label"
    assert comparison.expected == "(b) the learning rate is too high"
    assert [(e.line, e.text) for e in comparison.evidence] == [(3, "The answer is (b) because the step overshoots")]
    _, wrong = grade("the loss diverges")
    assert (wrong.fraction, wrong.outcome, wrong.found) == (0.0, Outcome.INCORRECT, "(c) by text")
    assert wrong.detail == "chose (c); the answer is (b)"


def test_blank_is_missing():
    assert parse("") is None and parse("I did not attempt this.") is None


# --- multiple choice ---------------------------------------------------------------------------

@pytest.mark.parametrize("text, labels, fraction", [
    ("a, c", "a,c", 1.0), ("(a) and (c)", "a,c", 1.0), ("a & c", "a,c", 1.0), ("Answer: c, a", "a,c", 1.0), ("a c", "a,c", 1.0),
    ("options a and c", "a,c", 1.0), ("**a**, **c**", "a,c", 1.0), ("(a) & (c)", "a,c", 1.0),
    ("(a) ✓\n(b) ✗\n(c) ✓\n(d) ✗", "a,c", 1.0), ("Answer:\n(a)\n(c)", "a,c", 1.0),
    ("a, b — no, a, c", "a,c", 1.0), ("(a) and (c) are correct; (b) is wrong", "a,c", 1.0),
    ("sigmoid and tanh saturate", "a,c", 1.0),
    ("Answer: (a)", "a", 0.5),  # one of two right, none wrong: 1/2
    ("Answer: a, b, c", "a,b,c", 0.5),  # 2 right − 1 wrong = 1, of 2
    ("Answer: a, b", "a,b", 0.0),  # 1 − 1 = 0
    ("Answer: b, d", "b,d", 0.0),  # 0 − 2 < 0: floored at 0
    ("Answer: all of a, b, c, d", "a,b,c,d", 0.0),
])
def test_multiple_choice_per_option(text, labels, fraction):
    parsed, comparison = grade(text, MULTIPLE)
    assert ",".join(parsed.value.labels) == labels
    assert comparison.fraction == fraction
    assert comparison.outcome == (Outcome.CORRECT if fraction == 1 else Outcome.PARTIAL if fraction else Outcome.INCORRECT)


@pytest.mark.parametrize("text, fraction", [("a, c", 1.0), ("Answer: (a)", 0.0), ("a, b, c", 0.0)])
def test_multiple_choice_all_or_nothing(text, fraction):
    _, comparison = grade(text, {**MULTIPLE, "partial": "all_or_nothing"})
    assert comparison.fraction == fraction


def test_multiple_choice_detail_shows_the_formula():
    _, comparison = grade("Answer: a, b, c", MULTIPLE)
    assert comparison.found == "(a), (b), (c) by label"
    assert comparison.expected == "(a) sigmoid; (c) tanh"
    assert comparison.detail == "right: (a), (c); wrong: (b); credit max(0, (2 − 1) / 2) = 0.5"


def test_multiple_choice_hesitation_is_invalid():
    assert selected("(a) or (c)", MULTIPLE) == "invalid"


# --- true / false ------------------------------------------------------------------------------

@pytest.mark.parametrize("text, expected", [
    ("True", "true"), ("T", "true"), ("true.", "true"), ("✓", "true"), ("**T**", "true"), ("Ans: T", "true"),
    ("ture", "true"), ("Treu", "true"), ("This is true.", "true"), ("Correct", "true"),
    ("false", "false"), ("F", "false"), ("flase", "false"), ("FALSE", "false"), ("✗", "false"),
    ("It is not true", "false"), ("not false", "true"), ("The statement is wrong", "false"),
    ("The statement is false because ReLU never saturates, which is true for positive inputs", "false"),
    ("True? No, false.", "false"),
    ("True or False", "invalid"), ("True and false", "invalid"),
    ("T is the sequence length", None), ("The tree is deep", None), ("F = ma", None), ("", None),
])
def test_true_false(text, expected):
    assert selected(text, TRUE) == expected


def test_true_false_compare():
    _, comparison = grade("Ans: ture", TRUE)
    assert (comparison.fraction, comparison.found, comparison.expected) == (1.0, "True", "True")
    _, wrong = grade("F", {"kind": "true_false", "correct": False})
    assert wrong.fraction == 1.0
    _, wrong = grade("F", TRUE)
    assert (wrong.fraction, wrong.detail) == (0.0, "chose False; the answer is True")


def test_fuzzy_100_turns_off_ocr_tolerance():
    assert selected("ture", {**TRUE, "fuzzy": 100}) is None
    assert selected("the lerning rate is too high", {**SINGLE, "fuzzy": 100}) is None


# --- check params ------------------------------------------------------------------------------

@pytest.mark.parametrize("check, problem", [
    ({"options": LR, "correct": "e"}, "correct: 'e' is not one of the options (a, b, c, d)"),
    ({"options": LR, "correct": ["a", "b"]}, "kind single has one correct option"),
    ({"kind": "true_false", "options": {"t": "yes", "f": "no"}, "correct": True}, "takes no options"),
    ({"kind": "true_false", "correct": "b"}, "needs correct: true or correct: false"),
    ({"options": {}, "correct": "a"}, "needs its options"),
    ({"kind": "multiple", "correct": ["a"]}, "needs its options"),
    ({"options": {"a": "x"}, "correct": "a"}, "at least two options"),
    ({"options": {"(a)": "x", "b": "y"}, "correct": "b"}, "'(a)' is not a label"),
    ({"options": {"a": "x", "A": "y"}, "correct": "a"}, "are the same label"),
    ({"options": {"a": "ReLU", "b": "relu"}, "correct": "a"}, "have the same text"),
    ({"options": LR, "correct": True}, "true/false is for kind: true_false"),
    ({"kind": "multiple", "options": LR, "correct": []}, "name at least one correct option"),
    ({"kind": "multiple", "options": LR, "correct": ["a", "A"]}, "listed twice"),
])
def test_check_params_reports_author_mistakes(check, problem):
    params = CHOICE.Params.model_validate(check)
    problems = CHOICE.check_params(params, {})
    assert any(problem in p for p in problems), problems


@pytest.mark.parametrize("check", [
    {"options": LR, "correct": "b", "partail": "per_option"},  # a misspelt key
    {"options": LR, "correct": "b", "kind": "ranking"},
    {"options": LR, "correct": "b", "partial": "half"},
    {"options": LR, "correct": "b", "fuzzy": 20},
    {"options": LR},  # correct is required
])
def test_unknown_keys_and_wrong_values_are_errors(check):
    with pytest.raises(ValidationError):
        CHOICE.Params.model_validate(check)


def test_yaml_numbers_as_labels_and_texts_are_read_as_text():
    params = params_of({"options": {1: 0.5, 2: 1.5}, "correct": 2})
    assert params.options == {"1": "0.5", "2": "1.5"} and params.correct_labels == ("2",)
    assert selected("Answer: 1.5", {"options": {1: 0.5, 2: 1.5}, "correct": 2}) == "2"
    assert params_of({"options": ["a", "b", "c"], "correct": "B"}).correct_labels == ("b",)


# --- self-tests ------------------------------------------------------------------------------

@pytest.mark.parametrize("check", [
    SINGLE, MULTIPLE, {**MULTIPLE, "partial": "all_or_nothing"}, NUMBERED, ROMAN, TRUE,
    {"kind": "true_false", "correct": False}, {**SINGLE, "cue": ["Sol"]},
    {"kind": "multiple", "options": {"a": "x", "b": "y"}, "correct": ["a", "b"]},
    {"kind": "multiple", "options": {"a": "x", "b": "y", "c": "z"}, "correct": ["c"]},
])
def test_self_tests_grade_as_labelled(check):
    params = params_of(check)
    tests = CHOICE.self_test(params, {})
    assert {t.label for t in tests} == {"correct", "incorrect", "invalid"}
    for test in tests:
        parsed, comparison = grade(test.text, check)
        if test.label == "invalid":
            assert comparison is None, test
        else:
            assert comparison is not None, test
            assert (comparison.fraction >= 1) == (test.label == "correct"), test


# --- properties ------------------------------------------------------------------------------

NOUNS = ["learning rate", "network", "gradient", "step", "batch", "problem", "minimum", "loss", "model"]
WORDS = ["the", "is", "too", "large", "we", "so", "because", "it", "would", "need", "and", "an", "this", "smaller"]


@st.composite
def prose(draw):
    """Sentences with "a"/"A"/"I" used as English words, some after a cue."""
    sentences = []
    for _ in range(draw(st.integers(1, 4))):
        parts = []
        for _ in range(draw(st.integers(1, 5))):
            kind = draw(st.sampled_from(["article", "word", "pronoun", "cue"]))
            if kind == "article":
                parts.append(f"{draw(st.sampled_from(['a', 'A']))} {draw(st.sampled_from(NOUNS))}")
            elif kind == "pronoun":
                parts.append(f"I {draw(st.sampled_from(['think', 'would', 'guess', 'need']))}")
            elif kind == "cue":
                parts.append(f"{draw(st.sampled_from(['the answer is', 'Answer:', 'I choose', 'so']))} a "
                             f"{draw(st.sampled_from(NOUNS))}")
            else:
                parts.append(draw(st.sampled_from(WORDS)))
        sentences.append(" ".join(parts) + draw(st.sampled_from([".", "", ",", "!"])))
    return draw(st.sampled_from([" ", "\n"])).join(sentences)


ARTICLE_OPTIONS = {"options": {"a": "sigmoid", "b": "tanh", "c": "softmax", "i": "swish"}, "correct": "a"}


@settings(max_examples=300, deadline=None)
@given(prose())
def test_random_prose_never_turns_an_article_into_a_selection(text):
    assert selected(text, ARTICLE_OPTIONS) is None


@settings(max_examples=200, deadline=None)
@given(prose(), st.sampled_from(["(b)", "Answer: b", "b)", "**b**", "Option b"]))
def test_an_explicit_answer_after_prose_with_articles_is_read(text, answer):
    assert selected(f"{text}\n{answer}", ARTICLE_OPTIONS) == "b"


@settings(max_examples=200, deadline=None)
@given(st.sets(st.sampled_from("abcdef"), min_size=1), st.sets(st.sampled_from("abcdef"), min_size=1),
       st.sampled_from([", ", " and ", " & "]), st.sampled_from(["{}", "({})", "{})"]))
def test_a_written_list_reads_back_and_earns_the_per_option_formula(chosen, correct, sep, form):
    options = {label: f"option {label} text" for label in "abcdef"}
    check = {"kind": "multiple", "options": options, "correct": sorted(correct), "partial": "per_option"}
    text = "Answer: " + sep.join(form.format(label) for label in sorted(chosen))
    parsed, comparison = grade(text, check)
    assert set(parsed.value.labels) == chosen
    right, wrong = len(chosen & correct), len(chosen - correct)
    assert comparison.fraction == pytest.approx(max(0.0, (right - wrong) / len(correct)), abs=1e-4)
    assert per_option_fraction(chosen, correct) == max(0.0, (right - wrong) / len(correct))


# --- a rubric of our own -----------------------------------------------------------------------

EXAM = "id: mini\ntitle: Mini\ntotal: 3\nquestions: [q1]\n"
QUESTION = """\
id: q1
title: A diverging loss
points: 3
type: choice
markers: ["1.", "Q1"]
terms: ["learning rate", "diverge", "saturate"]
items:
  - id: cause
    points: 2
    description: why the loss diverges
    check:
      options:
        a: the learning rate is too low
        b: the learning rate is too high
        c: the batch is too large
        d: the gradients vanish
      correct: b
    feedback:
      correct: "Right: {{ found }}."
      default: "The answer is {{ expected }}; you wrote {{ found or 'nothing' }}."
  - id: relu
    points: 1
    description: ReLU is not saturating for positive inputs
    check: {kind: true_false, correct: true, cue: "Statement"}
    feedback: "{{ expected }}"
"""


def write_rubric(folder, question: str = QUESTION, exam: str = EXAM):
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "exam.yaml").write_text(exam, encoding="utf-8")
    (folder / "q1.yaml").write_text(question, encoding="utf-8")
    return folder


def test_a_rubric_with_choice_items_loads_self_tests_and_grades(tmp_path):
    rubric = load_rubric(write_rubric(tmp_path / "r"))
    assert self_test(rubric) == []
    result = Grader(rubric).grade_text("Name: A. Student\n\n1. The answer is (b) because each step overshoots.\n"
                                       "Statement: True\n")
    cause, relu = result.questions[0].items
    assert (cause.outcome.value, cause.score, cause.feedback) == ("correct", 2, "Right: (b) by label.")
    assert (relu.outcome.value, relu.score) == ("correct", 1)
    assert cause.evidence[0].text == "The answer is (b) because each step overshoots."
    wrong = Grader(rubric).grade_text("1. Ans: the batch is too large\nStatement: false")
    cause, relu = wrong.questions[0].items
    assert (cause.outcome.value, cause.score) == ("incorrect", 0)
    assert cause.feedback == "The answer is (b) the learning rate is too high; you wrote (c) by text."
    assert (relu.outcome.value, relu.score) == ("incorrect", 0)
    unsure = Grader(rubric).grade_text("1. Answer: (a) or (b)\n")
    cause = unsure.questions[0].items[0]
    assert cause.outcome.value == "invalid" and "unreadable-answer" in unsure.questions[0].flag_codes


def test_a_rubric_with_a_multiple_choice_item_grades_partial_credit(tmp_path):
    question = QUESTION.split("items:")[0] + textwrap.dedent("""\
    items:
      - id: saturating
        points: 5
        description: the saturating activations
        check: {kind: multiple, partial: per_option, options: {a: sigmoid, b: ReLU, c: tanh, d: leaky ReLU}, correct: [a, c]}
        feedback: "{{ detail }}"
    """)
    rubric = load_rubric(write_rubric(tmp_path / "r", question.replace("points: 3", "points: 5"),
                                      EXAM.replace("total: 3", "total: 5")))
    assert self_test(rubric) == []
    item, = Grader(rubric).grade_text("1. Answer: a, b, c").questions[0].items
    assert (item.outcome.value, item.score) == ("partial", 2.5)
    item, = Grader(rubric).grade_text("1. Answer: (a) and (c)").questions[0].items
    assert item.score == 5


def test_rubric_errors_name_the_file_and_line_of_the_check(tmp_path):
    bad = QUESTION.replace("correct: b", "correct: [b, e]")
    with pytest.raises(RubricError) as info:
        load_rubric(write_rubric(tmp_path / "r", bad))
    lines = info.value.lines()
    file = tmp_path / "r" / "q1.yaml"
    check_line = next(n for n, line in enumerate(bad.splitlines(), 1) if "check:" in line)
    assert f"{file}:{check_line}: items.0.check: correct: 'e' is not one of the options (a, b, c, d)" in lines
    assert any("kind single has one correct option" in line for line in lines)


def test_a_bare_label_answer_survives_segmentation(tmp_path):
    rubric = load_rubric(write_rubric(tmp_path / "r", QUESTION.replace("points: 3", "points: 2").split(
        "  - id: relu")[0], EXAM.replace("total: 3", "total: 2")))
    item, = Grader(rubric).grade_text("1. (b)\n").questions[0].items
    assert item.score == 2


def test_validate_passes_a_choice_rubric(tmp_path):
    folder = write_rubric(tmp_path / "r")
    result = CliRunner().invoke(main, ["validate", str(folder)], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[-1] == f"{folder}: valid (1 question, 2 items, 3 points; self-tests pass)"
