"""The rubric-authoring docs are true: every example rubric loads and passes its self-tests,
every worked example grades as the docs say, every message shown is the one printed.

The docs mark what they show with an HTML comment on the line before it:

* ``<!-- example: FOLDER/FILE -->`` before a fenced block: the block is FILE of the example
  rubric FOLDER; ``<!-- example: FOLDER/FILE (from BASE) -->`` starts FOLDER as a copy of
  BASE's files. A folder without an ``exam.yaml`` gets one made here (id FOLDER, its
  questions in the order shown, ``total`` their points): the type pages show question files.
* ``<!-- answer: FOLDER/NAME -->`` before a fenced block: a student's sheet for FOLDER.
* ``<!-- result: FOLDER/NAME -->`` before a Markdown table: how that sheet grades. Columns
  (by their header): ``question`` (optional), ``item``, ``outcome`` (its first word),
  ``score`` (``1.5 / 3``, or ``-1 (deduction)``), and optionally ``found``, ``feedback``
  (the exact text, ``\\|`` for ``|``, wrapping backticks ignored) and ``flags`` (the codes
  of the question's flags about this item or the whole answer). Every item is listed; the
  row ``total`` holds the sheet's score.
* ``<!-- validate: FOLDER -->`` before a fenced block: exactly what ``grader validate
  FOLDER`` prints (run in the folder above it), where ``…`` stands for any text (the list
  of known types depends on what is installed); a folder with no ``validate`` block must
  load and pass its self-tests.
* ``<!-- schema: exam|question|item [TYPE] -->`` and ``<!-- check: TYPE -->`` before a YAML
  block: a fragment, checked against the exam, question or item schema and the type's
  ``check:`` keys.

Every ``yaml`` block of these docs is marked, so none goes unchecked.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from grader.cli import main
from grader.engine import Grader
from grader.rubric.loader import load_rubric
from grader.rubric.schema import ExamSpec, ItemSpec, QuestionSpec
from grader.selftest import self_test
from grader.types import get_type

ROOT = Path(__file__).resolve().parents[1]
DOCS = [ROOT / "docs" / name for name in (
    "authoring.md", "types/numeric.md", "types/concepts.md", "types/matrix.md", "types/expression.md",
    "types/deep-learning.md", "variants.md", "types/grid.md", "types/working.md",
)]

_MARK = re.compile(r"^<!--\s*(example|answer|result|validate|schema|check):\s*(.*?)\s*-->\s*$")
_FENCE = re.compile(r"^(```+)\s*([\w-]*)\s*$")


@dataclass
class Doc:
    path: Path
    files: dict[str, dict[str, str]] = field(default_factory=dict)  # folder -> file -> text (in order)
    bases: dict[str, str] = field(default_factory=dict)  # folder -> the folder it starts as a copy of
    answers: dict[tuple[str, str], str] = field(default_factory=dict)
    results: dict[tuple[str, str], list[dict[str, str]]] = field(default_factory=dict)
    validate: dict[str, str] = field(default_factory=dict)
    fragments: list[tuple[str, str, int]] = field(default_factory=list)  # (what, yaml, line)
    unmarked_yaml: list[int] = field(default_factory=list)

    @property
    def name(self) -> str:
        return self.path.relative_to(ROOT / "docs").as_posix()

    def folder(self, name: str) -> dict[str, str]:
        """The files of example folder ``name``: its base's, then its own."""
        own = self.files.get(name, {})
        base = self.bases.get(name)
        return {**(self.folder(base) if base else {}), **own}

    def folders(self) -> list[str]:
        return list(self.files)


def _fenced(lines: list[str], start: int) -> tuple[str, str, int]:
    """(info string, content, index after the block) of the fence opening at ``lines[start]``."""
    opening = _FENCE.match(lines[start])
    assert opening, f"line {start + 1}: a marked block must be a fenced block"
    fence, info = opening.group(1), opening.group(2)
    end = start + 1
    while end < len(lines) and lines[end].strip() != fence:
        end += 1
    assert end < len(lines), f"line {start + 1}: unclosed fence"
    return info, "\n".join(lines[start + 1:end]) + "\n", end + 1


