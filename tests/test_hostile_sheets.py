"""Sheets built to hurt: code, exponent towers, deep nesting, broken matrices, markup.

Each is graded (low), executes nothing, and the batch writes nothing but its reports.
"""

import json
import os
from pathlib import Path

from click.testing import CliRunner

from grader.cli import main

ROOT = Path(__file__).resolve().parents[1]
RUBRIC = ROOT / "rubrics" / "dl-exam"

NESTED = "$$" + r"\frac{1}{" * 8 + "2" + "}" * 8 + "$$"
HOSTILE = {
    "code": "Synthetic\n\n1. $$__import__('os').system('touch PWNED')$$\n\n$$\\frac{\\partial E}{\\partial W} = exec(open('x').read())$$\n",
    "towers": "Synthetic\n\n1. $$\\frac{\\partial E_3}{\\partial W} = 9^{9^{9^{9}}}$$\n\n$$10^{10^{10}}$$\n\n3. AP = 9^{9^{9^{9}}}\n",
    "nested": f"Synthetic\n\n1. {NESTED}\n\n6. {NESTED}\n",
    "matrix": "Synthetic\n\n6. $$C = \\begin{bmatrix} 1 & 2 \\\\ 3 & 4$$\n\n$$\\begin{bmatrix} 5 & 16 \\end{pmatrix}$$\n",
    "markup": "Synthetic\n\n2. (a) <script>alert(1)</script> <img src=x onerror=alert(1)> {{ 7*7 }} {% raw %}\n",
}


def test_hostile_sheets_are_graded_low_and_run_nothing(tmp_path, monkeypatch):
    sheets = tmp_path / "sheets"
    sheets.mkdir()
    for name, text in HOSTILE.items():
        (sheets / f"{name}.md").write_text(text, encoding="utf-8")
    workdir = tmp_path / "cwd"
    workdir.mkdir()
    monkeypatch.chdir(workdir)
    out = tmp_path / "out"
    result = CliRunner().invoke(main, ["grade", str(RUBRIC), str(sheets), "-o", str(out), "--jobs", "1"], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    data = json.loads((out / "results.json").read_text(encoding="utf-8"))
    for submission in data["submissions"]:
        assert submission["status"] == "graded"
        assert submission["score"] <= 5, (submission["id"], submission["score"])
    assert list(workdir.iterdir()) == []
    assert not (ROOT / "PWNED").exists() and not Path(os.getcwd(), "PWNED").exists()
    written = {p.name for p in out.iterdir()}
    assert written == {"results.json", "grades.csv", "index.html", *(f"{name}.html" for name in HOSTILE)}
    page = (out / "markup.html").read_text(encoding="utf-8")
    assert "<script>alert" not in page and "&lt;script&gt;" in page and "{{ 7*7 }}" in page
