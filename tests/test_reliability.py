"""Regressions of issue 10's reliability probe, end to end: each defect reproduced, then held.

Grader faults are the grader's (flagged, never scored as wrong), a stage past its
time limit is flagged and graded again, no grade is lost to a name, a folder, a
link, a dead worker or an interrupted run, and every path through the engine gives
the same record. Defects fixed inside one module (ids, YAML, the template sandbox,
backtracking patterns) have their unit tests beside that module's; here they are
also driven through the command line.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from grader.cli import main
from grader.engine import Grader
from grader.rubric.loader import load_rubric

ROOT = Path(__file__).resolve().parents[1]
BUNDLED = ROOT / "rubrics" / "dl-exam"
REAL_SHEET = ROOT / "submissions" / "dl-exam" / "cs17btech11037.md"
sys.path.insert(0, str(ROOT / "benchmarks"))
from generate import generate  # noqa: E402


def run_cli(*args):
    return CliRunner().invoke(main, [str(a) for a in args], catch_exceptions=False)


def write_rubric(folder: Path, items: str, extra: str = "", budget: float = 5) -> Path:
    """A one-question rubric of our own: ``items`` is the YAML of its items list."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "exam.yaml").write_text(f"id: mini\ntitle: Mini\ntotal: 2\nquestions: [q1]\nbudget_seconds: {budget}\n", encoding="utf-8")
    (folder / "q1.yaml").write_text(
        f"id: q1\ntitle: One\npoints: 2\ntype: expression\nmarkers: ['1.']\nterms: ['gradient']\n{extra}items:\n{items}", encoding="utf-8")
    return folder


EXPRESSION_ITEM = """  - id: grad
    points: 2
    type: expression
    description: the gradient
    check: {latex: "-2\\\\sum_{i=1}^{n} x_i (y_i - w x_i) + 2\\\\lambda w"}
    feedback: "The gradient is {{ expected }}."
"""


def square_item(feedback: str, item_id: str = "grad") -> str:
    """The YAML of an expression item checking x^2, with ``feedback``: a YAML value, or a mapping
    starting with a newline (its keys indented 6)."""
    value = feedback if feedback.startswith("\n") else " " + feedback
    return f"""  - id: {item_id}
    points: 2
    type: expression
    description: the {item_id}
    check: {{latex: "x^2"}}
    feedback:{value}
"""


RIDGE_ANSWER = "1. The gradient\n\n$$w = \\frac{\\sum_{i=1}^{n} x_i y_i}{\\sum_{i=1}^{n} x_i^2}$$\n"


def results_of(out: Path) -> dict[str, dict]:
    return {s["id"]: s for s in json.loads((out / "results.json").read_text(encoding="utf-8"))["submissions"]}


def codes(record: dict) -> set[str]:
    return {f["code"] for q in record["questions"] for f in q["flags"]} | {f["code"] for f in record["flags"]}


# --- faults are the grader's -----------------------------------------------------------------

def test_an_exception_inside_an_item_flags_that_item_and_grades_the_sheet(tmp_path, monkeypatch):
    import grader.types.expression as expression

    def broken(*args, **kwargs):  # a bug in the comparison, as a sympy internal error would be
        raise RuntimeError("a bug in the comparison")

    monkeypatch.setattr(expression, "_verdict", broken)
    rubric = load_rubric(write_rubric(tmp_path / "r", EXPRESSION_ITEM))
    result = Grader(rubric).grade_text(RIDGE_ANSWER)
    assert result.status == "graded"
    (item,) = result.questions[0].items
    assert item.outcome.value == "not-graded" and item.score == 0
    assert result.questions[0].flag_codes == ("grader-fault",)
    assert "A TA will grade this item" in item.feedback and "The gradient is" not in item.feedback


def test_a_misspelt_feedback_variable_fails_validate_with_file_and_line(tmp_path):
    items = square_item('\n      correct: "Right: {{ found }}."\n      default: "The gradient is {{ expectd }}."')
    folder = write_rubric(tmp_path / "r", items)
    run = run_cli("validate", folder)
    assert run.exit_code == 2, run.output
    line = 1 + (folder / "q1.yaml").read_text(encoding="utf-8").splitlines().index("    feedback:")
    assert f"{folder / 'q1.yaml'}:{line}: items.0.feedback: unknown variable 'expectd'" in run.output


