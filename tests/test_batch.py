"""Batch grading: same bytes whatever --jobs and file order, memoisation, limits, worker deaths, resume.

The rubric is the bundled one restricted to its table and concept questions
(q2a, q2b, q3, q4), which keeps these multi-process tests fast.
"""

import json
import os
import random
import re
import shutil
import sys
import time
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from grader.batch import run_batch
from grader.cli import main
from grader.engine import Grader, sheet_limit
from grader.inputs import collect
from grader.limits import MAX_FILE_BYTES
from grader.publish import finish_batch
from grader.rubric.loader import load_rubric

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "benchmarks"))
from generate import generate  # noqa: E402

BUNDLED = ROOT / "rubrics" / "dl-exam"
REAL_SHEET = ROOT / "submissions" / "dl-exam" / "cs17btech11037.md"
QUESTIONS = ["q2a", "q2b", "q3", "q4"]


@pytest.fixture(scope="module")
def rubric_folder(tmp_path_factory):
    folder = tmp_path_factory.mktemp("rubric") / "dl-exam"
    folder.mkdir()
    total = 0
    for qid in QUESTIONS:
        shutil.copy(BUNDLED / f"{qid}.yaml", folder)
        total += yaml.safe_load((BUNDLED / f"{qid}.yaml").read_text(encoding="utf-8"))["points"]
    exam = (BUNDLED / "exam.yaml").read_text(encoding="utf-8")
    exam = re.sub(r"(?m)^questions: .*$", f"questions: [{', '.join(QUESTIONS)}]", exam)
    exam = re.sub(r"(?m)^total: .*$", f"total: {total}", exam)
    (folder / "exam.yaml").write_text(exam, encoding="utf-8")
    return folder


@pytest.fixture(scope="module")
def rubric(rubric_folder):
    return load_rubric(rubric_folder)


@pytest.fixture(scope="module")
def sheets(tmp_path_factory):
    folder = tmp_path_factory.mktemp("sheets")
    generate(folder, 30, seed=6)
    shutil.copy(REAL_SHEET, folder / "real.md")
    (folder / "empty.md").write_text("", encoding="utf-8")  # an error result among the graded ones
    return folder


def outputs(out: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(out.iterdir())}


def run_cli(*args):
    return CliRunner().invoke(main, [str(a) for a in args], catch_exceptions=False)


def collect_submissions(paths):
    return list(collect(paths).submissions)


def grade_file(rubric, submission):
    return Grader(rubric, cache_size=0).grade_file(submission.path, submission.id, submission.file)


def test_outputs_are_identical_for_any_jobs_and_file_order(tmp_path, rubric_folder, sheets):
    files = sorted(sheets.iterdir())
    shuffled = files[:]
    random.Random(1).shuffle(shuffled)
    runs = {"jobs1": (1, files), "jobs2": (2, files), "jobs2-shuffled": (2, shuffled), "jobs3-shuffled": (3, shuffled[::-1])}
    seen = {}
    for name, (jobs, paths) in runs.items():
        result = run_cli("grade", rubric_folder, *paths, "-o", tmp_path / name, "--jobs", jobs)
        assert result.exit_code == 1, result.output  # empty.md cannot be graded
        seen[name] = outputs(tmp_path / name)
    first = seen["jobs1"]
    assert {"results.json", "grades.csv", "index.html", "real.html"} <= set(first)
    assert not (tmp_path / "jobs1" / ".partial").exists()
    for name, files_out in seen.items():
        assert files_out == first, name
    data = json.loads(first["results.json"])
    assert [s["id"] for s in data["submissions"]] == sorted(s["id"] for s in data["submissions"])


def test_memoised_grading_equals_grading_without_a_cache(rubric, sheets):
    submissions = collect_submissions([sheets])
    cached, uncached = Grader(rubric), Grader(rubric, cache_size=0)
    for _ in range(2):  # the second pass is served from the cache
        for sub in submissions:
            expected = grade_file(rubric, sub)
            assert cached.grade_file(sub.path, sub.id, sub.file) == expected == uncached.grade_file(sub.path, sub.id, sub.file)
    assert cached.hits >= len(submissions) and uncached.hits == 0


def test_a_tiny_cache_evicts_and_stays_correct(rubric, sheets):
    submissions = collect_submissions([sheets])[:6]
    small = Grader(rubric, cache_size=2)
    for sub in submissions + submissions:
        assert small.grade_file(sub.path, sub.id, sub.file) == grade_file(rubric, sub)
    assert len(small.cache) == 2


def test_the_sheet_limit_covers_every_item_budget(rubric):
    items = sum(len(q.items) for q in rubric.questions)
    assert sheet_limit(rubric) >= rubric.exam.budget_seconds * items


