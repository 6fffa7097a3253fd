"""A question's references from its ``given:`` values and ``compute:`` formulas, in order.

``compute_references(given, compute, solver_refs)`` returns ``(refs, problems)``:
``refs`` is a ``References`` dict — the solver's references unchanged, plus every
given and computed name as a value items take (``values.to_reference``) — and
``problems`` lists ``(key path, message)`` for everything wrong, e.g.
``(("compute", "posterior"), "compute.posterior: column 12: unknown name ...")``,
which the rubric loader places at that key's line.

Rules: names are identifiers, not a constant or keyword of the language (``e``,
``pi``, ``oo``, ``and`` ...), and not a solver reference. A given value may use the
given values above it; a computed one the given values, the solver's references
and the computed values above it — a name computed later, or a cycle, is an error
naming both. An entry that fails is reported once: entries that use it are skipped
silently rather than reported again as "unknown name".

Each formula runs under ``grader.limits.run_limited`` with ``FORMULA_SECONDS`` (and
the question as a whole within ``QUESTION_SECONDS``), so a heavy integrate or solve
is a clear rubric error instead of a hang.
"""

from __future__ import annotations

import re
import time
from typing import Any, Iterator, Mapping

from grader.errors import BudgetExceeded
from grader.limits import run_limited
from grader.references.errors import FormulaError
from grader.references.evaluate import CONSTANTS, KEYWORDS, Evaluator
from grader.references.given import GivenError, read_given
from grader.references.formula import free_names
from grader.references.reader import Node, read_formula
from grader.references.values import exact, from_python, show, to_reference

FORMULA_SECONDS = 10.0
QUESTION_SECONDS = 60.0
MAX_ENTRIES = 200

_IDENTIFIER = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
_RESERVED = {**{name: "a constant of the language" for name in CONSTANTS}, **{word: "a keyword of the language" for word in KEYWORDS}}

Problem = tuple[tuple[Any, ...], str]


class References(dict):
    """The references items receive (name → value), remembering the values of ours behind
    the given and computed ones for ``grader validate`` to print."""

    given: dict[str, Any]
    computed: dict[str, Any]

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.given, self.computed = {}, {}


class _Names(Mapping[str, Any]):
    """What a formula can see: values of ours, then the solver's references, converted on first use."""

    def __init__(self, values: dict[str, Any], solver_refs: Mapping[str, Any]):
        self.values, self.solver_refs, self.converted = values, solver_refs, {}

    def __getitem__(self, name: str) -> Any:
        if name in self.values:
            return self.values[name]
        if name not in self.converted:
            self.converted[name] = from_python(self.solver_refs[name], f"the solver's reference {name!r}")
        return self.converted[name]

    def __contains__(self, name: object) -> bool:
        return name in self.values or name in self.solver_refs  # without converting anything

    def __iter__(self) -> Iterator[str]:
        yield from self.values
        yield from (name for name in self.solver_refs if name not in self.values)

    def __len__(self) -> int:
        return len(set(self.values) | set(self.solver_refs))


class _Clock:
    """Each formula's time limit, within what is left of the question's."""

    def __init__(self, seconds: float, total: float):
        self.seconds, self.total, self.deadline = seconds, total, time.monotonic() + total

    def run(self, fn, *args: Any) -> Any:
        left = min(self.seconds, self.deadline - time.monotonic())
        if left <= 0:
            raise FormulaError(f"not computed: this question's references already took {self.total:g} s in all")
        started = time.monotonic()
        try:
            result = run_limited(fn, *args, seconds=left)
        except BudgetExceeded:
            raise self._too_long(left) from None
        except FormulaError:
            if time.monotonic() - started > left:
                raise self._too_long(left) from None
            raise
        # The alarm is an exception, and sympy catches every exception in places (heuristic
        # integration): the work may then finish, or fail, after its time. Over time is over
        # time, whatever came of it, so the outcome does not depend on where the alarm fell.
        if time.monotonic() - started > left:
            raise self._too_long(left)
        return result

    @staticmethod
    def _too_long(left: float) -> FormulaError:
        return FormulaError(f"took longer than {left:.2g} s to compute (a heavy integrate, solve, limit or simplify?); "
                            "simplify the formula or split it into steps")


def _evaluate(tree: Node, names: Mapping[str, Any]) -> Any:
    return Evaluator(names).value(tree)


class _UsesFailed(Exception):
    """A formula uses an entry whose problem is already reported: skip it without a second report."""


def _name_problem(section: str, name: Any, solver_refs: Mapping[str, Any]) -> str | None:
    if not isinstance(name, str) or not _IDENTIFIER.match(name):
        return f"{section}.{name}: a name is letters, digits and _ (not starting with a digit)"
    if name in _RESERVED:
        return f"{section}.{name}: {name!r} is {_RESERVED[name]}; choose another name"
    if name in solver_refs:
        return f"{section}.{name}: {name!r} is already a reference of the question's solver"
    return None


def _used(tree: Node) -> set[str]:
    return set(free_names(tree))  # not the index of a sum inside it, nor a limit's direction


def _cycle(start: str, target: str, uses: Mapping[str, set[str]]) -> list[str] | None:
    """A path of 'uses' from ``start`` back to ``target``, if there is one."""
    stack, seen = [(start, [start])], set()
    while stack:
        name, path = stack.pop()
        if name == target:
            return path
        if name in seen:
            continue
        seen.add(name)
        stack.extend((used, path + [used]) for used in sorted(uses.get(name, ())))
    return None