def _cells(line: str) -> list[str]:
    cells = re.split(r"(?<!\\)\|", line.strip().strip("|"))
    out = []
    for cell in cells:
        cell = cell.strip().replace("\\|", "|")
        cell = re.sub(r"^\*\*(.*)\*\*$", r"\1", cell)
        if len(cell) >= 2 and cell.startswith("`") and cell.endswith("`"):
            cell = cell[1:-1]
        out.append(cell)
    return out


def _table(lines: list[str], start: int) -> tuple[list[dict[str, str]], int]:
    assert lines[start].startswith("|"), f"line {start + 1}: a result must be a Markdown table"
    end = start
    while end < len(lines) and lines[end].startswith("|"):
        end += 1
    header = [c.lower() for c in _cells(lines[start])]
    rows = [dict(zip(header, _cells(line))) for line in lines[start + 2:end]]
    return rows, end


def parse(path: Path) -> Doc:
    doc = Doc(path)
    lines = path.read_text(encoding="utf-8").splitlines()
    i = 0
    while i < len(lines):
        mark = _MARK.match(lines[i].strip())
        fence = _FENCE.match(lines[i])
        if fence and not mark:
            info, _, after = _fenced(lines, i)
            if info == "yaml":
                doc.unmarked_yaml.append(i + 1)
            i = after
            continue
        if not mark:
            i += 1
            continue
        kind, arg = mark.groups()
        j = i + 1
        while j < len(lines) and not lines[j].strip():
            j += 1
        if kind == "result":
            folder, name = arg.split("/", 1)
            doc.results[(folder, name)], i = _table(lines, j)
            continue
        info, text, i = _fenced(lines, j)
        if kind == "example":
            found = re.fullmatch(r"([\w-]+)/([\w.-]+)(?:\s+\(from\s+([\w-]+)\))?", arg)
            assert found, f"{path.name}:{j}: bad example mark {arg!r}"
            folder, file, base = found.groups()
            assert file not in doc.files.get(folder, {}), f"{path.name}:{j}: {folder}/{file} twice"
            doc.files.setdefault(folder, {})[file] = text
            if base:
                assert base in doc.files, f"{path.name}:{j}: {base} is not an example above"
                doc.bases[folder] = base
        elif kind == "answer":
            folder, name = arg.split("/", 1)
            doc.answers[(folder, name)] = text
        elif kind == "validate":
            doc.validate[arg] = text
        else:
            doc.fragments.append((f"{kind} {arg}", text, j + 1))
    return doc


PARSED = [parse(path) for path in DOCS]


def _write(doc: Doc, folder: str, where: Path) -> Path:
    files = doc.folder(folder)
    target = where / folder
    target.mkdir(parents=True, exist_ok=True)
    for name, text in files.items():
        (target / name).write_text(text, encoding="utf-8")
    if "exam.yaml" not in files:
        questions = [yaml.safe_load(text) for name, text in files.items() if name.endswith(".yaml")]
        exam = {"id": folder, "title": f"{folder} (an example of {doc.name})",
                "total": sum(q["points"] for q in questions), "questions": [q["id"] for q in questions]}
        (target / "exam.yaml").write_text(yaml.safe_dump(exam, allow_unicode=True), encoding="utf-8")
    return target


def _cases(what: str) -> list:
    cases = []
    for doc in PARSED:
        if what == "folders":
            cases += [pytest.param(doc, f, id=f"{doc.name}:{f}") for f in doc.folders() if f not in doc.validate]
        elif what == "validate":
            cases += [pytest.param(doc, f, id=f"{doc.name}:{f}") for f in doc.validate]
        elif what == "results":
            cases += [pytest.param(doc, k, id=f"{doc.name}:{k[0]}/{k[1]}") for k in doc.results]
        elif what == "fragments":
            cases += [pytest.param(doc, frag, id=f"{doc.name}:{frag[2]}") for frag in doc.fragments]
    return cases


@pytest.mark.parametrize("doc", [pytest.param(d, id=d.name) for d in PARSED])
def test_every_page_has_checked_examples(doc):
    assert doc.files, "no example rubric"
    assert doc.results, "no worked example (an answer and its result)"
    assert set(doc.results) == set(doc.answers), "every answer has a result, every result an answer"
    assert not doc.unmarked_yaml, f"yaml blocks without a mark at lines {doc.unmarked_yaml}"