def _misbehave(original):
    def grade_file(self, path, sid=None, file=None):
        if sid == "synthetic-00003":
            os._exit(9)  # the worker dies as if killed
        if sid == "synthetic-00005":
            time.sleep(60)  # past the sheet limit
        return original(self, path, sid, file)

    return grade_file


def test_a_dying_or_stuck_worker_costs_only_its_sheet(tmp_path, rubric, sheets, monkeypatch):
    monkeypatch.setattr(Grader, "grade_file", _misbehave(Grader.grade_file))  # inherited by forked workers
    submissions = [s for s in collect_submissions([sheets]) if s.id.startswith("synthetic")][:10]
    run_batch(rubric, submissions, tmp_path, jobs=2, sheet_seconds=2)
    results = {r.id: r for r in finish_batch(rubric, submissions, tmp_path)}
    assert "process died" in results["synthetic-00003"].error
    assert [n.code for n in results["synthetic-00003"].flags] == ["worker-died"]
    assert "limit per sheet" in results["synthetic-00005"].error
    assert [n.code for n in results["synthetic-00005"].flags] == ["sheet-time-limit"]
    others = [r for sid, r in results.items() if sid not in ("synthetic-00003", "synthetic-00005")]
    assert len(others) == 8 and all(r.status == "graded" for r in others)


def test_an_oversized_file_is_refused_and_the_others_are_graded(tmp_path, rubric_folder, sheets):
    folder = tmp_path / "in"
    shutil.copytree(sheets, folder)
    (folder / "huge.md").write_text(("3. AP = 0.5\n" * (MAX_FILE_BYTES // 10))[: MAX_FILE_BYTES + 1000], encoding="utf-8")
    result = run_cli("grade", rubric_folder, folder, "-o", tmp_path / "out", "--jobs", 2)
    assert result.exit_code == 1
    data = {s["id"]: s for s in json.loads((tmp_path / "out" / "results.json").read_text())["submissions"]}
    assert data["huge"]["status"] == "error" and "limit" in data["huge"]["error"]
    graded = [sid for sid, s in data.items() if s["status"] == "graded"]
    assert len(graded) == len(data) - 2  # huge.md and empty.md


class Stop(Exception):
    pass


@pytest.mark.parametrize("jobs", [1, 2])
def test_an_interrupted_batch_leaves_no_output_and_resumes(tmp_path, rubric, sheets, jobs):
    submissions = collect_submissions([sheets])
    out = tmp_path / "out"
    count = 0

    def interrupt(_sid):
        nonlocal count
        count += 1
        if count == 7:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        run_batch(rubric, submissions, out, jobs=jobs, on_done=interrupt)
    assert [p.name for p in out.iterdir()] == [".partial"]  # nothing half-written, nothing published
    assert not list((out / ".partial").glob("*.tmp"))
    graded_now = run_batch(rubric, submissions, out, jobs=jobs)
    assert 0 < graded_now <= len(submissions) - 7 + jobs
    finish_batch(rubric, submissions, out)

    fresh = tmp_path / "fresh"
    run_batch(rubric, submissions, fresh, jobs=1)
    finish_batch(rubric, submissions, fresh)
    assert outputs(out) == outputs(fresh)


def test_a_changed_file_or_rubric_is_graded_again(tmp_path, rubric, sheets):
    folder = tmp_path / "in"
    shutil.copytree(sheets, folder)
    submissions = collect_submissions([folder])
    out = tmp_path / "out"
    assert run_batch(rubric, submissions, out) == len(submissions)
    assert run_batch(rubric, submissions, out) == 0
    (folder / "real.md").write_text("3. AP = 0.5\n", encoding="utf-8")
    assert run_batch(rubric, submissions, out) == 1
    other = load_rubric(_changed_copy(rubric.folder, tmp_path / "changed"))
    assert run_batch(other, submissions, out) == len(submissions)
    results = {r.id: r for r in finish_batch(other, submissions, out, audience="student")}
    assert results["real"].score < 5


def _changed_copy(folder, target):
    shutil.copytree(folder, target)
    exam = target / "exam.yaml"
    exam.write_text(exam.read_text(encoding="utf-8") + "\n# changed\n", encoding="utf-8")
    return target


def test_finish_refuses_a_batch_that_is_not_graded(tmp_path, rubric, sheets):
    from grader.errors import GraderError

    submissions = collect_submissions([sheets])
    run_batch(rubric, submissions[:3], tmp_path)
    with pytest.raises(GraderError, match="run the batch again"):
        finish_batch(rubric, submissions, tmp_path)
    assert not (tmp_path / "results.json").exists()
