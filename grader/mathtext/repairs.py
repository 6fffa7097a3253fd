"""Formula repairs that domain packs provide, applied by generic types on request.

The reader knows no exam's vocabulary, so an OCR repair that does (one that knows the
names a field's formulas use) is registered by its domain pack when the pack is imported::

    register_repair("my-field", repair)   # repair(statement) -> (statement, names)

``apply_repairs(statement)`` loads the installed packs (``grader.packs``) and applies
every registered repair in registration order, returning the repaired statement and
the names of the repairs that fired (for the ``ocr-repaired`` flag). Each repair must
fire only where the damaged reading makes no sense and exactly one reading does.
"""

from __future__ import annotations

from typing import Callable

from grader.mathtext.trees import Statement

Repair = Callable[[Statement], "tuple[Statement, list[str]]"]
_REPAIRS: dict[str, Repair] = {}
_SAID: dict[str, str] = {}  # a repair's name -> what it did, in words a student reads


def describe_repair(name: str, said: str) -> None:
    """What the repair named ``name`` does, in plain words, for the pages ("κ read as the index k")."""
    _SAID[name] = said


def repair_in_words(name: str) -> str:
    """The plain words of a repair a pack described; other names (already words: "0 read as θ") as they are."""
    return _SAID.get(name, name)


def register_repair(name: str, repair: Repair) -> None:
    """Make ``repair`` one of the repairs ``apply_repairs`` applies (a second registration replaces the first)."""
    _REPAIRS[name] = repair


def registered() -> list[str]:
    from grader.packs import load_packs  # here, not at import: packs import the reader

    load_packs()
    return list(_REPAIRS)


def apply_repairs(statement: Statement) -> tuple[Statement, list[str]]:
    """Every registered repair, in order: the repaired statement and the names of the repairs applied."""
    names: list[str] = []
    for name in registered():
        statement, applied = _REPAIRS[name](statement)
        names.extend(applied)
    return statement, names
