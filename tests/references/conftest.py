"""Small rubrics of the tests' own, written into tmp_path: an exam of one or more question files."""

from __future__ import annotations

import textwrap
from pathlib import Path
from typing import Callable

import pytest


def _question_yaml(body: str, *, qid: str = "q1", points: float = 2, item: str | None = None) -> str:
    """A question file: the common header, ``body`` (given:/compute:/solver: ...) and one item."""
    item = item if item is not None else textwrap.dedent(f"""\
        items:
          - id: answer
            points: {points:g}
            description: the answer
            check: {{reference: r}}
            feedback: "{{{{ expected }}}}"
        """)
    header = textwrap.dedent(f"""\
        id: {qid}
        title: A question
        points: {points:g}
        markers: ["{qid[1:]}."]
        terms: ["answer"]
        type: numeric
        """)
    return header + textwrap.dedent(body) + item


@pytest.fixture
def question_yaml() -> Callable[..., str]:
    """``question_yaml(body, item=...)``: a question file's text (header, body, items)."""
    return _question_yaml


@pytest.fixture
def write_rubric(tmp_path: Path) -> Callable[..., Path]:
    """``write_rubric({"q1": text, ...})``: the folder of an exam with those question files."""

    def write(questions: dict[str, str], total: float | None = None) -> Path:
        folder = tmp_path / "rubric"
        folder.mkdir(exist_ok=True)
        ids = list(questions)
        if total is None:
            import yaml
            total = sum(yaml.safe_load(text)["points"] for text in questions.values())
        (folder / "exam.yaml").write_text(
            f"id: refs-test\ntitle: References test\ntotal: {total:g}\nquestions: [{', '.join(ids)}]\n"
            "defaults:\n  numeric: {rel_tol: 0.005}\n", encoding="utf-8")
        for qid, text in questions.items():
            (folder / f"{qid}.yaml").write_text(text, encoding="utf-8")
        return folder

    return write
