"""Acceptance: grading the bundled submissions with the bundled rubric writes the class report and one
page per submission, every page escapes the sheet's text, renders its math and loads nothing."""

from __future__ import annotations

import os
import re
from pathlib import Path
from types import SimpleNamespace

import pytest

from click.testing import CliRunner

from grader.cli import main
from grader.inputs import page_name
from grader.publish import read_results
from grader.rubric.loader import load_rubric

ROOT = Path(__file__).resolve().parents[2]
# The rubric folder; REPORTS_TEST_RUBRIC points it elsewhere while the bundled rubric is being written.
RUBRIC = Path(os.environ.get("REPORTS_TEST_RUBRIC", ROOT / "rubrics" / "dl-exam"))


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    rubric = load_rubric(RUBRIC)
    out = tmp_path_factory.mktemp("reports")
    run = CliRunner().invoke(main, ["grade", str(RUBRIC), str(ROOT / "submissions" / "dl-exam"), "-o", str(out), "--export", "moodle"])
    assert run.exit_code == 0, run.output
    _, _, records = read_results(out / "results.json")
    results = [SimpleNamespace(**r) for r in records]
    return rubric, results, out


def test_index_and_one_page_per_submission(graded):
    _, results, out = graded
    expected = {"index.html", "gradebook-moodle.csv", "results.json", "grades.csv", *(page_name(r.id) for r in results)}
    assert {p.name for p in out.iterdir()} == expected
    assert len(results) >= 4


def test_every_question_has_a_section_on_every_graded_page(graded):
    rubric, results, out = graded
    for result in results:
        html = (out / f"{result.id}.html").read_text(encoding="utf-8")
        if result.status == "graded":
            for question in rubric.questions:
                assert f'id="q-{question.id}"' in html, (result.id, question.id)


def test_the_real_sheet_page_renders_its_math_and_loads_nothing(graded):
    _, _, out = graded
    html = (out / "cs17btech11037.html").read_text(encoding="utf-8")
    assert html.count("<math") >= 5
    assert not re.search(r"https?://", html)
    assert "<script" not in html


def test_the_class_report_links_every_submission(graded):
    _, results, out = graded
    index = (out / "index.html").read_text(encoding="utf-8")
    for result in results:
        assert f'href="{result.id}.html"' in index
    assert "<svg" in index and "Item analysis" in index
