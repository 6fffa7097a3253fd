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
])
def test_split_statements(latex, pieces):
    assert split_statements(latex) == pieces