def test_a_template_that_fails_when_rendered_fails_validate_with_file_and_line(tmp_path):
    """A variable that exists but holds no such attribute only fails when rendered: the self-tests render it."""
    items = square_item('\n      correct: "Right."\n      incorrect: "The gradient is {{ refs.gradient.value }}."')
    folder = write_rubric(tmp_path / "r", items)
    run = run_cli("validate", folder)
    assert run.exit_code == 2, run.output
    line = 1 + (folder / "q1.yaml").read_text(encoding="utf-8").splitlines().index("    feedback:")
    assert f"{folder / 'q1.yaml'}:{line}: items.grad.feedback.incorrect: template error" in run.output
    assert "gradient" in run.output


@pytest.mark.parametrize("template", ["{{ refs.update({'ap': 1}) }}", "{{ evidence.append(1) }}"])
def test_a_template_cannot_change_what_it_is_given(tmp_path, template):
    items = square_item(f'"{template}"')
    rubric = load_rubric(write_rubric(tmp_path / "r", items))
    result = Grader(rubric).grade_text("1. gradient $$x^2$$\n")
    assert result.questions[0].flag_codes == ("feedback-fault",)
    assert run_cli("validate", tmp_path / "r").exit_code == 2


def test_a_template_that_loops_forever_is_stopped(tmp_path):
    items = square_item('"{% for a in range(100000) %}{% for b in range(100000) %}{{ a }}{% endfor %}{% endfor %}"')
    rubric = load_rubric(write_rubric(tmp_path / "r", items, budget=1))
    result = Grader(rubric).grade_text("1. gradient $$x^2$$\n")
    assert result.questions[0].items[0].outcome.value == "not-graded"
    assert set(result.questions[0].flag_codes) <= {"feedback-fault", "time-limit"} and result.questions[0].flag_codes


def _slow(*args, **kwargs):
    time.sleep(30)


@pytest.mark.parametrize("target", ["read_math", "simplify"])
def test_a_forced_time_limit_is_flagged_not_wrong_and_graded_again(tmp_path, monkeypatch, target):
    import grader.types.expression as expression
    from grader.mathtext.evaluate import Undecided

    items = EXPRESSION_ITEM.replace('{latex: "-2\\\\sum_{i=1}^{n} x_i (y_i - w x_i) + 2\\\\lambda w"}',
                                    '{latex: "x^2", parse_seconds: 0.2, simplify_seconds: 0.2}')
    rubric = load_rubric(write_rubric(tmp_path / "r", items))
    if target == "read_math":
        monkeypatch.setattr(expression, "read_math", _slow)
    else:
        def undecided(*args, **kwargs):
            raise Undecided("cannot evaluate")
        import grader.types.expression_compare as compare  # where the verdict is reached

        monkeypatch.setattr(compare, "relation_at_points", undecided)
        monkeypatch.setattr(compare.sympy, "simplify", _slow)
    grader = Grader(rubric)
    first = grader.grade_text("1. gradient $$(x+1)^2 - 2x - 1$$\n")
    (item,) = first.questions[0].items
    assert item.outcome.value == "not-graded" and first.questions[0].flag_codes == ("time-limit",)
    assert "time limit" in first.questions[0].flags[0].message
    grader.grade_text("1. gradient $$(x+1)^2 - 2x - 1$$\n")
    assert grader.hits == 0 and grader.misses == 2  # never served from the memo


def test_a_deduction_that_cannot_be_decided_is_flagged_not_waived(tmp_path, monkeypatch):
    import grader.types.expression as expression

    items = EXPRESSION_ITEM.replace("points: 2", "points: -1").replace(
        '{latex: "-2\\\\sum_{i=1}^{n} x_i (y_i - w x_i) + 2\\\\lambda w"}', '{latex: "x^2", parse_seconds: 0.2}')
    items = square_item('"Right."', "value") + items
    rubric = load_rubric(write_rubric(tmp_path / "r", items))
    monkeypatch.setattr(expression, "read_math", _slow)
    question = Grader(rubric).grade_text("1. gradient $$x^2$$\n").questions[0]
    deduction = question.items[1]
    assert deduction.outcome.value == "not-graded" and "deduction" in deduction.feedback
    assert any(n.code == "time-limit" and n.item == "grad" for n in question.flags)


@pytest.mark.parametrize("line", ["#" * 40, "#" * 40 + " x", "> " * 200 + "#" * 60, "** " * 300])
def test_a_line_of_markup_characters_is_read_at_once(tmp_path, line):
    """Defect 2: a line of forty '#' backtracked exponentially in the label pattern; check never returned."""
    sheet = tmp_path / "s.md"
    sheet.write_text(f"Synthetic\n{line}\n3. AP = 0.5\n{line}\n", encoding="utf-8")
    run = run_cli("check", BUNDLED, sheet, "--json")
    record = json.loads(run.output)
    assert record["status"] == "graded" and "sheet-time-limit" not in codes(record)


