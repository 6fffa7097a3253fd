"""Concepts said in other words: matching by meaning, its guards, and the resources it reads offline."""

from __future__ import annotations

import pytest

from grader.model import Outcome, Segment
from grader.types import get_type
from grader.types import meaning
from grader.types.concepts_meaning import meaning_match, units
from grader.types.phrasing import refuted_sentences, tokenize

CONCEPTS = get_type("concepts")


def grade(check: dict, answer: str):
    params = CONCEPTS.Params.model_validate(check)
    segment = Segment.from_text("q", answer)
    ctx = CONCEPTS.prepare("q", segment, {}, params)
    parsed = CONCEPTS.parse(ctx, params)
    return None if parsed is None else CONCEPTS.compare(parsed, ctx, params)


def tokens(text: str):
    return tokenize(Segment.from_text("q", text).lines)


# --- the resources ----------------------------------------------------------------------------

def test_the_embeddings_load_from_the_installed_package_without_any_network(monkeypatch):
    import socket

    def refuse(*args, **kwargs):
        raise OSError("no network in this test")

    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket.socket, "connect", refuse)
    meaning._load_model.cache_clear()
    meaning._vector.cache_clear()
    assert meaning.similarity("the gradient vanishes", "the gradient vanishes") == pytest.approx(1.0)


@pytest.mark.parametrize("word, lemma", [
    ("vanishes", "vanish"), ("vanishing", "vanish"), ("gradients", "gradient"), ("ran", "run"), ("processes", "process"),
])
def test_lemmas(word, lemma):
    assert meaning.lemma(word) == lemma


def test_dictionary_words_and_their_frequency():
    assert meaning.is_word("leaf") and meaning.is_word("left") and not meaning.is_word("greatient")
    assert meaning.frequency("words") > 30 * meaning.frequency("wards") > 0


def test_similarity_is_deterministic_and_symmetric():
    a, b = "threads share the heap", "all threads of a process use one heap"
    assert meaning.similarity(a, b) == meaning.similarity(a, b) == pytest.approx(meaning.similarity(b, a))


# --- sentences and their guards ----------------------------------------------------------------

def test_units_are_sentences_and_the_clauses_of_long_ones():
    found = [u.text for u in units(tokens("Threads share memory. Each has its own stack."))]
    assert found == ["Threads share memory", "Each has its own stack"]


@pytest.mark.parametrize("answer, phrasing, found", [
    # other words, close enough in meaning, with some of the phrasing's words
    ("examples that are already classified well get a very small loss", "well-classified examples get a small loss", True),
    # the polarity guard: embeddings do not see "not"
    ("the gradient does not vanish in an LSTM", "the gradient vanishes in an RNN", False),
    # the opposite guard: a declared or built-in opposite said instead
    ("the loss is high for examples that are classified well", "the loss is low for examples that are classified well", False),
    # formulas and keyword lists have no sentence meaning
    ("FL(p_t) = -(1 - p_t)^gamma log(p_t)", "gamma 0 factor 1 log p", False),
    # nothing of the phrasing's words: no anchor, no match
    ("the weather was nice yesterday afternoon", "threads share the address space", False),
])
def test_meaning_match_and_its_guards(answer, phrasing, found):
    match = meaning_match(tokens(answer), [phrasing], 0.6, 70, {}, frozenset())
    assert (match is not None) is found
    if match is not None:
        assert match.how == "meaning" and not match.negated


def test_declared_opposites_are_never_taken_for_each_other():
    said = tokens("the degree 15 model underfits the training data badly")
    assert meaning_match(said, ["the degree 15 model overfits the training data"], 0.6, 70, {}, frozenset()) is not None
    contrasts = frozenset({"overfits", "underfits"})
    assert meaning_match(said, ["the degree 15 model overfits the training data"], 0.6, 70, {}, contrasts) is None


def test_a_phrasing_is_never_found_across_a_full_stop():
    check = {"id": "overfit", "phrasings": ["degree 15 overfits"], "meaning": 1}
    assert grade(check, "The degree 15 model overfits.").outcome == Outcome.CORRECT
    assert grade(check, "Degree 1 has high bias. The 15th one overfits.").outcome == Outcome.INCORRECT


def test_a_claim_quoted_and_refuted_is_negated():
    answer = '"A large p-value proves H0." This is wrong because failing to reject is not accepting.'
    assert refuted_sentences(tokens(answer)) == {0}
    negative = grade({"phrasings": ["a large p-value does not prove H0"]}, answer)
    assert negative.outcome == Outcome.CORRECT
    claim = grade({"phrasings": ["a large p-value proves H0"]}, answer)
    assert claim.outcome == Outcome.INCORRECT and "not holding" in claim.detail


def test_misconceptions_are_matched_by_their_words_only():
    check = {"phrasings": ["data at least as extreme"], "misconceptions": ["probability that the null hypothesis is true"],
             "misconception_slack": 4}
    right = grade(check, "Assuming the null hypothesis is true, data at least as extreme as ours.")
    assert right.outcome == Outcome.CORRECT


def test_feedback_says_the_idea_in_words_never_an_id():
    check = {"all_of": [{"id": "c1", "phrasings": ["stack is private"], "idea": "each thread has its own stack"},
                        {"id": "c2", "phrasings": ["heap is shared"]}], "meaning": 1}
    comparison = grade(check, "The heap is shared by all threads.")
    assert comparison.found == "“heap is shared”"
    assert comparison.detail == "not found: “each thread has its own stack”"
    assert "c1" not in comparison.detail + comparison.found + comparison.expected


