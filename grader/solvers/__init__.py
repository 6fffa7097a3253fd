"""Reference solvers: pure functions from a question's parameters to reference values.

A solver is registered under the name a rubric uses (``solver: ranked_retrieval``)
together with a pydantic model of its parameters, so that unknown or mistyped
parameters are rubric errors with a file and line.  Every solver returns a flat
mapping of reference names to values; rubric items name the values they grade
against (``reference: ap_11pt``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable, Mapping

from pydantic import BaseModel

SolverFn = Callable[[BaseModel], Mapping[str, Any]]


@dataclass(frozen=True)
class Solver:
    name: str
    params: type[BaseModel]
    fn: SolverFn
    doc: str


_REGISTRY: dict[str, Solver] = {}

# Every bundled solver belongs to a domain pack (grader.packs), which registers it on import.


def solver(name: str, params: type[BaseModel]) -> Callable[[SolverFn], SolverFn]:
    """Register ``fn`` as the solver called ``name`` taking ``params``."""

    def register(fn: SolverFn) -> SolverFn:
        if name in _REGISTRY:
            raise ValueError(f"solver {name!r} registered twice")
        _REGISTRY[name] = Solver(name, params, fn, (fn.__doc__ or "").strip())
        return fn

    return register


def _load_all() -> None:
    from grader.packs import load_packs

    load_packs()


def get_solver(name: str) -> Solver:
    _load_all()
    return _REGISTRY[name]


def solver_names() -> list[str]:
    _load_all()
    return sorted(_REGISTRY)