# --- one record, whatever the path -------------------------------------------------------

@pytest.fixture(scope="module")
def bundled():
    return load_rubric(BUNDLED)


def test_the_real_sheet_gives_the_same_record_in_the_main_thread_a_thread_and_a_worker(tmp_path, bundled):
    main_thread = Grader(bundled).grade_file(REAL_SHEET).to_json()
    box = {}
    thread = threading.Thread(target=lambda: box.update(result=Grader(bundled).grade_file(REAL_SHEET).to_json()))
    thread.start()
    thread.join()
    assert box["result"] == main_thread
    assert any(q["repairs"] for q in main_thread["questions"])  # q1's repairs survive every path
    folder = tmp_path / "in"
    folder.mkdir()
    shutil.copy(REAL_SHEET, folder)
    out = tmp_path / "out"
    assert run_cli("grade", BUNDLED, folder, "-o", out, "--jobs", 1).exit_code == 0
    in_worker = results_of(out)["cs17btech11037"]
    check = run_cli("check", BUNDLED, folder / REAL_SHEET.name, "--json")
    assert json.loads(check.output) == in_worker
    assert {k: v for k, v in in_worker.items() if k != "file"} == {k: v for k, v in main_thread.items() if k != "file"}


def test_render_reproduces_every_page_from_results_json_alone(tmp_path):
    folder = tmp_path / "in"
    generate(folder, 4, seed=3)
    shutil.copy(REAL_SHEET, folder)
    (folder / "empty.md").write_text("", encoding="utf-8")
    out = tmp_path / "out"
    assert run_cli("grade", BUNDLED, folder, "-o", out, "--export", "canvas").exit_code == 1
    before = {p.name: p.read_bytes() for p in out.iterdir()}
    for page in out.glob("*.html"):
        page.unlink()
    (out / "grades.csv").unlink()
    moved = tmp_path / "rubric-gone"
    assert run_cli("render", out, "--export", "canvas").exit_code == 0
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before
    assert not moved.exists()
    assert run_cli("render", out, "--audience", "student").exit_code == 0
    assert (out / "cs17btech11037.html").read_bytes() != before["cs17btech11037.html"]
    assert (out / "results.json").read_bytes() == before["results.json"]


# --- nothing lost to names, folders, links, kills -----------------------------------------

def test_names_that_made_the_same_id_keep_every_grade(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    for name in ("a b.md", "a_b.md", "a_b-2.md", "Łukasz.md", "Ωmega.md"):
        (folder / name).write_text("3. AP = 0.5\n", encoding="utf-8")
    out = tmp_path / "out"
    assert run_cli("grade", BUNDLED, folder, "-o", out, "--export", "canvas").exit_code == 0
    ids = set(results_of(out))
    assert len(ids) == 5 and {"Łukasz", "Ωmega"} <= ids
    rows = (out / "grades.csv").read_text(encoding="utf-8").splitlines()[1:]
    assert len(rows) == 5
    assert len((out / "gradebook-canvas.csv").read_text(encoding="utf-8").splitlines()) == 2 + 5


def test_an_output_folder_inside_the_inputs_is_not_graded(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "s1.md").write_text("3. AP = 0.5\n", encoding="utf-8")
    out = folder / "reports"
    for _ in range(2):
        assert run_cli("grade", BUNDLED, folder, "-o", out).exit_code == 0
        assert set(results_of(out)) == {"s1"}


def test_links_outside_the_folder_and_odd_files_are_refused_and_listed(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "s1.md").write_text("3. AP = 0.5\n", encoding="utf-8")
    secret = tmp_path / "secret.txt"
    secret.write_text("3. AP = 0.5 the TA's private notes\n", encoding="utf-8")
    (folder / "leak.md").symlink_to(secret)
    (folder / "gone.md").symlink_to(tmp_path / "missing.md")
    os.mkfifo(folder / "pipe.md")
    out = tmp_path / "out"
    run = run_cli("grade", BUNDLED, folder, "-o", out)
    assert run.exit_code == 0, run.output
    assert set(results_of(out)) == {"s1"}
    for name in ("leak.md", "gone.md", "pipe.md"):
        assert f"skipped {folder / name}" in run.output
    assert "private notes" not in "".join(p.read_text(encoding="utf-8") for p in out.glob("*.html"))


def test_file_names_reach_the_terminal_escaped(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "\x1b[2J\x1b[31mred.md").write_bytes(b"\x00\x01binary")
    run = run_cli("grade", BUNDLED, folder, "-o", tmp_path / "out")
    assert run.exit_code == 1
    assert "\x1b" not in run.output and "red.md" in run.output


def test_a_rubric_with_an_alias_bomb_or_a_python_tag_is_refused(tmp_path):
    bomb = write_rubric(tmp_path / "bomb", "  []\n")
    levels = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"] + [f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 10)}]" for i in range(1, 9)]
    (bomb / "q1.yaml").write_text((bomb / "q1.yaml").read_text(encoding="utf-8") + "\n".join(levels) + "\n", encoding="utf-8")
    run = run_cli("validate", bomb)
    assert run.exit_code == 2 and f"{bomb / 'q1.yaml'}:" in run.output
    tagged = write_rubric(tmp_path / "tagged", "  []\n", extra="params: !!python/tuple [a, b]\n")
    run = run_cli("validate", tagged)
    assert run.exit_code == 2 and "python/tuple" in run.output