def _order_problem(name: str, order: list[str], uses: Mapping[str, set[str]]) -> str | None:
    position = order.index(name)
    for used in sorted(uses[name]):
        if used == name:
            return f"compute.{name}: uses itself"
        if used in order and order.index(used) > position:
            path = _cycle(used, name, uses)
            if path:
                chain = ", ".join(f"{a} uses {b}" for a, b in zip([name] + path, path))
                return f"compute.{name}: {name} and {used} depend on each other ({chain})"
            return f"compute.{name}: uses {used}, which is computed later; move compute.{used} above compute.{name}"
    return None


def compute_references(given: Mapping[str, Any], compute: Mapping[str, Any], solver_refs: Mapping[str, Any] | None = None,
                       *, seconds: float = FORMULA_SECONDS, total_seconds: float = QUESTION_SECONDS,
                       overrides: Mapping[str, Any] | None = None) -> tuple[References, list[Problem]]:
    """Evaluate ``given`` then ``compute`` in order; see the module docstring.

    ``overrides`` fixes some given or computed names to values of ours (a student's own
    intermediate result, for error carried forward): their entries are not evaluated,
    and every entry after them is computed from the fixed value."""
    overrides = dict(overrides or {})
    solver_refs = dict(solver_refs or {})
    problems: list[Problem] = []
    values: dict[str, Any] = {}
    names = _Names(values, solver_refs)
    clock = _Clock(seconds, total_seconds)
    refs = References(solver_refs)
    if len(given) + len(compute) > MAX_ENTRIES:
        return refs, [((), f"given and compute hold {len(given) + len(compute)} entries; at most {MAX_ENTRIES}")]

    failed: set[str] = set()

    def given_formula(text: str) -> Any:
        tree = read_formula(text)
        if _used(tree) & failed:
            raise _UsesFailed()
        return clock.run(_evaluate, tree, names)

    symbol_owner: dict[str, str] = {}
    for name, raw in given.items():
        problem = _name_problem("given", name, solver_refs)
        if problem:
            problems.append((("given", name), problem))
            failed.add(name)
            continue
        try:
            value = overrides[name] if name in overrides else read_given(name, raw, given_formula)
        except _UsesFailed:
            failed.add(name)
            continue
        except GivenError as exc:
            problems.append((("given", name) + exc.path, f"given.{'.'.join(str(p) for p in (name,) + exc.path)}: {exc.message}"))
            failed.add(name)
            continue
        except FormulaError as exc:
            problems.append((("given", name), f"given.{name}: {exc}"))
            failed.add(name)
            continue
        if getattr(value, "is_Symbol", False):
            if value.name in symbol_owner:
                problems.append((("given", name), f"given.{name}: the symbol {value.name!r} is already given.{symbol_owner[value.name]}"))
                failed.add(name)
                continue
            symbol_owner[value.name] = name
        values[name] = refs.given[name] = value

    trees: dict[str, Node | None] = {}
    uses: dict[str, set[str]] = {}  # the compute names each formula uses (for the order)
    names_used: dict[str, set[str]] = {}  # every name it uses (to skip what uses a failed entry)
    order = list(compute)
    for name, raw in compute.items():
        problem = _name_problem("compute", name, solver_refs)
        if problem is None and name in given:
            problem = f"compute.{name}: {name!r} is already a given value"
        if problem is None and not isinstance(raw, (str, int, float, bool)):
            problem = f"compute.{name}: a formula is text (write lists and matrices as [1, 2] in the formula, or under given:)"
        if problem:
            problems.append((("compute", name), problem))
            failed.add(name)
            continue
        try:
            trees[name] = read_formula(raw) if isinstance(raw, str) else None
        except FormulaError as exc:
            problems.append((("compute", name), f"compute.{name}: {exc}"))
            failed.add(name)
            continue
        names_used[name] = _used(trees[name]) if trees[name] is not None else set()
        uses[name] = names_used[name] & set(compute)

    for name in order:
        if name in failed:
            continue
        problem = _order_problem(name, order, uses)
        if problem:
            problems.append((("compute", name), problem))
            failed.add(name)
            continue
        if names_used[name] & failed:
            failed.add(name)  # the entry it uses is already reported
            continue
        raw = compute[name]
        try:
            if name in overrides:
                value = overrides[name]
            else:
                value = clock.run(_evaluate, trees[name], names) if trees[name] is not None else _literal(raw)
        except FormulaError as exc:
            problems.append((("compute", name), f"compute.{name}: {exc}"))
            failed.add(name)
            continue
        values[name] = refs.computed[name] = value

    for name, value in values.items():
        refs[name] = to_reference(value)
    return refs, problems


def _literal(raw: Any) -> Any:
    """A compute entry written as a bare number or boolean rather than a formula."""
    if isinstance(raw, bool):
        return from_python(raw, "a value")
    return exact(raw)


def computed_lines(question_id: str, refs: Mapping[str, Any]) -> list[str]:
    """``q7: posterior = 19/217 ≈ 0.0875576`` for every computed reference of a question."""
    computed = getattr(refs, "computed", {})
    return [f"{question_id}: {name} = {show(value)}" for name, value in computed.items()]
