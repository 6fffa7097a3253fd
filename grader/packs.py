"""Domain packs: what only one field needs, found through Python entry points.

A pack is a module named by an entry point of the group ``exam_grader.packs``; importing
it registers its question types (``grader.types.base.register``) and solvers
(``grader.solvers.solver``). The bundled deep-learning pack is declared in this
project's pyproject.toml exactly as a department's own pack would be in theirs::

    [project.entry-points."exam_grader.packs"]
    deep_learning = "grader.domains.deep_learning"

A pack that fails to import is an error that names it, never silently left out: a
rubric that needs it would otherwise fail later with a misleading "unknown type".
"""

from __future__ import annotations

from importlib import import_module
from importlib.metadata import entry_points

from grader.errors import GraderError

GROUP = "exam_grader.packs"
_loaded: list[str] | None = None  # the packs imported, once imported


class PackError(GraderError):
    """A domain pack could not be loaded."""


def pack_names() -> list[str]:
    return sorted({ep.name for ep in entry_points(group=GROUP)})


def load_packs() -> list[str]:
    """Import every installed pack once (in name order); return their names."""
    global _loaded
    if _loaded is not None:
        return list(_loaded)
    names = []
    for ep in sorted(entry_points(group=GROUP), key=lambda ep: (ep.name, ep.value)):
        try:
            import_module(ep.value)
        except Exception as exc:  # whatever a third-party pack raises, the TA must see which pack it was
            raise PackError(f"domain pack {ep.name!r} ({ep.value}) could not be loaded: {type(exc).__name__}: {exc}") from exc
        names.append(ep.name)
    _loaded = names
    return list(names)
