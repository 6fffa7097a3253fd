"""A concept said in other words: a sentence of the answer close in meaning to one of its phrasings.

The word matcher (``grader.types.phrasing``) finds a phrasing when its words are there.
Students often say the idea otherwise ("examples that are already classified well get a very
small loss" for "well-classified examples are down-weighted"). Here each sentence of the
answer (and each clause of a long one) is compared with each phrasing by the cosine
similarity of their sentence embeddings (``grader.types.meaning``), and a sentence earns the
concept only when all of these hold:

* both are prose (at least two real English words, half the words): a formula or a keyword
  list has no sentence meaning to compare;
* the similarity reaches the item's ``meaning`` threshold (the sentence compared with its misspelt
  words spelt right, toward the concept's own words first: ``grader.types.meaning.spelt``);
* lexical evidence: some of the phrasing's own content words (their lemmas, OCR-tolerant,
  or the item's aliases) are in the sentence — a third of them, at least one;
* the same polarity: a sentence with a negation earns no phrasing without one ("the gradient
  does not vanish" never earns "the gradient vanishes"), and a negated phrasing needs one;
* not the question restated: a sentence whose content words are (nearly) all the question's
  own ("transposed convolution can be written as matrix multiplication") earns nothing by meaning;
* a condition first: a phrasing that opens with one ("given H0 is true") needs a condition word
  before the rest of its words ("… H0 is true, given the data" conditions on the data);
* no opposite: a sentence holding, instead of a word of the phrasing, its plain English
  opposite ("low" for "high", "own" for "share") or another of the item's declared
  ``contrasts`` ("underfit" for "overfit") says the opposite.

Embeddings cannot see negation or opposites; these guards can. Deterministic: embeddings
are a fixed function of the text.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Mapping, Sequence

from grader.types.meaning import is_word, lemma, readable, similarity
from grader.types.phrasing import CONDITION_LEADS, NEGATIONS, STOPWORDS, Match, Token, content_words
from grader.types.phrasing import similarity as word_similarity

# Plain English opposites (a course's own are the rubric's ``contrasts``), by lemma.
_OPPOSITES = (("increase", "decrease"), ("high", "low"), ("large", "small"), ("big", "small"), ("more", "less"),
              ("fast", "slow"), ("easy", "hard"), ("maximum", "minimum"), ("positive", "negative"),
              ("true", "false"), ("same", "different"), ("share", "own"), ("before", "after"), ("always", "never"))
_OPPOSITE_OF = {a: b for pair in _OPPOSITES for a, b in (pair, pair[::-1])}
_LONG_SENTENCE = 18  # tokens: a longer sentence is also compared clause by clause


@dataclass(frozen=True)
class Unit:
    """A sentence or a clause of the answer: its tokens' positions and its text."""

    positions: tuple[int, ...]
    text: str


def units(tokens: Sequence[Token]) -> list[Unit]:
    """Every sentence of the answer, and every clause of four words or more of its long sentences."""
    sentences = _groups(tokens, "sentence")
    found = [_unit(tokens, positions) for positions in sentences.values()]
    for positions in _groups(tokens, "clause").values():
        if len(positions) >= 4 and len(sentences[tokens[positions[0]].sentence]) > _LONG_SENTENCE:
            unit = _unit(tokens, positions)
            if unit not in found:
                found.append(unit)
    return found


def prose_units(tokens: Sequence[Token], question_words: frozenset[str] = frozenset()) -> list[Unit]:
    """The units that read as prose and say more than the question's own words (``question_words``):
    what is compared by meaning (read once per answer)."""
    return [unit for unit in units(tokens) if _is_prose([tokens[i].word for i in unit.positions])
            and not (question_words and _restates_question(tokens, unit, question_words))]


def _groups(tokens: Sequence[Token], key: str) -> dict[int, list[int]]:
    groups: dict[int, list[int]] = {}
    for index, token in enumerate(tokens):
        groups.setdefault(getattr(token, key), []).append(index)
    return groups


def _unit(tokens: Sequence[Token], positions: Sequence[int]) -> Unit:
    return Unit(tuple(positions), " ".join(tokens[i].text for i in positions))


def _negated(tokens: Sequence[Token], positions: Sequence[int]) -> bool:
    return any(tokens[i].word in NEGATIONS for i in positions)


def _anchors(tokens: Sequence[Token], unit: Unit, words: list[tuple[str, bool]], word_floor: float,
             aliases: Mapping[str, Sequence[str]], contrasts: frozenset[str]) -> list[int]:
    """The unit's tokens that are words of the phrasing."""
    found = []
    for word, acronym in words:
        alias = {a.lower() for a in aliases.get(word, ())}
        for i in unit.positions:
            token = tokens[i]
            if token.word in alias or word_similarity(word, acronym, token.text, contrasts) >= word_floor:
                found.append(i)
                break
    return found


