"""Find a phrasing in OCR'd prose: fuzzy words, close together, not negated.

A phrasing ("product of gradients") is reduced to its content words
(``product``, ``gradients``). It is *found* when every content word has a
similar token (OCR-tolerant: "greatient" ≈ gradient, "LSTH" ≈ LSTM, "signeid" ≈
sigmoid) inside one window of the answer, and the length-weighted similarity of
those words reaches the threshold — so one badly misread word is carried by its
well-read neighbours, but a lone garbled word is not enough. It is *asserted*
when it is found and not negated: "does not vanish", "no", "never", "without"
just before it or between its words, in the same clause.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Iterable, Mapping, Sequence

from rapidfuzz import fuzz
from rapidfuzz.distance import Levenshtein

from grader.model import Line
from grader.types.meaning import frequency, is_word, lemma

_TOKEN = re.compile(r"\d+(?:\.\d+)?|[^\W\d_]+|[.;!?:]")
_CLAUSE_PUNCT = frozenset(".;!?:")
_SENTENCE_END = frozenset(".!?")
_BULLET = re.compile(r"^\s*(?:[-*•]\s|\(?[0-9ivx]{1,3}[.)]\s)")
# Connectives that start a new clause: a negation before them does not reach past them.
_CLAUSE_WORDS = frozenset({"but", "however", "whereas", "although", "though", "so", "because", "therefore",
                           "hence", "thus", "since", "which", "while", "then", "whereby"})
NEGATIONS = frozenset({"not", "no", "never", "without", "cannot", "nor", "neither", "none", "nothing", "hardly"})
STOPWORDS = frozenset({
    "a", "an", "the", "of", "to", "in", "on", "at", "by", "for", "with", "is", "are", "be", "was", "were", "it",
    "its", "this", "that", "these", "those", "as", "and", "or", "can", "will", "has", "have", "we", "our", "from",
    "into", "very", "when", "if", "there", "their", "them", "they", "does", "do", "so", "such", "which",
})
# Correctly spelt English words that look alike but mean the opposite: never fuzzy-matched to each
# other. A course's own pairs ("overfit"/"underfit") are the rubric's: the concepts check ``contrasts``.
_CONTRASTS = frozenset({
    "increase", "decrease", "high", "low", "higher", "lower", "more", "less", "large", "small", "larger",
    "smaller", "easy", "hard", "input", "output", "maximum", "minimum", "max", "min", "positive", "negative",
})
# A Greek letter written in LaTeX or Unicode is read as its name, so a phrasing can say "gamma".
_GREEK_NAMES = ("alpha beta gamma delta epsilon zeta eta theta iota kappa lambda mu nu xi omicron pi rho sigma "
                "tau upsilon phi chi psi omega").split()
_GREEK_LETTERS = dict(zip("αβγδεζηθικλμνξοπρστυφχψω", _GREEK_NAMES))
_GREEK_LATEX = re.compile(r"\\(?:var)?(" + "|".join(_GREEK_NAMES) + r")(?![A-Za-z])")


def spell_greek(text: str) -> str:
    r"""``\gamma`` and ``γ`` as " gamma " (every Greek letter alike)."""
    text = _GREEK_LATEX.sub(lambda m: f" {m.group(1)} ", text)
    if not any(c in _GREEK_LETTERS for c in text):
        return text
    return "".join(f" {_GREEK_LETTERS[c]} " if c in _GREEK_LETTERS else c for c in text)


def contrast_forms(words: Iterable[str]) -> frozenset[str]:
    """Every inflected form of ``words`` that counts as a contrast (never fuzzy-matched)."""
    return frozenset(w + s for w in words for s in ("", "s", "es", "ed", "ing", "d", "e", "er", "ers"))


_SUFFIXES = ("ations", "ation", "ings", "ing", "ies", "ied", "es", "ed", "ly", "er", "s", "e")
_OCR_FOLD = str.maketrans({"m": "n", "o": "e", "0": "e", "1": "l", "i": "l", "|": "l", "5": "s"})

# Words that make a condition are one word to a phrasing: "assuming H0 is true" is said
# "if H0 is true", "given H0 is true", "provided H0 holds" (plain English, no course's vocabulary).
CONDITIONALS = frozenset({"assuming", "assume", "given", "if", "provided", "supposing", "suppose", "when"})
# Words that open a condition, which must come before what it conditions: the conditionals and
# "under" ("under H0"), which is not taken for "if" elsewhere ("under the curve").
CONDITION_LEADS = CONDITIONALS | {"under"}

NEGATION_LOOKBACK = 6  # tokens before a phrasing that a negation (in the same clause) reaches


@dataclass(frozen=True)
class Token:
    text: str  # as written (case kept: acronyms are matched by case)
    word: str  # lower-case, "n't" already split into "not"
    line: int
    clause: int
    sentence: int = 0  # a phrasing is found inside one sentence, never across a full stop


def _stem(word: str) -> str:
    for suffix in _SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= 4:
            return word[: -len(suffix)]
    return word


def tokenize(lines: Iterable[Line]) -> list[Token]:
    """Word tokens of the answer with their line and clause number."""
    tokens: list[Token] = []
    clause = sentence = 0
    for line in lines:
        if _BULLET.match(line.text) and tokens:
            clause, sentence = clause + 1, sentence + 1  # each item of a list is a sentence of its own
        text = expand_not(line.text)
        text = spell_greek(text)
        previous = ""
        for match in _TOKEN.finditer(text):
            raw = match.group()
            if raw in _CLAUSE_PUNCT:
                clause += 1
                # "e.g." and "i.e." hold full stops that end no sentence
                if raw in _SENTENCE_END and not (len(previous) == 1 and previous.isalpha()):
                    sentence += 1
                previous = raw
                continue
            word = raw.lower()
            if word in _CLAUSE_WORDS:
                clause += 1
            tokens.append(Token(raw, word, line.number, clause, sentence))
            previous = raw
    return tokens


_CONTRACTED = {"ca": "can", "wo": "will", "sha": "shall"}


def expand_not(text: str) -> str:
    """"can't" and "cannot" → "can not", "won't" → "will not", "doesn't" → "does not"."""
    text = re.sub(r"\b(ca|wo|sha)n[’']t\b", lambda m: _CONTRACTED[m.group(1).lower()] + " not", text, flags=re.IGNORECASE)
    text = re.sub(r"\bcannot\b", "can not", text, flags=re.IGNORECASE)
    return re.sub(r"n[’']t\b", " not", text)


def phrasing_tokens(phrasing: str) -> list[str]:
    """Every word of a phrasing, little ones included, as the answer's tokens are counted."""
    return [raw for raw in _TOKEN.findall(spell_greek(expand_not(phrasing))) if raw not in _CLAUSE_PUNCT]


