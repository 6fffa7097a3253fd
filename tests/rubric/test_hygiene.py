"""`grader validate` warns about concepts phrasings that the question's own text already asserts."""

from __future__ import annotations

from click.testing import CliRunner

from grader.cli import main
from grader.rubric.hygiene import question_text_warnings
from grader.rubric.loader import load_rubric

QUESTION = """\
id: q1
title: Deadlock
points: 2
markers: ['1.']
terms: ['deadlock']
type: concepts
statement: "Name the four conditions that must all hold at the same time for a deadlock."
items:
  - id: all-four
    points: 1
    description: all four are needed
    check: {phrasings: [PHRASING]}
    feedback: "{{ detail }}"
  - id: circular
    points: 1
    description: circular wait
    check: {phrasings: [a cycle of processes each waiting for the next]}
    feedback: "{{ detail }}"
"""


def write(folder, phrasing):
    folder.mkdir()
    (folder / "exam.yaml").write_text("id: m\ntitle: M\ntotal: 2\nquestions: [q1]\n", encoding="utf-8")
    (folder / "q1.yaml").write_text(QUESTION.replace("PHRASING", phrasing), encoding="utf-8")
    return folder


def test_a_phrasing_the_question_asserts_is_warned_about(tmp_path):
    folder = write(tmp_path / "r", "all four conditions must hold")
    (warning,) = question_text_warnings(load_rubric(folder))
    assert warning[1] == 9 and "items.all-four" in warning[2] and "question's own text" in warning[2]
    result = CliRunner().invoke(main, ["validate", str(folder)])
    assert result.exit_code == 0 and "warning: items.all-four" in result.output  # a warning, not an error


def test_a_phrasing_only_an_answer_has_is_not(tmp_path):
    folder = write(tmp_path / "r", "remove any one condition and deadlock cannot happen")
    assert question_text_warnings(load_rubric(folder)) == []
