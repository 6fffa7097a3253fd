"""The words and marks students use around a choice: cues, negations, verdicts, corrections.

Shared by the label reader (``grader.types.choice_labels``), the line reader
(``grader.types.choice_statements``) and the text matcher (``grader.types.choice_text``),
so that "answer", "not", "is correct" or "✓" mean the same wherever they are seen.
The lists include common misspellings ("anwser", "bcoz") because answers are
handwritten and OCR'd.
"""

from __future__ import annotations

from rapidfuzz.distance import OSA

from grader.types.choice_tokens import Tok

CHECKS = frozenset("✓✔☑√")
CROSSES = frozenset("✗✘☒")
CLAUSE_BREAK = frozenset(".;!?")
LIST_PUNCT = frozenset(",/&+")
ARTICLE_LIKE = frozenset({"a", "i", "o"})  # labels that are also English words

SEPARATORS = frozenset({"and", "or", "plus", "&"})
INTRO = frozenset({"option", "options", "opt", "opts", "choice", "choices", "alternative", "alt", "opton", "optn"})
ANSWER_WORDS = frozenset({"ans", "answer", "answers", "answ", "ansr", "answr", "anwser", "asnwer", "anser", "anwer",
                          "answe", "sol", "soln", "solution"})
CUE_WORDS = frozenset({"choose", "chose", "chosen", "choosing", "pick", "picked", "picking", "select", "selected",
                       "selecting", "circle", "circled", "tick", "ticked", "final", "therefore", "hence", "thus"})
CUE_LEADS = frozenset({"correct", "right", "best", "my", "final", "true"})
TF_CUES = frozenset({"statement", "claim", "assertion"})
# Words allowed between a cue and the answer without breaking it, and what may precede the answer after a cue.
FILLER = frozenset({"is", "are", "was", "were", "be", "would", "will", "should", "must", "it", "it's", "its", "i",
                    "think", "believe", "the", "that", "this", "one", "correct", "right", "final", "my", "our",
                    "definitely", "clearly", "obviously", "surely", "so", "here", "given", "by", "me",
                    "i'm", "i'd", "go", "with", "all", "both", "of"})
COPULA = frozenset({"is", "are", "was", "were", "be", "option", "options", "opt", "choice", "choices", "with", "of"})
TERMINAL_WORDS = frozenset({"because", "since", "as", "so", "bcoz", "bcz", "bcs", "coz", "cause", "hence",
                            "therefore", "thus", "which", "ie", "due", "reason", "explanation"})
PRE_NEGATIONS = frozenset({"not", "no", "never", "except", "excluding", "exclude", "eliminate", "eliminated",
                           "eliminating", "than", "unlike", "instead", "isn't", "aren't", "wasn't", "isnt", "cannot",
                           "can't", "cant", "nor", "neither", "without", "reject", "rejected", "discard", "out",
                           "against", "besides", "wouldn't", "shouldn't", "don't", "dont"})
NEGATION_STOPS = frozenset({"because", "since", "but", "however", "whereas", "although", "though", "while", "so"})
POST_SKIP = frozenset({"is", "are", "was", "were", "s", "'s", "seems", "seem", "looks", "look", "would", "be",
                       "should", "must", "will", "the", "definitely", "clearly", "obviously", "also", "both", "all",
                       "option", "options", "choice", "one", "ones", "an", "certainly"})
AFFIRM = frozenset({"correct", "right", "true", "valid", "yes", "answer", "answers", "ans", "ok", "okay", "chosen",
                    "selected", "tick"})
NEGATE = frozenset({"wrong", "incorrect", "false", "invalid", "not", "isn't", "isnt", "aren't", "wasn't", "never",
                    "eliminated", "excluded", "impossible", "cannot", "can't", "no", "wrongly"})
CORRECTION_WORDS = frozenset({"wait", "sorry", "oops", "correction", "scratch"})
TF_SYNONYMS = {"correct": "true", "right": "true", "wrong": "false", "incorrect": "false"}


def is_word(tok: Tok | None, words: frozenset[str]) -> bool:
    return tok is not None and tok.kind == "word" and tok.low in words


def is_answer_word(low: str) -> bool:
    return low in ANSWER_WORDS or (5 <= len(low) <= 7 and OSA.distance(low, "answer") <= 1)


def is_intro_word(low: str) -> bool:
    return low in INTRO or (5 <= len(low) <= 7 and OSA.distance(low, "option") <= 1)
