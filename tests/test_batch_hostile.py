"""A batch with sheets built to be slow, on the bundled rubric: the batch finishes, the slow
sheets are flagged or refused, and every other sheet is graded."""

import json
import shutil
import sys
from pathlib import Path

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
