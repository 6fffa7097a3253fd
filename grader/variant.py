"""Practice variants of an exam: ``make_variant(rubric_folder, seed, out_dir)``.

A question's ``given:`` entries may declare values to draw (``{value: 2/100, choose:
[...]}``, ``{value: 5, range: [2, 9]}``, see ``grader.references.given``). A variant
draws each with ``random.Random`` seeded from the text ``seed/question/name``: the
same seed gives the same variant on every machine and Python version, and adding a
value to draw to one question does not change what is drawn for the others.

It writes, under ``out_dir``:

* ``rubric/``: ``exam.yaml`` and every question file, byte for byte, except that each
  value to draw is replaced in the text by the value drawn (the rest of the file,
  comments included, is kept; only comments inside a replaced block are lost). The
  loader recomputes every reference from them. Other files of the rubric folder
  (``questions.md``, marking notes) are not copied: they print the exam's numbers.
* ``questions.md``: the paper, every question's ``statement`` over the drawn values.
* ``model-answers.md``: every question's ``model_answer``, under its first marker;
  ``grader check out_dir/rubric out_dir/model-answers.md`` gives full marks (checked
  here before anything but the rubric is written).

A question that draws a value needs both templates (its numbers change, so the
exam's own paper and answers no longer fit it). A question that draws nothing may go
without: the paper then says it is as on the exam's paper, and without a model
answer it is left out of model-answers.md (``Variant.without_model_answer``).

The library raises (``RubricError``, ``VariantError``); it never prints or exits.
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from grader.errors import GraderError, RubricError
from grader.model_answers import SHEET_NAME, grade_model_answers, model_answer_sheet, render_templates
from grader.references.given import draw_given, random_paths
from grader.rubric.loader import Rubric, load_rubric
from grader.rubric.yamlsource import load_located

RUBRIC_DIR = "rubric"
PAPER_NAME = "questions.md"

Drawn = dict[str, dict[str, Any]]  # question id -> given name -> the plain YAML value drawn


class VariantError(GraderError):
    """No variant can be made: nothing to draw, a template missing, or an output folder that is the rubric."""


@dataclass(frozen=True)
class Variant:
    seed: int
    out_dir: Path
    drawn: Drawn
    files: tuple[Path, ...]  # every file written, in the order written
    without_model_answer: tuple[str, ...]  # questions left out of model-answers.md


def rng_for(seed: int, question_id: str, name: str) -> random.Random:
    # A str seed is hashed with SHA-512 by random.Random: stable across machines, unlike hash().
    return random.Random(f"exam-grader variant/{seed}/{question_id}/{name}")


def draw(rubric: Rubric, seed: int) -> Drawn:
    """The values variant ``seed`` draws, for every given entry that declares values to draw."""
    drawn: Drawn = {}
    for question in rubric.questions:
        for name, raw in question.spec.given.items():
            if random_paths(raw):
                drawn.setdefault(question.id, {})[name] = draw_given(raw, rng_for(seed, question.id, name))
    return drawn


def flow_yaml(value: Any) -> str:
    """``value`` as one line of YAML: ``3/100``, ``0.15``, ``[[1, 2], [3, 4]]``, ``'3'``."""
    return yaml.safe_dump([value], default_flow_style=True, width=2**31 - 1, allow_unicode=True).strip()[1:-1]


# ------------------------------------------------------------------ rewriting a question file


class _CannotEdit(Exception):
    """The text cannot be edited in place (an alias, an unusual layout): the file is re-dumped."""


def _entry(node: yaml.Node, key: Any) -> tuple[yaml.Node | None, yaml.Node]:
    """(the key's node, the value's node) of ``key`` in a mapping, or (None, item) in a list."""
    if isinstance(node, yaml.MappingNode):
        for key_node, value_node in node.value:
            if isinstance(key_node, yaml.ScalarNode) and key_node.value == key:
                return key_node, value_node
    if isinstance(node, yaml.SequenceNode) and isinstance(key, int) and key < len(node.value):
        return None, node.value[key]
    raise _CannotEdit(key)


def _content_end(node: yaml.Node) -> int:
    """Where a node's own text ends: a block collection's end mark lies past the comments and
    blank lines after it, so it ends where its last child does."""
    if isinstance(node, (yaml.MappingNode, yaml.SequenceNode)) and not node.flow_style and node.value:
        last = node.value[-1]
        return _content_end(last[1] if isinstance(node, yaml.MappingNode) else last)
    return node.end_mark.index


# After a key whose value is a block mapping: the colon, a comment perhaps, and the indentation.
_KEY_LINE = re.compile(r":[ \t]*(#[^\n]*)?\n[ \t]*")


def _edit(text: str, key: yaml.Node | None, node: yaml.Node, value: Any) -> tuple[int, int, str]:
    """(start, end, new text) that writes ``value`` where ``node`` (a spec) is written."""
    start, end = node.start_mark.index, _content_end(node)
    if not (isinstance(node, yaml.MappingNode) and not node.flow_style):
        return start, end, flow_yaml(value)
    line_end = text.find("\n", end)
    line_end = len(text) if line_end < 0 else line_end
    if text[end:line_end].strip().startswith("#"):
        end = line_end  # the comment on the spec's last line is about what is replaced
    after_key = _KEY_LINE.fullmatch(text, key.end_mark.index, start) if key is not None else None
    if after_key is None:
        return start, end, flow_yaml(value)  # the value stays on the spec's first line: valid YAML too
    comment = f"   {after_key.group(1)}" if after_key.group(1) else ""
    return key.end_mark.index, end, f": {flow_yaml(value)}{comment}"  # back on its key's line


def _edited(text: str, original: dict[str, Any], drawn: dict[str, Any]) -> str:
    root = yaml.compose(text, Loader=yaml.SafeLoader)
    _, given = _entry(root, "given")
    edits = []
    for name, value in drawn.items():
        for path in random_paths(original[name]):
            key, node = _entry(given, name)
            replacement = value
            for step in path:
                (key, node), replacement = _entry(node, step), replacement[step]
            edits.append(_edit(text, key, node, replacement))
    edits.sort()
    if any(a[1] > b[0] for a, b in zip(edits, edits[1:])):
        raise _CannotEdit("overlapping edits")
    for start, end, replacement in reversed(edits):
        text = text[:start] + replacement + text[end:]
    return text


def _typed(data: Any) -> Any:
    """Data compared with its types (YAML's 1, 1.0 and true are all == 1 in Python)."""
    if isinstance(data, dict):
        return tuple((key, _typed(value)) for key, value in data.items())
    if isinstance(data, list):
        return tuple(_typed(item) for item in data)
    return type(data).__name__, data


def rewrite_question(text: str, data: dict[str, Any], drawn: dict[str, Any]) -> str:
    """The question file ``text`` (whose data is ``data``) with the ``drawn`` given values in
    place of their specs; the whole file re-dumped (comments lost) only if that cannot be done."""
    expected = {**data, "given": {**data["given"], **drawn}}
    try:
        edited = _edited(text, data["given"], drawn)
        if _typed(yaml.safe_load(edited)) == _typed(expected):
            return edited
    except (_CannotEdit, yaml.YAMLError, KeyError, IndexError, TypeError):
        pass
    return ("# written whole by `grader variant`: the drawn values could not be put in place, so comments are lost\n"
            + yaml.safe_dump(expected, sort_keys=False, allow_unicode=True, width=100))


# ------------------------------------------------------------------ the variant


def _refuse_overwriting(folder: Path, out_dir: Path) -> None:
    rubric = folder.resolve()
    if rubric in (out_dir.resolve(), (out_dir / RUBRIC_DIR).resolve()):
        raise VariantError(f"{out_dir}: writing the variant there would overwrite the rubric {folder}; choose another output folder")


def _require_templates(rubric: Rubric, drawn: Drawn) -> None:
    missing = []
    for key in ("statement", "model_answer"):
        lacking = [q.id for q in rubric.questions if q.id in drawn and not getattr(q.spec, key)]
        if lacking:
            missing.append(f"{', '.join(lacking)} {'draws' if len(lacking) == 1 else 'draw'} given values but "
                           f"{'has' if len(lacking) == 1 else 'have'} no {key}")
    if missing:
        raise VariantError(f"cannot print a variant: {'; '.join(missing)}; the exam's own text would not match the "
                           "drawn values (see docs/variants.md)")


def _write(path: Path, content: str | bytes) -> Path:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")
    except OSError as exc:
        raise VariantError(f"cannot write {path}: {exc.strerror or exc}") from None
    return path


def _write_rubric(rubric: Rubric, drawn: Drawn, target: Path) -> list[Path]:
    folder = Path(rubric.folder)
    written = [_write(target / "exam.yaml", (folder / "exam.yaml").read_bytes())]
    for question in rubric.questions:
        source = Path(question.file)
        if question.id in drawn:
            located = load_located(source)
            content: str | bytes = rewrite_question(source.read_text(encoding="utf-8"), located.data, drawn[question.id])
        else:
            content = source.read_bytes()
        written.append(_write(target / source.name, content))
    return written


def _paper(rubric: Rubric, statements: dict[str, str], seed: int) -> str:
    parts = [f"# {rubric.exam.title}: practice variant {seed}"]
    for question in rubric.questions:
        spec = question.spec
        parts.append(f"## {spec.markers[0]} {spec.title} [{spec.points:g} points]")
        parts.append(statements.get(question.id)
                     or "_As on the exam's own paper: this question's values are the same in every variant._")
    return "\n\n".join(parts) + "\n"


def make_variant(rubric_folder: str | Path, seed: int, out_dir: str | Path) -> Variant:
    """Draw variant ``seed`` of the rubric in ``rubric_folder`` and write it under ``out_dir``
    (see the module docstring). Raises ``RubricError`` when the rubric does not load, or
    when the variant's own rubric does not (its problems then point at the files written
    under ``out_dir/rubric``, which show the values drawn), or when its templates fail or
    its model answers do not earn full marks; ``VariantError`` when there is nothing to draw,
    a question that draws lacks a template, or ``out_dir`` is the rubric's own folder."""
    folder, out_dir = Path(rubric_folder), Path(out_dir)
    _refuse_overwriting(folder, out_dir)
    original = load_rubric(folder)
    drawn = draw(original, seed)
    if not drawn:
        raise VariantError(f"{folder}: no given value declares values to draw (choose: or range:), so every variant "
                           "would be the exam itself (see docs/variants.md)")
    _require_templates(original, drawn)
    files = _write_rubric(original, drawn, out_dir / RUBRIC_DIR)
    variant = load_rubric(out_dir / RUBRIC_DIR)
    statements, problems = render_templates(variant, "statement")
    answers, answer_problems = render_templates(variant, "model_answer")
    problems = problems + answer_problems
    if not problems:  # grading answers whose templates failed would only repeat those problems
        problems = grade_model_answers(variant, answers)
    if problems:
        raise RubricError(problems)
    files.append(_write(out_dir / PAPER_NAME, _paper(variant, statements, seed)))
    files.append(_write(out_dir / SHEET_NAME, model_answer_sheet(variant, answers)))
    without = tuple(q.id for q in variant.questions if q.id not in answers)
    return Variant(seed, out_dir, drawn, tuple(files), without)