def content_words(phrasing: str) -> list[tuple[str, bool]]:
    """(word, is_acronym) for each content word of a phrasing ("LSTM" is an acronym)."""
    words = []
    for raw in _TOKEN.findall(spell_greek(expand_not(phrasing))):
        if raw in _CLAUSE_PUNCT or raw.lower() in STOPWORDS:
            continue
        words.append((raw.lower(), len(raw) >= 3 and raw.isupper()))
    return words


# Numbers said in words are those numbers ("two processes" is "2 processes").
_NUMBER_WORDS = {w: str(n) for n, w in enumerate(
    "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen "
    "seventeen eighteen nineteen twenty".split())}


@lru_cache(maxsize=65536)
def similarity(word: str, acronym: bool, token_text: str, contrasts: frozenset[str] = frozenset()) -> float:
    """0..100: how likely the written token is an (OCR-damaged) form of ``word``."""
    token = token_text.lower()
    if token == word or _stem(token) == _stem(word) or (token[:1] == word[:1] and lemma(token) == lemma(word)):
        return 100.0
    if _NUMBER_WORDS.get(token, token) == _NUMBER_WORDS.get(word, word):
        return 100.0  # "two" is "2"
    if len(word) <= 3 and not acronym:
        return 0.0  # short words and numbers ("p", "0", "log") must be exact
    if acronym:
        # An acronym misread by one letter keeps its capitals: "LSTH" for LSTM, never "last".
        close = token_text.isupper() and len(token) == len(word) and Levenshtein.distance(token, word) <= 1
        return 90.0 if close else 0.0
    if _negative_prefix_pair(token, word):  # "misclassified" is not "classified", "enqueue" not "queue"
        return 0.0
    if is_word(token) and is_word(word) and not _derived(token, word) and not _one_letter_misread(token, word) \
            and frequency(word) < RARE * frequency(token):
        return 0.0  # two real words, neither rare next to the other nor one misread letter apart: "leaf" is not "left"
    if token in _CONTRASTS_WORDS or token in contrasts:  # a correctly spelt look-alike ("decreases" for increases)
        return 0.0
    plain = fuzz.ratio(token, word)
    stemmed = fuzz.ratio(_stem(token), _stem(word))
    folded = fuzz.ratio(token.translate(_OCR_FOLD), word.translate(_OCR_FOLD))
    return max(plain, stemmed, folded)