def test_meaning_can_be_turned_off_per_item():
    said = "all threads of a process use the same address space"   # "share" is not there
    on = grade({"phrasings": ["threads share the address space"], "meaning": 0.7}, said)
    off = grade({"phrasings": ["threads share the address space"], "meaning": 1}, said)
    assert on.outcome == Outcome.CORRECT and off.outcome == Outcome.INCORRECT


def test_a_misconception_is_said_in_its_order():
    check = {"phrasings": ["threads are cheaper"], "misconceptions": ["thread switching is more expensive than process switching"]}
    reversed_claim = grade(check, "Threads are cheaper: process switching is more expensive than thread switching.")
    assert reversed_claim.outcome == Outcome.CORRECT
    claim = grade(check, "Threads are cheaper, but thread switching is more expensive than process switching.")
    assert claim.outcome == Outcome.INCORRECT and "Misconception" in claim.detail


@pytest.mark.parametrize("answer", ["a thread can't exist without a process", "a thread cannot exist without a process"])
def test_contractions_are_negations(answer):
    found = grade({"phrasings": ["a thread can't exist without a process"], "meaning": 1}, answer)
    assert found.outcome == Outcome.CORRECT


def test_self_tests_include_another_wording_and_every_misconception():
    params = CONCEPTS.Params.model_validate({"phrasings": ["threads share the heap", "the heap is common to all threads"],
                                             "misconceptions": ["each thread has its own heap", "threads copy the heap"]})
    tests = CONCEPTS.self_test(params, {})
    assert [t.label for t in tests] == ["correct", "correct", "incorrect", "incorrect", "invalid"]
    assert tests[1].text == "the heap is common to all threads."
    assert all(m in t.text for m, t in zip(params.misconceptions, tests[2:4]))


@pytest.mark.parametrize("answer, refuted", [
    ('"p = chance H0 is true." Nope. It is about the data.', {0}),
    ("Mutual exclusion holds. No preemption holds too.", set()),   # "No preemption" is a condition, not a refutation
])
def test_a_one_word_refutation(answer, refuted):
    assert refuted_sentences(tokens(answer)) == refuted


def test_any_k_of_n_says_how_many_were_found_and_names_a_few_others():
    ideas = [{"id": f"i{k}", "phrasings": [p]} for k, p in enumerate(
        ["threads share memory", "threads are cheap", "stacks are private", "files are shared", "registers are private"])]
    comparison = grade({"any_of": ideas, "need": 3, "meaning": 1}, "Threads share memory. Threads are cheap.")
    assert comparison.fraction == pytest.approx(2 / 3)
    assert comparison.detail == ("2 of the 3 ideas needed; others that count: “stacks are private”, “files are shared”, "
                                 "“registers are private”")


GIVEN, UNDER = "given that the null hypothesis is true", "under the null hypothesis"


@pytest.mark.parametrize("phrasing, answer, found", [
    (GIVEN, "We compute it assuming the null hypothesis is true.", True),
    (GIVEN, "Given that the null hypothesis is true, it is the chance of data this extreme.", True),
    (GIVEN, "It is the probability that the null hypothesis is true, given the data we observed.", False),
    (GIVEN, "The probability that the null hypothesis is true given what we saw.", False),
    (UNDER, "We compute it under the null hypothesis.", True),    # "under" opens a condition too
    (UNDER, "It is the probability that the null hypothesis is true, under what we saw.", False),
])
def test_a_condition_comes_before_what_it_conditions(phrasing, answer, found):
    check = {"any_of": [{"id": "h0", "phrasings": [phrasing]}]}
    result = grade(check, answer)
    assert (result is not None and result.outcome is Outcome.CORRECT) is found


@pytest.mark.parametrize("word, vocabulary, expected", [
    ("rneasure", (), "measure"),          # an OCR letter group (rn for m) to an English word
    ("srnall", (), "small"),
    ("probablity", ("probability",), "probability"),   # one edit, to the concept's own word
    ("probablity", (), "probablity"),     # one edit to no word of the rubric: kept
    ("mutex", (), "mutex"),               # a course's term the dictionary lacks is never another word
    ("leaf", ("left",), "leaf"),          # a real word stays
    ("semaphor", ("semaphore",), "semaphore"),
    ("LSTM", (), "LSTM"),
])
def test_misspelt_words_are_spelt_right_for_the_embeddings(word, vocabulary, expected):
    assert meaning.spelt(word, frozenset(vocabulary)) == expected


def test_an_ocr_misspelt_sentence_reads_closer_once_spelt():
    phrasing = "not a measure of the size of the effect"
    written = "It does not rneasure how large the effect is, a srnall effect can give a srnall p"
    spelt = meaning.readable(written, frozenset({"measure", "size", "effect"}))
    assert "measure" in spelt and "small" in spelt
    assert meaning.similarity(phrasing, spelt) > meaning.similarity(phrasing, written) + 0.2


def test_a_sentence_of_the_questions_own_words_earns_nothing_by_meaning():
    tokens_ = tokens("Transposed convolution can be written as a matrix multiplication.")
    phrasing = ["the transposed convolution multiplies by the transpose of the convolution matrix"]
    question = frozenset({"transposed", "convolution", "as", "matrix", "multiplication"})
    assert meaning_match(tokens_, phrasing, 0.5, 70, {}, frozenset()) is not None  # close in meaning …
    assert meaning_match(tokens_, phrasing, 0.5, 70, {}, frozenset(), question_words=question) is None  # … and no answer
