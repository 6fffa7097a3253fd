"""What free text means, offline: lemmas, an English dictionary and sentence embeddings.

* ``lemma(word)``: the dictionary form (simplemma's English tables): "vanishes" and
  "vanishing" are "vanish", "ran" is "run".
* ``is_word(word)``, ``frequency(word)``: a correctly spelt English word and how common it is
  (symspellpy's frequency dictionary of 82,765 words). Fuzzy OCR repair may turn a misspelling
  into a rubric's word, but one real word into another only when the written one is rare next
  to the meant one ("wards" for "words"), never between two common words ("leaf", "left").
* ``similarity(a, b)``: the cosine similarity of two texts' sentence embeddings, from
  WordLlama's static 256-dimension token embeddings. Its weights ship inside the wheel; the
  loader is pointed at the package's own folder with downloads disabled, so nothing is fetched
  at run time. Embeddings do not see negation ("the gradient vanishes" and "… does not vanish"
  are close), so callers combine them with lexical evidence and the negation guard.

Every resource is loaded once per process on first use (a lock makes that safe in threads)
and never written to afterwards; results depend only on the inputs, so grading stays
deterministic.
"""

from __future__ import annotations

import threading
from functools import lru_cache
from importlib import resources
from pathlib import Path

import numpy as np

_LOCK = threading.Lock()


def _model():
    with _LOCK:  # outside the cache, so two threads asking at once load the model once
        return _load_model()


@lru_cache(maxsize=1)
def _load_model():
    import wordllama
    from wordllama import WordLlama

    return WordLlama.load(cache_dir=Path(wordllama.__file__).parent, disable_download=True)


@lru_cache(maxsize=1)
def _dictionary() -> dict[str, str]:
    """word -> its count, as written (counts are read only for the rare words compared: a start-up
    cost of 0.05 s instead of 0.3 s)."""
    text = (resources.files("symspellpy") / "frequency_dictionary_en_82_765.txt").read_text(encoding="utf-8")
    return dict(line.split(" ", 1) for line in text.splitlines() if " " in line)


@lru_cache(maxsize=65536)
def lemma(word: str) -> str:
    import simplemma

    return simplemma.lemmatize(word.lower(), lang="en").lower()


def is_word(word: str) -> bool:
    return word.lower() in _dictionary()


def frequency(word: str) -> int:
    """How often the word occurs in the dictionary's English corpus (0: not a word)."""
    count = _dictionary().get(word.lower())
    return int(count) if count and count.isdigit() else 0


_LETTERS = "abcdefghijklmnopqrstuvwxyz"
# OCR's and handwriting's letter groups read for one another ("rn" for m, "vv" for w, "cl" for d)
_OCR_GROUPS = (("rn", "m"), ("vv", "w"), ("cl", "d"), ("ii", "u"), ("0", "o"), ("1", "l"), ("5", "s"))


@lru_cache(maxsize=65536)
def _neighbours(lower: str) -> tuple[frozenset[str], frozenset[str]]:
    """(words one OCR letter group away, words one edit away) of a written word."""
    ocr = {lower.replace(a, b) for a, b in _OCR_GROUPS if a in lower}
    splits = [(lower[:i], lower[i:]) for i in range(len(lower) + 1)]
    edits = {a + b[1:] for a, b in splits if b}
    edits.update(a + b[1] + b[0] + b[2:] for a, b in splits if len(b) > 1)
    edits.update(a + c + b[1:] for a, b in splits if b for c in _LETTERS)
    edits.update(a + c + b for a, b in splits for c in _LETTERS)
    return frozenset(ocr - {lower}), frozenset(edits - {lower})


def spelt(word: str, vocabulary: frozenset[str] = frozenset()) -> str:
    """A misspelt word as the word it most likely is: a word of ``vocabulary`` (the rubric's) one
    edit or one OCR letter group away ("probablity" → "probability"), else an English word one OCR
    letter group away ("rneasure" → "measure", "srnall" → "small"). A real word, a short one, and one
    with neither (a course's term the dictionary lacks, "mutex") is kept as written."""
    lower = word.lower()
    if len(lower) < 4 or not lower.isalpha() or lower in vocabulary or is_word(lower):
        return word
    ocr, edits = _neighbours(lower)
    own = sorted((ocr | edits) & vocabulary)
    if own:
        return max(own, key=lambda w: (w in ocr, frequency(w), w))
    english = [(frequency(w), w) for w in ocr if is_word(w)]
    return max(english)[1] if english else word


def readable(text: str, vocabulary: frozenset[str] = frozenset()) -> str:
    """The text with its misspelt words spelt right, as embeddings should read it (a word they do
    not know is noise to them)."""
    return " ".join(spelt(word, vocabulary) for word in text.split())


@lru_cache(maxsize=16384)
def _vector(text: str) -> np.ndarray:
    vector = np.asarray(_model().embed([text], norm=True)[0], dtype=np.float64)
    vector.setflags(write=False)
    return vector


def similarity(a: str, b: str) -> float:
    """Cosine similarity (-1..1) of two texts' embeddings."""
    return float(np.dot(_vector(a), _vector(b)))