# A real word written where a much more common one of like spelling fits is read as that one
# ("wards" for "words", "lest" for "least"): OCR and spelling slips land on rare words.
RARE = 30


# Letters handwriting and OCR mistake for each other, one for one ("wards" for "words", "loss" for "less").
_LOOK_ALIKE = frozenset(frozenset(p) for p in ("ao", "ae", "eo", "ou", "uv", "nu", "mn", "il", "ce"))


def _one_letter_misread(a: str, b: str) -> bool:
    """Same length, one letter different, and those two letters look alike."""
    if len(a) != len(b) or len(a) < 4:
        return False
    diff = [(x, y) for x, y in zip(a, b) if x != y]
    return len(diff) == 1 and frozenset(diff[0]) in _LOOK_ALIKE


def _derived(a: str, b: str) -> bool:
    """Words of one family ("multiply", "multiplication"): a shared start of six letters or more,
    three quarters of the shorter word."""
    shared = len(os.path.commonprefix([a, b]))
    return shared >= 6 and shared >= 0.75 * min(len(a), len(b))


_NEGATIVE_PREFIXES = ("mis", "non", "un", "in", "im", "ir", "dis", "en", "de", "re", "pre", "over", "under", "sub")


def _negative_prefix_pair(a: str, b: str) -> bool:
    short, long = sorted((a, b), key=len)
    return any(long.startswith(p) and fuzz.ratio(long[len(p):], short) >= 90 for p in _NEGATIVE_PREFIXES)


_CONTRASTS_WORDS = contrast_forms(_CONTRASTS)


@dataclass(frozen=True)
class Match:
    phrasing: str
    score: float
    positions: tuple[int, ...]
    negated: bool
    how: str = "words"  # "words": its words were found; "meaning": a sentence says it in other words; "formula"
    at: tuple[int, ...] = ()  # lines found on other than the tokens' (a formula phrasing's)

    def lines(self, tokens: Sequence[Token]) -> list[int]:
        return sorted({tokens[p].line for p in self.positions} | set(self.at))


def _negated(tokens: Sequence[Token], positions: Sequence[int]) -> bool:
    first, last = min(positions), max(positions)
    clause = tokens[first].clause
    start = max(0, first - NEGATION_LOOKBACK)
    for index in range(start, last + 1):
        if index in positions:
            continue
        token = tokens[index]
        if token.word not in NEGATIONS or not (token.clause == clause or index > first):
            continue
        if index > 0 and token.word == "not" and tokens[index - 1].word in _ELLIPTICAL:
            continue  # "if not, the process is terminated": "not" stands for a clause left out
        if token.word in _NOUN_NEGATIONS and any(tokens[k].word in ("and", "or") for k in range(index + 1, first)):
            continue  # "no preemption and circular wait": "no" denies its own noun, not the next item of a list
        return True
    return False


