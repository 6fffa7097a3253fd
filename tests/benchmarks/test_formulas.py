"""The formula benchmark's scoring and its exam-grader adapter, on cases of its own."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
_spec = importlib.util.spec_from_file_location("formulas", ROOT / "benchmarks" / "formulas.py")
formulas = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(formulas)

CASES = [
    {"id": "a", "kind": "expression", "reference": "x^2 + 2x + 1", "answer": "$(x+1)^2$", "verdict": True},
    {"id": "b", "kind": "expression", "reference": "x^2", "answer": "$x^3$", "verdict": False},
    {"id": "c", "kind": "expression", "reference": r"\frac{", "answer": "$x$", "verdict": True},
]


def test_our_adapter_accepts_rejects_and_reports_errors():
    assert formulas.ours(CASES[0]["reference"], CASES[0]["answer"]) is True
    assert formulas.ours(CASES[1]["reference"], CASES[1]["answer"]) is False
    assert formulas.ours(CASES[2]["reference"], CASES[2]["answer"]) is None  # an unreadable reference


def test_summary_counts():
    results = [(True, 0.01), (True, 0.02), (None, 0.03)]
    s = formulas.summary(CASES, results)
    assert (s["agree"], s["false_accept"], s["false_reject"], s["errors"]) == (pytest.approx(1 / 3), 1, 0, 1)
    assert s["median_ms"] == pytest.approx(20.0)
