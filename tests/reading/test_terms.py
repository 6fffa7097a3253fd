from __future__ import annotations

import pytest

from grader.reading.terms import Vocabulary, matcher


@pytest.mark.parametrize(
    "term, text, hit",
    [
        ("\\partial E", "$$\\frac{\\partial E_{3}}{\\partial W}$$", True),
        ("\\partial E", "partial e", False),
        ("AP", "Interpolated AP is 0.752", True),
        ("AP", "we apply it", False),
        ("FL(", "At Y=0, FL(P) = - log P", True),
        ("3x3", "into 3x3 matrix", True),
        ("3x3", "13x3", False),
        ("L2", "Than L2 norm between", True),
        ("sigmoid", "for SIGMOID activations", True),
        ("sigmoid", "for signeid activations", False),  # too short to match fuzzily
        ("vanishing gradient", "suffer from vanishing greatient because", True),
        ("transposed convolution", "Transfored convolution can be entered", True),
        ("gradient highway", "it course when p>> 0.5 i.e. esso sample", False),
        ("recurrent", "Let B2 be the record bounding box", False),
    ],
)
def test_matcher(term, text, hit):
    assert matcher(term)(text, text.lower()) is hit


def test_vocabulary_counts_distinct_terms():
    vocab = Vocabulary.of(["precision", "recall", "AP", "precision", " "])
    assert vocab.terms == ("precision", "recall", "AP")
    assert vocab.score("precision and recall, precision again") == 2
    assert vocab.matches("Interpolated AP") == ("AP",)
