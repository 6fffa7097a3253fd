"""docs/references.md: every function is documented, and every example gives the result it shows."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from grader.references import compute_references
from grader.references.evaluate import Evaluator
from grader.references.functions import FUNCTIONS
from grader.references.reader import read_formula
from grader.references.values import show_exact

DOC = Path(__file__).resolve().parents[2] / "docs" / "references.md"
TEXT = DOC.read_text(encoding="utf-8")
FUNCTIONS_PART = TEXT[TEXT.index("## Functions"):TEXT.index("## Limits")]


def _examples() -> list[tuple[str, str]]:
    """(example, result) of every row of the function tables: | `f(x)` | what | `example` | `result` ... |"""
    rows = []
    for line in FUNCTIONS_PART.splitlines():
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        if len(cells) == 4 and cells[2].startswith("`") and cells[3].startswith("`"):
            rows.append((cells[2].strip("`"), re.match(r"`([^`]*)`", cells[3]).group(1)))
    return rows


EXAMPLES = _examples()


def _given_values():
    block = re.search(r"The examples use these given values:\s*```yaml\n(.*?)```", FUNCTIONS_PART, re.S).group(1)
    refs, problems = compute_references(yaml.safe_load(block)["given"], {})
    assert problems == []
    return refs.given


GIVEN = _given_values()


def test_the_tables_have_examples():
    assert len(EXAMPLES) > 70


@pytest.mark.parametrize("example, result", EXAMPLES)
def test_every_example_gives_the_result_shown(example, result):
    assert show_exact(Evaluator(GIVEN).value(read_formula(example))) == result


def test_every_function_is_documented_with_an_example():
    documented = {m.group(1) for m in re.finditer(r"`([A-Za-z_]+)\(", FUNCTIONS_PART)}
    assert set(FUNCTIONS) <= documented, sorted(set(FUNCTIONS) - documented)


def test_the_confusion_matrix_example_prints_what_the_docs_show():
    from grader.references import computed_lines

    part = TEXT[TEXT.index("### Example: a confusion matrix"):TEXT.index("## Limits")]
    block, printed = re.findall(r"```(?:yaml)?\n(.*?)```", part, re.S)[:2]
    question = yaml.safe_load(block)
    refs, problems = compute_references(question["given"], question["compute"])
    assert problems == []
    assert computed_lines("q3", refs) == printed.strip().splitlines()


def test_the_entry_by_entry_operators_are_documented():
    for form in ("u .* v", "u ./ v", "v .^ k", "1 - v", "table(f, i, lo, hi)", "formula_names(", "compile_formula("):
        assert form in TEXT, form
