"""The free-text benchmark's own arithmetic, checked against numpy and by hand, and its readers."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import numpy as np
import pytest

ROOT = Path(__file__).resolve().parents[2]
_spec = importlib.util.spec_from_file_location("free_text", ROOT / "benchmarks" / "free_text.py")
free_text = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(free_text)


def test_metrics_by_hand():
    m = free_text.metrics([1, 2, 3, 5], [1, 2, 4, 4])
    assert m["pearson"] == pytest.approx(np.corrcoef([1, 2, 3, 5], [1, 2, 4, 4])[0, 1])
    assert m["rmse"] == pytest.approx(np.sqrt((0 + 0 + 1 + 1) / 4))
    assert m["bias"] == pytest.approx(0.0)
    assert m["within1"] == 1.0
    assert m["spearman"] == pytest.approx(np.corrcoef([0, 1, 2, 3], [0, 1, 2.5, 2.5])[0, 1])  # ties share ranks


def test_tfidf_prefers_the_answer_that_says_the_model_answer():
    answers = {(1, "a"): "threads share the heap and code", (1, "b"): "the weather is nice"}
    sims = free_text.tfidf_scores(answers, {1: "Threads share the code and the heap."})
    assert sims[(1, "a")] > 0.9 > 0.2 > sims[(1, "b")]  # only "the" in common


def test_the_bundled_set_reads_whole(tmp_path):
    folder = ROOT / "devsets" / "free-text" / "os"
    answers = free_text.read_answers(folder)
    markers = free_text.read_scores(folder)
    models = free_text.read_model_answers(folder)
    assert len(answers) == 260 and len(markers) == 2 and sorted(models) == list(range(1, 11))
    assert all(set(m) == set(answers) for m in markers)
    assert all(0 <= s <= 5 for m in markers for s in m.values())