def _opposite(tokens: Sequence[Token], unit: Unit, phrasing_words: set[str], contrasts: frozenset[str]) -> bool:
    """Whether the unit says an opposite of a word of the phrasing instead of it: a built-in pair
    (high/low) or two of the item's declared ``contrasts`` (overfit/underfit)."""
    said = {lemma(tokens[i].word) for i in unit.positions} | {tokens[i].word for i in unit.positions}
    meant = {lemma(w) for w in phrasing_words} | set(phrasing_words)
    for word in meant - said:
        if _OPPOSITE_OF.get(word) in said - meant:
            return True
        if word in contrasts and any(other in contrasts for other in said - meant):
            return True
    return False


RESTATED = 0.75  # share of a sentence's content words that are the question's: it restates the question


def _restates_question(tokens: Sequence[Token], unit: Unit, question_words: frozenset[str]) -> bool:
    """Whether the sentence's content words are (nearly) all the question's own ("Transposed
    convolution can be written as matrix multiplication" under the title "Transposed convolution as
    a matrix multiplication"): close in meaning to an idea about the question, it adds nothing."""
    words = [tokens[i].word for i in unit.positions]
    content = [w for w in words if len(w) >= 3 and w.isalpha() and w not in STOPWORDS]
    if not content:
        return True
    lemmas = {lemma(w) for w in question_words}
    said = sum(1 for w in content if w in question_words or lemma(w) in lemmas
               or any(word_similarity(q, False, w) >= 80 for q in question_words if len(q) >= 4))
    return said >= RESTATED * len(content)


def _condition_first(tokens: Sequence[Token], unit: Unit, anchors: Sequence[int]) -> bool:
    """A phrasing that opens with a condition ("given H0 is true") is said only by a sentence whose
    condition word comes before what it conditions: "the probability that H0 is true, given the
    data" conditions on the data."""
    conditions = [i for i in unit.positions if tokens[i].word in CONDITION_LEADS]
    rest = [i for i in anchors if tokens[i].word not in CONDITION_LEADS]
    return bool(conditions) and (not rest or min(conditions) < min(rest))


def _is_prose(words: Sequence[str]) -> bool:
    """Whether words read as English prose: embeddings compare meanings of sentences, not of
    formulas or keyword lists ("p t 0 1 log p", "FL(p_t) = -(1 - p_t)^gamma log(p_t)")."""
    real = [w for w in words if len(w) >= 3 and w.isalpha() and is_word(w)]
    return len(real) >= 2 and 2 * len(real) >= len(words)


def meaning_match(tokens: Sequence[Token], phrasings: Sequence[str], threshold: float, word_floor: float,
                  aliases: Mapping[str, Sequence[str]], contrasts: frozenset[str],
                  sentences: Sequence[Unit] | None = None, question_words: frozenset[str] = frozenset()) -> Match | None:
    """The sentence that says one of ``phrasings`` in other words, as a Match (score: similarity × 100).
    ``sentences``: the answer's ``prose_units``, when the caller has read them already (then without
    the sentences that restate the question); else they are read here, without those of
    ``question_words``, the words the question prints (a sentence made of them says nothing new)."""
    if not tokens or not phrasings:
        return None
    prose = [p for p in phrasings if content_words(p) and _is_prose(p.lower().split())]
    if not prose:
        return None
    best: Match | None = None
    vocabulary = frozenset(w for p in phrasings for w, _ in content_words(p))
    for unit in prose_units(tokens, question_words) if sentences is None else sentences:
        text = readable(unit.text, vocabulary)  # "rneasure", "probablity": noise to the embeddings
        for phrasing in prose:
            words = content_words(phrasing)
            score = similarity(phrasing, text)
            if score < threshold or (best is not None and score * 100 <= best.score):
                continue
            anchors = _anchors(tokens, unit, words, word_floor, aliases, contrasts)
            if len(anchors) < max(1, len(words) // 3):
                continue
            phrasing_words = {w for w, _ in words} | {w.lower() for w in phrasing.split()}
            negative_phrasing = bool(phrasing_words & NEGATIONS)
            if _negated(tokens, unit.positions) != negative_phrasing:
                continue
            if _opposite(tokens, unit, phrasing_words, contrasts):
                continue
            if words[0][0] in CONDITION_LEADS and not _condition_first(tokens, unit, anchors):
                continue
            best = Match(phrasing, round(score * 100, 2), tuple(sorted(anchors)), False, how="meaning")
    return best
