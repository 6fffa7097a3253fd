"""Cutting one display line into the statements on it."""

import pytest

from grader.mathtext.statements import split_statements


@pytest.mark.parametrize("latex, pieces", [
    (r"A = B, \quad C = D", ["A = B", "C = D"]),
    (r"a = b \text{ and } c = d", ["a = b", "c = d"]),
    (r"(O_2 - \hat{O}_2), H_2", [r"(O_2 - \hat{O}_2), H_2"]),      # OCR's comma for a product dot
    (r"x_{i,j} = 1, 2, 3", [r"x_{i,j} = 1, 2, 3"]),                  # a list, not statements
    (r"A = B \quad = C", [r"A = B \quad = C"]),                      # a chain continued
    (r"\sum_{k=0}^{2} a_k = b \; c = d", [r"\sum_{k=0}^{2} a_k = b \; c = d"]),  # \; is a space
    (r"f(a = b, c = d) = e", [r"f(a = b, c = d) = e"]),              # inside brackets
    # implications and "therefore" between statements
    (r"\ell' = \frac{S}{\lambda} - n = 0 \Rightarrow \hat{\lambda} = \bar{x}", [r"\ell' = \frac{S}{\lambda} - n = 0", r"\hat{\lambda} = \bar{x}"]),
    (r"x = 1 \implies y = 2", ["x = 1", "y = 2"]),
    ("a = b ⇒ c = d", ["a = b", "c = d"]),
    (r"a = b \therefore c = d", ["a = b", "c = d"]),
    (r"a = b \text{ so } c = d", ["a = b", "c = d"]),
    (r"\Rightarrow x = 1", ["x = 1"]),   # the implication leads from the line before
    (r"\ell'' = -\frac{S}{\lambda^2} < 0 \Rightarrow", [r"\ell'' = -\frac{S}{\lambda^2} < 0"]),  # ... or to words after
])
def test_split_statements(latex, pieces):
    assert split_statements(latex) == pieces
