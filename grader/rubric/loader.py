"""Load a rubric folder: validate every file, solve every reference, check every item.

Everything wrong is collected and raised at once as ``RubricError`` with
``FILE:LINE: key: message`` entries, so a TA fixes a rubric in one pass.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any, Mapping

from jinja2 import TemplateError
from pydantic import BaseModel, ValidationError

from grader.errors import RubricError, SolverError
from grader.feedback import CONTEXT_KEYS, render_feedback, template_problems, template_variables
from grader.model import ItemInfo, Outcome, QuestionInfo, RubricInfo
from grader.rubric.schema import ExamSpec, ItemSpec, QuestionSpec
from grader.rubric.yamlsource import Located, YamlSyntaxError, load_located
from grader.solvers import get_solver, solver_names
from grader.types import canonical_type, get_type, type_names
from grader.types.base import CheckParams, QuestionType

Problem = tuple[str, int, str]


@dataclass(frozen=True)
class Item:
    spec: ItemSpec
    qtype: QuestionType
    params: CheckParams
    line: int = 1  # where the item starts in its file, for messages about it
    feedback_line: int = 1  # where its feedback is written

    @property
    def id(self) -> str:
        return self.spec.id


@dataclass(frozen=True)
class Question:
    spec: QuestionSpec
    items: tuple[Item, ...]
    refs: Mapping[str, Any]
    file: str

    @property
    def id(self) -> str:
        return self.spec.id


@dataclass(frozen=True)
class Rubric:
    exam: ExamSpec
    questions: tuple[Question, ...]
    folder: str
    sha256: str

    @property
    def total(self) -> float:
        return self.exam.total

    @cached_property
    def info(self) -> RubricInfo:
        """What the reports need of this rubric (stored in results.json)."""
        return RubricInfo(self.exam.id, self.exam.title, self.exam.total, tuple(
            QuestionInfo(
                q.id, q.spec.title, q.spec.points,
                tuple(ItemInfo(i.id, i.spec.points, i.spec.description, i.spec.hidden) for i in q.items),
                reference_text(q.spec.reference_text, q.refs), q.spec.show_references_to_students,
            )
            for q in self.questions
        ))


def reference_text(source: str | None, refs: Mapping[str, Any]) -> str | None:
    """A question's model answer: the author's template filled with the computed references."""
    if not source:
        return None
    try:
        return render_feedback(source, Outcome.CORRECT, {"refs": refs})
    except TemplateError as exc:
        return f"(the reference text could not be rendered: {exc})"


def _key(loc: tuple[Any, ...]) -> str:
    return ".".join(str(part) for part in loc) or "(top)"


def _pydantic_problems(err: ValidationError, src: Located, prefix: tuple[Any, ...] = ()) -> list[Problem]:
    problems = []
    for e in err.errors():
        loc = prefix + tuple(part for part in e["loc"])
        if e["type"] == "extra_forbidden":
            message = "unknown key"
        elif e["type"] == "missing":
            message = "required key is missing"
        else:
            message = e["msg"].removeprefix("Value error, ")
        named = re.match(r"^([a-z_]+): ", message)
        if named and not e["loc"]:
            # A whole-model check names the key it is about: point at that key's line.
            key = prefix + (named.group(1),)
            problems.append((src.file, src.line_of(key), f"{_key(prefix) + '.' if prefix else ''}{message}"))
            continue
        problems.append((src.file, src.line_of(loc), f"{_key(loc)}: {message}"))
    return problems


def _validate(model: type[BaseModel], data: Any, src: Located, prefix=()) -> tuple[Any, list[Problem]]:
    try:
        return model.model_validate(data), []
    except ValidationError as err:
        return None, _pydantic_problems(err, src, prefix)


def _load(path: Path, problems: list[Problem]) -> Located | None:
    if not path.is_file():
        problems.append((str(path), 1, "file not found"))
        return None
    try:
        return load_located(path)
    except YamlSyntaxError as exc:
        problems.append((str(path), exc.line, str(exc)))
    except UnicodeDecodeError:
        problems.append((str(path), 1, "not UTF-8 text"))
    return None


def _run_solver(spec: QuestionSpec, src: Located, problems: list[Problem]) -> Mapping[str, Any] | None:
    """The solver's references ({} without a solver); None when the solver could not run."""
    if spec.solver is None:
        return {}
    if spec.solver not in solver_names():
        problems.append((src.file, src.line_of(("solver",)), f"solver: unknown solver {spec.solver!r}; known: {', '.join(solver_names())}"))
        return None
    solver = get_solver(spec.solver)
    params, errs = _validate(solver.params, spec.params, src, ("params",))
    problems.extend(errs)
    if params is None:
        return None
    try:
        return dict(solver.fn(params))
    except SolverError as exc:
        problems.append((src.file, src.line_of(("params",)), f"params: {exc}"))
        return None


def _solve(spec: QuestionSpec, src: Located, problems: list[Problem]) -> Mapping[str, Any]:
    """The question's references: its solver's, then its ``given:`` and ``compute:`` names."""
    refs = _run_solver(spec, src, problems)
    if refs is None:
        return {}  # the solver's problem is reported; formulas over its references would only add noise
    if not spec.given and not spec.compute:
        return refs
    from grader.references import compute_references  # imported only by rubrics that compute

    computed, found = compute_references(spec.given, spec.compute, refs)
    problems.extend((src.file, src.line_of(path), message) for path, message in found)
    return computed


# List options whose exam default and item entries add up (an exam's declared opposites and an item's).
_LISTS_THAT_ADD_UP = frozenset({"contrasts"})