# "if not", "or not", "whether or not": the "not" negates a clause that is left out
_ELLIPTICAL = frozenset({"if", "or", "whether"})
# negations of a noun ("no X", "without X"): they do not reach past "and"/"or" to the next item of a list
_NOUN_NEGATIONS = frozenset({"no", "without", "none"})


def find_phrasing(tokens: Sequence[Token], phrasing: str, threshold: float, word_floor: float,
                  window: int | None, aliases: Mapping[str, Sequence[str]],
                  contrasts: frozenset[str] = frozenset(), ordered: bool = False) -> Match | None:
    """The best occurrence of ``phrasing``: asserted ones first, then negated ones; None if absent.
    ``ordered``: its words must come in the phrasing's order ("A is slower than B" is not "B is
    slower than A"), as a misconception's must."""
    words = content_words(phrasing)
    if not words or not tokens:
        return None
    span = window or max(6, 3 * len(words) + 3)
    # "given H0 is true": a condition comes before what it conditions, so "the probability that H0 is
    # true, given the data" does not say it (the condition there is the data)
    condition_first = words[0][0] in CONDITION_LEADS and len(words) > 1
    weights = [max(len(w), 3) for w, _ in words]
    candidates: list[list[tuple[int, float]]] = []
    for word, acronym in words:
        alias = {a.lower() for a in aliases.get(word, ())} | (CONDITIONALS if word in CONDITIONALS else set())
        found = []
        for index, token in enumerate(tokens):
            score = 100.0 if token.word in alias else similarity(word, acronym, token.text, contrasts)
            if score >= word_floor:
                found.append((index, score))
        if not found:
            return None
        candidates.append(found)
    best: Match | None = None
    for start in sorted({i for found in candidates for i, _ in found}):
        chosen: list[tuple[int, float]] = []
        sentence = tokens[start].sentence
        for found in candidates:
            after = chosen[-1][0] if ordered and chosen else start - 1  # in order: each word after the last
            inside = [(s, -i) for i, s in found
                      if start <= i < start + span and tokens[i].sentence == sentence and i > after]
            if not inside:
                break
            score, neg_index = max(inside)
            chosen.append((-neg_index, score))
        else:
            positions = tuple(i for i, _ in chosen)
            if min(positions) != start:
                continue
            if ordered and any(a >= b for a, b in zip(positions, positions[1:])):
                continue
            if condition_first and positions[0] != min(positions):
                continue
            score = sum(w * s for w, (_, s) in zip(weights, chosen)) / sum(weights)
            if score < threshold:
                continue
            match = Match(phrasing, score, positions, _negated(tokens, positions))
            if best is None or (not match.negated, match.score) > (not best.negated, best.score):
                best = match
    return best


# A claim refuted by the sentence after it: '"A large p-value proves H0." This is wrong because …'
_REFUTATION_START = ("this", "that", "it", "which")
_REFUTATION_WORDS = frozenset({"wrong", "false", "incorrect", "untrue", "misconception", "mistake", "myth"})
_REFUTATION_ALONE = _REFUTATION_WORDS | {"no", "nope"}  # a sentence of that one word refutes the one before


def refuted_sentences(tokens: Sequence[Token]) -> frozenset[int]:
    """The sentences whose next sentence opens by calling them wrong ("This is wrong", "False:")."""
    firsts: dict[int, list[str]] = {}
    for token in tokens:
        words = firsts.setdefault(token.sentence, [])
        if len(words) < 4:
            words.append(token.word)
    lengths: dict[int, int] = {}
    for token in tokens:
        lengths[token.sentence] = lengths.get(token.sentence, 0) + 1
    refuted = set()
    for sentence, words in firsts.items():
        opening = words[1:4] if words[:1] and words[0] in _REFUTATION_START else words[:1]
        alone = lengths[sentence] == 1 and words[0] in _REFUTATION_ALONE  # "Nope." / "No." / "Wrong."
        if sentence > 0 and (alone or (any(w in _REFUTATION_WORDS for w in opening) and "not" not in opening)):
            refuted.add(sentence - 1)
    return frozenset(refuted)