@pytest.mark.parametrize("doc, folder", _cases("folders"))
def test_example_rubric_loads_and_passes_its_self_tests(doc, folder, tmp_path):
    rubric = load_rubric(_write(doc, folder, tmp_path))
    failures = self_test(rubric)
    assert [f"{f.file}:{f.line}: {f.message()}" for f in failures] == []


@pytest.mark.parametrize("doc, folder", _cases("validate"))
def test_validate_prints_what_the_docs_show(doc, folder, tmp_path, monkeypatch):
    _write(doc, folder, tmp_path)
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(main, ["validate", folder], catch_exceptions=False)
    shown = doc.validate[folder].splitlines()
    printed = result.output.splitlines()
    assert len(printed) == len(shown), result.output
    for line, expected in zip(printed, shown):  # "…" in the docs stands for any text (a list of types)
        assert re.fullmatch(".*".join(map(re.escape, expected.split("…"))), line), (line, expected)
    assert result.exit_code == (0 if result.output.rstrip().endswith("self-tests pass)") else 2)


_SCORE = re.compile(r"^([-−]?\d+(?:\.\d+)?)(?:\s*/\s*(\d+(?:\.\d+)?))?(?:\s*\(deduction\))?$")


def _score(text: str) -> tuple[float, float | None]:
    found = _SCORE.match(text.strip())
    assert found, f"score {text!r} is not 'x / y' or 'x (deduction)'"
    score = float(found.group(1).replace("−", "-"))
    maximum = float(found.group(2)) if found.group(2) else (0.0 if "deduction" in text else None)
    return score, maximum


@pytest.mark.parametrize("doc, key", _cases("results"))
def test_worked_example_grades_as_the_docs_say(doc, key, tmp_path):
    folder, name = key
    rubric = load_rubric(_write(doc, folder, tmp_path))
    result = Grader(rubric).grade_text(doc.answers[key], sid=name)
    assert result.status == "graded", result.error
    rows = doc.results[key]
    totals = [r for r in rows if (r.get("question") or r.get("item")) == "total"]
    assert len(totals) == 1, "one total row"
    assert (result.score, result.max) == _score(totals[0]["score"])
    listed = set()
    for row in rows:
        if row is totals[0]:
            continue
        matches = [(q, i) for q in result.questions for i in q.items
                   if i.id == row["item"] and row.get("question", q.id) == q.id]
        assert len(matches) == 1, f"item {row['item']!r}: not one item of the rubric"
        question, item = matches[0]
        listed.add((question.id, item.id))
        where = f"{question.id}.{item.id}"
        score, maximum = _score(row["score"])
        assert item.score == pytest.approx(score, abs=1e-4), where
        if maximum is not None:
            assert item.max == maximum, where
        assert item.outcome.value == row["outcome"].split()[0], where
        if "found" in row:
            assert item.found == row["found"], where
        if "feedback" in row:
            assert item.feedback == row["feedback"], where
        if "flags" in row:
            codes = {n.code for n in question.flags if n.item in (None, item.id)}
            expected = {c.strip() for c in row["flags"].split(",") if c.strip()}
            assert codes == expected, where
    assert listed == {(q.id, i.id) for q in result.questions for i in q.items}, "every item is listed"


@pytest.mark.parametrize("doc, fragment", _cases("fragments"))
def test_fragment_follows_the_schema(doc, fragment):
    what, text, _ = fragment
    kind, *rest = what.split()
    data = yaml.safe_load(text)
    if kind == "schema" and rest[0] == "exam":
        ExamSpec.model_validate(data)
        return
    if kind == "check":
        check = data.get("check", data) if isinstance(data, dict) else data
        get_type(rest[0]).Params.model_validate(check)
        return
    if rest[0] == "question":
        spec = QuestionSpec.model_validate(data)
        items = [(item, item.type or spec.type) for item in spec.items]
    else:
        item = ItemSpec.model_validate(data)
        items = [(item, item.type or rest[1])]
    for item, type_name in items:
        get_type(type_name).Params.model_validate(item.check)
