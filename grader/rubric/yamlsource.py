"""YAML with line numbers: load a file into plain Python data plus a map from key
paths to the line they were written on, so schema errors can say ``FILE:LINE: key``.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

Path_ = tuple[Any, ...]


@dataclass(frozen=True)
class Located:
    """A YAML document's data and the 1-based line of every key path in it."""

    file: str
    data: Any
    lines: dict[Path_, int]

    def line_of(self, path: Path_) -> int:
        """The line of the deepest prefix of ``path`` that was written in the file."""
        for end in range(len(path), -1, -1):
            line = self.lines.get(tuple(path[:end]))
            if line is not None:
                return line
        return 1


class YamlSyntaxError(Exception):
    def __init__(self, line: int, message: str):
        self.line = line
        super().__init__(message)


def _build(loader: yaml.SafeLoader, node: yaml.Node, path: Path_, lines: dict[Path_, int]) -> Any:
    lines.setdefault(path, node.start_mark.line + 1)
    if isinstance(node, yaml.MappingNode):
        out: dict[Any, Any] = {}
        for key_node, value_node in node.value:
            key = _build(loader, key_node, path + ("<key>",), {})
            if not isinstance(key, (str, int, float, bool)) or key is None:
                raise YamlSyntaxError(key_node.start_mark.line + 1, "keys must be plain scalars")
            if key in out:
                raise YamlSyntaxError(key_node.start_mark.line + 1, f"{key}: duplicate key")
            lines[path + (key,)] = key_node.start_mark.line + 1
            out[key] = _build(loader, value_node, path + (key,), lines)
        return out
    if isinstance(node, yaml.SequenceNode):
        return [_build(loader, child, path + (i,), lines) for i, child in enumerate(node.value)]
    # Scalars: the safe constructor decides the type (int, float, bool, str, null).
    return loader.construct_object(node, deep=True)


def load_located(path: Path) -> Located:
    """Parse ``path`` safely (no Python tags) keeping the line of every key."""
    text = path.read_text(encoding="utf-8")
    loader = yaml.SafeLoader(text)
    try:
        node = loader.get_single_node()
        if node is None:
            raise YamlSyntaxError(1, "the file is empty")
        lines: dict[Path_, int] = {}
        data = _build(loader, node, (), lines)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        raise YamlSyntaxError(mark.line + 1 if mark else 1, f"YAML syntax: {exc.problem or exc}") from None
    finally:
        loader.dispose()
    return Located(str(path), data, lines)