def test_a_dead_worker_is_graded_again_when_the_batch_resumes(tmp_path, bundled):
    from grader.batch import run_batch
    from grader.engine import error_result
    from grader.flags import note
    from grader.inputs import collect
    from grader.journal import Journal, file_sha256

    folder = tmp_path / "in"
    generate(folder, 3, seed=5)
    submissions = list(collect([folder]).submissions)
    out = tmp_path / "out"
    assert run_batch(bundled, submissions, out) == 3
    died = submissions[1]
    Journal(out, bundled.sha256).write(died.id, died.file, file_sha256(died.path),
                                       error_result(bundled, died.id, died.file, note("worker-died", "killed")))
    assert run_batch(bundled, submissions, out) == 1  # only the sheet whose worker died
    assert run_cli("grade", BUNDLED, folder, "-o", out).exit_code == 0
    assert results_of(out)[died.id]["status"] == "graded"


def test_an_interrupted_final_pass_leaves_no_temporary_files(tmp_path, monkeypatch):
    import grader.publish as publish

    folder = tmp_path / "in"
    generate(folder, 5, seed=2)
    out = tmp_path / "out"
    original = publish.render_submission
    calls = 0

    def interrupted(*args, **kwargs):
        nonlocal calls
        calls += 1
        if calls == 3:
            raise KeyboardInterrupt
        return original(*args, **kwargs)

    monkeypatch.setattr(publish, "render_submission", interrupted)
    assert run_cli("grade", BUNDLED, folder, "-o", out).exit_code == 130
    assert sorted(p.name for p in out.iterdir() if p.name.startswith(".")) == [".partial"]
    monkeypatch.setattr(publish, "render_submission", original)
    assert run_cli("grade", BUNDLED, folder, "-o", out).exit_code == 0
    assert not [p.name for p in out.iterdir() if p.name.startswith(".")]


def _children(pid: int) -> list[int]:
    try:
        return [int(c) for c in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
    except OSError:
        return []


def _alive(pid: int) -> bool:
    try:
        return Path(f"/proc/{pid}/stat").read_text().split(") ")[1][0] not in "ZX"
    except (OSError, IndexError):
        return False


@pytest.mark.slow
@pytest.mark.skipif(not Path("/proc/self/task").exists(), reason="needs Linux /proc to find the workers")
@pytest.mark.parametrize("sig", [signal.SIGKILL, signal.SIGTERM])
def test_workers_die_with_the_main_process(tmp_path, sig):
    folder = tmp_path / "in"
    generate(folder, 300, seed=9)
    process = subprocess.Popen([sys.executable, "-m", "grader", "grade", str(BUNDLED), str(folder), "-o", str(tmp_path / "out"),
                                "--jobs", "2"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=ROOT)
    deadline = time.monotonic() + 60
    workers: list[int] = []
    while time.monotonic() < deadline and len(workers) < 2:
        workers = _children(process.pid)
        time.sleep(0.1)
    assert len(workers) >= 2, "the workers did not start"
    time.sleep(0.5)  # mid-sheet
    process.send_signal(sig)
    process.wait(timeout=30)
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and any(_alive(w) for w in workers):
        time.sleep(0.1)
    assert not [w for w in workers if _alive(w)]
