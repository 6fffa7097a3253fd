"""A batch with sheets built to be slow, on the bundled rubric: the batch finishes, the slow
sheets are flagged or refused, every other sheet is graded, and the result does not depend
on the number of workers."""

import json
import shutil
import sys
from pathlib import Path

import pytest

from click.testing import CliRunner

from grader.cli import main

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "benchmarks"))
from generate import generate  # noqa: E402

RUBRIC = ROOT / "rubrics" / "dl-exam"
EQUATIONS = "\n\n".join(
    rf"$$\frac{{\partial E_{i % 9}}}{{\partial W}} = \sum_{{k=0}}^{{{i}}} \frac{{\partial H_{{{i}}}}}{{\partial H_k}} ({i}^{{{i}}})$$"
    for i in range(3000)
)
SLOW = {
    "equations": f"Synthetic\n\n1. {EQUATIONS}\n\n6. {EQUATIONS}\n\n3. AP = 0.5\n",
    "exponents": "Synthetic\n\n1. $$\\frac{\\partial E}{\\partial W} = 9^{9^{9^{9^{9}}}} \\cdot 10^{10^{10^{10}}}$$\n\n"
    + "6. $$C = \\begin{bmatrix} 9^{99999999} & 2 \\\\ 3 & 4 \\end{bmatrix}$$\n\n3. AP = 10^{10^{10}}\n" * 200,
}


@pytest.mark.slow
def test_slow_sheets_are_flagged_or_refused_and_the_rest_graded(tmp_path):
    folder = tmp_path / "sheets"
    generate(folder, 20, seed=11)
    shutil.copy(ROOT / "submissions" / "dl-exam" / "cs17btech11037.md", folder / "real.md")
    for name, text in SLOW.items():
        (folder / f"slow-{name}.md").write_text(text, encoding="utf-8")
    with open(folder / "slow-20mb.md", "w", encoding="utf-8") as handle:
        handle.write(("$$x^{2} = 4$$ 3. AP = 0.5\n" * 800_000)[: 20_000_000])
    result = CliRunner().invoke(main, ["grade", str(RUBRIC), str(folder), "-o", str(tmp_path / "out"), "--jobs", "2"], catch_exceptions=False)
    assert result.exit_code in (0, 1), result.output
    data = {s["id"]: s for s in json.loads((tmp_path / "out" / "results.json").read_text(encoding="utf-8"))["submissions"]}
    assert len(data) == 24
    assert data["slow-20mb"]["status"] == "error" and "limit" in data["slow-20mb"]["error"]
    for sid, sheet in data.items():
        if sid.startswith("slow-"):
            assert sheet["status"] == "error" or any(q["flags"] for q in sheet["questions"]), sid
        else:
            assert sheet["status"] == "graded", sid


# Pathological sheets of issue 10's probe: each must be GRADED (not an error), the same way
# by `check` and by a batch of any size (reading and segmenting are linear and bounded).
PATHOLOGICAL = {
    "hashes": "Synthetic\n" + ("#" * 40 + "\n") * 50 + "3. AP = 0.5\n",
    "one-letter-lines": "a\n" * 999_000,
    "markup-runs": "Synthetic\n" + "> " * 5000 + "\n" + "** " * 5000 + "\n" + "(" * 3000 + "\n3. AP = 0.5\n",
}


@pytest.mark.slow
def test_pathological_sheets_are_graded_alike_by_any_number_of_workers(tmp_path):
    folder = tmp_path / "sheets"
    generate(folder, 6, seed=4)
    real = (ROOT / "submissions" / "dl-exam" / "cs17btech11037.md").read_text(encoding="utf-8")
    (folder / "real.md").write_text(real, encoding="utf-8")
    (folder / "real-padded.md").write_text(real + "x\n" * 900_000, encoding="utf-8")
    for name, text in PATHOLOGICAL.items():
        (folder / f"{name}.md").write_text(text, encoding="utf-8")
    outputs = {}
    for jobs in (1, 2):
        out = tmp_path / f"out{jobs}"
        result = CliRunner().invoke(main, ["grade", str(RUBRIC), str(folder), "-o", str(out), "--jobs", str(jobs)], catch_exceptions=False)
        assert result.exit_code == 0, result.output
        outputs[jobs] = (out / "results.json").read_bytes()
    assert outputs[1] == outputs[2]
    data = {s["id"]: s for s in json.loads(outputs[1])["submissions"]}
    assert all(s["status"] == "graded" for s in data.values())
    check = CliRunner().invoke(main, ["check", str(RUBRIC), str(folder / "real-padded.md"), "--json"], catch_exceptions=False)
    assert json.loads(check.output) == data["real-padded"]
