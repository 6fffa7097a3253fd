"""The command-line contract of SPEC §2: commands, outputs and exit codes."""

import csv
import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from grader.cli import main

ROOT = Path(__file__).resolve().parents[1]
RUBRIC = ROOT / "rubrics" / "dl-exam"
REAL_SHEET = ROOT / "submissions" / "dl-exam" / "cs17btech11037.md"
QIDS = ["q1", "q2a", "q2b", "q3", "q4", "q5", "q6"]


def run(*args):
    return CliRunner().invoke(main, [str(a) for a in args], catch_exceptions=False)


@pytest.mark.parametrize("command", [[], ["grade"], ["check"], ["validate"]])
def test_every_command_has_help(command):
    result = run(*command, "--help")
    assert result.exit_code == 0
    assert len(result.output.splitlines()) > 3


def test_validate_accepts_the_bundled_rubric():
    result = run("validate", RUBRIC)
    assert result.exit_code == 0, result.output
    assert "valid" in result.output


def test_validate_names_file_line_and_key_of_an_unknown_key(tmp_path):
    folder = tmp_path / "dl-exam"
    shutil.copytree(RUBRIC, folder)
    path = folder / "q3.yaml"
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    lines.insert(2, "colour: red\n")
    path.write_text("".join(lines), encoding="utf-8")
    result = run("validate", folder)
    assert result.exit_code == 2
    assert f"{path}:3: colour: unknown key" in result.output


@pytest.fixture
def batch(tmp_path):
    folder = tmp_path / "sheets"
    folder.mkdir()
    shutil.copy(REAL_SHEET, folder / REAL_SHEET.name)
    (folder / "blank.md").write_text("Synthetic sheet: left blank\n\n", encoding="utf-8")
    (folder / "wrong.md").write_text(
        "Synthetic sheet: only repeats the question\n\n2. (a) RNNs have vanishing gradients because the learning rate is too high\n",
        encoding="utf-8",
    )
    (folder / "scan.pdf").write_bytes(b"%PDF-1.4\x00\x01\x02\xff\xfe binary")
    return folder


def test_grade_reports_a_binary_file_and_grades_the_rest(batch, tmp_path):
    out = tmp_path / "out"
    result = run("grade", RUBRIC, batch, "-o", out, "--jobs", 1)
    assert result.exit_code == 1, result.output
    data = json.loads((out / "results.json").read_text(encoding="utf-8"))
    assert data["exam"] == "dl-exam" and len(data["rubric_sha256"]) == 64
    subs = {s["id"]: s for s in data["submissions"]}
    assert [s["id"] for s in data["submissions"]] == sorted(subs)
    assert subs["scan"]["status"] == "error" and "binary" in subs["scan"]["error"]
    for sid in ("cs17btech11037", "blank", "wrong"):
        assert subs[sid]["status"] == "graded"
        assert [q["id"] for q in subs[sid]["questions"]] == QIDS
        assert subs[sid]["max"] == 50
    assert subs["blank"]["score"] == 0
    assert all(q["spans"] == [] for q in subs["blank"]["questions"])
    real = {q["id"]: q for q in subs["cs17btech11037"]["questions"]}
    assert real["q3"]["spans"][0][0] == 85
    with open(out / "grades.csv", newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert {r["id"] for r in rows} == set(subs)
    assert (out / "index.html").is_file() and (out / "cs17btech11037.html").is_file()


def test_grade_is_byte_identical_across_runs_and_worker_counts(batch, tmp_path):
    run("grade", RUBRIC, batch, "-o", tmp_path / "one", "--jobs", 1)
    run("grade", RUBRIC, batch, "-o", tmp_path / "two", "--jobs", 2)
    for name in ("results.json", "grades.csv"):
        assert (tmp_path / "one" / name).read_bytes() == (tmp_path / "two" / name).read_bytes()


def test_check_json_prints_one_submission_with_all_questions():
    result = run("check", RUBRIC, REAL_SHEET, "--json")
    assert result.exit_code == 0
    data = json.loads(result.output)
    assert data["id"] == "cs17btech11037" and data["status"] == "graded"
    assert [q["id"] for q in data["questions"]] == QIDS
    assert all(isinstance(q["score"], (int, float)) for q in data["questions"])


def test_check_prints_feedback_for_a_student():
    result = run("check", RUBRIC, REAL_SHEET)
    assert result.exit_code == 0
    assert "cs17btech11037" in result.output and "q3" in result.output


def test_a_rubric_error_grades_nothing(tmp_path, batch):
    folder = tmp_path / "broken"
    shutil.copytree(RUBRIC, folder)
    (folder / "q6.yaml").unlink()
    result = run("grade", folder, batch, "-o", tmp_path / "out")
    assert result.exit_code == 2
    assert not (tmp_path / "out").exists()


def test_a_missing_path_is_a_usage_error(tmp_path):
    result = run("grade", RUBRIC, tmp_path / "nowhere", "-o", tmp_path / "out")
    assert result.exit_code == 2


def _ids(out: Path) -> list[str]:
    return [s["id"] for s in json.loads((out / "results.json").read_text(encoding="utf-8"))["submissions"]]


def test_grading_a_subset_into_an_earlier_out_keeps_the_rest_of_the_class(batch, tmp_path):
    out = tmp_path / "out"
    run("grade", RUBRIC, batch, "-o", out)
    everyone = _ids(out)
    regraded = run("grade", RUBRIC, batch / "blank.md", "-o", out)
    assert regraded.exit_code == 0 and "kept from the earlier run" in regraded.output
    assert _ids(out) == everyone                                   # results.json: the whole class, in id order
    rows = list(csv.DictReader((out / "grades.csv").open(encoding="utf-8")))
    assert sorted(r["id"] for r in rows) == sorted(everyone)       # grades.csv too
    index = (out / "index.html").read_text(encoding="utf-8")
    assert all(i in index for i in everyone)                       # and the class report


def test_sheets_kept_from_another_version_of_the_rubric_are_flagged(batch, tmp_path):
    rubric = tmp_path / "rubric"
    shutil.copytree(RUBRIC, rubric)
    out = tmp_path / "out"
    run("grade", rubric, batch, "-o", out)
    q6 = rubric / "q6.yaml"
    q6.write_text(q6.read_text(encoding="utf-8").replace("title: ", "title: Changed ", 1), encoding="utf-8")
    run("grade", rubric, batch / "blank.md", "-o", out)
    records = {s["id"]: s for s in json.loads((out / "results.json").read_text(encoding="utf-8"))["submissions"]}
    flagged = {i for i, s in records.items() if any(f["code"] == "earlier-rubric" for f in s["flags"])}
    assert flagged == set(records) - {"blank"}