def _merged(key: str, default: Any, value: Any) -> Any:
    """An item's check option over the exam default's: a mapping (define:, aliases:) merges, the
    item's entries winning; the exam's and the item's `contrasts` add up; any other value replaces
    the default."""
    if isinstance(value, dict) and isinstance(default, dict):
        return {**default, **value}
    if key in _LISTS_THAT_ADD_UP and isinstance(value, list) and isinstance(default, list):
        return default + [v for v in value if v not in default]
    return value


def recompute_references(question: Question, overrides: Mapping[str, Any]) -> Mapping[str, Any] | None:
    """The question's references with some given or computed names fixed to other values (a
    student's own earlier answers, for error carried forward); None if they cannot be computed
    from those values (the student's value makes a formula undefined, say)."""
    from grader.references import compute_references
    from grader.references.values import exact

    refs = question.refs
    given, computed = getattr(refs, "given", {}), getattr(refs, "computed", {})
    solver_refs = {name: value for name, value in refs.items() if name not in given and name not in computed}
    try:
        fixed = {name: value if getattr(value, "is_Matrix", False) else exact(value) for name, value in overrides.items()}
    except Exception:  # noqa: BLE001 — a value that is no number cannot be carried into a formula
        return None
    recomputed, problems = compute_references(question.spec.given, question.spec.compute, solver_refs, overrides=fixed)
    return None if problems else recomputed


def _carry_forward_problems(spec: QuestionSpec, items: list[Item], src: Located) -> list[Problem]:
    """Carry-forward names must be the question's given or computed names, and the items they
    come from must be of a type that reads a value."""
    problems = []
    types = {item.id: item.qtype for item in items}
    for index, item in enumerate(spec.items):
        for name, source in item.carry_forward.items():
            if source in types and not types[source].gives_value:
                problems.append((src.file, src.line_of(("items", index, "carry_forward")),
                                 f"items.{index}.carry_forward: {source!r} is a {types[source].name} item, which gives no "
                                 f"value to carry forward (numeric and matrix items do)"))
            if name not in spec.given and name not in spec.compute:
                problems.append((src.file, src.line_of(("items", index, "carry_forward")),
                                 f"items.{index}.carry_forward: {name!r} is not a given or computed reference of this question"))
    return problems


def _items(spec: QuestionSpec, exam: ExamSpec, refs: Mapping[str, Any], src: Located, problems: list[Problem]) -> list[Item]:
    items = []
    for index, item in enumerate(spec.items):
        where = ("items", index)
        type_name = item.type or spec.type
        if canonical_type(type_name) is None:
            key = where + ("type",) if item.type else ("type",)
            problems.append((src.file, src.line_of(key), f"{_key(key)}: unknown question type {type_name!r}; known: {', '.join(type_names())}"))
            continue
        qtype = get_type(type_name)
        defaults = {key: value for name, options in exam.defaults.items() if canonical_type(name) == qtype.name
                    for key, value in options.items()}
        check = {**defaults, **{key: _merged(key, defaults.get(key), value) for key, value in item.check.items()}}
        params, errs = _validate(qtype.Params, check, src, where + ("check",))
        problems.extend(errs)
        if params is None:
            continue
        for message in qtype.check_params(params, refs):
            problems.append((src.file, src.line_of(where + ("check",)), f"{_key(where + ('check',))}: {message}"))
        for message in template_problems(item.feedback):
            problems.append((src.file, src.line_of(where + ("feedback",)), f"{_key(where)}.{message}"))
        unknown = sorted(template_variables(item.feedback) - set(CONTEXT_KEYS))
        if unknown:  # a misspelt variable: caught here, before any sheet is graded with it
            problems.append((src.file, src.line_of(where + ("feedback",)), f"{_key(where)}.feedback: unknown variable "
                             f"{', '.join(map(repr, unknown))}; templates can use {', '.join(CONTEXT_KEYS)}"))
        items.append(Item(item, qtype, params, src.line_of(where), src.line_of(where + ("feedback",))))
    return items


def load_rubric(folder: str | Path) -> Rubric:
    """Load and check the rubric in ``folder``; raise RubricError listing every problem."""
    folder = Path(folder)
    problems: list[Problem] = []
    exam_src = _load(folder / "exam.yaml", problems)
    if exam_src is None:
        raise RubricError(problems)
    exam, errs = _validate(ExamSpec, exam_src.data, exam_src)
    if exam is None:
        raise RubricError(errs)
    for type_name in exam.defaults:
        if canonical_type(type_name) is None:
            problems.append((exam_src.file, exam_src.line_of(("defaults", type_name)), f"defaults.{type_name}: unknown question type"))
    digest = hashlib.sha256((folder / "exam.yaml").read_bytes())
    questions = []
    for qid in exam.questions:
        path = folder / f"{qid}.yaml"
        src = _load(path, problems)
        if src is None:
            continue
        digest.update(path.read_bytes())
        spec, errs = _validate(QuestionSpec, src.data, src)
        problems.extend(errs)
        if spec is None:
            continue
        if spec.id != qid:
            problems.append((src.file, src.line_of(("id",)), f"id: {spec.id!r} does not match the file name {qid!r}"))
        refs = _solve(spec, src, problems)
        items = _items(spec, exam, refs, src, problems)
        problems.extend(_carry_forward_problems(spec, items, src))
        questions.append(Question(spec, tuple(items), refs, src.file))
    total = sum(q.spec.points for q in questions)
    if not problems and abs(total - exam.total) > 1e-9:
        problems.append((exam_src.file, exam_src.line_of(("total",)), f"total: questions add up to {total:g}, not {exam.total:g}"))
    if problems:
        raise RubricError(problems)
    return Rubric(exam, tuple(questions), str(folder), digest.hexdigest())
