"""Acceptance: practice variants of the bundled statistics exam.

Two seeds draw different given values, and each variant's rubric grades its own model
answers at full marks on every item a script can grade (by_hand items wait for a TA).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from grader.engine import Grader
from grader.rubric.loader import load_rubric
from grader.variant import make_variant

ROOT = Path(__file__).resolve().parents[2]
RUBRIC = ROOT / "rubrics" / "stats-exam"


@pytest.fixture(scope="module")
def variants(tmp_path_factory):
    return {seed: make_variant(RUBRIC, seed, tmp_path_factory.mktemp(f"variant-{seed}")) for seed in (1, 2)}


def _given(folder: Path) -> dict[str, dict[str, str]]:
    rubric = load_rubric(folder)
    return {q.id: {name: str(value) for name, value in q.refs.given.items()} for q in rubric.questions}


def test_two_seeds_draw_different_given_values(variants):
    first, second = (_given(variants[seed].out_dir / "rubric") for seed in (1, 2))
    assert first != second
    assert first != _given(RUBRIC) or second != _given(RUBRIC)


@pytest.mark.parametrize("seed", [1, 2])
def test_each_variant_grades_its_own_model_answers_at_full_marks(variants, seed):
    folder = variants[seed].out_dir
    rubric = load_rubric(folder / "rubric")
    result = Grader(rubric).grade_file(folder / "model-answers.md")
    assert result.status == "graded", result.error
    lost = [(q.id, i.id, i.outcome.value, i.found) for q in result.questions for i in q.items
            if i.score < i.max and i.outcome.value != "not-graded"]
    assert lost == []
    drew = set(variants[seed].drawn)
    assert {"q1", "q3", "q5"} <= drew
    paper = (folder / "questions.md").read_text(encoding="utf-8")
    assert all(q.spec.statement for q in rubric.questions if q.id in drew) and paper.strip()
